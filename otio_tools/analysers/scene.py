"""Same-scene estimation across a cut: is the incoming shot a continuation of the outgoing one?

A colour or exposure change across a cut between two scenes is intended; inside
one scene it is a defect. The pictures decide, after the grade is normalised
away, from three pieces of evidence that each vote in "units" (0 = no
opinion, positive = same scene, each clipped to +-2):

- **structure**: the best normalised cross-correlation of local-contrast-
  normalised grey thumbnails over a few zoom factors and shifts (a closer or
  wider framing of the same place still lines up);
- **tonal layout**: the L1 distance between the two lightness histograms after
  each is standardised to zero mean and unit spread (a grade or an exposure
  change moves and stretches the histogram; another place changes its shape);
- **edge orientations**: the L1 distance between the magnitude-weighted
  histograms of gradient orientation of the two grey frames (a place keeps its
  mix of verticals, horizontals and diagonals when the camera zooms or moves a
  little; the grade does not change it);
- **colourfulness**: a vote against only, when one side is colour footage and
  the other nearly black and white (a grade scales colourfulness, it does not
  remove it);
- **features**: ORB keypoints on contrast-equalised grey, matched with Lowe's
  ratio test and verified by a RANSAC similarity transform; the number of
  inliers (and the transform, which :mod:`jump_cut` reads for "same framing").

Each vote is ``(value - neutral) / unit`` with the neutral value set about
midway between what unrelated and related pictures give at this size.
A clip-name hint (``sc012``, ``scene_3``, ``S02_SH010``...) adds a vote when
both names carry a scene number. The sum over the votes is the scene score;
``score > 0`` means same scene. Classic vision only: it fails on different AI
generations of "one scene" that share no geometry (then only the tonal and name
votes speak), on low-texture pictures (flat animation, fog), and on a cut to
another place with the same layout and lighting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from otio_tools.analysers.base import setting, validate_settings
from otio_tools.analysers.colour import as_float, downscaled, srgb_to_lab

__all__ = [
    "SceneMatch",
    "SceneSettings",
    "chroma_spread",
    "orientation_histogram",
    "scene_match",
    "scene_number",
    "structure_similarity",
    "tonal_distance",
]


@dataclass(frozen=True)
class SceneSettings:
    """Settings of the same-scene estimate (see the module docstring for the votes)."""

    structure_height: int = setting(72, 24, 240, "height in px of the grey thumbnails correlated for structure")
    structure_neutral: float = setting(0.25, 0.0, 1.0, "structure correlation that votes 0 (unrelated pictures score about 0.2)")
    structure_unit: float = setting(0.08, 0.01, 1.0, "structure correlation per vote")
    zooms: tuple[float, ...] = setting((1.0, 1.25, 1.55, 1.95), doc="zoom factors tried when correlating structure")
    tonal_neutral: float = setting(0.7, 0.0, 2.0, "standardised-lightness histogram L1 distance that votes 0")
    tonal_unit: float = setting(0.3, 0.01, 2.0, "histogram distance per vote")
    orientation_neutral: float = setting(0.3, 0.0, 2.0, "edge-orientation histogram L1 distance that votes 0")
    orientation_unit: float = setting(0.1, 0.01, 2.0, "edge-orientation distance per vote")
    chroma_free_ratio: float = setting(1.0, 0.0, 4.0, "log2 ratio of chroma spreads that costs nothing; each further doubling removes a vote")
    feature_neutral: int = setting(8, 1, 1000, "RANSAC-verified ORB inliers that vote 0; each doubling adds a vote")
    orb_features: int = setting(500, 50, 5000, "ORB keypoints per frame")
    feature_height: int = setting(144, 48, 720, "height in px of the grey frames ORB runs on")
    feature_pairs: int = setting(2, 1, 4, "frames each side (every other frame from the cut) matched when the verdict is close")
    close_call: float = setting(2.0, 0.0, 10.0, "distance of the score from min_score under which more frame pairs are matched")
    name_vote: float = setting(1.5, 0.0, 4.0, "vote added (same number) or removed (different) by scene numbers in clip names")
    min_score: float = setting(0.0, -6.0, 6.0, "scene score above which a cut counts as inside one scene")

    def __post_init__(self) -> None:
        validate_settings(self)


@dataclass(frozen=True)
class SceneMatch:
    """The same-scene estimate for one cut; votes in units (see module docstring)."""

    structure: float
    tonal_distance: float
    inliers: int
    scale: float
    shift: float
    orientation_distance: float
    chroma_spread: tuple[float, float]
    name_hint: int
    score: float
    same_scene: bool

    @property
    def same_framing_transform(self) -> bool:
        """True when a verified transform exists (scale and shift are meaningful)."""
        return self.inliers > 0


_SCENE_PATTERNS = (
    re.compile(r"(?:^|[^a-z])(?:sc|scn|scene)[ _.-]?(\d+)", re.IGNORECASE),
    re.compile(r"(?:^|[^a-z0-9])s(\d{1,3})[ _.-]?(?:sh|shot)[ _.-]?\d+", re.IGNORECASE),
)


def scene_number(clip_name: str) -> int | None:
    """The scene number a clip name carries (``sc012_sh030`` -> 12), or None."""
    for pattern in _SCENE_PATTERNS:
        m = pattern.search(clip_name)
        if m:
            return int(m.group(1))
    return None


def _grey(frame: np.ndarray, height: int, value: bool = False) -> np.ndarray:
    """Luma, or with ``value`` the largest of R, G, B (which a change of hue of a saturated colour leaves alone)."""
    rgb = frame if frame.dtype == np.uint8 else np.clip(frame * 255 + 0.5, 0, 255).astype(np.uint8)
    g = np.ascontiguousarray(rgb.max(axis=-1)) if value else cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    h, w = g.shape
    if h != height:
        g = cv2.resize(g, (max(8, round(w * height / h)), height), interpolation=cv2.INTER_AREA)
    return g


def _local_contrast(g: np.ndarray) -> np.ndarray:
    g = g.astype(np.float32)
    d = g - cv2.GaussianBlur(g, (0, 0), 4)
    return d / (np.sqrt(cv2.GaussianBlur(d * d, (0, 0), 4)) + 4.0)


def structure_similarity(a: np.ndarray, b: np.ndarray, zooms: tuple[float, ...] = (1.0, 1.25, 1.55, 1.95)) -> float:
    """Best normalised correlation of two ``[h, w]`` grey pictures over zooms and shifts.

    Each picture is local-contrast normalised (grade and exposure drop out);
    the other is shrunk by each zoom factor, its central 85 % used as a
    template and slid over the first. -1 to 1; about 0.2 for unrelated pictures.
    """
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"expected two [h, w] grey pictures, got {a.shape} and {b.shape}")
    if a.shape != b.shape:
        b = cv2.resize(b, a.shape[::-1], interpolation=cv2.INTER_AREA)
    la, lb = _local_contrast(a), _local_contrast(b)
    best = -1.0
    for zoom in zooms:
        for big, small in ((la, lb), (lb, la)):
            h, w = small.shape
            t = cv2.resize(small, (max(8, round(w / zoom)), max(8, round(h / zoom))), interpolation=cv2.INTER_AREA)
            th, tw = t.shape
            ch, cw = int(th * 0.85), int(tw * 0.85)
            t = t[(th - ch) // 2 : (th - ch) // 2 + ch, (tw - cw) // 2 : (tw - cw) // 2 + cw]
            best = max(best, float(cv2.matchTemplate(big, t, cv2.TM_CCOEFF_NORMED).max()))
    return best


def tonal_distance(a: np.ndarray, b: np.ndarray) -> float:
    """L1 distance (0-2) of the standardised lightness histograms of two sRGB frames ``[h, w, 3]``."""
    hists = []
    for frame in (a, b):
        lightness = srgb_to_lab(as_float(downscaled(frame[None], 96)[0]))[..., 0].ravel()
        z = (lightness - lightness.mean()) / max(float(lightness.std()), 5.0)
        h, _ = np.histogram(np.clip(z, -3, 3), bins=24, range=(-3, 3))
        hists.append(h / max(h.sum(), 1))
    return float(np.abs(hists[0] - hists[1]).sum())


def orientation_histogram(grey: np.ndarray, bins: int = 12) -> np.ndarray:
    """Gradient-magnitude-weighted histogram of edge orientation (0-180 degrees) of an ``[h, w]`` grey picture, summing to 1."""
    if grey.ndim != 2:
        raise ValueError(f"expected an [h, w] grey picture, got {grey.shape}")
    g = grey.astype(np.float32)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)
    magnitude = np.hypot(gx, gy)
    index = (np.mod(np.arctan2(gy, gx), np.pi) / np.pi * bins).astype(np.int64) % bins
    h = np.bincount(index.ravel(), weights=magnitude.ravel(), minlength=bins)
    return h / max(h.sum(), 1e-9)


def chroma_spread(frame: np.ndarray) -> float:
    """Spread of a frame's colours around their mean in the a*b* plane (0 for black and white)."""
    ab = srgb_to_lab(as_float(downscaled(frame[None], 96)[0]))[..., 1:].reshape(-1, 2)
    return float(np.sqrt(((ab - ab.mean(0)) ** 2).sum(1).mean()))


