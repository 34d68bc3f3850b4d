"""Read any supported timeline file, and write one back safely.

Reading picks the format from the content, repairs what real exports do that
the stock adapters reject, and returns a :class:`TimelineFile`. Writing goes
to a temporary file beside the target, reads it back, compares it with what
was meant to be written, and only then renames it into place: a failed write
never leaves a half-written file or replaces an existing one.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import math
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Iterable
from xml.etree import ElementTree

import opentimelineio as otio

from otio_tools.errors import (
    OtioToolsError,
    RateRequiredError,
    TimelineReadError,
    TimelineWriteError,
)
from otio_tools.formats import Format, format_named
from otio_tools.formats.detect import detect_format
from otio_tools.formats.edl import decoded_edl_text, read_edl_text
from otio_tools.formats.fcpxml import fcpxml_document_path, read_fcpxml_text
from otio_tools.formats.otio_json import read_from_string as read_otio_json

__all__ = ["TimelineFile", "read_timeline", "write_timeline", "timeline_of", "default_output_path"]


@dataclass(frozen=True)
class TimelineFile:
    """A timeline as read from disk.

    ``document`` is exactly what the adapter produced (a ``Timeline``, or a
    ``SerializableCollection`` for clip lists such as ALE); ``timeline`` is the
    timeline the tools work on (the document itself, or built from it).
    ``rate`` is the rate an EDL was read at. ``notes`` say what was repaired.
    """

    path: str
    format: Format
    document: otio.core.SerializableObject
    timeline: otio.schema.Timeline
    rate: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_timeline(
    path: str | os.PathLike,
    *,
    rate: float | None = None,
    format: str | None = None,
    media_roots: Iterable[str] = (),
) -> TimelineFile:
    """Read the timeline at *path*.

    *rate* is required for EDLs unless it can be inferred from the media the
    EDL names under *media_roots*; *format* overrides detection.
    """
    path = os.fspath(path)
    fmt = format_named(format) if format else detect_format(path)
    notes: list[str] = []
    try:
        with _adapter_output() as said:
            document, used_rate = _read_document(path, fmt, rate, list(media_roots), notes)
    except OtioToolsError:
        raise
    except (OSError, UnicodeError) as exc:
        raise TimelineReadError(
            f"{path}: cannot be read as {fmt.name}{_place(exc)}: {_reason(exc)}; "
            "check the file is complete and readable"
        ) from exc
    except RecursionError as exc:
        raise TimelineReadError(
            f"{path}: nested too deeply to read as {fmt.description}; export it again from the NLE"
        ) from exc
    except Exception as exc:  # adapters raise anything from KeyError to XML errors
        raise TimelineReadError(
            f"{path}: not a valid {fmt.description} file{_place(exc) or _quoted_line(exc, path)}: "
            f"{_reason(exc)}; export it again from the NLE, or pass --format if the suffix is wrong"
        ) from exc
    notes.extend(_said_notes(fmt, said))
    timeline = timeline_of(document, path, notes)
    _check_times(timeline, path)
    return TimelineFile(path, fmt, document, timeline, used_rate, tuple(notes))


# No timecode, and no media, reaches this far (a year); past it frames overflow.
_LONGEST_SECONDS = 366 * 24 * 3600
# Audio sample rates are the highest rates timelines use.
_HIGHEST_RATE = 1_000_000


def _check_times(timeline: otio.schema.Timeline, path: str) -> None:
    """Refuse times no frame can be computed from: a rate of 0, NaN, infinity, or a year or more.

    Adapters pass them through; every tool after reading would then fail on
    arithmetic far from the cause.
    """
    def problem(time: otio.opentime.RationalTime | None) -> str | None:
        if time is None:
            return None
        if not (math.isfinite(time.rate) and 0 < time.rate <= _HIGHEST_RATE):
            return "the rate must be a positive number of frames (or samples) per second"
        if not math.isfinite(time.value) or abs(time.value / time.rate) > _LONGEST_SECONDS:
            return "no timeline lasts a year"
        return None

    def times(thing):
        for attribute in ("source_range", "marked_range"):
            value = getattr(thing, attribute, None)
            if value is not None:
                yield attribute, value.start_time
                yield attribute, value.duration
        reference = getattr(thing, "media_reference", None)
        if reference is not None and reference.available_range is not None:
            yield "media range", reference.available_range.start_time
            yield "media range", reference.available_range.duration
        for attribute in ("in_offset", "out_offset"):
            if hasattr(thing, attribute):
                yield attribute, getattr(thing, attribute)

    places = [("timeline", timeline)]
    for item in timeline.find_children():
        places.append((f"{type(item).__name__.lower()} {item.name!r}", item))
        for marker in getattr(item, "markers", []):
            places.append((f"marker {marker.name!r} of {item.name!r}", marker))
    for marker in timeline.tracks.markers:
        places.append((f"timeline marker {marker.name!r}", marker))
    start = timeline.global_start_time
    if problem(start):
        raise TimelineReadError(
            f"{path}: the timeline's start {start.value:g} at rate {start.rate:g} is not a usable time "
            f"({problem(start)}); export the timeline again"
        )
    for where, thing in places:
        if isinstance(thing, otio.core.Item) and not _has_duration(thing):
            raise TimelineReadError(
                f"{path}: {where} has no duration: neither a source range nor a media range says "
                "which frames it uses; export the timeline again"
            )
        for attribute, time in times(thing):
            if problem(time):
                raise TimelineReadError(
                    f"{path}: {where}: {attribute} {time.value:g} at rate {time.rate:g} is not a "
                    f"usable time ({problem(time)}); export the timeline again"
                )


_BINARY_FORMATS = {"aaf", "otioz", "otiod"}


def _check_no_nul(path: str, fmt: Format) -> None:
    """Refuse a text timeline holding NUL bytes: damaged, and OTIO mangles such metadata keys."""
    if fmt.name in _BINARY_FORMATS or os.path.isdir(path):
        return
    with open(path, "rb") as fh:
        data = fh.read()
    at = data.find(b"\0")
    if at >= 0:
        line = data.count(b"\n", 0, at) + 1
        raise TimelineReadError(
            f"{path}: line {line} holds a NUL byte, which no {fmt.description} file has: the file is "
            "damaged or not text; export it again from the NLE"
        )


def _read_document(path, fmt, rate, media_roots, notes):
    _check_no_nul(path, fmt)
    if fmt.name == "edl":
        with open(path, "rb") as fh:
            text, text_notes = decoded_edl_text(fh.read())
        notes.extend(text_notes)
        if rate is None:
            rate = _edl_rate_from_media(text, path, media_roots)
            if rate is None:
                raise RateRequiredError(
                    f"{path}: an EDL carries no frame rate and none could be inferred from its "
                    "media; pass --rate (e.g. --rate 24, 23.976, 25, 29.97)"
                )
            notes.append(f"rate {rate:g} inferred from the media")
        timeline, edl_notes = read_edl_text(text, rate, source=path)
        notes.extend(edl_notes)
        return timeline, rate
    if fmt.name == "fcpxml":
        with open(fcpxml_document_path(path), encoding="utf-8") as fh:
            document, xml_notes = read_fcpxml_text(fh.read(), path)
        notes.extend(xml_notes)
        return document, None
    if fmt.name == "otio":
        with open(path, encoding="utf-8") as fh:
            return read_otio_json(fh.read()), None
    if fmt.name == "otioz":
        return _read_otioz(path), None
    if fmt.name == "otiod":
        with open(os.path.join(path, "content.otio"), encoding="utf-8") as fh:
            return read_otio_json(fh.read()), None
    if fmt.name == "fcp7xml":
        from otio_tools.formats.fcp7xml import with_marker_comments

        return with_marker_comments(otio.adapters.read_from_file(path, adapter_name=fmt.read_adapter)), None
    if fmt.name == "ale":
        kwargs = {"fps": rate} if rate else {}
        return otio.adapters.read_from_file(path, adapter_name=fmt.read_adapter, **kwargs), None
    return otio.adapters.read_from_file(path, adapter_name=fmt.read_adapter), None


def _edl_rate_from_media(text: str, path: str, media_roots: list[str]) -> float | None:
    try:
        from otio_tools.relink import edl_rate_from_media
    except ModuleNotFoundError as exc:
        if exc.name != "otio_tools.relink":
            raise
        return None
    return edl_rate_from_media(text, path, media_roots)


def _read_otioz(path):
    # Read the JSON straight from the archive: no extraction to disk, and the
    # same schema step-down as plain .otio.
    with zipfile.ZipFile(path) as zf:
        return read_otio_json(zf.read("content.otio").decode("utf-8"))


def timeline_of(document, path: str = "", notes: list[str] | None = None) -> otio.schema.Timeline:
    """The timeline to work on in *document*.

    A ``Timeline`` is itself. A collection holding timelines gives its first
    (FCPXML libraries, multi-sequence files). A collection of clips (an ALE or
    an FCPXML event's clip list) is laid end to end on one video track in the
    order listed, so every clip can be inspected and relinked.
    """
    notes = notes if notes is not None else []
    if isinstance(document, otio.schema.Timeline):
        return document
    if isinstance(document, otio.schema.SerializableCollection):
        timelines = [item for item in document if isinstance(item, otio.schema.Timeline)]
        if timelines:
            if len(timelines) > 1:
                notes.append(f"{len(timelines)} timelines in the file; using the first, {timelines[0].name!r}")
            return timelines[0]
        clips = [item for item in document if isinstance(item, otio.schema.Clip)]
        track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
        untimed = []
        for clip in clips:
            if _has_duration(clip):
                track.append(clip.clone())
            else:
                untimed.append(repr(clip.name))
        notes.append(f"a clip list of {len(clips)} clips, laid end to end on one track")
        if untimed:
            notes.append(f"{len(untimed)} clips with no start and duration left off the track: {', '.join(untimed)}")
        return otio.schema.Timeline(name=document.name or os.path.basename(path), tracks=[track])
    raise TimelineReadError(
        f"{path}: holds a {type(document).__name__}, not a timeline or clip list; "
        "pass a file whose top level is a Timeline or a SerializableCollection"
    )


def _has_duration(item) -> bool:
    try:
        item.trimmed_range()
    except otio.exceptions.OTIOError:
        return False
    return True


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = _OTIO_POSITION.sub("", text).rstrip(" :")  # the place is said before the reason
    text = text if len(text) <= 160 else text[:159] + "…"
    if isinstance(exc, ElementTree.ParseError):
        return f"malformed XML ({_XML_POSITION.sub('', text)})"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_XML_POSITION = re.compile(r":? line \d+, column \d+$")
_OTIO_POSITION = re.compile(r"(?:\(line (?P<line>\d+), column (?P<column>\d+)\)|near line (?P<near>\d+))")


# Adapters that quote the line they failed on (the ALE reader) instead of numbering it.
_QUOTED_LINE = re.compile(r"(?:line|row): (.+)")


def _quoted_line(exc: BaseException, path: str) -> str:
    """``" at line N"`` for an error that quotes a whole line of the file at *path*, else ``""``."""
    match = _QUOTED_LINE.search(str(exc).split("\n")[0])
    if not match or os.path.isdir(path):
        return ""
    quoted = match.group(1).rstrip("\r")
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if line.rstrip("\r\n") == quoted:
                return f" at line {number}"
    return ""


def _place(exc: BaseException) -> str:
    """Where in the file *exc* happened, as ``" at line L, column C"``, or ``""`` when unknown.

    EDL and FCPXML readers name the line themselves, in their own messages.
    """
    if isinstance(exc, ElementTree.ParseError) and exc.position:
        line, column = exc.position
        return f" at line {line}, column {column + 1}"
    if isinstance(exc, json.JSONDecodeError):
        return f" at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, zipfile.BadZipFile):
        return " (its zip archive is damaged)"
    match = _OTIO_POSITION.search(str(exc))  # OTIO's JSON reader ends its messages with the place
    if match:
        line, column = match.group("line") or match.group("near"), match.group("column")
        return f" at line {line}" + (f", column {column}" if column else "")
    return ""


@contextlib.contextmanager
def _adapter_output():
    """Capture what an adapter prints, warns or logs, so the library itself never prints.

    Warnings other packages log (the adapters, pyaaf2) are held back from the
    root logger's handlers, and from Python's last-resort handler, while the
    adapter runs, and become notes instead.
    """
    said = io.StringIO()
    held = _HeldBack()
    root = logging.getLogger()
    handlers = list(root.handlers)
    for handler in handlers:
        handler.addFilter(held.passes)
    root.addHandler(held)
    try:
        with contextlib.redirect_stdout(said), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield said
    finally:
        root.removeHandler(held)
        for handler in handlers:
            handler.removeFilter(held.passes)
    for message in [*(str(w.message) for w in caught), *held.messages]:
        said.write(f"{message}\n")


class _HeldBack(logging.Handler):
    """Keeps the warnings logged by other packages; :meth:`passes` keeps them from other handlers."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    @staticmethod
    def passes(record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING or record.name.startswith("otio_tools")

    def emit(self, record: logging.LogRecord) -> None:
        if not self.passes(record):
            self.messages.append(record.getMessage())


def _said_lines(said: io.StringIO) -> list[str]:
    lines = [line.strip() for line in said.getvalue().splitlines()]
    return list(dict.fromkeys(line for line in lines if line.strip("!")))


def _said_notes(fmt: Format, said: io.StringIO) -> list[str]:
    lines = _said_lines(said)
    return [f"the {fmt.read_adapter} adapter said: {' '.join(lines)}"] if lines else []


def _said(said: io.StringIO) -> str:
    lines = _said_lines(said)
    return f" (the adapter said: {' '.join(lines)})" if lines else ""


def write_timeline(
    document: otio.core.SerializableObject,
    path: str | os.PathLike,
    *,
    format: str | None = None,
    overwrite: bool = False,
    rate: float | None = None,
    verify=None,
) -> str:
    """Write *document* to *path* atomically and verify it reads back.

    *format* defaults to the one the suffix names. An existing file is never
    replaced unless *overwrite*. *verify*, when given, is called with the
    document read back from the temporary file and raises
    ``TimelineWriteError`` on a difference; by default the written file is
    compared with *document* on everything the format carries.
    """
    from otio_tools.compare import format_differences

    path = os.fspath(path)
    fmt = format_named(format) if format else _format_for_output(path)
    if fmt.write_adapter is None:
        raise TimelineWriteError(f"{path}: otio-tools cannot write {fmt.name}")
    if os.path.exists(path) and not overwrite:
        raise TimelineWriteError(
            f"{path}: already exists; choose another output (-o) or pass --in-place to replace it"
        )
    directory = os.path.dirname(os.path.abspath(path))
    suffix = os.path.splitext(path)[1] or fmt.suffixes[0]
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=suffix, dir=directory)
    os.close(fd)
    try:
        _write_document(document, tmp, fmt, rate, path)
        try:
            written = read_timeline(tmp, format=fmt.name, rate=rate or _timeline_rate(document))
        except OtioToolsError as exc:
            raise TimelineWriteError(f"{path}: the written {fmt.name} file does not read back: {exc}") from exc
        if verify is not None:
            verify(written.document)
        else:
            differences = format_differences(document, written.document, fmt.name)
            if differences:
                more = f" (and {len(differences) - 1} more)" if len(differences) > 1 else ""
                raise TimelineWriteError(
                    f"{path}: the written {fmt.name} file differs from the timeline: {differences[0]}{more}; "
                    f"nothing was written; {_OTHER_FORMAT}"
                )
        _replace(tmp, path)
    finally:
        _remove(tmp)
    return path


def _replace(tmp: str, path: str) -> None:
    """Move *tmp* onto *path*; a folder bundle (``.otiod``) replaces an existing one in two renames."""
    if os.path.isdir(tmp) and os.path.isdir(path):
        old = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.old.", dir=os.path.dirname(os.path.abspath(path)))
        os.rmdir(old)
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, path)


