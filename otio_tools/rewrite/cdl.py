"""ASC CDL corrections for grade findings: fitted, checked by measuring again, written as NLEs read them.

For a ``colour_mismatch``, ``exposure_jump`` or ``subject_colour_shift`` at a
cut, :func:`fitted_cdl` finds the slope, offset and power per channel (and a
saturation) that map the incoming shot's first frames onto the colours of its
reference (the outgoing shot the grade analyser compared it with): per channel,
the percentiles of the incoming frames are fitted to the reference's (for an
exposure jump one curve on luma, applied to all three channels, so only the
brightness changes), then the offsets are nudged until the mean colours meet.
The simplest correction that works is kept: offsets alone, then slope and
offset, then slope, offset, power and saturation (for exposure: slope and
offset first, as a gain); the first whose measure falls below the threshold,
else the one that measures lowest.
:func:`cdl_fit_for` applies the CDL to the same frames and measures the cut
again with the grade analyser's own measure (:func:`~otio_tools.analysers.grade.cut_colour`):
the fit *corrects* the finding when that measure falls below the finding's
threshold. A global correction cannot recolour one subject while leaving the
neutral areas alone, so a subject colour shift is usually not corrected; it
is reported as it measures.

Frames are sRGB in 0-1 (or uint8); the CDL works on those code values, as a
colourist's CDL in a display-referred Rec.709 project does. The CDL follows
ASC CDL 1.2: ``out = clamp(in * slope + offset) ** power``, then saturation
about Rec.709 luma.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from otio_tools.analysers.colour import as_float
from otio_tools.findings import Finding

__all__ = [
    "CDL",
    "CDL_KINDS",
    "CdlFit",
    "cdl_applied",
    "fitted_cdl",
    "cdl_fit_for",
    "colour_correction_collection",
    "colour_decision_list",
]

CDL_KINDS = ("colour_mismatch", "exposure_jump", "subject_colour_shift")
"""The finding kinds a CDL is fitted for."""

_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
_PERCENTILES = np.linspace(2, 98, 25)
_POWERS = np.geomspace(0.5, 2.0, 29)
_SLOPE = (0.2, 5.0)
_OFFSET = (-0.5, 0.5)
_SATURATION = (0.0, 3.0)


@dataclass(frozen=True)
class CDL:
    """One ASC colour decision: slope, offset, power per channel (R, G, B) and saturation."""

    slope: tuple[float, float, float] = (1.0, 1.0, 1.0)
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
    power: tuple[float, float, float] = (1.0, 1.0, 1.0)
    saturation: float = 1.0

    def rounded(self, digits: int = 4) -> "CDL":
        """This CDL with every value rounded to *digits* decimals, as it is written."""
        def r(values):
            return tuple(round(float(v), digits) + 0.0 for v in values)

        return CDL(r(self.slope), r(self.offset), r(self.power), round(float(self.saturation), digits) + 0.0)

    def to_metadata(self) -> dict:
        """The ``metadata["cdl"]`` OTIO's EDL adapter reads from ``*ASC_SOP``/``*ASC_SAT`` and writes back."""
        return {"asc_sat": self.saturation,
                "asc_sop": {"slope": list(self.slope), "offset": list(self.offset), "power": list(self.power)}}

    def edl_lines(self) -> list[str]:
        """``*ASC_SOP (s s s)(o o o)(p p p)`` and ``*ASC_SAT s``, as Avid and Resolve write them."""
        groups = "".join(f"({' '.join(_number(v) for v in values)})" for values in (self.slope, self.offset, self.power))
        return [f"*ASC_SOP {groups}", f"*ASC_SAT {_number(self.saturation)}"]


def _number(value: float) -> str:
    return f"{value:.4f}"


def cdl_applied(cdl: CDL, rgb: np.ndarray) -> np.ndarray:
    """*rgb* (``[..., 3]``, uint8 or float 0-1) through *cdl*, as float32 in 0-1."""
    rgb = as_float(rgb)
    if rgb.shape[-1:] != (3,):
        raise ValueError(f"expected a trailing axis of 3 colour components, got shape {rgb.shape}")
    sop = np.clip(rgb * np.float32(cdl.slope) + np.float32(cdl.offset), 0, 1) ** np.float32(cdl.power)
    luma = (sop @ _LUMA)[..., None]
    return np.clip(luma + np.float32(cdl.saturation) * (sop - luma), 0, 1).astype(np.float32)