def _orb_inliers(outgoing: list[np.ndarray], incoming: list[np.ndarray], n_features: int) -> tuple[int, float, float]:
    """Most RANSAC inliers over frame pairs, with that transform's scale and shift (fraction of width)."""
    orb = cv2.ORB_create(n_features, scaleFactor=1.2, nlevels=8, edgeThreshold=15, patchSize=15, fastThreshold=5)
    clahe = cv2.createCLAHE(2.0, (4, 4))
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)

    def features(g: np.ndarray):
        return orb.detectAndCompute(clahe.apply(g), None)

    best = (0, 1.0, 1.0)
    fa = [features(g) for g in outgoing]
    fb = [features(g) for g in incoming]
    width = outgoing[0].shape[1]
    for ka, da in fa:
        for kb, db in fb:
            if da is None or db is None or len(ka) < 10 or len(kb) < 10:
                continue
            pairs = matcher.knnMatch(da, db, k=2)
            good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.75 * p[1].distance]
            if len(good) < 5:
                continue
            pa = np.float32([ka[m.queryIdx].pt for m in good])
            pb = np.float32([kb[m.trainIdx].pt for m in good])
            m, inl = cv2.estimateAffinePartial2D(pa, pb, method=cv2.RANSAC, ransacReprojThreshold=4.0)
            if m is None:
                continue
            n = int(inl.sum())
            if n > best[0]:
                scale = float(np.hypot(m[0, 0], m[0, 1]))
                # shift of the picture centre under the transform, as a fraction of the width
                centre = np.array([width / 2, outgoing[0].shape[0] / 2, 1.0])
                shift = float(np.hypot(*(m @ centre - centre[:2]))) / width
                best = (n, scale, shift)
    return best


