"""morph: a short break of content or structure inside a shot, with no edit (an AI glitch).

Each frame's 64-px grey thumbnail is standardised (zero mean, unit spread),
so global brightness and contrast changes (flicker, flashes, fades) drop out;
the *structure change* of a transition is the mean absolute difference of
consecutive standardised frames. A transition *breaks* when its change
exceeds ``max(min_change, factor * baseline)``, where ``baseline`` is the
shot's median change (its normal motion). Breaks closer than ``max_gap``
frames are one event. An event is a morph when it is short (at most
``max_seconds``) and the picture *recovers*: the frame after the event is
closer to the frame before it than ``recovery`` times the event's peak
change (a glitch that comes and goes, unlike a whip-pan or an unmarked
cut, which do not come back). Transitions to or from a nearly flat frame
(grey spread under ``min_contrast`` levels: a white or black flash frame)
carry no structure to break and are left to the flash analysers.

Where it fails: a real fast movement that returns (a hand waved through the
frame) reads as a morph; a slow drift of identity over seconds (the most
common AI morph) has no break and is missed; glitches at the very first or
last frames of a clip cannot show recovery.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from otio_tools.analysers.base import AnalyserResult, FrameNeeds, ShotAnalyser, ShotView, register, setting, validate_settings
from otio_tools.analysers.signals import shot_grey, runs, segments
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = ["MorphAnalyser", "MorphSettings", "standardised", "structure_changes"]


@dataclass(frozen=True)
class MorphSettings:
    """Thresholds of the morph check (structure change in standard deviations per pixel)."""

    min_change: float = setting(0.1, 0.01, 2.0, "structure change that is a break whatever the shot's motion")
    factor: float = setting(4.0, 1.0, 50.0, "structure change, as a multiple of the shot's median, that is a break")
    max_gap: int = setting(2, 0, 12, "quiet transitions allowed inside one event")
    max_seconds: float = setting(0.6, 0.05, 5.0, "longest event, in seconds, that is a glitch rather than a change")
    recovery: float = setting(0.5, 0.05, 1.0, "before/after change over the event's peak below which the picture recovered")
    min_contrast: float = setting(6.0, 0.0, 100.0, "grey spread (0-255) under which a frame is flat (a flash), not judged")
    error_factor: float = setting(3.0, 1.0, 20.0, "peak over threshold from which a morph is an error")

    def __post_init__(self) -> None:
        validate_settings(self)


def standardised(grey: np.ndarray) -> np.ndarray:
    """``[n, h, w]`` grey frames each scaled to zero mean and unit spread (flat frames stay flat)."""
    if grey.ndim != 3:
        raise ValueError(f"expected [n, h, w] grey frames, got {grey.shape}")
    mean = grey.mean(axis=(1, 2), keepdims=True)
    spread = grey.std(axis=(1, 2), keepdims=True)
    return (grey - mean) / np.maximum(spread, 2.0)


def structure_changes(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """Mean absolute difference between consecutive standardised frames (or between frames ``a`` and ``z``)."""
    if a is not None:
        return np.abs(z - a).mean(axis=(-2, -1))
    return np.abs(np.diff(z, axis=0)).mean(axis=(1, 2))


@register
class MorphAnalyser(ShotAnalyser):
    """Structure breaks that come and go inside a shot."""

    name = "morph"
    kinds = ("morph",)
    settings_class = MorphSettings
    needs = FrameNeeds(body_stride=1)

    def analyse(self, shot: ShotView) -> AnalyserResult:
        s = self.settings
        findings, rows = [], []
        max_len = max(1, round(s.max_seconds * shot.rate))
        for idx in segments(shot.body_frames):
            if len(idx) < 4:
                continue
            grey = shot_grey(shot, idx)
            z = standardised(grey)
            change = structure_changes(z)
            textured = grey.std(axis=(1, 2)) >= s.min_contrast
            baseline = float(np.median(change))
            limit = max(s.min_change, s.factor * baseline)
            breaks = (change > limit) & textured[1:] & textured[:-1]
            frames = shot.body_frames[idx]
            rows.extend({"analyser": self.name, "track": shot.track, "clip": shot.clip, "frame": int(f), "change": float(c),
                         "threshold": limit} for f, c in zip(frames[1:], change))
            # join breaks separated by short quiet stretches
            joined = breaks.copy()
            for start, length in runs(~breaks):
                if length <= s.max_gap and start > 0 and start + length < len(breaks):
                    joined[start : start + length] = True
            for start, length in runs(joined):
                # transitions start .. start+length-1 change frames start+1 .. start+length
                before, after = start, start + length
                if length > max_len + 1:
                    continue
                if after >= len(z):
                    continue
                peak = float(change[start : start + length].max())
                bridge = float(structure_changes(z[after], z[before]))
                if bridge > s.recovery * peak:
                    continue
                first = int(frames[before + 1])
                duration = max(1, length - 1)
                findings.append(
                    Finding(
                        kind="morph",
                        severity=Severity.ERROR if peak >= s.error_factor * limit else Severity.WARNING,
                        start=first,
                        duration=duration,
                        track=shot.track,
                        clip=shot.clip,
                        score=peak,
                        threshold=limit,
                        message=(
                            f"The picture of {shot.clip} breaks and recovers over {duration} frame{'s' if duration > 1 else ''} "
                            f"from frame {first} ({timecode(first, shot.rate)}): structure change {peak:.2f} "
                            f"(threshold {limit:.2f}, {peak / max(baseline, 1e-3):.0f}x the shot's motion), back within {bridge:.2f}."
                        ),
                        suggestion={"action": "regenerate_or_patch", "frames": [first, first + duration]},
                    )
                )
        return AnalyserResult(tuple(findings), tuple(rows))
