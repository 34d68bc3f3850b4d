"""Trims for in-shot defects near a head or tail: which trim, and the timeline with it applied."""

from __future__ import annotations

import json

import opentimelineio as otio
import pytest

from otio_tools.cuts import timeline_cuts
from otio_tools.findings import Finding, Severity
from otio_tools.rewrite import review_markers, write_timeline_with_findings
from otio_tools.rewrite.trims import Trim, TrimSettings, record_frame_after, suggested_trims, timeline_with_trims
from otio_tools.timeline_io import read_timeline
from tests.conftest import shared_path

RATE = 24.0


def _rt(v: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(v, RATE)


def _timeline(handles=(10, 10), second_track: bool = False, transition: bool = False, speed: float = 1.0):
    """Three 40-frame clips; the middle one, ``b``, has *handles* frames of media before and after."""
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for name, start in (("a", 100), ("b", 500), ("c", 900)):
        before, after = handles if name == "b" else (50, 50)
        ref = otio.schema.ExternalReference(target_url=f"{name}.mov", available_range=otio.opentime.TimeRange(
            _rt(start - before), _rt(40 + before + after)))
        clip = otio.schema.Clip(name=name, media_reference=ref,
                                source_range=otio.opentime.TimeRange(_rt(start), _rt(40)))
        if name == "b" and speed != 1:
            clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=speed))
        if name == "c" and transition:
            track.append(otio.schema.Transition(in_offset=_rt(5), out_offset=_rt(5)))
        track.append(clip)
    tracks = [track]
    if second_track:
        audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
        audio.append(otio.schema.Clip(name="sound", source_range=otio.opentime.TimeRange(_rt(0), _rt(120))))
        tracks.append(audio)
    return otio.schema.Timeline(name="t", tracks=tracks)


def _finding(start: int, duration: int, kind: str = "morph") -> Finding:
    return Finding(kind, Severity.ERROR, start, duration, 0, "b", 1.0, 0.5, "bad frames")


@pytest.mark.parametrize(
    "finding, handles, mode, head, tail, slip",
    [
        (_finding(40, 5), (10, 10), "slip", 5, 0, 5),          # head, handle after: slip later
        (_finding(76, 4), (10, 10), "slip", 0, 4, -4),         # tail, handle before: slip earlier
        (_finding(42, 6), (10, 3), "ripple", 8, 0, 0),         # head, handle after too short: ripple
        (_finding(75, 5), (0, 10), "ripple", 0, 5, 0),         # tail, no handle before: ripple
        (_finding(43, 2, "flicker"), (10, 10), "slip", 5, 0, 5),
    ],
    ids=["head slip", "tail slip", "head ripple", "tail ripple", "flicker"],
)
def test_the_smallest_change_that_removes_the_bad_frames(finding, handles, mode, head, tail, slip):
    timeline = _timeline(handles)  # held: the cut model's shots point into it
    trim, = suggested_trims(timeline_cuts(timeline), [finding])
    assert (trim.clip, trim.mode, trim.head, trim.tail, trim.slip) == ("b", mode, head, tail, slip)
    start, duration = trim.source_after
    if mode == "slip":
        assert duration == 40 and start == 500 + slip
    else:
        assert (start, duration) == (500 + head, 40 - head - tail)


@pytest.mark.parametrize(
    "timeline, finding",
    [
        (_timeline(), _finding(56, 6)),                        # the middle of the shot
        (_timeline(), _finding(40, 25)),                       # more than half the shot
        (_timeline(), _finding(40, 2, "colour_mismatch")),     # not an in-shot defect
        (_timeline(speed=2.0), _finding(40, 3)),               # a retimed shot
        (_timeline(transition=True), _finding(76, 3)),         # a transition after the shot
    ],
    ids=["middle", "too long", "cut-level kind", "speed change", "transition"],
)
def test_no_trim_where_a_trim_would_not_be_small_or_safe(timeline, finding):
    assert suggested_trims(timeline_cuts(timeline), [finding]) == []


def test_a_ripple_must_leave_min_frames():
    timeline = _timeline((0, 0))
    cuts = timeline_cuts(timeline)
    assert suggested_trims(cuts, [_finding(40, 10)], TrimSettings(max_fraction=0.5, min_frames=31)) == []
    assert suggested_trims(cuts, [_finding(40, 10)], TrimSettings(max_fraction=0.5, min_frames=30))