def _vote(value: float) -> float:
    return float(np.clip(value, -2.0, 2.0))


def scene_match(
    outgoing_tail: np.ndarray,
    incoming_head: np.ndarray,
    outgoing_name: str = "",
    incoming_name: str = "",
    settings: SceneSettings | None = None,
) -> SceneMatch:
    """Estimate whether two shots show one scene from the outgoing tail and the incoming head frames.

    ``outgoing_tail`` and ``incoming_head`` are ``[n, h, w, 3]`` sRGB frames in
    record order (n >= 1); the last outgoing and the first incoming frame carry
    the structure and tonal votes, up to two frames each side the feature vote.
    """
    s = settings or SceneSettings()
    for name, frames in (("outgoing_tail", outgoing_tail), ("incoming_head", incoming_head)):
        if frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) == 0:
            raise ValueError(f"{name} must be a non-empty [n, h, w, 3] array, got shape {frames.shape}")
    a, b = outgoing_tail[-1], incoming_head[0]
    structure = structure_similarity(_grey(a, s.structure_height), _grey(b, s.structure_height), s.zooms)
    tonal = tonal_distance(a, b)
    height = min(a.shape[0], b.shape[0], s.feature_height)
    ga, gb = _grey(a, height), _grey(b, height)
    orientation = float(np.abs(orientation_histogram(ga) - orientation_histogram(gb)).sum())
    spreads = (chroma_spread(a), chroma_spread(b))
    # A grade scales colourfulness; it does not turn colour footage into black and white.
    colour_vote = min(0.0, s.chroma_free_ratio - abs(np.log2((spreads[0] + 1) / (spreads[1] + 1))))
    na, nb = scene_number(outgoing_name), scene_number(incoming_name)
    hint = 0 if na is None or nb is None else (1 if na == nb else -1)
    others = (
        _vote((structure - s.structure_neutral) / s.structure_unit)
        + _vote((s.tonal_neutral - tonal) / s.tonal_unit)
        + _vote((s.orientation_neutral - orientation) / s.orientation_unit)
        + _vote(colour_vote)
        + hint * s.name_vote
    )
    # Features are the costly vote: one frame pair of luma first; a second pair and the
    # max-channel picture (blind to a recoloured subject) only when the verdict is close.
    def total(result: tuple[int, float, float]) -> float:
        return others + _vote(np.log2(max(result[0], 1) / s.feature_neutral))

    best = (0, 1.0, 1.0)
    for step, (pairs, value) in enumerate(((1, False), (1, True), (s.feature_pairs, False), (s.feature_pairs, True))):
        if step and abs(total(best) - s.min_score) >= s.close_call:
            break  # the first pass always runs: the jump-cut check needs its transform
        out_frames = [_grey(f, height, value) for f in outgoing_tail[::-2][:pairs]]
        in_frames = [_grey(f, height, value) for f in incoming_head[::2][:pairs]]
        if out_frames[0].shape != in_frames[0].shape:
            in_frames = [cv2.resize(g, out_frames[0].shape[::-1], interpolation=cv2.INTER_AREA) for g in in_frames]
        best = max(best, _orb_inliers(out_frames, in_frames, s.orb_features), key=lambda r: r[0])
    inliers, scale, shift = best
    score = total(best)
    return SceneMatch(
        structure=structure,
        tonal_distance=tonal,
        inliers=inliers,
        scale=scale,
        shift=shift,
        orientation_distance=orientation,
        chroma_spread=spreads,
        name_hint=hint,
        score=float(score),
        same_scene=bool(score > s.min_score),
    )
