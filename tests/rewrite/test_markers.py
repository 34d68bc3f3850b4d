"""Review markers: colour table, names, recognition, placement and replacement on timelines built here."""

from __future__ import annotations

import json

import opentimelineio as otio
import pytest

from otio_tools.compare import timeline_facts
from otio_tools.findings import KINDS, Finding, Severity
from otio_tools.rewrite import (
    MARKER_COLOURS,
    finding_markers,
    is_review_marker,
    marker_name,
    review_markers,
    timeline_with_findings,
    timeline_without_review_markers,
)
from otio_tools.rewrite.markers import clip_at
from otio_tools.rewrite.sidecars import AVID_COLOURS, RESOLVE_COLOURS
from otio_tools.rewrite.dialects import PREMIERE_COLOURS

RATE = 24.0


def _finding(kind="flicker", severity="error", start=10, duration=4, score=7.25, message="bad"):
    return Finding(kind, Severity(severity), start, duration, 0, "a", score, 4.0, message)


def _timeline() -> otio.schema.Timeline:
    """Two clips, a 5-frame gap, a third clip; a user marker on the stack and one on a clip."""
    def clip(name, start, duration):
        return otio.schema.Clip(
            name=name,
            media_reference=otio.schema.ExternalReference(target_url=f"{name}.mov"),
            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(start, RATE),
                                                 otio.opentime.RationalTime(duration, RATE)),
            metadata={"studio": {"take": 3}},
        )

    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    a, b, c = clip("a", 100, 30), clip("b", 1000, 20), clip("c", 50, 40)
    b.markers.append(otio.schema.Marker(name="check focus", marked_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(1005, RATE), otio.opentime.RationalTime(0, RATE)), color="GREEN"))
    track.extend([a, b, otio.schema.Gap(source_range=otio.opentime.TimeRange(
        duration=otio.opentime.RationalTime(5, RATE))), c])
    timeline = otio.schema.Timeline(name="t", tracks=[track], metadata={"studio": {"show": "x"}})
    timeline.global_start_time = otio.opentime.RationalTime(86400, RATE)
    timeline.tracks.markers.append(otio.schema.Marker(name="QC pass by director", marked_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(3, RATE), otio.opentime.RationalTime(1, RATE))))
    return timeline


def _json(timeline) -> str:
    return json.dumps(timeline_facts(timeline, RATE), sort_keys=True)


def test_every_severity_and_kind_has_a_colour_that_avid_resolve_and_premiere_all_have():
    assert set(MARKER_COLOURS) == {(s.value, k) for s in Severity for k in KINDS}
    for colour in MARKER_COLOURS.values():
        assert colour in AVID_COLOURS and colour in RESOLVE_COLOURS and colour in PREMIERE_COLOURS


def test_errors_are_red_and_warnings_are_coloured_by_who_fixes_them():
    colours = {k: MARKER_COLOURS[("warning", k)] for k in KINDS}
    assert {MARKER_COLOURS[("error", k)] for k in KINDS} == {"RED"}
    assert colours["colour_mismatch"] == colours["exposure_jump"] == colours["subject_colour_shift"]
    assert colours["jump_cut"] == colours["black_frames"] != colours["colour_mismatch"]
    assert colours["flicker"] == colours["morph"] not in (colours["jump_cut"], colours["colour_mismatch"])


@pytest.mark.parametrize(
    "kind, score, duration, ascii_only, name",
    [
        ("colour_mismatch", 7.24, 18, False, "QC COLOUR ΔE 7.2"),
        ("colour_mismatch", 7.24, 18, True, "QC COLOUR dE 7.2"),
        ("subject_colour_shift", 12.0, 1, False, "QC SUBJECT COLOUR ΔE 12.0"),
        ("flicker", 3.2, 20, False, "QC FLICKER 20f"),
        ("black_frames", 1.0, 5, True, "QC BLACK 5f"),
        ("jump_cut", 5.0, 1, False, "QC JUMP CUT"),
        ("photosensitive_flash", 4.0, 33, False, "QC PSE FLASH 33f"),
    ],
    ids=lambda v: str(v),
)
def test_marker_names_say_what_and_how_much(kind, score, duration, ascii_only, name):
    finding = _finding(kind=kind, score=score, duration=duration)
    assert marker_name(finding, ascii_only=ascii_only) == name
    assert is_review_marker(otio.schema.Marker(name=name))


@pytest.mark.parametrize("name", ["QC pass by director", "COLOUR note", "qc", "QCFLICKER", "check focus", ""])
def test_markers_of_other_people_are_not_taken_for_ours(name):
    assert not is_review_marker(otio.schema.Marker(name=name))


def test_a_marker_is_ours_by_its_metadata_whatever_its_name():
    assert is_review_marker(otio.schema.Marker(name="renamed", metadata={"otio_tools": {"review_marker": True}}))


def test_merged_markers_take_the_worst_finding_and_every_message():
    findings = [_finding("jump_cut", "warning", 10, 1, message="jump"),
                _finding("colour_mismatch", "error", 10, 18, message="grade"),
                _finding("flicker", "warning", 40, 3, message="flick")]
    separate = finding_markers(findings)
    merged = finding_markers(findings, merge=True)
    assert [m.start for m in separate] == [10, 10, 40]
    assert [m.start for m in merged] == [10, 40]
    first = merged[0]
    assert first.severity is Severity.ERROR and first.colour == "RED" and first.duration == 18
    assert first.name.startswith("QC COLOUR") and "grade" in first.comment and "jump" in first.comment


@pytest.mark.parametrize("on_clips", [False, True], ids=["on the stack", "on clips"])
def test_markers_sit_at_the_findings_record_frames_and_nothing_else_changes(on_clips):
    original = _timeline()
    before = _json(original)
    # frame 10 in clip a, 35 in clip b, 52 in the gap, 60 in clip c
    findings = [_finding(start=s, duration=d) for s, d in ((10, 4), (35, 2), (52, 5), (60, 1))]
    result = timeline_with_findings(original, findings, rate=RATE, on_clips=on_clips)
    assert _json(original) == before  # the input is not touched
    assert [frame for frame, _ in review_markers(result, RATE)] == [10, 35, 52, 60]
    assert _json(timeline_without_review_markers(result)) == before
    for frame, marker in review_markers(result, RATE):
        finding = next(f for f in findings if f.start == frame)
        assert marker.marked_range.duration.value == finding.duration
        assert marker.comment.endswith(finding.message)
        assert marker.metadata["otio_tools"]["findings"][0]["start"] == frame
    if on_clips:
        assert len(result.tracks.markers) == 1  # only the user's
        assert [m.name for m in result.tracks[0][1].markers][0] == "check focus"


def test_reviewing_again_replaces_our_markers_and_keeps_everyone_elses():
    first = timeline_with_findings(_timeline(), [_finding(start=s) for s in (1, 12, 40)], rate=RATE)
    second = timeline_with_findings(first, [_finding("morph", start=20)], rate=RATE, on_clips=True)
    assert [(f, m.name) for f, m in review_markers(second, RATE)] == [(20, "QC MORPH 4f")]
    assert [m.name for m in second.tracks.markers] == ["QC pass by director"]
    assert _json(timeline_without_review_markers(second)) == _json(_timeline())


@pytest.mark.parametrize("frame, clip", [(0, "a"), (29, "a"), (30, "b"), (50, "b"), (54, "b"), (55, "c")])
def test_a_gap_frame_goes_on_the_clip_before_it(frame, clip):
    assert clip_at(_timeline(), frame, RATE).name == clip
