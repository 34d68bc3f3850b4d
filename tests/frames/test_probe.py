"""probe_media and frame_index on real clips and generated files."""

from __future__ import annotations

from fractions import Fraction

import pytest

from otio_tools.errors import MediaError
from otio_tools.frames import frame_index, probe_media
from tests.conftest import shared_path

CASES = [
    ("pyscenedetect/issue-134-rotate.mp4", dict(rotation=-90, fps=Fraction(24000, 1001), display_size=(544, 1280))),
    ("moviepy/fire2.mp4", dict(rotation=-180, variable_rate=True)),
    ("pyscenedetect/issue-195-aspect-ratio.mp4", dict(pixel_aspect=Fraction(16, 11), display_size=(1024, 576), color_matrix="bt601")),
    ("pyscenedetect/goldeneye-vfr-drop3.mp4", dict(variable_rate=True, frame_count=160)),
    ("final-cut-pro-scene-detect/2997 fps.mp4", dict(fps=Fraction(30000, 1001), frame_count=900, start_timecode="00:00:00:00", color_matrix="bt709", color_range="limited")),
    ("otio-aaf-adapter/misc_speed_effects_aaf.mov", dict(fps=Fraction(24), start_timecode="01:00:00:00", pixel_aspect=Fraction(3, 4))),
    ("opencv-doc/tree.avi", dict(codec="cinepak", color_matrix="rgb", color_range="full", frame_count=68)),
    ("imageio-binaries/cockatoo.mp4", dict(pix_fmt="yuv444p", bit_depth=8, color_matrix="bt709")),
    ("opencv-doc/Megamind.avi", dict(codec="mpeg4", fps=Fraction(2997, 125), width=720, height=528, variable_rate=False)),
]


@pytest.mark.corpus
@pytest.mark.parametrize("clip, expected", CASES, ids=[c[0] for c in CASES])
def test_probe_corpus_clip(clip, expected):
    info = probe_media(shared_path("corpus", "video", *clip.split("/")))
    for field, value in expected.items():
        assert getattr(info, field) == value, field


def test_probe_generated_prores(numbered_media):
    path, _ = numbered_media("prores")
    info = probe_media(path)
    assert (info.codec, info.bit_depth, info.frame_count, info.fps) == ("prores", 10, 150, Fraction(24))
    assert info.start_timecode is None and not info.variable_rate
    assert info.duration_s == pytest.approx(150 / 24)


@pytest.mark.corpus
def test_vfr_frames_are_numbered_in_presentation_order_with_their_own_times():
    index = frame_index(shared_path("corpus", "video", "pyscenedetect", "goldeneye-vfr-drop3.mp4"))
    times = [index.time_of(n) for n in range(index.frame_count)]
    steps = [b - a for a, b in zip(times, times[1:])]
    assert all(s > 0 for s in steps) and max(steps) > 1.5 * min(steps)
    for n in (0, 17, 80, 159):
        assert index.frame_at_time(times[n]) == n
        assert index.frame_at_time(times[n] + min(steps) / 2) == n


@pytest.mark.parametrize("encoding_id, sequential", [("mpeg4-bframes-avi", True), ("mpeg4-bframes-mp4", False), ("prores", False)])
def test_index_numbers_by_decode_count_where_timestamps_lie(numbered_media, encoding_id, sequential):
    path, _ = numbered_media(encoding_id)
    index = frame_index(path)
    assert index.sequential is sequential and index.frame_count == 150


def test_missing_and_broken_files_raise_media_error(tmp_path):
    with pytest.raises(MediaError, match="not found"):
        frame_index(tmp_path / "nope.mov")
    (tmp_path / "text.mov").write_text("hello")
    with pytest.raises(MediaError, match="text.mov"):
        probe_media(tmp_path / "text.mov")
