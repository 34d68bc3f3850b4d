"""How each NLE format says a review marker: where it sits and what it carries.

A :class:`MarkerDialect` names, for one format, whether markers go on the
sequence (the ruler) or on clips, and adds to each marker what that format's
writer turns into what the NLE shows:

=========  ============  ============================================================
format     placed on     what the marker carries
=========  ============  ============================================================
otio       the stack     name, colour, ``comment``, duration; ``Resolve_OTIO``
otioz      (timeline     ``{"Keywords": [], "Note": comment}`` as Resolve writes it;
otiod      markers)      every finding under ``metadata["otio_tools"]``
fcp7xml    the sequence  ``<name>``, ``<comment>``, ``<in>``/``<out>``, Premiere's
                         ``<pproColor>`` (ABGR integer) and a ``<color>`` (ARGB)
fcpxml     clips         ``value`` (name), ``note`` (comment), ``duration``; errors and
                         warnings are to-do markers (FCP shows them red), information
                         a standard marker
edl        clips         ``* LOC: TC COLOUR NAME`` (name in ASCII); duration and
                         comment go in the sidecar marker files
=========  ============  ============================================================

Sequence markers are what editors expect of QC notes: they sit on the
timeline's ruler at the record frame, stay there when a clip is trimmed,
replaced or slipped (a clip marker follows the source frame, and in Premiere
shows on every use of that media), and Resolve and Premiere import them as
timeline markers. EDL and FCPXML carry no sequence marker a round trip keeps,
so there they go on the clip showing the frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import opentimelineio as otio

from otio_tools.rewrite.markers import FindingMarker
from otio_tools.rewrite.sidecars import AVID_COLOURS

__all__ = ["MarkerDialect", "DIALECTS", "dialect_for", "PREMIERE_COLOURS", "MARKER_RGB"]

# The values Premiere Pro writes in <pproColor> for its marker colours: ABGR, 8 bits each.
PREMIERE_COLOURS = {
    otio.schema.MarkerColor.RED: 4281740498,
    otio.schema.MarkerColor.ORANGE: 4280578025,
    otio.schema.MarkerColor.YELLOW: 4281049552,
    otio.schema.MarkerColor.GREEN: 4281828977,
    otio.schema.MarkerColor.CYAN: 4292277273,
    otio.schema.MarkerColor.BLUE: 4294741314,
    otio.schema.MarkerColor.MAGENTA: 4289825711,
    otio.schema.MarkerColor.PURPLE: 4289825711,
    otio.schema.MarkerColor.WHITE: 4294967295,
}

# Red, green, blue (0-255) of the marker colours, for <color> and the Resolve colour names.
MARKER_RGB = {
    otio.schema.MarkerColor.RED: (255, 0, 0),
    otio.schema.MarkerColor.YELLOW: (255, 255, 0),
    otio.schema.MarkerColor.GREEN: (0, 255, 0),
    otio.schema.MarkerColor.CYAN: (0, 255, 255),
    otio.schema.MarkerColor.BLUE: (0, 0, 255),
    otio.schema.MarkerColor.MAGENTA: (255, 0, 255),
    otio.schema.MarkerColor.PURPLE: (128, 0, 128),
    otio.schema.MarkerColor.PINK: (255, 192, 203),
    otio.schema.MarkerColor.ORANGE: (255, 128, 0),
    otio.schema.MarkerColor.WHITE: (255, 255, 255),
    otio.schema.MarkerColor.BLACK: (0, 0, 0),
}


@dataclass(frozen=True)
class MarkerDialect:
    """One format's way of writing review markers.

    ``on_clips``: markers go on the clip showing the frame instead of the
    timeline's stack. ``keeps_metadata``: the format carries
    ``metadata["otio_tools"]`` back (else it is left out, and the marker is
    recognised by its name). ``ascii_names``: names written in ASCII.
    ``adorn`` adds the format's own fields to a marker.
    """

    format: str
    on_clips: bool
    keeps_metadata: bool
    ascii_names: bool
    adorn: Callable[[otio.schema.Marker, FindingMarker], None]


def _resolve_otio(marker: otio.schema.Marker, spec: FindingMarker) -> None:
    # What Resolve 18.5+ writes on a marker in its OTIO export, and reads on import.
    marker.metadata["Resolve_OTIO"] = {"Keywords": [], "Note": spec.comment}


def _fcp7xml(marker: otio.schema.Marker, spec: FindingMarker) -> None:
    red, green, blue = MARKER_RGB[spec.colour]
    # Strings, as the reader gives them back; the writer turns this dict into child elements.
    marker.metadata["fcp_xml"] = {
        "comment": spec.comment,
        "pproColor": str(PREMIERE_COLOURS[spec.colour]),
        "color": {"alpha": "255", "red": str(red), "green": str(green), "blue": str(blue)},
    }
    del marker.metadata["otio_tools"]


def _fcpxml(marker: otio.schema.Marker, spec: FindingMarker) -> None:
    # FCP's marker kinds: a to-do (completed="0") shows red; a standard marker purple.
    marker.color = otio.schema.MarkerColor.PURPLE if spec.severity.value == "info" else otio.schema.MarkerColor.RED
    del marker.metadata["otio_tools"]


def _edl(marker: otio.schema.Marker, spec: FindingMarker) -> None:
    marker.name = spec.ascii_name
    marker.comment = ""
    marker.marked_range = otio.opentime.TimeRange(
        marker.marked_range.start_time, otio.opentime.RationalTime(0, marker.marked_range.duration.rate)
    )
    del marker.metadata["otio_tools"]


def _aaf(marker: otio.schema.Marker, spec: FindingMarker) -> None:
    # An Avid marker holds one text, its comment, which our writer fills with the name, and a
    # colour from Media Composer's eight (each of ours is one of them, see MARKER_COLOURS); the full
    # message is in the Avid marker list beside it.
    if marker.color not in AVID_COLOURS:
        marker.color = otio.schema.MarkerColor.RED
    marker.comment = ""
    del marker.metadata["otio_tools"]


DIALECTS: dict[str, MarkerDialect] = {
    d.format: d
    for d in (
        MarkerDialect("otio", False, True, False, _resolve_otio),
        MarkerDialect("otioz", False, True, False, _resolve_otio),
        MarkerDialect("otiod", False, True, False, _resolve_otio),
        MarkerDialect("fcp7xml", False, False, False, _fcp7xml),
        MarkerDialect("fcpxml", True, False, False, _fcpxml),
        MarkerDialect("edl", True, False, True, _edl),
        MarkerDialect("aaf", True, False, False, _aaf),
    )
}


def dialect_for(format_name: str) -> MarkerDialect | None:
    """The marker dialect of *format_name*, or None when the format's writer keeps no marker."""
    return DIALECTS.get(format_name)
