"""format_mismatch: a clip whose media differs from the timeline's format.

Compared with the timeline's format when the glue knows it, else with the most
common media format of the track's clips (its neighbours): frame size,
display aspect ratio, pixel aspect ratio, frame rate, colour matrix and bit
depth. A frame rate differs when the media rate is off the timeline rate by
more than ``rate_tolerance`` (relative: 23.976 is not 24). One finding per odd
clip, at its first frame. A different frame rate or display aspect (the
picture will be retimed or letterboxed/stretched) is an error; a different
size at the same aspect, pixel aspect, matrix or bit depth is a warning.
Clips with unknown media (``ShotView.media`` None) are skipped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from otio_tools.analysers.base import (
    AnalyserResult,
    CutAnalyser,
    CutContext,
    FrameNeeds,
    MediaInfo,
    ShotView,
    register,
    setting,
    validate_settings,
)
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = ["FormatAnalyser", "FormatSettings", "format_differences", "format_findings", "reference_format"]


@dataclass(frozen=True)
class FormatSettings:
    """Tolerances of the format check."""

    rate_tolerance: float = setting(0.0002, 0.0, 0.1, "relative frame-rate difference that is a different rate (23.976 vs 24 is 0.001)")
    aspect_tolerance: float = setting(0.01, 0.0, 0.2, "relative display-aspect difference that is a different aspect")

    def __post_init__(self) -> None:
        validate_settings(self)


def reference_format(shots: Sequence[ShotView]) -> MediaInfo | None:
    """The most common media format among ``shots`` (first seen wins a tie); None when none is known."""
    known = [s.media for s in shots if s.media is not None]
    if not known:
        return None
    counts = Counter((m.width, m.height, round(m.pixel_aspect, 3), None if m.fps is None else round(m.fps, 3)) for m in known)
    top = counts.most_common(1)[0][0]
    return next(m for m in known if (m.width, m.height, round(m.pixel_aspect, 3), None if m.fps is None else round(m.fps, 3)) == top)


def format_differences(media: MediaInfo, reference: MediaInfo, rate: float | None, settings: FormatSettings | None = None) -> list[tuple[str, str, bool]]:
    """(property, "media vs reference" text, is_error) for each way ``media`` differs from ``reference``.

    ``rate`` is the timeline rate; when given it is the reference frame rate.
    """
    s = settings or FormatSettings()
    out: list[tuple[str, str, bool]] = []
    ref_aspect, aspect = reference.display_aspect, media.display_aspect
    if abs(aspect / ref_aspect - 1) > s.aspect_tolerance:
        out.append(("aspect", f"display aspect {aspect:.3f} vs {ref_aspect:.3f}", True))
    if (media.width, media.height) != (reference.width, reference.height):
        out.append(("resolution", f"{media.width}x{media.height} vs {reference.width}x{reference.height}", False))
    if abs(media.pixel_aspect / reference.pixel_aspect - 1) > 1e-3:
        out.append(("pixel_aspect", f"pixel aspect {media.pixel_aspect:.3f} vs {reference.pixel_aspect:.3f}", False))
    ref_fps = rate if rate else reference.fps
    if media.fps and ref_fps and abs(media.fps / ref_fps - 1) > s.rate_tolerance:
        out.append(("frame_rate", f"{media.fps:.3f} fps vs {ref_fps:.3f} fps", True))
    if media.matrix and reference.matrix and media.matrix != reference.matrix:
        out.append(("matrix", f"colour matrix {media.matrix} vs {reference.matrix}", False))
    if media.bit_depth and reference.bit_depth and media.bit_depth != reference.bit_depth:
        out.append(("bit_depth", f"{media.bit_depth}-bit vs {reference.bit_depth}-bit", False))
    return out


def format_findings(
    shots: Sequence[ShotView], reference: MediaInfo | None = None, settings: FormatSettings | None = None
) -> AnalyserResult:
    """One format_mismatch finding per shot whose media differs from ``reference`` (default: the most common)."""
    ref = reference or reference_format(shots)
    findings, rows = [], []
    if ref is None:
        return AnalyserResult()
    for shot in shots:
        if shot.media is None:
            continue
        diffs = format_differences(shot.media, ref, shot.rate, settings)
        rows.append({"analyser": "format", "track": shot.track, "frame": shot.record_start, "clip": shot.clip,
                     "differences": ";".join(d[0] for d in diffs)})
        if not diffs:
            continue
        findings.append(
            Finding(
                kind="format_mismatch",
                severity=Severity.ERROR if any(d[2] for d in diffs) else Severity.WARNING,
                start=shot.record_start,
                duration=shot.duration,
                track=shot.track,
                clip=shot.clip,
                score=float(len(diffs)),
                threshold=1.0,
                message=(
                    f"{shot.clip} at frame {shot.record_start} ({timecode(shot.record_start, shot.rate)}) differs from "
                    f"the timeline format: {'; '.join(d[1] for d in diffs)}."
                ),
                suggestion={"action": "conform", "properties": [d[0] for d in diffs],
                            "to": {"width": ref.width, "height": ref.height, "pixel_aspect": ref.pixel_aspect,
                                   "fps": shot.rate, "matrix": ref.matrix, "bit_depth": ref.bit_depth}},
            )
        )
    return AnalyserResult(tuple(findings), tuple(rows))


@register
class FormatAnalyser(CutAnalyser):
    """Media format against the timeline (or the track's most common format)."""

    name = "format"
    kinds = ("format_mismatch",)
    settings_class = FormatSettings
    needs = FrameNeeds()

    def __init__(self, settings: FormatSettings | None = None, reference: MediaInfo | None = None) -> None:
        super().__init__(settings)
        self.reference = reference

    def analyse(self, cuts: Sequence[CutContext]) -> AnalyserResult:
        shots: dict[int, ShotView] = {}
        for cut in cuts:
            for shot in (cut.outgoing, *cut.bridged, cut.incoming):
                shots.setdefault(id(shot), shot)
        ordered = sorted(shots.values(), key=lambda s: s.record_start)
        return format_findings(ordered, self.reference, self.settings)
