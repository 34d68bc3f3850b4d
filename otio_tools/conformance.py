"""The conformance table: what otio-tools reads in a corpus of real NLE exports.

:func:`conformance_rows` reads every timeline file under a corpus folder (one
folder per format, as in ``shared/corpus/timelines``) with
:func:`otio_tools.timeline_io.read_timeline` and says, per file, whether it
was read or refused and why, with what was found in it.
:func:`conformance_markdown` renders the rows as ``docs/conformance.md``::

    python -m otio_tools.conformance CORPUS_DIR [-o docs/conformance.md]

EDLs carry no rate. Each is read at :data:`DEFAULT_EDL_RATE` unless
:data:`EDL_RATES` names it, with the evidence for its rate taken from the
file itself.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import opentimelineio as otio

from otio_tools.errors import OtioToolsError
from otio_tools.formats import format_for_suffix
from otio_tools.formats.detect import detect_format
from otio_tools.timeline_io import TimelineFile, read_timeline

__all__ = [
    "Row",
    "EDL_RATES",
    "DEFAULT_EDL_RATE",
    "corpus_files",
    "edl_rate_for",
    "row_for",
    "conformance_rows",
    "conformance_markdown",
    "main",
]

DEFAULT_EDL_RATE = 24.0

# EDLs of the shared corpus that are not 24 fps: rate, and the evidence in the file.
EDL_RATES: dict[str, tuple[float, str]] = {
    "25fps.edl": (25.0, "its name; record timecodes reach frame :24, impossible at 24 fps"),
    "test_25.edl": (25.0, "its name; record timecodes reach frame :24, impossible at 24 fps"),
    "timecode_mismatch.edl": (25.0, "the list of 25fps.edl; record timecodes reach frame :24"),
    "test_24psf.edl": (25.0, "record timecodes reach frame :24 (01:00:59:24), impossible at 24 fps"),
}

_SKIPPED = {"INDEX.md", "manifest.json", "README.md"}
_NOTE_LENGTH = 220


@dataclass(frozen=True)
class Row:
    """One corpus file: what it is, whether it was read, and what was found in it.

    ``producer`` is the corpus ``INDEX.md``'s "produced by", or what the file
    says of itself (an AAF's identification list). ``result`` is ``ok`` or
    ``refused``; ``notes`` is the refusal's reason, or what the reader
    repaired or noticed. Counts are ``None`` when refused.
    """

    file: str
    format: str
    producer: str
    result: str
    notes: str
    video_tracks: int | None = None
    audio_tracks: int | None = None
    clips: int | None = None
    markers: int | None = None
    transitions: int | None = None
    rate: float | None = None


def corpus_files(corpus: str | os.PathLike) -> list[Path]:
    """The timeline files under *corpus* (one folder level deep), in path order."""
    root = Path(corpus)
    return sorted(
        p for p in root.glob("*/*") if p.name not in _SKIPPED and not p.name.startswith(".")
    )


def edl_rate_for(path: str | os.PathLike) -> float:
    """The rate to read the corpus EDL at *path*: :data:`EDL_RATES`, else :data:`DEFAULT_EDL_RATE`."""
    return EDL_RATES.get(Path(path).name, (DEFAULT_EDL_RATE, ""))[0]


def row_for(path: Path, corpus: Path, producers: dict[str, str], read: Callable[..., TimelineFile] = read_timeline) -> Row:
    """Read *path* with *read* and describe it as a :class:`Row`; never raises for a file it cannot read."""
    relative = path.relative_to(corpus).as_posix()
    producer = producers.get(relative, "")
    try:
        fmt = detect_format(str(path)).name
    except OtioToolsError as exc:
        by_suffix = format_for_suffix(path.suffix)
        return Row(relative, by_suffix.name if by_suffix else "?", producer, "refused", _reason(exc, relative, corpus))
    producer = producer or _producer_in_file(path, fmt)
    rate = edl_rate_for(path) if fmt == "edl" else None
    try:
        loaded = read(path, rate=rate)
    except OtioToolsError as exc:
        return Row(relative, fmt, producer, "refused", _reason(exc, relative, corpus))
    return _read_row(relative, producer, loaded, corpus)


def _producer_in_file(path: Path, fmt: str) -> str:
    """Who wrote *path*, where the file says so itself (an AAF's identification list)."""
    if fmt != "aaf":
        return ""
    import aaf2

    try:
        with aaf2.open(str(path), "r") as f:
            names = [
                " ".join(str(i[key].value) for key in ("CompanyName", "ProductName", "ProductVersionString")
                         if key in i and i[key].value)
                for i in f.header["IdentificationList"].value
            ]
    except Exception:  # a damaged AAF: the row says why it was refused
        return ""
    joined = "; ".join(dict.fromkeys(name for name in names if name))
    return f"{joined} (AAF IdentificationList)" if joined else ""


def _read_row(relative: str, producer: str, loaded: TimelineFile, corpus: Path) -> Row:
    timeline = loaded.timeline
    items = list(timeline.find_children())
    markers = len(timeline.tracks.markers) + sum(len(getattr(i, "markers", [])) for i in items)
    notes = [_tidy(note, corpus) for note in loaded.notes]
    if loaded.format.name == "edl" and Path(relative).name in EDL_RATES:
        notes.insert(0, f"read at {loaded.rate:g} fps: {EDL_RATES[Path(relative).name][1]}")
    return Row(
        file=relative,
        format=loaded.format.name,
        producer=producer,
        result="ok",
        notes="; ".join(notes),
        video_tracks=len(timeline.video_tracks()),
        audio_tracks=len(timeline.audio_tracks()),
        clips=sum(isinstance(i, otio.schema.Clip) for i in items),
        markers=markers,
        transitions=sum(isinstance(i, otio.schema.Transition) for i in items),
        rate=loaded.rate or _rate_of(timeline),
    )


def _rate_of(timeline: otio.schema.Timeline) -> float | None:
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return clip.source_range.duration.rate
    if timeline.global_start_time is not None:
        return timeline.global_start_time.rate
    return None


def _reason(exc: Exception, relative: str, corpus: Path) -> str:
    """The refusal's message without the file's name, which the row already gives."""
    return _tidy(str(exc), corpus, drop_prefix=relative + ": ")


def _tidy(text: str, corpus: Path, drop_prefix: str = "") -> str:
    """*text* on one line, with corpus paths made relative and object addresses dropped."""
    text = text.replace(str(corpus.resolve()) + os.sep, "").replace(str(corpus) + os.sep, "")
    text = re.sub(r" at 0x[0-9a-f]+", "", " ".join(text.split()))
    if drop_prefix and text.startswith(drop_prefix):
        text = text[len(drop_prefix):]
    return text if len(text) <= _NOTE_LENGTH else text[: _NOTE_LENGTH - 1] + "…"


def producers_from_index(corpus: Path) -> dict[str, str]:
    """The "produced by" column of the corpus's ``INDEX.md``, by relative file path."""
    index = corpus / "INDEX.md"
    if not index.is_file():
        return {}
    producers: dict[str, str] = {}
    column = None
    for line in index.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if column is None:
            column = next((i for i, c in enumerate(cells) if c.startswith("produced by")), None)
            continue
        if column is not None and len(cells) > column and not set(cells[0]) <= set("-: "):
            producers[cells[0]] = cells[column].replace("**", "")
    return producers


def conformance_rows(corpus: str | os.PathLike, read: Callable[..., TimelineFile] = read_timeline) -> list[Row]:
    """A :class:`Row` for every timeline file under *corpus*, in path order.

    *read* is :func:`read_timeline` or a stand-in with its signature (tests
    pass one that reads each file once per session).
    """
    root = Path(corpus)
    producers = producers_from_index(root)
    return [row_for(path, root, producers, read) for path in corpus_files(root)]


def conformance_markdown(rows: list[Row]) -> str:
    """*rows* as the Markdown of ``docs/conformance.md``: a summary per format, then every file."""
    lines = [
        "# Conformance: real NLE exports read by otio-tools",
        "",
        "Every timeline of the shared corpus (`shared/corpus/timelines`, described in its `INDEX.md`)",
        "read with `otio_tools.read_timeline`. Generated by `python -m otio_tools.conformance CORPUS_DIR`;",
        "`tests/test_conformance.py` checks this file against what the code reads now (all but the",
        "notes on files that read, which say what each reader repaired, in its own words).",
        "",
        f"EDLs are read at {DEFAULT_EDL_RATE:g} fps except: "
        + "; ".join(f"`{name}` at {rate:g} ({why})" for name, (rate, why) in sorted(EDL_RATES.items()))
        + ".",
        "",
    ]
    ok = sum(row.result == "ok" for row in rows)
    lines += [
        f"**{ok} of {len(rows)} files read ({100 * ok / len(rows):.1f}%)**" if rows else "**no files**",
        "",
        "| format | files | ok | refused |",
        "|---|---|---|---|",
    ]
    for fmt in sorted({row.format for row in rows}):
        of_format = [row for row in rows if row.format == fmt]
        read = sum(row.result == "ok" for row in of_format)
        lines.append(f"| {fmt} | {len(of_format)} | {read} | {len(of_format) - read} |")
    lines += [
        "",
        "| file | format | produced by | result | V/A tracks | clips | markers | transitions | rate | notes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        tracks = "–" if row.video_tracks is None else f"{row.video_tracks}/{row.audio_tracks}"
        lines.append(
            "| "
            + " | ".join(
                _cell(value)
                for value in (
                    row.file, row.format, row.producer or "–", row.result, tracks,
                    _count(row.clips), _count(row.markers), _count(row.transitions),
                    _rate_text(row.rate), row.notes or "–",
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def _count(value: int | None) -> str:
    return "–" if value is None else str(value)


def _rate_text(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.3f}".rstrip("0").rstrip(".")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def main(argv: list[str] | None = None) -> str:
    """Write the conformance table of a corpus folder; returns the path written."""
    parser = argparse.ArgumentParser(prog="python -m otio_tools.conformance", description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="the corpus folder, e.g. ../shared/corpus/timelines")
    parser.add_argument("-o", "--output", default=os.path.join("docs", "conformance.md"))
    args = parser.parse_args(argv)
    text = conformance_markdown(conformance_rows(args.corpus))
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(text)
    return args.output


if __name__ == "__main__":
    main()
