"""Grade continuity across cuts inside one scene: colour_mismatch, exposure_jump, subject_colour_shift.

For each cut the last outgoing and the first incoming frames (``edge_frames``
of each, averaged) are measured in CIELAB:

- **exposure**: the difference of mean lightness, ``dL*`` (luma only);
- **grade**: the CIEDE2000 difference of the mean colours with the lightness
  equalised (a tint, white balance or saturation change, not brightness);
- **neutral shift**: the same, over the near-neutral pixels (C* < 10) only;
- **subject**: how far the hues of the strongly coloured pixels (C* >= 20,
  the salient subject: clothes, objects) moved round the hue circle: the
  circular earth mover's distance, in degrees, between the chroma-weighted
  hue histograms of both sides. Reframing changes how much of each colour is
  in shot (a few degrees); a recoloured subject moves its hues (tens of
  degrees). Histograms need no correspondence between the two pictures, so
  it works across a change of framing or a moved subject. The finding also
  gives where the incoming picture shows hues the outgoing one lacked (the
  5-95 % extent of those pixels), to point at the subject.

A grade moves the neutral areas too; a subject whose colour changed leaves
them alone. So a cut is a ``subject_colour_shift`` when the coloured pixels
moved and the neutral ones did not, and a ``colour_mismatch`` when the whole
picture moved. Only cuts the scene estimate calls same-scene are judged (a
change across a scene change is intended). Thresholds are relative to the
track: a measure must exceed both its floor (about where the change becomes
visible at a cut) and the median plus ``spread_k`` robust deviations of the
same measure over the track's other same-scene cuts, which absorbs footage
whose moments differ a lot in colour.

Where it fails: a subject that leaves or enters the frame (a red coat walking
in) reads as a subject shift; a grade that turns only the saturated hues
reads as a subject shift, and one that only changes their saturation (a
vibrance change) is not reported; a scene the scene estimate misses gets no
check at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from otio_tools.analysers.base import (
    AnalyserResult,
    CutAnalyser,
    CutContext,
    FrameNeeds,
    register,
    setting,
    validate_settings,
)
from otio_tools.analysers.colour import as_float, ciede2000, downscaled, srgb_to_lab
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = [
    "CutColour",
    "GradeAnalyser",
    "GradeSettings",
    "circular_emd",
    "cut_colour",
    "hue_histogram",
    "relative_threshold",
]


@dataclass(frozen=True)
class GradeSettings:
    """Thresholds of the grade-continuity checks (CIELAB units)."""

    edge_frames: int = setting(3, 1, 24, "frames averaged at each side of the cut")
    exposure_floor: float = setting(6.0, 1.0, 50.0, "mean lightness difference dL* that is an exposure jump (about 2.5 JND at a cut)")
    grade_floor: float = setting(5.0, 1.0, 50.0, "CIEDE2000 of the lightness-equalised mean colours that is a grade mismatch (a clear difference side by side)")
    neutral_chroma: float = setting(10.0, 1.0, 40.0, "C* below which a pixel counts as neutral")
    saturated_chroma: float = setting(20.0, 5.0, 80.0, "C* from which a pixel counts as strongly coloured (the subject)")
    min_area: float = setting(0.03, 0.0, 0.5, "smallest fraction of the picture a neutral or coloured region needs")
    neutral_still: float = setting(2.5, 0.5, 20.0, "neutral-area CIEDE2000 below which the neutral areas did not change")
    subject_floor: float = setting(25.0, 1.0, 180.0, "degrees the coloured pixels' hues must move (circular EMD) to be a subject shift")
    hue_bins: int = setting(36, 6, 360, "bins of the hue histograms")
    spread_k: float = setting(3.0, 0.0, 10.0, "robust deviations above the track's other same-scene cuts a score must also reach")
    min_neighbours: int = setting(3, 1, 50, "other same-scene cuts needed before the relative threshold applies")
    error_factor: float = setting(2.0, 1.0, 10.0, "score / threshold from which a finding is an error")
    analysis_width: int = setting(96, 16, 640, "width in px at which colours are measured")

    def __post_init__(self) -> None:
        validate_settings(self)


@dataclass(frozen=True)
class CutColour:
    """Colour measures of one cut (see module docstring); NaN where a region is too small."""

    delta_e: float
    exposure: float
    grade: float
    neutral: float
    subject: float
    hue_shift: float
    delta_lab: tuple[float, float, float]
    subject_region: tuple[float, float, float, float] | None = None


def _mean_lab(frames: np.ndarray, width: int) -> np.ndarray:
    small = downscaled(frames, width)
    return srgb_to_lab(as_float(small)).mean(axis=0)


def _region_mean(lab: np.ndarray, mask: np.ndarray, min_area: float) -> np.ndarray | None:
    if mask.mean() < min_area:
        return None
    return lab[mask].mean(axis=0)


def hue_histogram(lab: np.ndarray, min_chroma: float, bins: int = 36) -> tuple[np.ndarray, float]:
    """Chroma-weighted hue histogram (sums to 1) of the pixels of ``[..., 3]`` Lab with C* >= ``min_chroma``, and their area fraction."""
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    mask = chroma >= min_chroma
    hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1])[mask]) % 360
    hist = np.bincount((hue / 360 * bins).astype(np.int64) % bins, weights=chroma[mask], minlength=bins)
    return hist / max(float(hist.sum()), 1e-9), float(mask.mean())


def circular_emd(p: np.ndarray, q: np.ndarray) -> float:
    """Earth mover's distance in degrees between two histograms (each summing to 1) on the hue circle."""
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"expected two 1-d histograms of one length, got {p.shape} and {q.shape}")
    d = np.cumsum(p - q)
    return float(np.abs(d - np.median(d)).sum() * 360 / len(p))


