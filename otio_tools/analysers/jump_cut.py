"""jump_cut: two pieces of one take with the same framing and frames missing between them.

The scene estimate verifies a similarity transform between the last outgoing
and the first incoming frames with ORB features and RANSAC. A jump cut is a
same-scene cut whose transform is close to identity (scale within
``max_scale_change``, picture centre moved less than ``max_shift`` of the
width, at least ``min_inliers`` inliers) and whose picture change is clearly
larger than the change between neighbouring frames of the shots themselves
(``min_skip_ratio``): without that, the cut is an invisible through-edit.

Where it fails: a locked-off shot of a static scene makes every skip
invisible (and harmless); a whip-pan or a zoom inside the take read as a
change of framing; two takes shot from one tripod position read as a jump cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
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
from otio_tools.analysers.colour import as_float, downscaled, luma
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = ["JumpCutAnalyser", "JumpCutSettings", "picture_change"]


@dataclass(frozen=True)
class JumpCutSettings:
    """Thresholds of the jump-cut check."""

    edge_frames: int = setting(3, 2, 24, "frames each side used to measure motion between neighbouring frames")
    max_scale_change: float = setting(0.1, 0.0, 0.5, "largest |scale - 1| of the cut's transform that is still the same framing")
    max_shift: float = setting(0.1, 0.0, 0.5, "largest move of the picture centre, as a fraction of the width, that is the same framing")
    min_inliers: int = setting(20, 4, 1000, "RANSAC inliers needed to trust the transform")
    min_skip_ratio: float = setting(2.0, 1.0, 20.0, "picture change across the cut over the median change between neighbouring frames")
    analysis_width: int = setting(64, 16, 640, "width in px of the grey pictures compared")

    def __post_init__(self) -> None:
        validate_settings(self)


def picture_change(frames: np.ndarray, width: int = 64) -> np.ndarray:
    """Mean absolute grey difference (0-1) between consecutive frames of ``[n, h, w, 3]``; length n - 1."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"expected [n, h, w, 3] frames, got {frames.shape}")
    grey = luma(as_float(downscaled(frames, width)))
    return np.abs(np.diff(grey, axis=0)).mean(axis=(1, 2))


@register
class JumpCutAnalyser(CutAnalyser):
    """Same framing, small time skip."""

    name = "jump_cut"
    kinds = ("jump_cut",)
    settings_class = JumpCutSettings
    needs = FrameNeeds(edge_frames=JumpCutSettings().edge_frames)

    def analyse(self, cuts: Sequence[CutContext]) -> AnalyserResult:
        s = self.settings
        findings, rows = [], []
        for cut in cuts:
            out, inc, sc = cut.outgoing, cut.incoming, cut.scene
            tail, head = out.tail_frames(s.edge_frames), inc.head_frames(s.edge_frames)
            if tail.shape[1:] != head.shape[1:]:
                head = np.stack([_resized(f, tail.shape[1:3]) for f in head])
            across = float(picture_change(np.stack([tail[-1], head[0]]), s.analysis_width)[0])
            within = np.concatenate([picture_change(tail, s.analysis_width), picture_change(head, s.analysis_width)])
            motion = float(np.median(within)) if len(within) else 0.0
            ratio = across / max(motion, 0.002)
            same_framing = (
                sc.inliers >= s.min_inliers and abs(sc.scale - 1) <= s.max_scale_change and sc.shift <= s.max_shift
            )
            rows.append(
                {
                    "analyser": self.name,
                    "track": cut.track,
                    "frame": cut.record_frame,
                    "clip": inc.clip,
                    "same_scene": sc.same_scene,
                    "inliers": sc.inliers,
                    "scale": sc.scale,
                    "shift": sc.shift,
                    "skip_ratio": ratio,
                }
            )
            if not (sc.same_scene and same_framing and not cut.bridged and cut.gap_frames == 0):
                continue
            if ratio < s.min_skip_ratio:
                continue
            findings.append(
                Finding(
                    kind="jump_cut",
                    severity=Severity.WARNING,
                    start=cut.record_frame,
                    duration=1,
                    track=cut.track,
                    clip=inc.clip,
                    score=ratio,
                    threshold=s.min_skip_ratio,
                    message=(
                        f"Jump cut from {out.clip} to {inc.clip} at frame {cut.record_frame} "
                        f"({timecode(cut.record_frame, inc.rate)}): same framing (scale {sc.scale:.2f}, "
                        f"{sc.inliers} matched features) and the picture jumps {ratio:.1f}x more than between neighbouring frames."
                    ),
                    suggestion={"action": "cutaway_or_reframe", "between": [out.clip, inc.clip]},
                )
            )
        return AnalyserResult(tuple(findings), tuple(rows))


def _resized(frame: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return cv2.resize(frame, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
