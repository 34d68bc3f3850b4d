"""Write a review's findings back into the editor's own timeline.

Markers in each NLE's dialect (:mod:`~otio_tools.rewrite.dialects`), marker
sidecars Resolve and Media Composer import (:mod:`~otio_tools.rewrite.sidecars`),
every output read back and checked (:mod:`~otio_tools.rewrite.verification`).
The colour table and per-NLE notes are in ``docs/markers.md``.
"""

from otio_tools.rewrite.dialects import DIALECTS, MarkerDialect, dialect_for
from otio_tools.rewrite.markers import (
    KIND_LABELS,
    MARKER_COLOURS,
    FindingMarker,
    finding_markers,
    is_review_marker,
    marker_colour,
    marker_name,
    review_markers,
    timeline_with_findings,
    timeline_without_review_markers,
)
from otio_tools.rewrite.verification import rewrite_differences
from otio_tools.rewrite.writing import Rewritten, write_reviewed, write_timeline_with_findings

__all__ = [
    "DIALECTS",
    "KIND_LABELS",
    "MARKER_COLOURS",
    "FindingMarker",
    "MarkerDialect",
    "Rewritten",
    "dialect_for",
    "finding_markers",
    "is_review_marker",
    "marker_colour",
    "marker_name",
    "review_markers",
    "rewrite_differences",
    "timeline_with_findings",
    "timeline_without_review_markers",
    "write_reviewed",
    "write_timeline_with_findings",
]