def _chroma_equalised(ref: np.ndarray, other: np.ndarray) -> float:
    return float(ciede2000(ref, np.array([ref[0], other[1], other[2]])))


def cut_colour(outgoing: np.ndarray, incoming: np.ndarray, settings: GradeSettings | None = None) -> CutColour:
    """Colour measures between outgoing frames and incoming frames (``[n, h, w, 3]`` sRGB each)."""
    s = settings or GradeSettings()
    for name, frames in (("outgoing", outgoing), ("incoming", incoming)):
        if frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) == 0:
            raise ValueError(f"{name} frames must be a non-empty [n, h, w, 3] array, got {frames.shape}")
    la, lb = _mean_lab(outgoing, s.analysis_width), _mean_lab(incoming, s.analysis_width)
    ma, mb = la.reshape(-1, 3).mean(0), lb.reshape(-1, 3).mean(0)
    ca, cb = np.hypot(la[..., 1], la[..., 2]), np.hypot(lb[..., 1], lb[..., 2])

    na = _region_mean(la, ca < s.neutral_chroma, s.min_area)
    nb = _region_mean(lb, cb < s.neutral_chroma, s.min_area)
    neutral = _chroma_equalised(na, nb) if na is not None and nb is not None else float("nan")

    sa = _region_mean(la, ca >= s.saturated_chroma, s.min_area)
    sb = _region_mean(lb, cb >= s.saturated_chroma, s.min_area)
    if sa is not None and sb is not None:
        ha, _ = hue_histogram(la, s.saturated_chroma, s.hue_bins)
        hb, _ = hue_histogram(lb, s.saturated_chroma, s.hue_bins)
        subject = circular_emd(ha, hb)
        hue = np.degrees(np.arctan2(sb[2], sb[1]) - np.arctan2(sa[2], sa[1]))
        hue_shift = float(abs((hue + 180) % 360 - 180))
        region = _new_colour_region(lb, hb - ha, s)
    else:
        subject, hue_shift, region = float("nan"), float("nan"), None
    return CutColour(
        delta_e=float(ciede2000(ma, mb)),
        exposure=float(mb[0] - ma[0]),
        grade=_chroma_equalised(ma, mb),
        neutral=neutral,
        subject=subject,
        hue_shift=hue_shift,
        delta_lab=tuple(float(v) for v in (mb - ma)),
        subject_region=region,
    )


def _new_colour_region(lab: np.ndarray, gained: np.ndarray, s: GradeSettings) -> tuple[float, float, float, float] | None:
    """Where the incoming picture shows the hues the outgoing one lacked: (x0, y0, x1, y1) as fractions, 5-95 % of those pixels."""
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360
    bins = (hue / 360 * len(gained)).astype(np.int64) % len(gained)
    mask = (chroma >= s.saturated_chroma) & (gained[bins] > 0.5 / len(gained))
    if mask.mean() < s.min_area / 4:
        return None
    ys, xs = np.nonzero(mask)
    h, w = mask.shape
    x0, x1 = np.percentile(xs, [5, 95]) / max(w - 1, 1)
    y0, y1 = np.percentile(ys, [5, 95]) / max(h - 1, 1)
    return (float(x0), float(y0), float(x1), float(y1))


def relative_threshold(floor: float, others: Sequence[float], k: float, min_count: int) -> float:
    """``max(floor, median + k * 1.4826 * MAD)`` of ``others`` (NaNs dropped); ``floor`` when too few."""
    values = np.asarray([v for v in others if np.isfinite(v)], dtype=np.float64)
    if len(values) < min_count:
        return floor
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median))) * 1.4826
    return max(floor, median + k * mad)


def _severity(score: float, threshold: float, error_factor: float) -> Severity:
    return Severity.ERROR if score >= error_factor * threshold else Severity.WARNING