def _fit_curve(source: np.ndarray, target: np.ndarray, powers=_POWERS) -> tuple[float, float, float]:
    """Slope, offset, power mapping percentiles *source* onto *target* (1-d, same length) best."""
    best = (float("inf"), 1.0, 0.0, 1.0)
    design = np.stack([source, np.ones_like(source)], axis=1)
    for power in powers:
        (slope, offset), *_ = np.linalg.lstsq(design, target ** (1 / power), rcond=None)
        slope, offset = float(np.clip(slope, *_SLOPE)), float(np.clip(offset, *_OFFSET))
        error = float(np.mean((np.clip(source * slope + offset, 0, 1) ** power - target) ** 2))
        if error < best[0]:
            best = (error, slope, offset, float(power))
    return best[1], best[2], best[3]


MODELS = ("offset", "slope", "full")
"""CDL fits from the simplest up: offsets only; slope and offset; slope, offset, power and saturation."""


def fitted_cdl(incoming: np.ndarray, reference: np.ndarray, luma_only: bool = False, model: str = "full",
               iterations: int = 4) -> CDL:
    """The CDL that brings *incoming* frames to the colours of *reference* frames (``[n, h, w, 3]`` each).

    *model* is one of :data:`MODELS`. With *luma_only* one curve fitted on
    luma is used for all channels and the saturation stays 1: only the
    brightness changes.
    """
    if model not in MODELS:
        raise ValueError(f"unknown CDL model {model!r}; choose one of: {', '.join(MODELS)}")
    inc = as_float(incoming).reshape(-1, 3)
    ref = as_float(reference).reshape(-1, 3)
    if not len(inc) or not len(ref):
        raise ValueError("fitting a CDL needs incoming and reference frames")
    powers = _POWERS if model == "full" else (1.0,)
    if model == "offset":
        cdl = CDL()
    elif luma_only:
        slope, offset, power = _fit_curve(np.percentile(inc @ _LUMA, _PERCENTILES),
                                          np.percentile(ref @ _LUMA, _PERCENTILES), powers)
        cdl = CDL((slope,) * 3, (offset,) * 3, (power,) * 3, 1.0)
    else:
        curves = [_fit_curve(np.percentile(inc[:, c], _PERCENTILES), np.percentile(ref[:, c], _PERCENTILES), powers)
                  for c in range(3)]
        cdl = CDL(*(tuple(curve[i] for curve in curves) for i in range(3)), 1.0)
    if model == "full" and not luma_only:
        corrected = cdl_applied(cdl, inc)
        chroma = float(np.abs(corrected - (corrected @ _LUMA)[:, None]).mean())
        wanted = float(np.abs(ref - (ref @ _LUMA)[:, None]).mean())
        cdl = CDL(cdl.slope, cdl.offset, cdl.power,
                  float(np.clip(wanted / chroma, *_SATURATION)) if chroma > 1e-4 else 1.0)
    target = ref.mean(axis=0)
    for _ in range(iterations):
        delta = target - cdl_applied(cdl, inc).mean(axis=0)
        if luma_only:
            delta = np.full(3, float(delta @ _LUMA))
        cdl = CDL(cdl.slope, tuple(float(np.clip(o + d, *_OFFSET)) for o, d in zip(cdl.offset, delta)),
                  cdl.power, cdl.saturation)
    return cdl.rounded()


@dataclass(frozen=True)
class CdlFit:
    """A CDL fitted for one finding, and the finding's measure before and after applying it.

    ``before`` and ``after`` are in the finding's own units (CIEDE2000 for a
    grade, L* for exposure, degrees of hue for a subject); ``corrected`` when
    ``after`` is below ``threshold``.
    """

    finding: Finding
    clip: str
    reference_clip: str
    cdl: CDL
    before: float
    after: float
    threshold: float

    @property
    def corrected(self) -> bool:
        """Whether the corrected cut measures below the finding's threshold."""
        return self.after < self.threshold

    def summary(self) -> str:
        """``CDL for shot_060 (to match shot_050): grade ΔE 11.1 -> 0.8, threshold 4.0: corrected``."""
        unit = {"colour_mismatch": "grade ΔE", "exposure_jump": "lightness dL*", "subject_colour_shift": "subject hue"}
        verdict = "corrected" if self.corrected else "not corrected by a CDL"
        return (f"CDL for {self.clip} (to match {self.reference_clip}): {unit[self.finding.kind]} "
                f"{self.before:.1f} -> {self.after:.1f}, threshold {self.threshold:.1f}: {verdict}")

    def to_json(self) -> dict:
        """The fit as JSON-able data: clip, reference, CDL, before, after, threshold, corrected."""
        return {"clip": self.clip, "reference_clip": self.reference_clip, "kind": self.finding.kind,
                "record_frame": self.finding.start, "cdl": self.cdl.to_metadata(),
                "before": round(self.before, 3), "after": round(self.after, 3),
                "threshold": round(self.threshold, 3), "corrected": self.corrected}


