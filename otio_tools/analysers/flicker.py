"""flicker: the luminance of the picture oscillates while the content does not.

Each frame's grey thumbnail is split into a ``grid`` x ``grid`` array of
cells. Per transition the *global step* is the median over cells of the
change of cell mean luma (0-255 levels), and its *coherence* the fraction of
cells that moved the same way by at least half as much. Motion moves some
cells up and others down (low coherence); a real light change moves all cells
but once, in one direction. A flicker step is a coherent step of at least
``min_step`` levels; flicker is a stretch where the sign of consecutive
flicker steps reverses at least ``min_reversals`` times within one second.
The finding spans the first to the last reversing step of such stretches.

``min_step`` (1.5 levels, 0.6 % of full scale) sits at the visibility of
temporal luminance modulation at 5-10 Hz on mid-grey (de Lange's curve: about
0.5-1 % modulation); the coherence rule, not the step, keeps motion out.

Where it fails: real oscillating light (fire, a strobe, a TV in shot) is
flagged; flicker confined to a small region (a lamp) is missed; very slow
breathing (under 2 reversals per second) is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from otio_tools.analysers.base import AnalyserResult, FrameNeeds, ShotAnalyser, ShotView, register, setting, validate_settings
from otio_tools.analysers.signals import shot_grey, runs, segments
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = ["FlickerAnalyser", "FlickerSettings", "flicker_steps"]


@dataclass(frozen=True)
class FlickerSettings:
    """Thresholds of the flicker check (luma levels 0-255)."""

    grid: int = setting(4, 2, 16, "cells per side of the grid whose means are compared")
    min_step: float = setting(1.5, 0.1, 50.0, "smallest global luma step that counts")
    min_coherence: float = setting(0.75, 0.5, 1.0, "fraction of cells that must move with the global step")
    min_reversals: int = setting(4, 2, 30, "sign reversals of flicker steps within one second that are flicker")
    error_step: float = setting(8.0, 1.0, 100.0, "median step (levels) from which flicker is an error")

    def __post_init__(self) -> None:
        validate_settings(self)


def flicker_steps(grey: np.ndarray, settings: FlickerSettings | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Global luma step and its coherence for each transition of ``[n, h, w]`` grey frames (length n - 1)."""
    s = settings or FlickerSettings()
    if grey.ndim != 3:
        raise ValueError(f"expected [n, h, w] grey frames, got {grey.shape}")
    n, h, w = grey.shape
    g = s.grid
    hh, ww = h // g * g, w // g * g
    if hh == 0 or ww == 0 or n < 2:
        return np.zeros(max(n - 1, 0)), np.zeros(max(n - 1, 0))
    cells = grey[:, :hh, :ww].reshape(n, g, hh // g, g, ww // g).mean(axis=(2, 4)).reshape(n, -1)
    d = np.diff(cells, axis=0)
    step = np.median(d, axis=1)
    agree = (np.sign(d) == np.sign(step)[:, None]) & (np.abs(d) >= 0.5 * np.abs(step)[:, None])
    return step, agree.mean(axis=1)


@register
class FlickerAnalyser(ShotAnalyser):
    """Luminance oscillation that is not motion or a real light change."""

    name = "flicker"
    kinds = ("flicker",)
    settings_class = FlickerSettings
    needs = FrameNeeds(body_stride=1)

    def analyse(self, shot: ShotView) -> AnalyserResult:
        s = self.settings
        findings, rows = [], []
        window = max(2, round(shot.rate))
        for idx in segments(shot.body_frames):
            if len(idx) < 4:
                continue
            step, coherence = flicker_steps(shot_grey(shot, idx), s)
            frames = shot.body_frames[idx][1:]
            valid = (np.abs(step) >= s.min_step) & (coherence >= s.min_coherence)
            pos = np.flatnonzero(valid)
            signs = np.sign(step[pos])
            reversal = pos[1:][signs[1:] != signs[:-1]]
            rows.extend({"analyser": self.name, "track": shot.track, "clip": shot.clip, "frame": int(f), "step": float(v),
                         "coherence": float(c)} for f, v, c in zip(frames, step, coherence))
            if len(reversal) < s.min_reversals:
                continue
            # reversals inside any one-second window
            counts = np.searchsorted(reversal, reversal + window, side="left") - np.arange(len(reversal))
            hot = np.zeros(len(step), bool)
            for i in np.flatnonzero(counts >= s.min_reversals):
                j = i + counts[i] - 1
                hot[reversal[i] - 1 : reversal[j] + 1] = True
            for start, length in runs(hot):
                first, amplitude = int(frames[start]), float(np.median(np.abs(step[start : start + length][valid[start : start + length]])))
                inside = (reversal >= start) & (reversal < start + length)
                peak = int(counts[inside].max()) if inside.any() else int(counts.max())
                findings.append(
                    Finding(
                        kind="flicker",
                        severity=Severity.ERROR if amplitude >= s.error_step else Severity.WARNING,
                        start=first,
                        duration=length,
                        track=shot.track,
                        clip=shot.clip,
                        score=float(peak),
                        threshold=float(s.min_reversals),
                        message=(
                            f"The luminance of {shot.clip} oscillates for {length} frames from frame {first} "
                            f"({timecode(first, shot.rate)}): {peak} reversals in one second, steps of {amplitude:.1f} "
                            f"levels ({amplitude / 2.55:.1f} %) over the whole picture."
                        ),
                        suggestion={"action": "deflicker", "frames": [first, first + length]},
                    )
                )
        return AnalyserResult(tuple(findings), tuple(rows))

