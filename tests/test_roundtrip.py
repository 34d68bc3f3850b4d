"""Lossless round trips: every corpus timeline that reads is written in its own format and reads back the same.

"The same" is :func:`otio_tools.compare.format_differences`: tracks, clip names,
source ranges, record positions, transitions, speed effects, markers and
metadata, after the format's ``carried_facts`` projection. Each projection is
checked here to remove exactly the differences its docstring documents.
Where a stock writer cannot write a corpus file the same, :data:`WRITER_LIMITS`
says why, and the test checks that is still what happens.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from otio_tools.compare import facts_differences, format_differences, timeline_facts
from otio_tools.conformance import edl_rate_for
from otio_tools.errors import OtioToolsError, TimelineWriteError
from otio_tools.timeline_io import timeline_of, write_timeline
from tests.conftest import shared_files, shared_path
from tests.test_conformance import read_corpus_file

CORPUS = shared_files("corpus", "timelines", pattern="*/*")
OTIO_FILES = shared_files("corpus", "timelines", "otio", pattern="*.otio")

_NOT_READ = ("premiere_example_filter.xml",)

# Corpus files a stock writer cannot write the same: what the failure says, and why.
_AAF_SEQUENCE_MARKERS = ("timeline.markers", "sequence markers: only clip and gap markers are written")
_AAF_RETIME = ("effects: 2 entries became 0", "a Motion Control retime and a SpatialAdapter effect: the AAF writer writes "
                                               "neither")
_AAF_DATA_TRACK = ("Unsupported track kind: AAF_DataEssenceTrack",
                   "a data (marker) track: the AAF writer writes video and audio tracks only")
_AAF_SEVERAL = ("the AAF writer writes a single timeline",
                "two top-level compositions: the AAF writer writes one timeline")
_AAF_SUBCLIP = ("type", "a clip of a composition (subclip): the AAF writer writes a plain clip of the media")
WRITER_LIMITS: dict[str, tuple[str, str]] = {
    "aaf/2997fps-DFTC.aaf": ("effects: 1 entries became 0", "Premiere's Mono Audio Gain on each audio clip: the "
                                                            "AAF writer writes no effects"),
    "aaf/avid_data_track_example.aaf": _AAF_DATA_TRACK,
    "aaf/bad_marker_track_from_avid.aaf": _AAF_SEQUENCE_MARKERS,
    "aaf/bezier01.aaf": _AAF_RETIME,
    "aaf/essence_group.aaf": ("'Title_2' became 'Submaster'", "a Title_2 effect over a nested composition: the "
                                                              "AAF writer writes the nesting as a plain Submaster"),
    "aaf/keyframed_properties.aaf": ("effects: 1 entries became 0",
                                     "Avid effects (SBlend_v2 keyframed blends): the AAF writer writes none"),
    "aaf/linear01.aaf": _AAF_RETIME,
    "aaf/marker-over-transition.aaf": ("markers: 2 entries became 3", "a marker inside a dissolve comes back on "
                                                                       "the outgoing clip"),
    "aaf/missing_mob.aaf": _AAF_SEVERAL,
    "aaf/multiple_markers.aaf": ("timeline.tracks[3].markers: 0 entries became 1",
                                 "a marker the reader put outside its clip's range (frame -207 of a clip "
                                 "starting at 86400) comes back on the track"),
    "aaf/multiple_top_level_mobs.aaf": _AAF_SEVERAL,
    "aaf/nonascii_names.aaf": _AAF_SEVERAL,
    "aaf/normalclip_sourceclip_references_compositionmob_has_also_mastermob_usercomments.aaf": _AAF_SUBCLIP,
    "aaf/normalclip_sourceclip_references_compositionmob_with_usercomments_no_mastermob_usercomments.aaf":
        _AAF_SUBCLIP,
    "aaf/simple_data_track_marker_test.aaf": _AAF_DATA_TRACK,
    "aaf/spline01.aaf": _AAF_RETIME,
    "aaf/step01.aaf": _AAF_RETIME,
    "aaf/subclip_sourceclip_references_compositionmob_with_mastermob.aaf": _AAF_SUBCLIP,
    "aaf/test_file_01.aaf": ("effects: 2 entries became 0", "a speed change with a PaintResize_v2 effect: Avid "
                                                            "effects are not written, and a speed change only alone"),
}


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.fixture(scope="module")
def loaded():
    """Each corpus file read once per session (shared with the conformance test)."""

    def load(path: Path):
        rate = edl_rate_for(path) if path.parent.name == "edl" else None
        try:
            return read_corpus_file(path, rate=rate)
        except OtioToolsError as exc:
            return exc

    return load


def _round_trip(source, out: Path, format_name: str):
    """Write *source* to *out*; returns the document read back, or the write error."""
    written = []
    try:
        write_timeline(source.document, out, format=format_name, rate=source.rate, verify=written.append)
    except TimelineWriteError as exc:
        return exc
    return written[0]


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS, ids=_id)
def test_corpus_timeline_round_trips_in_its_own_format(path, loaded, tmp_path):
    source = loaded(path)
    if isinstance(source, OtioToolsError):
        assert path.name in _NOT_READ or path.parent.name == "edl", f"{_id(path)} does not read: {source}"
        pytest.skip(f"refused on read, see docs/conformance.md: {source}")
    back = _round_trip(source, tmp_path / f"out{path.suffix}", source.format.name)
    limit = WRITER_LIMITS.get(_id(path))
    if isinstance(back, TimelineWriteError):
        assert limit is not None, f"{_id(path)}: {back}"
        assert limit[0] in str(back), f"{_id(path)} fails otherwise than documented ({limit[1]}): {back}"
        return
    differences = format_differences(source.document, back, source.format.name)
    if limit is None:
        assert differences == []
    else:
        assert differences, f"{_id(path)} now round trips: remove it from WRITER_LIMITS ({limit[1]})"
        assert limit[0] in differences[0], f"{_id(path)}: expected {limit[1]}, got {differences[:3]}"


@pytest.mark.corpus
@pytest.mark.parametrize("bundle", ["otioz", "otiod"])
@pytest.mark.parametrize("path", OTIO_FILES, ids=_id)
def test_otio_corpus_round_trips_through_bundles(path, bundle, loaded, tmp_path):
    source = loaded(path)
    back = _round_trip(source, tmp_path / f"out.{bundle}", bundle)
    assert not isinstance(back, Exception), back
    assert format_differences(source.document, back, bundle) == []


def _kind(difference: str) -> str:
    """A difference without its indices and values: ``timeline.tracks.children.name``."""
    path = re.sub(r"\[[^\]]*\]", "", difference)
    match = re.match(r"(.*?)(?: (missing|added)(?: \(.*)?$|: )", path)
    if not match:
        return path
    return match.group(1) + (f" {match.group(2)}" if match.group(2) else "")


# For one corpus file per format: the differences a raw round trip shows, each
# one documented in the format's carried_facts, and nothing else.
DOCUMENTED = [
    ("otio/effects.otio", "otio", []),
    ("otio/effects.otio", "otioz", [r"\.media_url$", r"\.media_type$"]),
    ("otio/premiere_example.otio", "otiod", [r"\.media_url$", r"\.media_type$"]),
    ("fcp7xml/hiero_xml_export.xml", "fcp7xml",
     [r"^timeline\.metadata\.fcp_xml\.@id$", r"\.children\.metadata\.fcp_xml\.@id added$",
      r"\.metadata\.fcp_xml\.@frameBlend added$"]),
    ("fcp7xml/sample_just_track.xml", "fcp7xml", [r"^timeline\.metadata\.fcp_xml\.media added$"]),
    ("ale/sample_cdl.ale", "ale", [r"\.metadata\.ALE\.CDL added$", r"\.metadata\.ALE\.Source File added$"]),
    ("ale/sample2.ale", "ale", [r"\.metadata\.ALE\.Duration missing$", r"\.metadata\.ALE\.Source File added$"]),
    ("kdenlive/kdenlive_example.kdenlive", "kdenlive", [r"^timeline\.tracks\.children\.name$"]),
    ("kdenlive/kdenlive_mixes_markers.kdenlive", "kdenlive", [r"^timeline\.tracks\.children$"]),
    ("xges/xges_example.xges", "xges",
     [r"^timeline\.name$", r"^timeline\.tracks\.children\.name$",
      r"\.metadata\.XGES\.clip\.properties\.fields\.name$"]),
    ("xges/xges_nested_example.xges", "xges",
     [r"^timeline\.name$", r"\.metadata\.XGES\.project\.metadatas\.fields\.name added$"]),
    ("aaf/2997fps.aaf", "aaf",
     [r"\.metadata\.AAF\.", r"^timeline\.tracks\.name$", r"^timeline\.tracks\.source_range$",
      r"^timeline\.tracks\.effects$"]),
    ("aaf/transitions.aaf", "aaf", [r"\.metadata\.AAF\.", r"^timeline\.tracks\.source_range$",
                                    r"^timeline\.tracks\.record$"]),
]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name, format_name, patterns", DOCUMENTED, ids=[f"{fmt}-{name.split('/')[1]}" for name, fmt, _ in DOCUMENTED]
)
def test_projection_removes_exactly_the_documented_differences(name, format_name, patterns, loaded, tmp_path):
    source = loaded(shared_path("corpus", "timelines", *name.split("/")))
    suffix = {"otioz": ".otioz", "otiod": ".otiod"}.get(format_name, Path(name).suffix)
    back = _round_trip(source, tmp_path / f"out{suffix}", format_name)
    expected, got = timeline_of(source.document), timeline_of(back)
    rate = expected.duration().rate
    kinds = {_kind(d) for d in facts_differences(timeline_facts(expected, rate), timeline_facts(got, rate))}
    undocumented = {k for k in kinds if not any(re.search(p, k) for p in patterns)}
    assert undocumented == set()
    for pattern in patterns:
        assert any(re.search(pattern, k) for k in kinds), f"{pattern} documented but not seen in {sorted(kinds)}"
    assert format_differences(source.document, back, format_name) == []


@pytest.mark.parametrize(
    "difference, kind",
    [
        pytest.param("timeline.tracks[0 'V1'].children[3 'a'].name: 'a' became 'b'", "timeline.tracks.children.name",
                     id="changed"),
        pytest.param("timeline.tracks[1].metadata.ALE.Source File added ('')",
                     "timeline.tracks.metadata.ALE.Source File added", id="added-key-with-space"),
        pytest.param("timeline.tracks[0].children: 15 entries became 10", "timeline.tracks.children", id="count"),
    ],
)
def test_difference_kinds(difference, kind):
    assert _kind(difference) == kind