def _measure(kind: str, outgoing: np.ndarray, incoming: np.ndarray, settings) -> float:
    from otio_tools.analysers.grade import cut_colour

    m = cut_colour(outgoing, incoming, settings)
    return {"colour_mismatch": m.grade, "exposure_jump": abs(m.exposure), "subject_colour_shift": m.subject}[kind]


def cdl_fit_for(finding: Finding, outgoing: np.ndarray, incoming: np.ndarray, reference_clip: str,
                settings=None) -> CdlFit:
    """Fit a CDL for *finding* from the cut's *outgoing* (reference) and *incoming* edge frames, and measure again.

    *settings* are the grade analyser's (``GradeSettings``); the frames are
    the ones it measured, ``[n, h, w, 3]``.
    """
    if finding.kind not in CDL_KINDS:
        raise ValueError(f"a CDL is fitted for {', '.join(CDL_KINDS)}, not {finding.kind}")
    before = _measure(finding.kind, outgoing, incoming, settings)
    luma_only = finding.kind == "exposure_jump"
    tried = []
    # exposure is a gain first (slope), a lift only if a gain cannot match it
    for model in ("slope", "offset", "full") if luma_only else MODELS:
        cdl = fitted_cdl(incoming, outgoing, luma_only=luma_only, model=model)
        tried.append(CdlFit(finding, finding.clip or "", reference_clip, cdl, float(before),
                            float(_measure(finding.kind, outgoing, cdl_applied(cdl, incoming), settings)),
                            float(finding.threshold)))
        if tried[-1].corrected:
            return tried[-1]
    return min(tried, key=lambda fit: fit.after if np.isfinite(fit.after) else float("inf"))


def _correction_xml(fit: CdlFit, indent: str) -> list[str]:
    c = fit.cdl
    triple = lambda values: " ".join(_number(v) for v in values)  # noqa: E731
    return [
        f"{indent}<ColorCorrection id={quoteattr(fit.clip)}>",
        f"{indent}  <SOPNode>",
        f"{indent}    <Description>{escape(fit.summary())}</Description>",
        f"{indent}    <Slope>{triple(c.slope)}</Slope>",
        f"{indent}    <Offset>{triple(c.offset)}</Offset>",
        f"{indent}    <Power>{triple(c.power)}</Power>",
        f"{indent}  </SOPNode>",
        f"{indent}  <SatNode>",
        f"{indent}    <Saturation>{_number(c.saturation)}</Saturation>",
        f"{indent}  </SatNode>",
        f"{indent}</ColorCorrection>",
    ]


_HEADER = '<?xml version="1.0" encoding="UTF-8"?>'
_NAMESPACE = "urn:ASC:CDL:v1.01"


def colour_correction_collection(fits: Iterable[CdlFit]) -> str:
    """An ASC ``.ccc`` (ColorCorrectionCollection) with one ColorCorrection per fit, its id the clip name."""
    lines = [_HEADER, f'<ColorCorrectionCollection xmlns="{_NAMESPACE}">']
    for fit in fits:
        lines += _correction_xml(fit, "  ")
    return "\n".join([*lines, "</ColorCorrectionCollection>", ""])


def colour_decision_list(fits: Sequence[CdlFit]) -> str:
    """An ASC ``.cdl`` (ColorDecisionList) with one ColorDecision per fit."""
    lines = [_HEADER, f'<ColorDecisionList xmlns="{_NAMESPACE}">']
    for fit in fits:
        lines += ["  <ColorDecision>", *_correction_xml(fit, "    "), "  </ColorDecision>"]
    return "\n".join([*lines, "</ColorDecisionList>", ""])
