"""The conformance table: docs/conformance.md is what the code reads in the shared corpus now."""

from __future__ import annotations

import copy
import dataclasses
import difflib
import functools
import re
from pathlib import Path

import opentimelineio as otio
import pytest

from otio_tools.conformance import (
    EDL_RATES,
    Row,
    conformance_markdown,
    conformance_rows,
    producers_from_index,
)
from otio_tools.errors import OtioToolsError
from otio_tools.timeline_io import TimelineFile, read_timeline, timeline_of
from tests.conftest import REPO, shared_path

TABLE = REPO / "docs" / "conformance.md"
REGENERATE = "python -m otio_tools.conformance ../shared/corpus/timelines"


@functools.lru_cache(maxsize=None)
def _read_once(path: Path, rate: float | None) -> TimelineFile | OtioToolsError:
    try:
        return read_timeline(path, rate=rate)
    except OtioToolsError as exc:
        return exc


def read_corpus_file(path, rate: float | None = None) -> TimelineFile:
    """``read_timeline`` for corpus files, each parsed once per test session (AAF parsing is slow).

    Every call gets its own copy of the document, so a test that edits or
    writes it cannot change what another test reads.
    """
    loaded = _read_once(Path(path), rate)
    if isinstance(loaded, OtioToolsError):
        raise loaded
    document = copy.deepcopy(loaded.document)
    return dataclasses.replace(loaded, document=document, timeline=timeline_of(document, loaded.path, []))


@pytest.fixture(scope="module")
def corpus():
    return shared_path("corpus", "timelines")


@pytest.fixture(scope="module")
def rows(corpus):
    return conformance_rows(corpus, read=read_corpus_file)


def _comparable(markdown: str) -> list[str]:
    """The table's lines, with the notes of files that read left out.

    What readers note about a file they read (the repairs they made) is
    worded by each reader and may be reworded; whether each file reads, what
    is in it and why a file is refused may not change unnoticed.
    """
    out = []
    for line in markdown.splitlines():
        cells = line.split(" | ")
        if len(cells) == 10 and cells[3] == "ok":
            line = " | ".join(cells[:9])
        out.append(line)
    return out


@pytest.mark.corpus
def test_committed_table_is_what_the_code_reads_now(rows):
    expected = _comparable(TABLE.read_text(encoding="utf-8"))
    got = _comparable(conformance_markdown(rows))
    diff = "\n".join(difflib.unified_diff(expected, got, "committed", "now", lineterm=""))
    assert got == expected, f"docs/conformance.md is out of date; run `{REGENERATE}`:\n{diff[:4000]}"


@pytest.mark.parametrize(
    "line, comparable",
    [
        pytest.param("| a.edl | edl | Avid | ok | 1/0 | 3 | 0 | 0 | 24 | decoded as gbk |",
                     "| a.edl | edl | Avid | ok | 1/0 | 3 | 0 | 0 | 24", id="ok-row-without-notes"),
        pytest.param("| b.edl | edl | Avid | refused | – | – | – | – | – | line 3: no rate |",
                     "| b.edl | edl | Avid | refused | – | – | – | – | – | line 3: no rate |", id="refusal-kept"),
        pytest.param("**145 of 147 files read (98.6%)**", "**145 of 147 files read (98.6%)**", id="summary-kept"),
    ],
)
def test_what_the_committed_table_is_compared_on(line, comparable):
    assert _comparable(line) == [comparable]


@pytest.mark.corpus
def test_at_least_95_percent_of_the_corpus_reads(rows):
    read = [row for row in rows if row.result == "ok"]
    assert len(rows) >= 147
    assert len(read) / len(rows) >= 0.95, [f"{row.file}: {row.notes}" for row in rows if row.result != "ok"]


@pytest.mark.corpus
def test_every_refusal_says_why_in_one_line(rows):
    for row in rows:
        assert row.result in ("ok", "refused")
        if row.result == "refused":
            assert len(row.notes) > 30 and "\n" not in row.notes, row
            assert "Traceback" not in row.notes and not row.notes.startswith(("KeyError", "AttributeError")), row


