"""Check a rewritten timeline: our markers where the findings are, and nothing else changed.

Both sides are reduced to :func:`otio_tools.compare.timeline_facts` after
removing every review marker, and compared through the format's
``carried_facts`` (what a round trip through that format keeps); then the
review markers read back are compared with the ones meant, on their record
frame and name, and on duration and comment where the format carries them.
"""

from __future__ import annotations

from typing import Sequence

import opentimelineio as otio

from otio_tools.compare import format_differences
from otio_tools.rewrite.markers import FindingMarker, review_markers, timeline_without_review_markers

__all__ = ["rewrite_differences"]

# Formats whose markers keep a duration and a comment through a round trip.
_FULL_MARKERS = ("otio", "otioz", "otiod", "fcp7xml", "fcpxml")


def rewrite_differences(
    original: otio.schema.Timeline,
    written: otio.schema.Timeline,
    markers: Sequence[FindingMarker],
    format_name: str,
    rate: float,
) -> list[str]:
    """What differs between *written* and *original* with *markers* added, on what *format_name* carries.

    *original* may already hold the markers (the timeline that was written)
    or not (the timeline that was read): review markers are compared apart.
    Empty when every clip, range, transition, marker and metadata entry the
    format carries is unchanged, and each of *markers* is in *written* at its
    record frame with its name (and, where the format keeps them, its
    duration and comment).
    """
    differences = format_differences(
        timeline_without_review_markers(original), timeline_without_review_markers(written), format_name
    )
    got = review_markers(written, rate)
    if len(got) != len(markers):
        differences.append(f"{len(markers)} review markers were written and {len(got)} read back")
        return differences
    ascii_names = format_name == "edl"
    for spec, (frame, marker) in zip(sorted(markers, key=lambda m: m.start), got):
        name = spec.ascii_name if ascii_names else spec.name
        where = f"review marker {name!r} at frame {spec.start}"
        if frame != spec.start:
            differences.append(f"{where} reads back at frame {frame}")
        if marker.name != name:
            differences.append(f"{where} reads back named {marker.name!r}")
        if format_name in _FULL_MARKERS:
            duration = int(round(marker.marked_range.duration.rescaled_to(rate).value))
            if duration != spec.duration:
                differences.append(f"{where} reads back {duration} frames long, not {spec.duration}")
            if (marker.comment or "") != spec.comment:
                differences.append(f"{where} reads back with another comment")
    return differences
