"""What the QC analysers report: one frozen :class:`Finding` per defect.

A finding covers record frames of one track. ``start`` counts from the first
frame of the timeline (frame 0, whatever start timecode the file carries). For
a cut-level finding it is the first frame of the incoming clip (for a flash or
black frames: the first frame of the flash or of the black); for a shot-level
finding, the first affected frame. ``duration`` is in frames and at least 1.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["CUT_KINDS", "KINDS", "SHOT_KINDS", "Finding", "Severity", "worst_severity"]

CUT_KINDS = (
    "colour_mismatch",
    "exposure_jump",
    "subject_colour_shift",
    "jump_cut",
    "flash_frame",
    "black_frames",
    "format_mismatch",
)
SHOT_KINDS = ("flicker", "frozen_frames", "morph", "photosensitive_flash")
KINDS = CUT_KINDS + SHOT_KINDS


@enum.unique
class Severity(str, enum.Enum):
    """How bad a finding is; members compare in the order info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def worst_severity(severities: "list[Severity] | tuple[Severity, ...]") -> Severity | None:
    """The most severe of ``severities``; None when there are none."""
    return max(severities, key=lambda s: s.rank, default=None)


@dataclass(frozen=True)
class Finding:
    """One defect found in a timeline.

    ``score`` is the analyser's raw measure and ``threshold`` the value it was
    compared with (same units; the message names them). ``suggestion`` is a
    small JSON-able mapping describing a fix (e.g. a grade offset to apply), or
    None. ``clip`` is None for findings that belong to no clip (a gap).
    """

    kind: str
    severity: Severity
    start: int
    duration: int
    track: int
    clip: str | None
    score: float
    threshold: float
    message: str
    suggestion: Mapping[str, Any] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}; valid kinds: {', '.join(KINDS)}")
        if not isinstance(self.severity, Severity):
            object.__setattr__(self, "severity", Severity(self.severity))
        if self.duration < 1:
            raise ValueError(f"finding duration must be >= 1 frame, got {self.duration}")
        if self.start < 0:
            raise ValueError(f"finding start must be >= 0, got {self.start}")

    @property
    def level(self) -> str:
        """``"cut"`` or ``"shot"``."""
        return "cut" if self.kind in CUT_KINDS else "shot"

    @property
    def end(self) -> int:
        """The record frame after the last affected frame."""
        return self.start + self.duration

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict of every field; non-finite numbers become None."""
        return {
            "kind": self.kind,
            "severity": self.severity.value,
            "start": int(self.start),
            "duration": int(self.duration),
            "track": int(self.track),
            "clip": self.clip,
            "score": _json_number(self.score),
            "threshold": _json_number(self.threshold),
            "message": self.message,
            "suggestion": None if self.suggestion is None else _json_value(self.suggestion),
        }


def _json_number(value: float) -> float | None:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None


def _json_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    try:
        return _json_number(float(value))
    except (TypeError, ValueError):
        return str(value)