@pytest.mark.corpus
def test_the_filter_fragment_is_refused_for_having_no_sequence(rows):
    (row,) = [row for row in rows if row.file == "fcp7xml/premiere_example_filter.xml"]
    assert row.result == "refused"
    assert "<filter>" in row.notes and "line 2" in row.notes and "holds no timeline" in row.notes


@pytest.mark.corpus
def test_newer_otio_schemas_and_installed_adapters_read(rows):
    by_file = {row.file: row for row in rows}
    for name in ("otio/premiere_example.otio", "otio/screening_example.otio",
                 "kdenlive/kdenlive_mixes_markers.kdenlive", "xges/xges_example.xges"):
        assert by_file[name].result == "ok", by_file[name]
    assert by_file["otio/screening_example.otio"].markers == 3


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(EDL_RATES))
def test_each_edl_rate_has_its_evidence_in_the_file(corpus, name):
    """An EDL read above 24 fps must show a frame number 24 fps cannot have, and none its rate cannot."""
    rate, _ = EDL_RATES[name]
    text = (corpus / "edl" / name).read_text(encoding="latin-1")
    frames = [int(tc[-2:]) for tc in re.findall(r"\b\d\d:\d\d:\d\d[:;]\d\d\b", text)]
    assert max(frames) >= 24
    assert max(frames) < rate


ROWS = [
    Row("a/one.otio", "otio", "Resolve", "ok", "", 1, 0, 2, 1, 0, 24.0),
    Row("a/two.otio", "otio", "", "ok", "note | with a pipe", 0, 2, 1, 0, 1, 23.976023976023978),
    Row("b/bad.edl", "edl", "Avid", "refused", "line 3: garbage; export it again"),
]


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param("**2 of 3 files read (66.7%)**", id="overall-share"),
        pytest.param("| otio | 2 | 2 | 0 |", id="per-format-ok"),
        pytest.param("| edl | 1 | 0 | 1 |", id="per-format-refused"),
        pytest.param("| a/two.otio | otio | – | ok | 0/2 | 1 | 0 | 1 | 23.976 | note \\| with a pipe |", id="row-escaped"),
        pytest.param("| b/bad.edl | edl | Avid | refused | – | – | – | – | – | line 3: garbage; export it again |",
                     id="refused-row"),
    ],
)
def test_markdown_rendering(expected):
    assert expected in conformance_markdown(ROWS).splitlines()


def test_rows_of_a_small_corpus(tmp_path):
    (tmp_path / "otio").mkdir()
    (tmp_path / "edl").mkdir()
    timeline = otio.schema.Timeline(name="t", tracks=[otio.schema.Track(name="V1")])
    clip = otio.schema.Clip(
        name="c", source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 25), otio.opentime.RationalTime(50, 25))
    )
    clip.markers.append(otio.schema.Marker(name="m"))
    timeline.tracks[0].append(clip)
    otio.adapters.write_to_file(timeline, str(tmp_path / "otio" / "good.otio"))
    (tmp_path / "edl" / "empty.edl").write_text("")
    (tmp_path / "INDEX.md").write_text(
        "| file | size | produced by (evidence) | clips |\n|---|---|---|---|\n"
        "| otio/good.otio | 1 KB | **Hand** (test) | 1 |\n"
    )
    rows = conformance_rows(tmp_path)
    assert [(r.file, r.result, r.producer) for r in rows] == [
        ("edl/empty.edl", "refused", ""),
        ("otio/good.otio", "ok", "Hand (test)"),
    ]
    assert "empty" in rows[0].notes and str(tmp_path) not in rows[0].notes
    assert (rows[1].video_tracks, rows[1].audio_tracks, rows[1].clips, rows[1].markers, rows[1].rate) == (1, 0, 1, 1, 25)


def test_producers_without_an_index_are_unknown(tmp_path):
    assert producers_from_index(tmp_path) == {}


@pytest.mark.corpus
def test_producer_from_the_file_where_the_index_has_none(corpus, tmp_path):
    (tmp_path / "aaf").mkdir()
    (tmp_path / "aaf" / "one.aaf").write_bytes((corpus / "aaf" / "one_marker.aaf").read_bytes())
    (row,) = conformance_rows(tmp_path, read=read_corpus_file)
    assert row.producer == "Avid Technology, Inc. Avid Media Composer 18.9.0.49510 Unknown version (AAF IdentificationList)"
