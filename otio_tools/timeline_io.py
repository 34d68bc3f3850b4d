"""Read any supported timeline file, and write one back safely.

Reading picks the format from the content, repairs what real exports do that
the stock adapters reject, and returns a :class:`TimelineFile`. Writing goes
to a temporary file beside the target, reads it back, compares it with what
was meant to be written, and only then renames it into place: a failed write
never leaves a half-written file or replaces an existing one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
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
        document, used_rate = _read_document(path, fmt, rate, list(media_roots), notes)
    except OtioToolsError:
        raise
    except (OSError, UnicodeError) as exc:
        raise TimelineReadError(f"{path}: cannot be read as {fmt.name}: {exc}") from exc
    except Exception as exc:  # adapters raise anything from KeyError to XML errors
        raise TimelineReadError(
            f"{path}: not a valid {fmt.description} file: {_reason(exc)}; "
            "export it again from the NLE, or pass --format if the suffix is wrong"
        ) from exc
    timeline = timeline_of(document, path, notes)
    return TimelineFile(path, fmt, document, timeline, used_rate, tuple(notes))


def _read_document(path, fmt, rate, media_roots, notes):
    if fmt.name == "edl":
        with open(path, "rb") as fh:
            text, text_notes = decoded_edl_text(fh.read())
        notes.extend(text_notes)
        if rate is None:
            from otio_tools.relink import edl_rate_from_media

            rate = edl_rate_from_media(text, path, media_roots)
            if rate is None:
                raise RateRequiredError(
                    f"{path}: an EDL carries no frame rate and none could be inferred from its "
                    "media; pass --rate (e.g. --rate 24, 23.976, 25, 29.97)"
                )
            notes.append(f"rate {rate:g} inferred from the media")
        timeline, edl_notes = read_edl_text(text, rate)
        notes.extend(edl_notes)
        return timeline, rate
    if fmt.name == "fcpxml":
        with open(fcpxml_document_path(path), encoding="utf-8") as fh:
            document, xml_notes = read_fcpxml_text(fh.read())
        notes.extend(xml_notes)
        return document, None
    if fmt.name == "otio":
        with open(path, encoding="utf-8") as fh:
            return read_otio_json(fh.read()), None
    if fmt.name == "otioz":
        return _read_otioz(path), None
    if fmt.name == "ale":
        kwargs = {"fps": rate} if rate else {}
        return otio.adapters.read_from_file(path, adapter_name=fmt.read_adapter, **kwargs), None
    return otio.adapters.read_from_file(path, adapter_name=fmt.read_adapter), None


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
        for clip in clips:
            track.append(clip.clone())
        notes.append(f"a clip list of {len(clips)} clips, laid end to end on one track")
        return otio.schema.Timeline(name=document.name or os.path.basename(path), tracks=otio.schema.Stack(children=[track]))
    raise TimelineReadError(
        f"{path}: holds a {type(document).__name__}, not a timeline or clip list"
    )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, ElementTree.ParseError):
        return f"malformed XML ({text})"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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
        kwargs = {}
        if fmt.name == "edl" and rate:
            kwargs["rate"] = rate
        if fmt.name == "otioz":
            kwargs["media_policy"] = "AllMissing"
        try:
            if fmt.name in ("otioz", "otiod", "aaf"):
                os.unlink(tmp)
            otio.adapters.write_to_file(document, tmp, adapter_name=fmt.write_adapter, **kwargs)
        except Exception as exc:
            raise TimelineWriteError(f"{path}: the {fmt.name} writer failed: {_reason(exc)}") from exc
        try:
            written = read_timeline(tmp, format=fmt.name, rate=rate or _timeline_rate(document))
        except OtioToolsError as exc:
            raise TimelineWriteError(f"{path}: the written {fmt.name} file does not read back: {exc}") from exc
        if verify is not None:
            verify(written.document)
        else:
            differences = format_differences(document, written.document, fmt.name)
            if differences:
                raise TimelineWriteError(
                    f"{path}: the written {fmt.name} file differs from the timeline: {differences[0]}"
                    + (f" (and {len(differences) - 1} more)" if len(differences) > 1 else "")
                )
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path


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
