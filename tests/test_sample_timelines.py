"""The committed sample timelines: they read, agree with each other and say what their names say."""

from __future__ import annotations

import json
from pathlib import Path

import av
import opentimelineio as otio
import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "sample_timelines"
SHORT = SAMPLES / "ai_short"
SCENARIOS = SAMPLES / "scenarios"
BAD = SAMPLES / "bad"
RATE = 24
KINDS = {"colour_mismatch", "exposure_jump", "subject_colour_shift", "jump_cut", "flash_frame",
         "black_frames", "format_mismatch", "flicker", "frozen_frames", "morph", "photosensitive_flash"}
CONTROL_KINDS = {"continuity_cut", "scene_change"}


def read(path: Path, **kwargs) -> otio.schema.Timeline:
    return otio.adapters.read_from_file(str(path), **kwargs)


def frames(t: otio.opentime.RationalTime) -> int:
    return round(t.value)


def edit_of(timeline: otio.schema.Timeline) -> list[tuple]:
    """(kind, name, record start, duration, source start) of each item of the one video track.

    Record frames count from the timeline's first frame, whatever start timecode the format carries.
    """
    (track,) = timeline.video_tracks()
    out = []
    for item in track:
        record = item.range_in_parent()
        if isinstance(item, otio.schema.Gap):
            out.append(("gap", None, frames(record.start_time), frames(record.duration), None))
        else:
            out.append(("clip", item.name, frames(record.start_time), frames(record.duration),
                        frames(item.source_range.start_time)))
    return out


