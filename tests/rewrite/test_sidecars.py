"""Marker files in each NLE's dialect: shapes checked against real exports and read back."""

from __future__ import annotations

import re

import pytest

from otio_tools.cuts import record_timecode
from otio_tools.findings import Finding, Severity
from otio_tools.rewrite import finding_markers
from otio_tools.rewrite.dialects import MARKER_RGB, PREMIERE_COLOURS
from otio_tools.rewrite.sidecars import (
    AVID_COLOURS,
    RESOLVE_COLOURS,
    avid_marker_list,
    read_avid_marker_list,
    read_resolve_marker_edl,
    resolve_marker_edl,
)
from tests.conftest import shared_path

RATE = 25.0

FINDINGS = [
    Finding("colour_mismatch", Severity.ERROR, 132, 18, 0, "shot_060", 11.1, 4.0,
            "shot_060 carries another grade\tthan shot_050 | at frame 132"),
    Finding("flicker", Severity.WARNING, 84, 20, 0, "shot_040", 8.1, 3.0, "The luminance\noscillates"),
    Finding("jump_cut", Severity.INFO, 26, 1, 0, "shot_020", 5.0, 3.0, "Jump cut ΔE"),
]


def _timecode(frame: int) -> str:
    return record_timecode(frame, RATE, global_start=90000)


def test_premiere_colours_are_abgr_integers_whose_strongest_channel_is_the_colours():
    for colour, value in PREMIERE_COLOURS.items():
        alpha, blue, green, red = (value >> 24) & 255, (value >> 16) & 255, (value >> 8) & 255, value & 255
        assert alpha == 255
        strongest = {"r": red, "g": green, "b": blue}
        top = max(strongest, key=strongest.get)
        named = dict(zip("rgb", MARKER_RGB[colour]))
        assert named[top] == max(named.values()), (colour, hex(value))


def test_resolve_marker_edl_reads_back_with_timecode_colour_name_and_duration():
    markers = finding_markers(FINDINGS)
    text = resolve_marker_edl(markers, "ai short", _timecode)
    lines = text.splitlines()
    assert lines[:2] == ["TITLE: ai short", "FCM: NON-DROP FRAME"]
    read = read_resolve_marker_edl(text)
    assert [r["timecode"] for r in read] == [_timecode(m.start) for m in markers]
    assert [r["colour"] for r in read] == [RESOLVE_COLOURS[m.colour] for m in markers]
    assert [r["name"] for r in read] == [m.ascii_name for m in markers]
    assert [r["duration"] for r in read] == [m.duration for m in markers]
    assert all(line.isascii() for line in lines)
    # one event of one frame per marker, source and record alike, as Resolve writes it
    event = re.compile(r"^(\d{3})  001      V     C        (\S+) (\S+) \2 \3  $")
    events = [event.match(line) for line in lines if line[:1].isdigit()]
    assert all(events) and [e.group(1) for e in events] == ["001", "002", "003"]


def test_avid_marker_list_has_six_tab_separated_fields_in_avids_colours():
    markers = finding_markers(FINDINGS)
    text = avid_marker_list(markers, _timecode)
    rows = read_avid_marker_list(text)
    assert len(rows) == len(text.splitlines()) == len(markers)
    for row, marker in zip(rows, markers):
        assert row["timecode"] == _timecode(marker.start)
        assert row["track"] == "V1"
        assert row["colour"] == AVID_COLOURS[marker.colour] and row["colour"].islower()
        assert row["duration"] == marker.duration
        assert row["comment"].startswith(marker.ascii_name) and row["comment"].isascii()
        assert "\n" not in row["comment"]


def test_avid_marker_list_is_shaped_like_the_lines_media_composer_writes():
    # A real Media Composer marker list line (user, TC, track, colour, comment, duration), as quoted
    # in public marker-conversion tools; ours must split the same way.
    avid = "Isabel Yanes GT\t01:01:07:21\tV1\tred\tVFX - Fade In.\t1"
    ours = avid_marker_list(finding_markers(FINDINGS[:1]), _timecode).splitlines()[0]
    shape = re.compile(r"^[^\t]+\t\d\d:\d\d:\d\d[:;]\d\d\tV\d+\t[a-z]+\t[^\t]*\t\d+$")
    assert shape.match(avid) and shape.match(ours)


@pytest.mark.parametrize("merge", [False, True])
def test_edl_loc_lines_we_write_have_the_shape_of_avids(merge, tmp_path):
    corpus = shared_path("corpus", "timelines", "edl", "cdl_example01.edl").read_text()
    loc = re.compile(r"^\*\s?LOC: \d\d:\d\d:\d\d:\d\d (\w+)\s+(\S.*)$")
    theirs = [loc.match(line) for line in corpus.splitlines() if "LOC:" in line]
    assert theirs and all(theirs)
    from tests.rewrite.test_writing import bench_case_written

    written = bench_case_written("public_03", "edl", tmp_path, merge=merge)
    ours = [line for line in written.read_text().splitlines() if "LOC:" in line]
    assert ours and all(loc.match(line) for line in ours)
    assert {loc.match(line).group(1) for line in ours} <= {c.upper() for c in AVID_COLOURS.values()}