def _remove(tmp: str) -> None:
    if os.path.isdir(tmp):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


_OTHER_FORMAT = "write it in a format that holds it (--to otio keeps everything)"


def _write_document(document, tmp: str, fmt: Format, rate: float | None, path: str) -> None:
    """Write *document* to *tmp* with the format module's writer, or the stock adapter's."""
    module = importlib.import_module(fmt.module)
    kwargs = dict(getattr(module, "WRITE_OPTIONS", {}))
    if fmt.name == "edl" and rate:
        kwargs["rate"] = rate
    # Bundle and AAF writers refuse to replace a file, even the empty one
    # mkstemp made to reserve the name.
    _remove(tmp)
    try:
        with _adapter_output() as said:
            writer = getattr(module, "write_to_file", None)
            if writer is not None:
                writer(document, tmp, adapter_name=fmt.write_adapter, **kwargs)
            else:
                otio.adapters.write_to_file(document, tmp, adapter_name=fmt.write_adapter, **kwargs)
    except OtioToolsError:
        raise
    except Exception as exc:
        raise TimelineWriteError(
            f"{path}: the {fmt.name} writer failed: {_reason(exc)}{_said(said)}; {_OTHER_FORMAT}"
        ) from exc


def _format_for_output(path: str) -> Format:
    from otio_tools.formats import format_for_suffix

    fmt = format_for_suffix(os.path.splitext(path)[1])
    if fmt is None:
        raise TimelineWriteError(
            f"{path}: cannot tell the format from the suffix; pass --to with one of the formats"
        )
    return fmt


def _timeline_rate(document) -> float | None:
    timeline = timeline_of(document) if not isinstance(document, otio.schema.Timeline) else document
    try:
        return timeline.duration().rate
    except Exception:
        return None


def default_output_path(input_path: str, format_name: str) -> str:
    """Where to write when no output is named: beside the input, ``NAME.otio-tools.SUFFIX``.

    A number is added when that name is taken, so nothing is ever overwritten.
    """
    fmt = format_named(format_name)
    stem = os.path.splitext(os.path.basename(os.fspath(input_path).rstrip("/")))[0]
    directory = os.path.dirname(os.path.abspath(input_path))
    candidate = os.path.join(directory, f"{stem}.otio-tools{fmt.suffixes[0]}")
    n = 2
    while os.path.exists(candidate):
        candidate = os.path.join(directory, f"{stem}.otio-tools-{n}{fmt.suffixes[0]}")
        n += 1
    return candidate
