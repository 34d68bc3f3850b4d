"""Reviewed timelines in every format: markers at the findings' frames, the rest of the edit unchanged.

Findings are made from each bench case's ground truth (its defects' kinds and
frames), so no video is decoded; what is checked is where the markers land and
that every clip, range, transition, marker and metadata entry the format
carries reads back unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from otio_tools.compare import carried_facts_for, timeline_facts
from otio_tools.cuts import timeline_cuts
from otio_tools.errors import TimelineWriteError
from otio_tools.findings import Finding, Severity
from otio_tools.rewrite import (
    finding_markers,
    review_markers,
    rewrite_differences,
    write_timeline_with_findings,
)
from otio_tools.rewrite.markers import finding_key
from otio_tools.rewrite.verification import timeline_without_review
from otio_tools.rewrite.sidecars import read_avid_marker_list, read_resolve_marker_edl
from otio_tools.rewrite.takes import TakeSlot, is_takes_track, plays
from otio_tools.timeline_io import read_timeline
from tests.conftest import shared_files, shared_path

CASES = [p.name for p in shared_files("bench", "cases") if p.is_dir()]
SUFFIX = {"otio": ".otio", "fcp7xml": ".xml", "edl": ".edl", "fcpxml": ".fcpxml", "otioz": ".otioz", "aaf": ".aaf"}

# A sample of real exports per format (Resolve, Premiere and Hiero, Avid-style EDLs, Final Cut Pro),
# with markers of their own where the corpus has them.
CORPUS_SAMPLE = [
    "otio/effects.otio", "otio/screening_example.otio", "otio/premiere_example.otio",
    "fcp7xml/premiere_example.xml", "fcp7xml/hiero_xml_export.xml", "fcp7xml/empty_name_tags.xml",
    "edl/screening_example.edl", "edl/cdl_example01.edl", "edl/speed_effects_small.edl",
    "fcpxml/24With25Media.fcpxml", "fcpxml/DisabledClips.fcpxml", "fcpxml/fcpx_example.fcpxml",
]


def _severity(index: int) -> Severity:
    return (Severity.WARNING, Severity.ERROR, Severity.INFO)[index % 3]


def truth_findings(case: str) -> list[Finding]:
    truth = json.loads(shared_path("bench", "cases", case, "truth.json").read_text())
    return [
        Finding(item["kind"], _severity(i), item["start"], max(1, item.get("duration") or 1), 0, item.get("clip"),
                5.0 + i, 4.0, f"{item['kind']} at {item['start']} ({case})")
        for i, item in enumerate(truth["expect"])
    ]


def _read(path: Path, case: str | None = None):
    rate = None
    if path.suffix in (".edl", ".txt"):
        rate = json.loads(shared_path("bench", "cases", case, "truth.json").read_text())["rate"] if case else 24
    return read_timeline(path, rate=rate)


def placeholder_slots(case: str) -> list[TakeSlot]:
    """A take slot with no take for each clip of *case* with an error-level finding."""
    truth = json.loads(shared_path("bench", "cases", case, "truth.json").read_text())
    clips = {c["name"]: c for c in truth["clips"]}
    errors = [f for f in truth_findings(case) if f.severity is Severity.ERROR and f.clip in clips]
    return [TakeSlot(name, clips[name]["record_start"], clips[name]["duration"],
                     tuple(f for f in errors if f.clip == name)) for name in dict.fromkeys(f.clip for f in errors)]


def bench_case_written(case: str, fmt: str, tmp_path: Path, merge: bool = False, slots: bool = False) -> Path:
    """Bench case *case* as *fmt* (its own file for otio/fcp7xml/edl, else from its .otio) with its truth as markers."""
    source = {"otio": "timeline.otio", "fcp7xml": "timeline.xml", "edl": "timeline.edl"}.get(fmt, "timeline.otio")
    loaded = _read(shared_path("bench", "cases", case, source), case)
    out = tmp_path / f"{case}.reviewed{SUFFIX[fmt]}"
    write_timeline_with_findings(loaded, truth_findings(case), out, merge=merge,
                                 slots=placeholder_slots(case) if slots else ())
    return out


def _assert_only_markers_added(original, written, findings, fmt, rate):
    """The written timeline is the original plus what a review adds (markers at the findings' frames, takes
    track), compared as JSON facts."""
    carried = carried_facts_for(fmt)
    before = json.dumps(carried(timeline_facts(timeline_without_review(original), rate)), sort_keys=True)
    after = json.dumps(carried(timeline_facts(timeline_without_review(written), rate)), sort_keys=True)
    assert after == before
    assert sorted(frame for frame, _ in review_markers(written, rate)) == sorted(f.start for f in findings)


@pytest.mark.parametrize("fmt", ["otio", "fcp7xml", "edl"])
@pytest.mark.parametrize("case", CASES)
def test_every_bench_case_in_each_format_gets_its_findings_as_markers(case, fmt, tmp_path):
    out = bench_case_written(case, fmt, tmp_path, slots=True)
    source = {"otio": "timeline.otio", "fcp7xml": "timeline.xml", "edl": "timeline.edl"}[fmt]
    original = _read(shared_path("bench", "cases", case, source), case)
    written = _read(out, case)
    findings = truth_findings(case)
    rate = timeline_cuts(original.timeline).rate
    _assert_only_markers_added(original.timeline, written.timeline, findings, fmt, rate)
    slots = placeholder_slots(case)
    fixes = {finding_key(f): [(slot.summary(), {"takes": slot.to_json()})] for slot in slots for f in slot.findings}
    meant = finding_markers(findings, fixes=fixes)
    assert rewrite_differences(original.timeline, written.timeline, meant, fmt, rate,
                               slots=() if fmt == "edl" else slots) == []
    takes_tracks = [t for t in written.timeline.tracks if is_takes_track(t)]
    if fmt == "edl":  # one picture track: the slots are in the takes EDL beside it
        assert not takes_tracks
        takes = _read(out.with_name(f"{case}.reviewed.takes.edl"), case).timeline
        assert [c.name for c in takes.find_clips()] == [s.slot_name for s in placeholder_slots(case)]
    else:
        assert len(takes_tracks) == 1 and not any(plays(c) for c in takes_tracks[0].find_clips())
        assert [c.name for c in takes_tracks[0].find_clips()] == [s.slot_name for s in slots]
    if fmt == "edl":
        for role, reader in (("resolve-markers.edl", read_resolve_marker_edl), ("avid-markers.txt", read_avid_marker_list)):
            sidecar = out.with_name(f"{case}.reviewed.{role}")
            cuts = timeline_cuts(original.timeline)
            assert [r["timecode"] for r in reader(sidecar.read_text())] == \
                   [cuts.timecode(m.start) for m in finding_markers(findings)]


@pytest.mark.parametrize("fmt", ["fcpxml", "otioz"])
def test_a_bench_case_written_as_another_format_carries_its_markers(fmt, tmp_path):
    case = CASES[0] if CASES else pytest.skip("no bench cases")
    out = bench_case_written(case, fmt, tmp_path)
    written = _read(out)
    rate = timeline_cuts(written.timeline).rate
    marks = review_markers(written.timeline, rate)
    findings = truth_findings(case)
    assert sorted(f for f, _ in marks) == sorted(f.start for f in findings)
    assert all(m.comment for _, m in marks)  # FCPXML notes, OTIO comments


@pytest.mark.parametrize("case", CASES)
def test_aaf_gets_avid_markers_on_the_picture_track_and_the_marker_files(case, tmp_path):
    original = _read(shared_path("bench", "cases", case, "timeline.otio"))
    findings = truth_findings(case)
    out = tmp_path / "out.aaf"
    result = write_timeline_with_findings(original, findings, out, slots=placeholder_slots(case))
    assert result.paths["timeline"] == str(out)
    written = _read(out)
    rate = timeline_cuts(original.timeline).rate
    # The edit as AAF carries it, and one Avid marker per finding at its record frame, named as ours.
    _assert_only_markers_added(original.timeline, written.timeline, findings, "aaf", rate)
    meant = sorted(finding_markers(findings), key=lambda m: m.start)
    got = review_markers(written.timeline, rate)
    assert [(f, m.name) for f, m in got] == [(m.start, m.name) for m in meant]
    assert {str(m.color) for _, m in got} <= {"RED", "GREEN", "BLUE", "CYAN", "MAGENTA", "YELLOW", "BLACK", "WHITE"}
    # The full messages travel in the marker files beside it; the take slots in the takes EDL.
    assert len(read_avid_marker_list(Path(result.paths["avid_markers"]).read_text())) == result.markers
    takes = read_timeline(result.paths["takes"], rate=rate).timeline
    assert [c.name for c in takes.find_clips()] == [s.slot_name for s in placeholder_slots(case)]


@pytest.mark.parametrize("name", CORPUS_SAMPLE)
def test_corpus_timelines_keep_everything_and_gain_markers(name, tmp_path):
    path = shared_path("corpus", "timelines", name)
    original = _read(path)
    cuts = timeline_cuts(original.timeline)
    shots = cuts.picture.shots
    assert shots
    findings = [Finding("morph", Severity.ERROR, s.record_start + s.record_duration // 2, 2, 0, s.name, 1.0, 0.5,
                        f"{s.name} warps") for s in shots[:: max(1, len(shots) // 5)]]
    out = tmp_path / f"reviewed{SUFFIX[original.format.name]}"
    write_timeline_with_findings(original, findings, out, cuts=cuts)
    written = _read(out)
    _assert_only_markers_added(original.timeline, written.timeline, findings, original.format.name, cuts.rate)
    theirs = [m.name for _, m in review_markers(original.timeline, cuts.rate)]
    assert theirs == []  # none of the corpus markers is taken for ours


@pytest.mark.parametrize("fmt", ["otio", "fcp7xml", "edl", "fcpxml", "aaf"])
def test_reviewing_a_reviewed_timeline_replaces_our_markers(fmt, tmp_path):
    case = CASES[0] if CASES else pytest.skip("no bench cases")
    first = bench_case_written(case, fmt, tmp_path)
    findings = truth_findings(case)[:2]
    again = tmp_path / f"again{SUFFIX[fmt]}"
    loaded = _read(first, case)
    write_timeline_with_findings(loaded, findings, again)
    written = _read(again, case)
    rate = timeline_cuts(written.timeline).rate
    assert [f for f, _ in review_markers(written.timeline, rate)] == sorted(f.start for f in findings)


@pytest.mark.parametrize("name, written", [
    ("aaf/one_marker.aaf", True),
    # The AAF writer cannot write this sequence back the same (a marker outside its clip's range, see
    # tests/test_roundtrip.py): the timeline is not written, the marker files are.
    ("aaf/multiple_markers.aaf", False),
])
def test_an_avid_aaf_gets_marker_files_at_its_record_timecodes(name, written, tmp_path):
    original = _read(shared_path("corpus", "timelines", name))
    cuts = timeline_cuts(original.timeline)
    shots = cuts.picture.shots
    findings = [Finding("flicker", Severity.WARNING, s.record_start, 2, 0, s.name, 1, 1, f"{s.name} flickers")
                for s in shots[:3]]
    result = write_timeline_with_findings(original, findings, tmp_path / "out.aaf", cuts=cuts)
    if written:
        # Avid's own markers survive beside ours, and the rest of the edit is unchanged.
        _assert_only_markers_added(original.timeline, _read(tmp_path / "out.aaf").timeline, findings, "aaf",
                                   cuts.rate)
    else:
        assert not (tmp_path / "out.aaf").exists() and "timeline" not in result.paths
        assert not list(tmp_path.glob(".out.aaf.*"))  # no temporary file left behind
        assert "nothing was written" in result.notes[-1] or "not the timeline plus" in result.notes[-1]
        assert result.paths["avid_markers"] in result.notes[-1]
    wanted = [cuts.timecode(f.start) for f in findings]
    assert [r["timecode"] for r in read_avid_marker_list(Path(result.paths["avid_markers"]).read_text())] == wanted
    assert [r["timecode"] for r in read_resolve_marker_edl(Path(result.paths["resolve_markers"]).read_text())] == wanted


def test_markers_already_in_the_input_survive(tmp_path):
    path = shared_path("corpus", "timelines", "fcp7xml", "premiere_example.xml")
    original = _read(path)
    before = [(m.name, m.comment) for m in original.timeline.tracks.markers]
    assert before
    write_timeline_with_findings(original, [Finding("flicker", Severity.ERROR, 5, 3, 0, None, 1, 1, "x")],
                                 tmp_path / "out.xml")
    after = [(m.name, m.comment) for m in _read(tmp_path / "out.xml").timeline.tracks.markers]
    assert [m for m in after if not m[0].startswith("QC ")] == before


def test_an_existing_output_is_not_replaced_and_formats_without_markers_are_refused(tmp_path):
    case = CASES[0] if CASES else pytest.skip("no bench cases")
    loaded = _read(shared_path("bench", "cases", case, "timeline.otio"))
    (tmp_path / "taken.otio").write_text("keep")
    with pytest.raises(TimelineWriteError, match="already exists"):
        write_timeline_with_findings(loaded, truth_findings(case), tmp_path / "taken.otio")
    assert (tmp_path / "taken.otio").read_text() == "keep"
    with pytest.raises(TimelineWriteError, match="otio, otioz"):
        write_timeline_with_findings(loaded, truth_findings(case), tmp_path / "out.kdenlive")


@pytest.mark.parametrize("change", ["clip trimmed", "user marker renamed", "review marker moved", "marker missing"])
def test_the_check_finds_any_change_beside_the_markers(change, tmp_path):
    import opentimelineio as otio

    case = CASES[0] if CASES else pytest.skip("no bench cases")
    out = bench_case_written(case, "otio", tmp_path)
    original = _read(shared_path("bench", "cases", case, "timeline.otio")).timeline
    original.tracks.markers.append(otio.schema.Marker(name="director note"))
    written = _read(out).timeline
    written.tracks.markers.append(otio.schema.Marker(name="director note"))
    findings = truth_findings(case)
    rate = timeline_cuts(original).rate
    assert rewrite_differences(original, written, finding_markers(findings), "otio", rate) == []
    if change == "clip trimmed":
        clip = written.find_clips()[1]
        clip.source_range = otio.opentime.TimeRange(clip.source_range.start_time,
                                                    clip.source_range.duration - otio.opentime.RationalTime(1, rate))
    elif change == "user marker renamed":
        written.tracks.markers[-1].name = "director's note"
    elif change == "review marker moved":
        marker = review_markers(written, rate)[0][1]
        marker.marked_range = otio.opentime.TimeRange(marker.marked_range.start_time + otio.opentime.RationalTime(
            1, rate), marker.marked_range.duration)
    else:
        written.tracks.markers.remove(review_markers(written, rate)[-1][1])
    assert rewrite_differences(original, written, finding_markers(findings), "otio", rate)
