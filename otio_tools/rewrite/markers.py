"""Findings as timeline markers: the colour table, the names, and the timeline that carries them.

One marker per finding (or, with ``merge``, one per record frame), on the
record timeline at the finding's frame and duration. Its name is short and
says what and how much (``QC COLOUR ΔE 11.1``), its comment is the finding's
message, and ``metadata["otio_tools"]["findings"]`` holds every field of the
findings it stands for. Names start with ``QC`` and a label per kind, so a marker that comes
back through a format that drops metadata (EDL, FCPXML, FCP7 XML) is still
recognised as ours (``review_marker`` marks it where metadata survives):
reviewing a reviewed timeline replaces those markers instead of adding to them.

Colours follow severity, then who fixes it (see :data:`MARKER_COLOURS`); only
the five colours every NLE we write has are used (Avid, Premiere, Resolve,
OTIO: red, yellow, green, cyan, blue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

import opentimelineio as otio

from otio_tools.findings import KINDS, Finding, Severity, worst_severity

__all__ = [
    "MARKER_COLOURS",
    "KIND_LABELS",
    "FindingMarker",
    "finding_markers",
    "marker_colour",
    "marker_name",
    "is_review_marker",
    "review_markers",
    "timeline_with_findings",
    "timeline_without_review_markers",
    "clip_at",
    "finding_key",
]

# Who fixes a warning: the colourist, the editor, or a new generation of the shot.
_GRADE = ("colour_mismatch", "exposure_jump", "subject_colour_shift")
_EDIT = ("jump_cut", "flash_frame", "black_frames", "format_mismatch")
_SHOT = ("flicker", "frozen_frames", "morph", "photosensitive_flash")

MARKER_COLOURS: dict[tuple[str, str], str] = {
    **{("error", kind): otio.schema.MarkerColor.RED for kind in KINDS},
    **{("warning", kind): otio.schema.MarkerColor.CYAN for kind in _GRADE},
    **{("warning", kind): otio.schema.MarkerColor.YELLOW for kind in _EDIT},
    **{("warning", kind): otio.schema.MarkerColor.BLUE for kind in _SHOT},
    **{("info", kind): otio.schema.MarkerColor.GREEN for kind in KINDS},
}
"""OTIO marker colour by (severity, kind): errors red; warnings cyan for the grade,
yellow for the edit, blue for the shot itself; information green."""

KIND_LABELS: dict[str, str] = {
    "colour_mismatch": "COLOUR",
    "exposure_jump": "EXPOSURE",
    "subject_colour_shift": "SUBJECT COLOUR",
    "jump_cut": "JUMP CUT",
    "flash_frame": "FLASH FRAME",
    "black_frames": "BLACK",
    "format_mismatch": "FORMAT",
    "flicker": "FLICKER",
    "frozen_frames": "FROZEN",
    "morph": "MORPH",
    "photosensitive_flash": "PSE FLASH",
}
"""The word a marker name starts with after ``QC``, per finding kind."""

_PREFIX = "QC"
_NAME = re.compile(
    rf"^{_PREFIX} (?:{'|'.join(sorted(map(re.escape, KIND_LABELS.values()), key=len, reverse=True))})"
    r"(?:\s|$)",
    re.IGNORECASE,
)
_DELTA_E_KINDS = ("colour_mismatch", "subject_colour_shift")


def marker_colour(finding: Finding) -> str:
    """The OTIO marker colour for *finding* (see :data:`MARKER_COLOURS`)."""
    return MARKER_COLOURS[(finding.severity.value, finding.kind)]


def marker_name(finding: Finding, ascii_only: bool = False) -> str:
    """``QC`` + the kind's label + its figure: ``QC COLOUR ΔE 11.1``, ``QC FLICKER 20f``.

    *ascii_only* writes ``dE`` for ``ΔE``, for EDLs and Avid text files.
    """
    label = KIND_LABELS[finding.kind]
    if finding.kind in _DELTA_E_KINDS:
        figure = f"{'dE' if ascii_only else 'ΔE'} {finding.score:.1f}"
    elif finding.kind in ("jump_cut", "format_mismatch", "exposure_jump"):
        figure = f"{finding.score:.3g}" if finding.kind == "exposure_jump" else ""
    else:
        figure = f"{finding.duration}f"
    return f"{_PREFIX} {label} {figure}".rstrip()


@dataclass(frozen=True)
class FindingMarker:
    """What one review marker says, before any format's dialect.

    ``start`` and ``duration`` are record frames (0 = the timeline's first
    frame); ``findings`` are the findings it stands for, the worst first.
    """

    start: int
    duration: int
    name: str
    ascii_name: str
    colour: str
    comment: str
    severity: Severity
    findings: tuple[Finding, ...]
    fixes: tuple[Mapping[str, Any], ...] = ()

    def metadata(self, timecode: str | None = None) -> dict:
        """What goes under ``metadata["otio_tools"]``: the findings in full, the fixes offered, the timecode."""
        data: dict = {"review_marker": True, "findings": [f.to_json() for f in self.findings]}
        if self.fixes:
            data["fixes"] = [dict(fix) for fix in self.fixes]
        if timecode:
            data["timecode"] = timecode
        return data


def finding_key(finding: Finding) -> tuple:
    """What tells findings apart (kind, record frame, track, clip): the key of *fixes* in :func:`finding_markers`."""
    return (finding.kind, finding.start, finding.track, finding.clip)


def finding_markers(
    findings: Iterable[Finding],
    merge: bool = False,
    fixes: Mapping[tuple, Sequence[tuple[str, Mapping[str, Any]]]] | None = None,
) -> list[FindingMarker]:
    """One marker per finding, in record order; with *merge*, one per start frame.

    A merged marker takes its name and colour from the worst finding, spans
    the longest, and its comment lists every message. *fixes* maps a
    :func:`finding_key` to the fixes offered for that finding, each a line
    for the comment and JSON-able details for the metadata.
    """
    fixes = fixes or {}
    ordered = sorted(findings, key=lambda f: (f.start, -f.severity.rank, f.kind))
    groups: list[list[Finding]] = []
    for finding in ordered:
        if merge and groups and groups[-1][0].start == finding.start:
            groups[-1].append(finding)
        else:
            groups.append([finding])
    out = []
    for group in groups:
        group.sort(key=lambda f: -f.severity.rank)
        first = group[0]
        offered = [fix for f in group for fix in fixes.get(finding_key(f), ())]
        out.append(FindingMarker(
            start=first.start,
            duration=max(f.duration for f in group),
            name=marker_name(first),
            ascii_name=marker_name(first, ascii_only=True),
            colour=marker_colour(first),
            comment=" | ".join([*(f"{f.severity.value.upper()}: {f.message}" for f in group),
                                *(line for line, _ in offered)]),
            severity=worst_severity([f.severity for f in group]),
            findings=tuple(group),
            fixes=tuple(details for _, details in offered),
        ))
    return out


def is_review_marker(marker: otio.schema.Marker) -> bool:
    """Whether *marker* was written by a review: by its metadata, else by its name."""
    ours = marker.metadata.get("otio_tools")
    if hasattr(ours, "get") and ours.get("review_marker"):
        return True
    return bool(_NAME.match(marker.name or ""))


def _marker_holders(timeline: otio.schema.Timeline) -> Iterator[otio.core.Item]:
    yield timeline.tracks
    yield from timeline.tracks.find_children(descended_from_type=otio.core.Item)


def review_markers(timeline: otio.schema.Timeline, rate: float) -> list[tuple[int, otio.schema.Marker]]:
    """Every review marker in *timeline* with its record frame, in record order.

    Markers on the timeline's stack and on top-level tracks count from the
    first frame; a clip's or gap's markers are in its source time.
    """
    out = []
    for holder in _marker_holders(timeline):
        for marker in holder.markers:
            if is_review_marker(marker):
                out.append((_record_frame(timeline, holder, marker, rate), marker))
    out.sort(key=lambda pair: pair[0])
    return out


def _record_frame(timeline, holder, marker: otio.schema.Marker, rate: float) -> int:
    start = marker.marked_range.start_time
    if holder is not timeline.tracks:
        start = holder.transformed_time(start, timeline.tracks)
    return int(round(start.rescaled_to(rate).value))


def timeline_without_review_markers(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of *timeline* with every earlier review's markers removed, and nothing else changed."""
    copied = timeline.deepcopy()
    _remove_review_markers(copied)
    return copied


