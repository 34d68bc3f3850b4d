"""frozen_frames: the picture stalls inside a moving shot.

Per frame, the mean absolute difference of 64-px grey thumbnails to the
previous frame (0-255 levels). A transition is *held* when that difference is
below ``max(still_level, still_fraction * motion)``, where ``motion`` is the
median difference over the shot's other transitions. A run of at least
``min_frames`` repeated frames is a freeze, but only in a shot that moves
(``motion >= min_motion``): a still shot repeats frames by nature. When the
media frame rate is below the timeline rate, repeats from the rate conversion
(one or two in a row) are expected, and the minimum run grows to stay above
them. A run must follow motion inside the shot (a shot that opens on a held
picture, a title or black is a still start, not a stall), and frames with no
texture (grey spread under ``min_contrast``: black, a flat colour) cannot
show a stall. ``start`` is the first repeated frame (the one after the frame that is
held), ``duration`` the number of repeated frames.

Where it fails: a moving shot that genuinely stops (a locked-off shot where
the only mover leaves) reads as a freeze when the stop is exact to the
grey level; very noisy held frames (re-encoded with grain) are missed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from otio_tools.analysers.base import AnalyserResult, FrameNeeds, ShotAnalyser, ShotView, register, setting, validate_settings
from otio_tools.analysers.signals import shot_grey, runs, segments
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = ["FrozenFramesAnalyser", "FrozenSettings", "held_transitions"]


@dataclass(frozen=True)
class FrozenSettings:
    """Thresholds of the frozen-frames check (grey levels 0-255 on 64-px thumbnails)."""

    min_frames: int = setting(3, 2, 100, "fewest repeated frames in a row that are a freeze")
    still_level: float = setting(0.1, 0.0, 10.0, "frame difference that is a repeat whatever the motion (codec noise)")
    still_fraction: float = setting(0.05, 0.0, 1.0, "frame difference, as a fraction of the shot's median motion, that is a repeat (at most twice still_level)")
    contrast: float = setting(5.0, 1.0, 100.0, "motion around a run over the run's largest difference: a freeze stands out from its surroundings")
    context_frames: int = setting(6, 1, 48, "transitions each side of a run that give its surrounding motion")
    min_motion: float = setting(0.6, 0.0, 50.0, "median frame difference from which a shot counts as moving")
    min_contrast: float = setting(6.0, 0.0, 100.0, "grey spread (0-255) under which a frame is flat and cannot show a freeze")
    error_seconds: float = setting(0.5, 0.0, 10.0, "freeze length from which the finding is an error")

    def __post_init__(self) -> None:
        validate_settings(self)


def held_transitions(diffs: np.ndarray, settings: FrozenSettings | None = None) -> tuple[np.ndarray, float]:
    """Which frame-to-frame differences are repeats, and the shot's motion level (median of all differences).

    The median over all transitions makes a shot that is still most of the
    time (with a glitch or a flash in it) a still shot, not a moving one.
    """
    s = settings or FrozenSettings()
    diffs = np.asarray(diffs, dtype=np.float64)
    if diffs.ndim != 1:
        raise ValueError(f"expected a 1-d array of frame differences, got {diffs.shape}")
    if len(diffs) == 0:
        return np.zeros(0, bool), 0.0
    motion = float(np.median(diffs))
    return diffs <= max(s.still_level, min(s.still_fraction * motion, 2 * s.still_level)), motion


@register
class FrozenFramesAnalyser(ShotAnalyser):
    """Repeated frames inside a moving shot."""

    name = "frozen_frames"
    kinds = ("frozen_frames",)
    settings_class = FrozenSettings
    needs = FrameNeeds(body_stride=1)

    def analyse(self, shot: ShotView) -> AnalyserResult:
        s = self.settings
        findings, rows = [], []
        min_run = s.min_frames
        if shot.media is not None and shot.media.fps and shot.media.fps < shot.rate:
            min_run = max(min_run, math.ceil(shot.rate / shot.media.fps) + 1)
        for idx in segments(shot.body_frames):
            if len(idx) < min_run + 1:
                continue
            grey = shot_grey(shot, idx)
            diffs = np.abs(np.diff(grey, axis=0)).mean(axis=(1, 2))
            held, motion = held_transitions(diffs, s)
            frames = shot.body_frames[idx]
            rows.extend({"analyser": self.name, "track": shot.track, "clip": shot.clip, "frame": int(f), "difference": float(d),
                         "held": bool(h)} for f, d, h in zip(frames[1:], diffs, held))
            if motion < s.min_motion:
                continue
            textured = grey.std(axis=(1, 2)) >= s.min_contrast
            for start, length in runs(held):
                if length < min_run or start == 0 or not textured[start : start + length + 1].all():
                    continue
                around = np.concatenate([diffs[max(0, start - s.context_frames) : start], diffs[start + length : start + length + s.context_frames]])
                if len(around) == 0 or np.median(around) < s.contrast * max(float(diffs[start : start + length].max()), 0.02):
                    continue
                first = int(frames[start + 1])
                severity = Severity.ERROR if length >= s.error_seconds * shot.rate else Severity.WARNING
                findings.append(
                    Finding(
                        kind="frozen_frames",
                        severity=severity,
                        start=first,
                        duration=length,
                        track=shot.track,
                        clip=shot.clip,
                        score=float(length),
                        threshold=float(min_run),
                        message=(
                            f"The picture of {shot.clip} stalls for {length} frames from frame {first} "
                            f"({timecode(first, shot.rate)}): frame differences under "
                            f"{max(s.still_level, s.still_fraction * motion):.2f} grey levels in a shot moving {motion:.2f} per frame."
                        ),
                        suggestion={"action": "regenerate_or_retime", "frames": [first, first + length]},
                    )
                )
        return AnalyserResult(tuple(findings), tuple(rows))