@register
class GradeAnalyser(CutAnalyser):
    """Grade, exposure and subject-colour continuity at same-scene cuts."""

    name = "grade"
    kinds = ("colour_mismatch", "exposure_jump", "subject_colour_shift")
    settings_class = GradeSettings
    needs = FrameNeeds(edge_frames=GradeSettings().edge_frames)

    def analyse(self, cuts: Sequence[CutContext]) -> AnalyserResult:
        s = self.settings
        n = s.edge_frames
        measures = [cut_colour(c.outgoing.tail_frames(n), c.incoming.head_frames(n), s) for c in cuts]
        judged = [i for i, c in enumerate(cuts) if c.scene.same_scene and not c.bridged and c.gap_frames == 0]
        findings: list[Finding] = []
        rows: list[dict[str, Any]] = []
        for i, (cut, m) in enumerate(zip(cuts, measures)):
            others = [measures[j] for j in judged if j != i]

            def limit(floor: float, attr: str) -> float:
                return relative_threshold(floor, [abs(getattr(o, attr)) for o in others], s.spread_k, s.min_neighbours)

            t_exp, t_grade, t_subj = limit(s.exposure_floor, "exposure"), limit(s.grade_floor, "grade"), limit(s.subject_floor, "subject")
            rows.append(
                {
                    "analyser": self.name,
                    "track": cut.track,
                    "frame": cut.record_frame,
                    "clip": cut.incoming.clip,
                    "same_scene": i in judged,
                    "delta_e": m.delta_e,
                    "exposure": m.exposure,
                    "exposure_threshold": t_exp,
                    "grade": m.grade,
                    "grade_threshold": t_grade,
                    "neutral": m.neutral,
                    "subject": m.subject,
                    "subject_threshold": t_subj,
                    "hue_shift": m.hue_shift,
                }
            )
            if i not in judged:
                continue
            findings.extend(self._findings(cut, m, t_exp, t_grade, t_subj))
        return AnalyserResult(tuple(findings), tuple(rows))

    def _findings(self, cut: CutContext, m: CutColour, t_exp: float, t_grade: float, t_subj: float) -> list[Finding]:
        s = self.settings
        inc = cut.incoming
        where = f"at frame {cut.record_frame} ({timecode(cut.record_frame, inc.rate)})"
        common = dict(start=cut.record_frame, duration=inc.duration, track=cut.track, clip=inc.clip)
        out: list[Finding] = []
        if abs(m.exposure) >= t_exp:
            stops = float(np.log2(_relative_luminance_of_lightness(m.delta_lab[0] + 50) / _relative_luminance_of_lightness(50)))
            word = "brighter" if m.exposure > 0 else "darker"
            out.append(
                Finding(
                    kind="exposure_jump",
                    severity=_severity(abs(m.exposure), t_exp, s.error_factor),
                    score=abs(m.exposure),
                    threshold=t_exp,
                    message=(
                        f"{inc.clip} is {word} than {cut.outgoing.clip} across the cut {where}: "
                        f"mean lightness differs by {m.exposure:+.1f} L* (threshold {t_exp:.1f}), CIEDE2000 {m.delta_e:.1f}."
                    ),
                    suggestion={"action": "match_exposure", "reference_clip": cut.outgoing.clip, "delta_l": -m.exposure, "gain_stops": -stops},
                    **common,
                )
            )
        neutral_moved = not np.isfinite(m.neutral) or m.neutral >= s.neutral_still
        subject_moved = np.isfinite(m.subject) and m.subject >= t_subj
        if subject_moved and not neutral_moved:
            out.append(
                Finding(
                    kind="subject_colour_shift",
                    severity=_severity(m.subject, t_subj, s.error_factor),
                    score=m.subject,
                    threshold=t_subj,
                    message=(
                        f"The strongly coloured subject changes colour from {cut.outgoing.clip} to {inc.clip} {where}: "
                        f"its hues move {m.subject:.0f} degrees (threshold {t_subj:.0f}), mean hue {m.hue_shift:.0f} degrees, "
                        f"while neutral areas move only CIEDE2000 {m.neutral:.1f}{_region_words(m.subject_region)}."
                    ),
                    suggestion={"action": "regenerate_or_key_subject", "reference_clip": cut.outgoing.clip,
                                "hue_shift_degrees": m.hue_shift, "region": m.subject_region},
                    **common,
                )
            )
        elif m.grade >= t_grade and neutral_moved:
            out.append(
                Finding(
                    kind="colour_mismatch",
                    severity=_severity(m.grade, t_grade, s.error_factor),
                    score=m.grade,
                    threshold=t_grade,
                    message=(
                        f"{inc.clip} carries another grade than {cut.outgoing.clip} {where}: CIEDE2000 {m.grade:.1f} "
                        f"at equal lightness (threshold {t_grade:.1f}); mean Lab shift "
                        f"({m.delta_lab[0]:+.1f}, {m.delta_lab[1]:+.1f}, {m.delta_lab[2]:+.1f})."
                    ),
                    suggestion={"action": "match_grade", "reference_clip": cut.outgoing.clip, "delta_lab": [-v for v in m.delta_lab]},
                    **common,
                )
            )
        return out


def _region_words(region: tuple[float, float, float, float] | None) -> str:
    if region is None:
        return ""
    x0, y0, x1, y1 = (round(v * 100) for v in region)
    return f"; the new colours lie in x {x0}-{x1} %, y {y0}-{y1} % of the picture"


def _relative_luminance_of_lightness(lightness: float) -> float:
    """CIE relative luminance Y (0-1) of a lightness L* (0-100)."""
    f = (max(lightness, 0.0) + 16) / 116
    return f**3 if f**3 > 216 / 24389 else max(lightness, 1e-3) * 27 / 24389