def _remove_review_markers(timeline: otio.schema.Timeline) -> None:
    for holder in _marker_holders(timeline):
        kept = [m for m in holder.markers if not is_review_marker(m)]
        if len(kept) != len(holder.markers):
            holder.markers[:] = kept


def clip_at(timeline: otio.schema.Timeline, frame: int, rate: float) -> otio.schema.Clip | None:
    """The clip a marker at record *frame* belongs on: the topmost enabled video clip showing it.

    In a gap (black frames) it is the clip before the gap on the first video
    track, else the one after it; None when the timeline has no video clip.
    """
    tracks = [t for t in timeline.video_tracks() if t.enabled]
    for track in reversed(tracks):
        for item in track:
            if isinstance(item, otio.schema.Clip) and item.enabled and _covers(item, frame, rate):
                return item
    if not tracks:
        return None
    clips = [c for c in tracks[0] if isinstance(c, otio.schema.Clip) and c.enabled]
    before = [c for c in clips if _frames(c.range_in_parent().end_time_exclusive(), rate) <= frame]
    if before:
        return before[-1]
    return clips[0] if clips else None


def _covers(item, frame: int, rate: float) -> bool:
    placed = item.range_in_parent()
    start = _frames(placed.start_time, rate)
    return start <= frame < start + _frames(placed.duration, rate)


