"""Marker files that sit beside a timeline: Resolve's marker EDL and Avid's marker list.

Neither changes the timeline; an editor imports them onto the sequence the
timeline was cut in, matched by record timecode.

Resolve marker EDL (Resolve: right-click the timeline > Timelines > Import >
Timeline Markers from EDL). Resolve's own dialect, as its marker EDL export
writes it: one event of one frame per marker, its note, colour, name and
duration on the line below::

    001  001      V     C        01:00:05:12 01:00:05:13 01:00:05:12 01:00:05:13
    shot_060 carries another grade... |C:ResolveColorRed |M:QC COLOUR dE 11.1 |D:18

Avid marker list (Media Composer: Markers window > Import Markers). Tab
separated, one marker a line: user, record timecode, track, colour, comment,
duration in frames::

    otio-tools	01:00:05:12	V1	red	QC COLOUR dE 11.1: shot_060 carries another grade...	18
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

import opentimelineio as otio

from otio_tools.rewrite.markers import FindingMarker

__all__ = ["RESOLVE_COLOURS", "AVID_COLOURS", "resolve_marker_edl", "avid_marker_list", "read_resolve_marker_edl",
           "read_avid_marker_list"]

# Resolve's marker colour names for the OTIO colours we use (Resolve has no orange, white or black).
RESOLVE_COLOURS = {
    otio.schema.MarkerColor.RED: "Red",
    otio.schema.MarkerColor.YELLOW: "Yellow",
    otio.schema.MarkerColor.GREEN: "Green",
    otio.schema.MarkerColor.CYAN: "Cyan",
    otio.schema.MarkerColor.BLUE: "Blue",
    otio.schema.MarkerColor.PINK: "Pink",
    otio.schema.MarkerColor.PURPLE: "Purple",
    otio.schema.MarkerColor.MAGENTA: "Fuchsia",
}

# Media Composer's eight marker colours, as its marker list writes them.
AVID_COLOURS = {
    otio.schema.MarkerColor.RED: "red",
    otio.schema.MarkerColor.YELLOW: "yellow",
    otio.schema.MarkerColor.GREEN: "green",
    otio.schema.MarkerColor.CYAN: "cyan",
    otio.schema.MarkerColor.BLUE: "blue",
    otio.schema.MarkerColor.MAGENTA: "magenta",
    otio.schema.MarkerColor.BLACK: "black",
    otio.schema.MarkerColor.WHITE: "white",
}

_USER = "otio-tools"


def _one_line(text: str, tabs: bool = True) -> str:
    text = re.sub(r"[\r\n]+", " ", text)
    return text.replace("\t", " ") if tabs else text


def _ascii(text: str) -> str:
    return text.replace("Δ", "d").encode("ascii", "replace").decode("ascii")


def resolve_marker_edl(
    markers: Iterable[FindingMarker], title: str, timecode: Callable[[int], str], drop_frame: bool = False
) -> str:
    """Resolve's marker EDL for *markers*; *timecode* maps a record frame to record timecode."""
    lines = [f"TITLE: {_ascii(_one_line(title)) or 'Timeline'}",
             f"FCM: {'DROP FRAME' if drop_frame else 'NON-DROP FRAME'}", ""]
    for number, spec in enumerate(markers, 1):
        start, after = timecode(spec.start), timecode(spec.start + 1)
        lines.append(f"{number:03d}  001      V     C        {start} {after} {start} {after}  ")
        note = _ascii(_one_line(spec.comment)).replace("|", "/")
        lines.append(f"{note} |C:ResolveColor{RESOLVE_COLOURS[spec.colour]} |M:{spec.ascii_name} |D:{spec.duration}")
        lines.append("")
    return "\n".join(lines)


def avid_marker_list(markers: Iterable[FindingMarker], timecode: Callable[[int], str], track: str = "V1") -> str:
    """Media Composer's marker list for *markers*; *timecode* maps a record frame to record timecode."""
    rows = []
    for spec in markers:
        comment = _ascii(_one_line(f"{spec.ascii_name}: {spec.comment}"))
        rows.append("\t".join([_USER, timecode(spec.start), track, AVID_COLOURS[spec.colour], comment,
                               str(spec.duration)]))
    return "\n".join(rows) + ("\n" if rows else "")


_RESOLVE_EVENT = re.compile(r"^\d{3,6}\s+\S+\s+V\s+C\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")
_RESOLVE_NOTE = re.compile(r"^(?P<note>.*?) ?\|C:ResolveColor(?P<colour>\w+) \|M:(?P<name>.*?) \|D:(?P<duration>\d+)$")


def read_resolve_marker_edl(text: str) -> list[dict]:
    """The markers in a Resolve marker EDL: ``timecode``, ``colour``, ``name``, ``note``, ``duration``."""
    out = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        event = _RESOLVE_EVENT.match(line)
        if not event or index + 1 >= len(lines):
            continue
        note = _RESOLVE_NOTE.match(lines[index + 1])
        if note:
            out.append({"timecode": event.group(3), "colour": note["colour"], "name": note["name"],
                        "note": note["note"], "duration": int(note["duration"])})
    return out


def read_avid_marker_list(text: str) -> list[dict]:
    """The markers in an Avid marker list: ``user``, ``timecode``, ``track``, ``colour``, ``comment``, ``duration``."""
    out = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) == 6:
            user, tc, track, colour, comment, duration = fields
            out.append({"user": user, "timecode": tc, "track": track, "colour": colour, "comment": comment,
                        "duration": int(duration)})
    return out