def _facts(timeline):
    return [(c.name, c.source_range.start_time.value, c.source_range.duration.value,
             c.range_in_parent().start_time.value) for c in timeline.find_clips()]


@pytest.mark.parametrize("handles, expected_b, c_start", [((10, 10), (505, 40), 80), ((10, 0), (505, 35), 75)],
                         ids=["slip moves nothing else", "ripple moves what follows"])
def test_applying_a_trim_changes_that_clip_only(handles, expected_b, c_start):
    timeline = _timeline(handles)
    trims = suggested_trims(timeline_cuts(timeline), [_finding(40, 5)])
    trimmed, applied = timeline_with_trims(timeline, trims, RATE)
    assert all(t.applied for t in applied)
    before, after = _facts(timeline), _facts(trimmed)
    assert after[0] == before[0]
    assert after[1][1:3] == expected_b
    assert after[2][:3] == before[2][:3] and after[2][3] == c_start


def test_a_ripple_is_left_a_suggestion_where_other_tracks_would_slip_out_of_sync():
    timeline = _timeline((10, 0), second_track=True)
    trims = suggested_trims(timeline_cuts(timeline), [_finding(40, 5)])
    trimmed, applied = timeline_with_trims(timeline, trims, RATE)
    assert [t.applied for t in applied] == [False] and "suggested" in applied[0].summary()
    assert _facts(trimmed) == _facts(timeline)


@pytest.mark.parametrize("frame, after", [(10, 10), (39, 39), (40, 40), (44, 40), (45, 40), (79, 74), (90, 85)])
def test_record_frames_after_a_head_ripple(frame, after):
    trim = Trim("b", 0, 40, 40, "ripple", 5, 0, 0, (500, 40), (505, 35), (), applied=True)
    assert record_frame_after([trim], frame) == after


def test_frames_cut_off_a_tail_map_to_the_shots_new_last_frame():
    trim = Trim("b", 0, 40, 40, "ripple", 0, 5, 0, (500, 40), (500, 35), (), applied=True)
    assert [record_frame_after([trim], f) for f in (74, 75, 79, 80)] == [74, 74, 74, 75]


@pytest.mark.parametrize("fmt, source", [("otio", "timeline.otio"), ("edl", "timeline.edl"), ("aaf", "timeline.otio")])
def test_a_bench_case_with_trims_applied_keeps_every_other_shot(fmt, source, tmp_path):
    case = "public_03"
    truth = json.loads(shared_path("bench", "cases", case, "truth.json").read_text())
    rate = truth["rate"] if fmt == "edl" else None
    loaded = read_timeline(shared_path("bench", "cases", case, source), rate=rate)
    cuts = timeline_cuts(loaded.timeline)
    shot = cuts.picture.shots[3]
    # bad frames at the last 3 frames of the fourth shot: the EDL knows no handles, so a ripple there
    finding = Finding("morph", Severity.ERROR, shot.record_end - 3, 3, 0, shot.name, 1.0, 0.5, "warps")
    middle = cuts.picture.shots[5]
    later = Finding("flicker", Severity.WARNING, middle.record_start + middle.record_duration // 2 - 2, 5, 0,
                    middle.name, 1.0, 0.5, "flickers in the middle")
    trims = suggested_trims(cuts, [finding, later])
    assert [t.clip for t in trims] == [shot.name]  # the flicker in the middle of its shot gets none
    out = tmp_path / f"trimmed.{fmt}"
    result = write_timeline_with_findings(loaded, [finding, later], out, trims=trims, apply_trims=True)
    applied, = result.trims
    assert applied.applied and applied.summary() in "\n".join(result.summary().splitlines())
    written = read_timeline(out, rate=rate).timeline
    before = {c.name: c for c in loaded.timeline.find_clips()}
    for clip in written.find_clips():
        if clip.name == shot.name:
            assert clip.source_range.start_time.value == applied.source_after[0]
            assert clip.source_range.duration.value == applied.source_after[1]
        else:
            assert clip.source_range == before[clip.name].source_range
    frames = [f for f, _ in review_markers(written, timeline_cuts(written).rate)]
    if applied.mode == "slip":
        assert frames == [finding.start, later.start]
    else:  # the bad frames are gone: their marker sits on the shot's new last frame, later ones move up
        assert (applied.head, applied.tail) == (0, 3)
        assert frames == [shot.record_end - 4, later.start - 3]
