"""photosensitive_flash: flashing that can trigger seizures in viewers with photosensitive epilepsy.

Thresholds of ITU-R BT.1702 ("Guidance for the reduction of photosensitive
epileptic seizures caused by television"), the Ofcom Broadcasting Code
guidance note on photosensitive epilepsy, and WCAG 2.x success criterion
2.3.1 (general flash and red flash thresholds), which agree:

- A *flash* is a pair of opposing changes in luminance of 20 cd/m2 or more,
  where the screen luminance of the darker image is below 160 cd/m2
  (WCAG states the same relative to a 200 cd/m2 display: 10 % of the maximum
  relative luminance, darker image below 0.80).
- It is hazardous when more than three flashes occur in any one-second
  period, and the flashing area is at least 25 % of the screen (BT.1702 and
  Ofcom: a quarter of the screen area; WCAG: 0.006 steradian of a 10 degree
  field of view, about 25 % of it).
- A *red flash* is a pair of opposing transitions to or from a saturated red,
  R / (R + G + B) >= 0.8 in linear light, with a change of (R - G - B) x 320
  of more than 20 (WCAG 2.x definition); the same count and area apply.

Here luminance is linear-light relative luminance of the sRGB frames times
``display_peak`` (200 cd/m2, the display BT.1702 and WCAG assume). Per pixel
of a 64-px thumbnail, a change over the last one to ``ramp_frames`` frames
counts as a transition when it reaches 20 cd/m2 with the darker side under
160 cd/m2. A frame carries a transition of one sign when such changes cover
``min_area`` of the picture; consecutive frames with the same sign are one
transition (a ramp), and a flash is two opposing transitions. More than three
flashes in one second, i.e. more than six transitions, is an error.

The same transitions give the one-frame flash: a pair of opposing transitions
at most ``flash_frames`` apart, more than a second away from hazardous
flashing (which is reported as such), is a ``flash_frame`` (warning) at its
first frame: a white or black frame inside a shot.

Where it fails: a flash confined to many small regions that add up to 25 %
without being simultaneous is under-counted; patterns (stripes, checks, the
other half of the guidance) are not checked; the absolute luminances assume a
200 cd/m2 display.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from otio_tools.analysers.base import AnalyserResult, FrameNeeds, ShotAnalyser, ShotView, register, setting, validate_settings
from otio_tools.analysers.colour import as_float, downscaled, srgb_to_linear
from otio_tools.analysers.signals import runs, segments
from otio_tools.analysers.timecode import timecode
from otio_tools.findings import Finding, Severity

__all__ = ["PhotosensitiveAnalyser", "PhotosensitiveSettings", "transitions"]

_Y = np.array([0.2126729, 0.7151522, 0.0721750], dtype=np.float32)


@dataclass(frozen=True)
class PhotosensitiveSettings:
    """BT.1702 / Ofcom / WCAG 2.3.1 thresholds (defaults are the guidance values)."""

    display_peak: float = setting(200.0, 80.0, 10000.0, "cd/m2 of full white on the assumed display")
    min_change: float = setting(20.0, 1.0, 200.0, "cd/m2 a luminance change needs to be a transition")
    max_dark: float = setting(160.0, 1.0, 10000.0, "cd/m2 the darker image must stay below")
    min_area: float = setting(0.25, 0.01, 1.0, "fraction of the screen that must change together")
    max_flashes: int = setting(3, 1, 30, "flashes allowed in any one second (more is hazardous)")
    red_ratio: float = setting(0.8, 0.5, 1.0, "R / (R + G + B) of a saturated red (linear light)")
    red_change: float = setting(20.0, 1.0, 320.0, "change of (R - G - B) x 320 that is a red transition")
    flash_frames: int = setting(2, 1, 12, "longest lone flash (frames) inside a shot that is reported as a flash_frame")
    ramp_frames: int = setting(1, 1, 12, "frames over which one luminance change may build")

    def __post_init__(self) -> None:
        validate_settings(self)


def transitions(frames: np.ndarray, settings: PhotosensitiveSettings | None = None) -> np.ndarray:
    """Signed transitions per frame of ``[n, h, w, 3]`` sRGB frames: +1 brighter, -1 darker, 0 none (length n).

    A general-flash or a red-flash transition over ``min_area`` of the picture
    counts; the brighter/darker sign of the general one wins when both occur.
    Frames may be uint8 or float32; they are downscaled to 64 px first.
    """
    s = settings or PhotosensitiveSettings()
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"expected [n, h, w, 3] frames, got {frames.shape}")
    lin = srgb_to_linear(as_float(downscaled(frames, 64)))
    n = len(lin)
    flat = lin.reshape(n, -1, 3)
    lum = (flat @ _Y) * np.float32(s.display_peak)
    redness = np.maximum(flat[..., 0] - flat[..., 1] - flat[..., 2], 0) * 320
    saturated = flat[..., 0] / (flat.sum(axis=-1) + 1e-6) >= s.red_ratio
    up = np.zeros(n)
    down = np.zeros(n)
    for k in range(1, min(s.ramp_frames, n - 1) + 1):
        d = lum[k:] - lum[:-k]
        dark = np.minimum(lum[k:], lum[:-k]) < s.max_dark
        rd = redness[k:] - redness[:-k]
        red = (saturated[k:] | saturated[:-k]) & (np.abs(rd) > s.red_change)
        up[k:] = np.maximum(up[k:], np.maximum(((d >= s.min_change) & dark).mean(1), (red & (rd > 0)).mean(1)))
        down[k:] = np.maximum(down[k:], np.maximum(((d <= -s.min_change) & dark).mean(1), (red & (rd < 0)).mean(1)))
    out = np.where(up >= down, 1, -1).astype(np.int8)
    out[np.maximum(up, down) < s.min_area] = 0
    return out


@register
class PhotosensitiveAnalyser(ShotAnalyser):
    """General and red flashes above the broadcast guidance; a lone one- or two-frame flash as a flash_frame."""

    name = "photosensitive_flash"
    kinds = ("photosensitive_flash", "flash_frame")
    settings_class = PhotosensitiveSettings
    needs = FrameNeeds(body_stride=1)

    def analyse(self, shot: ShotView) -> AnalyserResult:
        s = self.settings
        findings, rows = [], []
        window = max(2, round(shot.rate))
        for idx in segments(shot.body_frames):
            if len(idx) < 3:
                continue
            signs = transitions(shot.thumbnails(64)[idx], s)
            frames = shot.body_frames[idx]
            rows.extend({"analyser": self.name, "track": shot.track, "clip": shot.clip, "frame": int(f), "transition": int(v)}
                        for f, v in zip(frames, signs))
            # a ramp of same-sign frames is one transition: keep the first frame of each
            pos = np.flatnonzero(signs)
            keep = np.ones(len(pos), bool)
            keep[1:] = signs[pos[1:]] != signs[pos[:-1]]
            pos = pos[keep]
            counts = np.searchsorted(pos, pos + window, side="left") - np.arange(len(pos))
            hot = np.zeros(len(frames), bool)
            for i in np.flatnonzero(counts > 2 * s.max_flashes):
                hot[pos[i] : pos[i + counts[i] - 1] + 1] = True
            findings.extend(self._flash_frames(shot, frames, pos, hot, window))
            for start, length in runs(hot):
                first = int(frames[start])
                inside = (pos >= start) & (pos < start + length)
                flashes = int(counts[inside].max() if inside.any() else counts.max()) / 2
                findings.append(
                    Finding(
                        kind="photosensitive_flash",
                        severity=Severity.ERROR,
                        start=first,
                        duration=length,
                        track=shot.track,
                        clip=shot.clip,
                        score=flashes,
                        threshold=float(s.max_flashes),
                        message=(
                            f"{shot.clip} flashes {flashes:.1f} times in one second over at least {s.min_area:.0%} of the "
                            f"screen for {length} frames from frame {first} ({timecode(first, shot.rate)}); "
                            f"ITU-R BT.1702 / Ofcom allow {s.max_flashes}."
                        ),
                        suggestion={"action": "reduce_flashing", "frames": [first, first + length]},
                    )
                )
        return AnalyserResult(tuple(findings), tuple(rows))

    def _flash_frames(self, shot: ShotView, frames: np.ndarray, pos: np.ndarray, hot: np.ndarray, window: int) -> list[Finding]:
        """flash_frame findings for pairs of opposing transitions at most ``flash_frames`` apart, away from hazardous flashing."""
        s = self.settings
        out = []
        near_hot = np.convolve(hot, np.ones(2 * window + 1), mode="same") > 0
        for i in range(len(pos) - 1):
            a, b = int(pos[i]), int(pos[i + 1])
            if b - a > s.flash_frames or near_hot[a : b + 1].any():
                continue
            first, length = int(frames[a]), b - a
            out.append(
                Finding(
                    kind="flash_frame",
                    severity=Severity.WARNING,
                    start=first,
                    duration=length,
                    track=shot.track,
                    clip=shot.clip,
                    score=float(length),
                    threshold=float(s.flash_frames),
                    message=(
                        f"{shot.clip} flashes for {length} frame{'s' if length > 1 else ''} at frame {first} "
                        f"({timecode(first, shot.rate)}): the luminance of at least {s.min_area:.0%} of the screen "
                        f"jumps by {s.min_change:g} cd/m2 or more and comes back."
                    ),
                    suggestion={"action": "replace_frames", "frames": [first, first + length]},
                )
            )
        return out