def _frames(t: otio.opentime.RationalTime, rate: float) -> int:
    return int(round(t.rescaled_to(rate).value))


def timeline_with_findings(
    timeline: otio.schema.Timeline,
    findings: Iterable[Finding],
    *,
    rate: float,
    on_clips: bool = False,
    merge: bool = False,
    timecode=None,
    dialect=None,
    fixes: Mapping[tuple, Sequence[tuple[str, Mapping[str, Any]]]] | None = None,
) -> otio.schema.Timeline:
    """A copy of *timeline* with one marker per finding, earlier review markers replaced.

    Markers go on the timeline's stack (sequence markers, on the ruler), or
    with *on_clips* on the clip showing each finding's first frame (for
    formats that carry clip markers only: EDL, FCPXML), placed in that clip's
    source time so they sit at the same record frame. *rate* is the record
    rate; *timecode* maps a record frame to its timecode for the metadata.
    *dialect*, when given, is called with each new marker and its
    :class:`FindingMarker` to add what a format needs; *fixes* are passed to
    :func:`finding_markers`. Nothing else in the timeline changes.
    """
    copied = timeline_without_review_markers(timeline)
    for spec in finding_markers(findings, merge=merge, fixes=fixes):
        marker = otio.schema.Marker(
            name=spec.name,
            marked_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(spec.start, rate), otio.opentime.RationalTime(spec.duration, rate)
            ),
            color=spec.colour,
            comment=spec.comment,
            metadata={"otio_tools": spec.metadata(timecode(spec.start) if timecode else None)},
        )
        holder = copied.tracks
        if on_clips:
            clip = clip_at(copied, spec.start, rate)
            if clip is not None:
                holder = clip
                offset = spec.start - _frames(clip.range_in_parent().start_time, rate)
                source_start = clip.trimmed_range().start_time.rescaled_to(rate)
                marker.marked_range = otio.opentime.TimeRange(
                    source_start + otio.opentime.RationalTime(offset, rate), marker.marked_range.duration
                )
        if dialect is not None:
            dialect(marker, spec)
        holder.markers.append(marker)
    return copied
