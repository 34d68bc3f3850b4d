"""PyAVFrameSource: the frame returned for N is frame N, for generated and real media, in any seek order."""

from __future__ import annotations

import random
import shutil

import av
import numpy as np
import pytest

from otio_tools.frames import Frame, PyAVFrameSource, Undecodable
from otio_tools.frames.colour import rgb_for_analysis
from tests.conftest import shared_files, shared_path
from tests.frames.conftest import FRAMES
from tests.frames.numbered import ENCODINGS, number_in

CORPUS_CLIPS = [p for p in shared_files("corpus", "video", pattern="*/*") if p.suffix in (".mp4", ".mov", ".mkv", ".webm", ".avi")]


def _frame_sets(seed: int, count: int, frames: int = FRAMES) -> list[list[int]]:
    """Random requests: single frames, scattered sets and short windows, in random order."""
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        kind = rng.choice(["one", "scatter", "window"])
        if kind == "one":
            sets.append([rng.randrange(frames)])
        elif kind == "scatter":
            sets.append(rng.sample(range(frames), rng.randint(2, 8)))
        else:
            start = rng.randrange(frames - 6)
            sets.append(list(range(start, start + rng.randint(2, 6))))
    sets.append([frames - 1, 0])  # the very end and the very start in one read
    return sets


@pytest.mark.parametrize("encoding_id", [e.id for e in ENCODINGS])
def test_numbered_media_frame_n_is_frame_n_at_random_seek_orders(numbered_media, encoding_id):
    path, encoding = numbered_media(encoding_id)
    source = PyAVFrameSource(long_side=160)
    for frames in _frame_sets(seed=len(encoding_id), count=12):
        items = list(source.read(str(path), frames))
        assert all(isinstance(i, Frame) for i in items), items
        assert [i.number for i in items] == sorted(set(frames))
        for item in items:
            assert number_in(item.image, encoding.width, encoding.height) == item.number


def test_every_frame_of_a_long_gop_file_read_one_at_a_time_backwards(numbered_media):
    path, encoding = numbered_media("h264-bframes-longgop")
    source = PyAVFrameSource(long_side=96)
    for n in range(FRAMES - 1, -1, -7):
        assert number_in(source.read_one(str(path), n)) == n


def test_reads_past_wanted_frames_stop_early(numbered_media):
    """A window at the start of a long GOP decodes that window, not the GOP."""
    path, _ = numbered_media("h264-bframes-longgop")
    source = PyAVFrameSource(long_side=96)
    list(source.read(str(path), [2, 3, 4]))
    assert source.stats.frames_decoded <= 10


def _linear(path, long_side, keep=None):
    """Ground truth: frame N of a sequential decode, converted as the source converts (only those in ``keep``)."""
    frames = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        sar = stream.sample_aspect_ratio
        for f in container.decode(stream):
            if keep is not None and len(frames) not in keep:
                frames.append(None)
                continue
            frames.append(rgb_for_analysis(f, sar, long_side))
    return frames


def _frame_count(path):
    with av.open(str(path)) as container:
        return sum(1 for p in container.demux(container.streams.video[0]) if p.size and not p.is_discard)


@pytest.mark.corpus
@pytest.mark.parametrize("clip", CORPUS_CLIPS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_clip_frames_equal_a_linear_decode(clip):
    count = _frame_count(clip)
    rng = random.Random(clip.name)
    sets = [rng.sample(range(count), min(count, rng.choice([1, 3, 6]))) for _ in range(5)]
    sets.append(list(range(max(0, count - 4), count)))
    truth = _linear(clip, 48, keep={f for s in sets for f in s})
    assert len(truth) == count, "the index and a linear decode disagree on the frame count"
    source = PyAVFrameSource(long_side=48)
    for frames in sets:
        items = list(source.read(str(clip), frames))
        assert [i.number for i in items if isinstance(i, Frame)] == sorted(set(frames)), items
        for item in items:
            np.testing.assert_array_equal(item.image, truth[item.number], err_msg=f"{clip.name} frame {item.number}")


def test_every_requested_frame_comes_back_once_from_a_truncated_file(numbered_media, tmp_path):
    path, encoding = numbered_media("h264-open-gop-mkv")
    cut = tmp_path / "truncated.mkv"
    data = path.read_bytes()
    cut.write_bytes(data[: len(data) * 6 // 10])
    source = PyAVFrameSource(long_side=96)
    items = list(source.read(str(cut), range(FRAMES)))
    decoded = [i for i in items if isinstance(i, Frame)]
    failed = sorted(f for i in items if isinstance(i, Undecodable) for f in i.frames)
    assert sorted([i.number for i in decoded] + failed) == list(range(FRAMES))
    assert 40 < len(decoded) < FRAMES and failed[-1] == FRAMES - 1
    assert all(number_in(i.image) == i.number for i in decoded)


def test_missing_file_is_reported_not_raised(tmp_path):
    items = list(PyAVFrameSource().read(str(tmp_path / "gone.mp4"), [3, 1]))
    assert len(items) == 1 and isinstance(items[0], Undecodable)
    assert items[0].frames == (1, 3) and "not found" in items[0].reason


def test_frames_past_the_end_are_reported(numbered_media):
    path, _ = numbered_media("prores")
    items = list(PyAVFrameSource(long_side=64).read(str(path), [FRAMES - 1, FRAMES, FRAMES + 5]))
    assert isinstance(items[0], Frame) and items[0].number == FRAMES - 1
    assert isinstance(items[1], Undecodable) and items[1].frames == (FRAMES, FRAMES + 5)


def test_not_media_is_reported(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    (item,) = PyAVFrameSource().read(str(junk), [0])
    assert isinstance(item, Undecodable) and "junk.mp4" in item.reason


@pytest.mark.corpus
def test_damaged_corpus_file_reports_every_frame_once():
    clip = shared_path("corpus", "video", "opencv-doc", "Megamind_bugy.avi")
    truth = _linear(clip, 48)
    items = list(PyAVFrameSource(long_side=48).read(str(clip), range(len(truth) + 3)))
    numbers = [i.number for i in items if isinstance(i, Frame)]
    failed = [f for i in items if isinstance(i, Undecodable) for f in i.frames]
    assert sorted(numbers + failed) == list(range(len(truth) + 3))
    for item in items:
        if isinstance(item, Frame):
            np.testing.assert_array_equal(item.image, truth[item.number])


@pytest.mark.parametrize(
    "long_side, expected",
    [(320, (320, 180)), (256, (256, 144)), (None, (1920, 1080))],
    ids=["320", "256", "native"],
)
def test_analysis_size_of_decoded_frames(tmp_path, long_side, expected):
    path = tmp_path / "hd.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        for _ in range(3):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(np.zeros((1080, 1920, 3), np.uint8), format="rgb24")))
        out.mux(stream.encode(None))
    image = PyAVFrameSource(long_side=long_side).read_one(str(path), 1)
    assert image.shape == (expected[1], expected[0], 3) and image.dtype == np.uint8


def test_copied_file_reads_the_same(numbered_media, tmp_path):
    path, _ = numbered_media("vp9")
    copy = tmp_path / "copy.webm"
    shutil.copy(path, copy)
    source = PyAVFrameSource(long_side=96)
    a = source.read_one(str(path), 77)
    b = source.read_one(str(copy), 77)
    np.testing.assert_array_equal(a, b)