def media_probe(path: Path) -> tuple[int, int, int, float]:
    """(frames, width, height, rate) of a video file, from decoding it."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        return count, stream.codec_context.width, stream.codec_context.height, float(stream.average_rate)


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SHORT / "truth.json").read_text())


@pytest.fixture(scope="module")
def short() -> otio.schema.Timeline:
    return read(SHORT / "ai_short.otio")


# --- the demo short ---------------------------------------------------------------------------

DEMO_FORMATS = {"otio": {}, "xml": {}, "edl": {"rate": RATE}}


@pytest.mark.parametrize("suffix", DEMO_FORMATS)
def test_demo_reads_with_otio_and_every_clip_relinks_to_existing_media(suffix):
    timeline = read(SHORT / f"ai_short.{suffix}", **DEMO_FORMATS[suffix])
    clips = list(timeline.find_clips())
    assert 6 <= len(clips) <= 12
    for clip in clips:
        url = clip.media_reference.target_url
        assert not Path(url).is_absolute() and "://" not in url, url
        assert (SHORT / url).is_file(), url
        assert Path(url).stem == clip.name


@pytest.mark.parametrize("suffix", ["xml", "edl"])
def test_demo_formats_describe_the_same_cuts(short, suffix):
    other = read(SHORT / f"ai_short.{suffix}", **DEMO_FORMATS[suffix])
    assert edit_of(other) == edit_of(short)


@pytest.mark.parametrize("suffix", ["otio", "xml"])
def test_demo_starts_at_one_hour_at_24fps(suffix):
    timeline = read(SHORT / f"ai_short.{suffix}")
    assert timeline.global_start_time.rate == RATE
    assert otio.opentime.to_timecode(timeline.global_start_time, RATE) == "01:00:00:00"


def test_demo_is_one_video_track_of_clips_and_one_black_gap(short):
    assert [t.kind for t in short.tracks] == [otio.schema.TrackKind.Video]
    kinds = [kind for kind, *_ in edit_of(short)]
    assert kinds.count("gap") == 1
    assert kinds[0] == kinds[-1] == "clip"


def test_demo_media_is_small_h264_with_handles(short):
    files = sorted((SHORT / "media").glob("*.mp4"))
    assert sum(f.stat().st_size for f in files) < 10 * 1024 * 1024
    # One file per clip, and the alternate takes a review finds beside them.
    assert {f.stem for f in files} == {c.name for c in short.find_clips()} | {"shot_040_v002", "shot_060_take2"}
    for clip in short.find_clips():
        available = clip.media_reference.available_range
        used = clip.source_range
        assert available.start_time.value < used.start_time.value, clip.name
        assert used.end_time_exclusive().value < available.end_time_exclusive().value, clip.name
        with av.open(str(SHORT / clip.media_reference.target_url)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            assert stream.codec_context.pix_fmt == "yuv420p"


def test_truth_clips_match_the_timeline_and_the_media(short, truth):
    assert truth["rate"] == RATE
    expected = [("clip", c["name"], c["record_start"], c["duration"], c["source_start"]) for c in truth["clips"]]
    assert expected == [item for item in edit_of(short) if item[0] == "clip"]
    for entry in truth["clips"]:
        count, width, height, rate = media_probe(SHORT / entry["media"])
        assert count == entry["media_frames"], entry["name"]
        assert [width, height] == entry.get("media_size", truth["size"]), entry["name"]
        assert rate == entry.get("media_rate", truth["rate"]), entry["name"]
    for entry, clip in zip(truth["clips"], short.find_clips()):
        assert entry["media_frames"] == frames(clip.media_reference.available_range.duration)


def test_truth_items_sit_on_cuts_or_inside_their_clip(short, truth):
    edit = edit_of(short)
    cuts = {start for _, _, start, _, _ in edit[1:]}
    by_name = {name: (start, duration) for kind, name, start, duration, _ in edit if kind == "clip"}
    gaps = [(start, duration) for kind, _, start, duration, _ in edit if kind == "gap"]
    assert {e["kind"] for e in truth["expect"]} <= KINDS
    for item in truth["expect"]:
        assert item["kind"] in item["accept"]
        if item["level"] == "cut":
            assert item["start"] in cuts, item
            if item["clip"] is None:
                assert (item["start"], item["duration"]) in gaps, item
            else:
                assert by_name[item["clip"]][0] == item["start"], item
        else:
            start, duration = by_name[item["clip"]]
            assert start <= item["start"] and item["start"] + item["duration"] <= start + duration, item


def test_truth_controls_are_clean_cuts_away_from_every_defect(short, truth):
    starts = {name: start for kind, name, start, _, _ in edit_of(short) if kind == "clip"}
    assert {c["kind"] for c in truth["controls"]} == CONTROL_KINDS
    for control in truth["controls"]:
        assert starts[control["clip"]] == control["start"]
        for item in truth["expect"]:
            if item["level"] == "cut":
                assert abs(item["start"] - control["start"]) > 2, (control, item)


def test_truth_covers_the_defects_the_short_was_made_with(truth):
    kinds = {e["kind"] for e in truth["expect"]}
    assert {"colour_mismatch", "flash_frame", "black_frames", "frozen_frames", "flicker", "jump_cut",
            "morph", "format_mismatch"} <= kinds


def test_credits_name_every_media_file_and_ship_the_licence(truth):
    credits = (SHORT / "CREDITS.md").read_text()
    for entry in truth["clips"]:
        assert f"`{entry['media']}`" in credits
    for take in ("shot_040_v002", "shot_060_take2"):
        assert f"`media/{take}.mp4`" in credits
    assert "Licence: Apache-2.0" in credits
    assert "Apache License" in (SHORT / "LICENSE-Apache-2.0.txt").read_text()


# --- scenarios --------------------------------------------------------------------------------

def _only_track(timeline):
    (track,) = timeline.tracks
    return track


def check_two_clips_cut(t):
    track = _only_track(t)
    assert [type(i) for i in track] == [otio.schema.Clip, otio.schema.Clip]
    assert track[0].range_in_parent().end_time_exclusive() == track[1].range_in_parent().start_time


def check_dissolve_between_shots(t):
    track = _only_track(t)
    (transition,) = [i for i in track if isinstance(i, otio.schema.Transition)]
    assert transition.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
    assert transition.in_offset.value > 0 and transition.out_offset.value > 0
    before, after = track.neighbors_of(transition)
    # the media covers the overlap on both sides
    assert (before.source_range.end_time_exclusive() + transition.out_offset
            <= before.media_reference.available_range.end_time_exclusive())
    assert after.source_range.start_time - transition.in_offset >= after.media_reference.available_range.start_time


def check_gap_black_frames(t):
    track = _only_track(t)
    assert [type(i) for i in track] == [otio.schema.Clip, otio.schema.Gap, otio.schema.Clip]
    assert 0 < track[1].duration().value < RATE


def check_speed_effect_linear_timewarp(t):
    scalars = [e.time_scalar for c in t.find_clips() for e in c.effects
               if isinstance(e, otio.schema.LinearTimeWarp) and not isinstance(e, otio.schema.FreezeFrame)]
    assert any(s > 1 for s in scalars) and any(0 < s < 1 for s in scalars)


def check_freeze_frame(t):
    frozen = [c for c in t.find_clips() if any(isinstance(e, otio.schema.FreezeFrame) for e in c.effects)]
    assert len(frozen) == 1
    assert frozen[0].effects[0].time_scalar == 0


def check_multitrack_overlay(t):
    v1, v2 = t.video_tracks()
    (overlay,) = v2.find_clips()
    covered = overlay.range_in_parent()
    assert covered.start_time.value > 0
    assert v1.available_range().contains(covered)


def check_nested_stack(t):
    track = _only_track(t)
    (stack,) = [i for i in track if isinstance(i, otio.schema.Stack)]
    nested = stack.find_clips()
    assert len(nested) >= 2
    direct = [i for i in track if isinstance(i, otio.schema.Clip)]
    assert len(t.find_clips()) == len(direct) + len(nested)


def check_drop_frame_2997(t):
    start = t.global_start_time
    assert start.rate == pytest.approx(30000 / 1001)
    assert otio.opentime.to_timecode(start, start.rate, drop_frame=True) == "01:00:00;00"
    assert start.value == 107892  # one hour of drop-frame timecode


def check_rate_23976(t):
    start = t.global_start_time
    assert start.rate == pytest.approx(24000 / 1001)
    assert otio.opentime.to_timecode(start, start.rate) == "01:00:00:00"
    assert all(c.source_range.duration.rate == start.rate for c in t.find_clips())


def check_ai_16fps(t):
    assert t.global_start_time.rate == 16
    for clip in t.find_clips():
        assert clip.source_range.duration.rate == 16
        count, _, _, rate = media_probe(SCENARIOS / clip.media_reference.target_url)
        assert rate == 16
        assert clip.source_range.end_time_exclusive().value < count


def check_markers_with_colours(t):
    markers = [(c, m) for c in t.find_clips() for m in c.markers]
    assert len({m.color for _, m in markers}) >= 8
    for clip, marker in markers:
        assert clip.source_range.contains(marker.marked_range.start_time)
    assert _only_track(t).markers


def check_missing_media(t):
    refs = [c.media_reference for c in t.find_clips()]
    assert any(isinstance(r, otio.schema.MissingReference) for r in refs)
    external = [r for r in refs if isinstance(r, otio.schema.ExternalReference)]
    assert any(not (SCENARIOS / r.target_url).exists() for r in external)
    assert any((SCENARIOS / r.target_url).exists() for r in external)


SCENARIO_CHECKS = {name[len("check_"):]: fn for name, fn in globals().items() if name.startswith("check_")}


def test_every_scenario_file_has_a_check():
    assert sorted(p.stem for p in SCENARIOS.glob("*.otio")) == sorted(SCENARIO_CHECKS)


@pytest.mark.parametrize("name", sorted(SCENARIO_CHECKS))
def test_scenario_has_the_structure_its_name_says(name):
    path = SCENARIOS / f"{name}.otio"
    assert path.stat().st_size < 32 * 1024
    SCENARIO_CHECKS[name](read(path))


@pytest.mark.parametrize("name", sorted(set(SCENARIO_CHECKS) - {"missing_media"}))
def test_scenario_media_exists_beside_it(name):
    for clip in read(SCENARIOS / f"{name}.otio").find_clips(shallow_search=False):
        url = clip.media_reference.target_url
        assert not Path(url).is_absolute()
        assert (SCENARIOS / url).is_file(), url


# --- bad inputs -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["empty.otio", "truncated.otio", "garbage.xml"])
def test_bad_file_does_not_read(name):
    with pytest.raises((ValueError, otio.exceptions.OTIOError)):
        read(BAD / name)


def test_edl_without_rate_hints_reads_only_at_its_own_rate():
    path = BAD / "no_rate_hint.edl"
    assert "FROM CLIP:" not in path.read_text()
    with pytest.raises(otio.exceptions.OTIOError):
        read(path, rate=24)
    timeline = read(path, rate=25)
    assert [c.name for c in timeline.find_clips()] == ["gen_0001", "gen_0002", "gen_0003"]
