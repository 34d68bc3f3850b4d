"""Interruptions between shots: flash_frame and black_frames.

- A **flash frame** is a clip of at most ``max_frames`` frames (default 2)
  that is not black: at 24 fps it is on screen for less than a tenth of a
  second, too short to read and long enough to jar.
- **Black frames** are record frames between two shots that show black: a gap
  in the track, or a clip whose every frame is black. A frame is black when at
  least ``black_area`` of its pixels have a luma below ``black_luma`` (the
  defaults are those of FFmpeg's ``blackdetect``: pixel threshold 0.10,
  picture ratio 0.98). Black longer than ``max_black_seconds`` is reported as
  info only: that is a deliberate fade or a leader, not a dropped shot.

The timeline glue treats these clips as *bridged*: the cut analysers judge the
shots either side of them as one cut (see :class:`CutContext.bridged`).
Black before the first shot is a leader and is not reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from otio_tools.analysers.base import (
    AnalyserResult,
    CutAnalyser,
    CutContext,
    FrameNeeds,
    ShotView,
    register,
    setting,
    validate_settings,
)
from otio_tools.analysers.colour import as_float, downscaled, luma
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = [
    "BlackFramesAnalyser",
    "FlashFrameAnalyser",
    "InterruptionSettings",
    "black_fraction",
    "is_black",
    "is_interruption",
]


@dataclass(frozen=True)
class InterruptionSettings:
    """What counts as a flash frame or as black."""

    max_frames: int = setting(2, 1, 12, "longest clip, in frames, that is a flash frame")
    black_luma: float = setting(0.10, 0.0, 0.5, "luma (0-1) below which a pixel is black (FFmpeg blackdetect pix_th)")
    black_area: float = setting(0.98, 0.5, 1.0, "fraction of black pixels that makes a frame black (FFmpeg picture_black_ratio_th)")
    max_black_seconds: float = setting(2.0, 0.0, 60.0, "black longer than this is reported as info (a deliberate fade or leader)")

    def __post_init__(self) -> None:
        validate_settings(self)


def black_fraction(frames: np.ndarray, black_luma: float = 0.10) -> np.ndarray:
    """Fraction of pixels darker than ``black_luma`` in each of ``[n, h, w, 3]`` frames."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"expected [n, h, w, 3] frames, got {frames.shape}")
    return (luma(as_float(downscaled(frames, 64))) < black_luma).mean(axis=(1, 2))


def is_black(shot: ShotView, settings: InterruptionSettings | None = None) -> bool:
    """True when every frame the shot carries (head, tail, body) is black."""
    s = settings or InterruptionSettings()
    frames = [f for f in (shot.head, shot.tail, shot.body) if len(f)]
    if not frames:
        return False
    return all(bool((black_fraction(f, s.black_luma) >= s.black_area).all()) for f in frames)


def is_interruption(shot: ShotView, settings: InterruptionSettings | None = None) -> bool:
    """True for a clip the cut analysers bridge over: a flash frame or black media."""
    s = settings or InterruptionSettings()
    return shot.duration <= s.max_frames or is_black(shot, s)


@register
class FlashFrameAnalyser(CutAnalyser):
    """Clips of one or two frames between shots."""

    name = "flash_frame"
    kinds = ("flash_frame",)
    settings_class = InterruptionSettings
    needs = FrameNeeds(edge_frames=1)

    def analyse(self, cuts: Sequence[CutContext]) -> AnalyserResult:
        s = self.settings
        findings, rows = [], []
        for cut in cuts:
            for clip in cut.bridged:
                black = is_black(clip, s)
                rows.append({"analyser": self.name, "track": clip.track, "frame": clip.record_start, "clip": clip.clip,
                             "frames": clip.duration, "black": black})
                if black or clip.duration > s.max_frames:
                    continue
                findings.append(
                    Finding(
                        kind="flash_frame",
                        severity=Severity.ERROR,
                        start=clip.record_start,
                        duration=clip.duration,
                        track=clip.track,
                        clip=clip.clip,
                        score=float(clip.duration),
                        threshold=float(s.max_frames),
                        message=(
                            f"{clip.clip} is on screen for only {clip.duration} frame{'s' if clip.duration > 1 else ''} "
                            f"at frame {clip.record_start} ({timecode(clip.record_start, clip.rate)}), "
                            f"between {cut.outgoing.clip} and {cut.incoming.clip}."
                        ),
                        suggestion={"action": "remove_clip", "clip": clip.clip},
                    )
                )
        return AnalyserResult(tuple(findings), tuple(rows))


def _gaps(cut: CutContext) -> list[tuple[int, int]]:
    """(start, length) of the uncovered record frames between the two shots of a cut."""
    gaps, pos = [], cut.outgoing.record_end
    for clip in sorted(cut.bridged, key=lambda c: c.record_start):
        if clip.record_start > pos:
            gaps.append((pos, clip.record_start - pos))
        pos = max(pos, clip.record_end)
    if cut.incoming.record_start > pos:
        gaps.append((pos, cut.incoming.record_start - pos))
    return gaps


@register
class BlackFramesAnalyser(CutAnalyser):
    """Black between shots: a gap in the track or black media."""

    name = "black_frames"
    kinds = ("black_frames",)
    settings_class = InterruptionSettings
    needs = FrameNeeds(edge_frames=1)

    def analyse(self, cuts: Sequence[CutContext]) -> AnalyserResult:
        s = self.settings
        findings, rows = [], []
        for cut in cuts:
            rate = cut.incoming.rate
            pieces = [(start, length, None, "a gap in the track") for start, length in _gaps(cut)]
            pieces += [(c.record_start, c.duration, c.clip, f"black media in {c.clip}") for c in cut.bridged if is_black(c, s)]
            for start, length, clip, what in sorted(pieces, key=lambda p: p[0]):
                rows.append({"analyser": self.name, "track": cut.track, "frame": start, "clip": clip, "frames": length})
                long = length > s.max_black_seconds * rate
                findings.append(
                    Finding(
                        kind="black_frames",
                        severity=Severity.INFO if long else Severity.ERROR,
                        start=start,
                        duration=length,
                        track=cut.track,
                        clip=clip,
                        score=float(length),
                        threshold=float(s.max_black_seconds * rate),
                        message=(
                            f"{length} black frame{'s' if length > 1 else ''} ({what}) at frame {start} "
                            f"({timecode(start, rate)}) between {cut.outgoing.clip} and {cut.incoming.clip}."
                        ),
                        suggestion={"action": "close_gap" if clip is None else "remove_clip", "frames": length, "clip": clip},
                    )
                )
        return AnalyserResult(tuple(findings), tuple(rows))
