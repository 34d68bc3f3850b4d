"""Write a review's findings back into the editor's own timeline.

Markers in each NLE's dialect (:mod:`~otio_tools.rewrite.dialects`), marker
sidecars Resolve and Media Composer import (:mod:`~otio_tools.rewrite.sidecars`),
CDLs for grade findings (:mod:`~otio_tools.rewrite.cdl`, :mod:`~otio_tools.rewrite.grading`),
trims for in-shot defects (:mod:`~otio_tools.rewrite.trims`), replacement-take
slots (:mod:`~otio_tools.rewrite.takes`), every output read back and checked
(:mod:`~otio_tools.rewrite.verification`), written by :func:`write_reviewed`
(:mod:`~otio_tools.rewrite.writing`). The colour table and per-NLE notes are
in ``docs/markers.md``.
"""

from otio_tools.rewrite.cdl import CDL, CdlFit, fitted_cdl
from otio_tools.rewrite.dialects import DIALECTS, MarkerDialect, dialect_for
from otio_tools.rewrite.grading import cdl_fits
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
from otio_tools.rewrite.takes import TakeScore, TakeSlot, take_candidates, take_slots
from otio_tools.rewrite.trims import Trim, TrimSettings, suggested_trims
from otio_tools.rewrite.verification import rewrite_differences, timeline_without_review
from otio_tools.rewrite.writing import Rewritten, write_reviewed, write_timeline_with_findings

__all__ = [
    "CDL",
    "CdlFit",
    "DIALECTS",
    "KIND_LABELS",
    "MARKER_COLOURS",
    "FindingMarker",
    "MarkerDialect",
    "Rewritten",
    "TakeScore",
    "TakeSlot",
    "Trim",
    "TrimSettings",
    "cdl_fits",
    "dialect_for",
    "finding_markers",
    "fitted_cdl",
    "is_review_marker",
    "marker_colour",
    "marker_name",
    "review_markers",
    "rewrite_differences",
    "suggested_trims",
    "take_candidates",
    "take_slots",
    "timeline_with_findings",
    "timeline_without_review",
    "timeline_without_review_markers",
    "write_reviewed",
    "write_timeline_with_findings",
]
