"""Synthetic 1080p H.264 clips and a long edit over them, for the frame access benchmark.

Each clip is a textured canvas panning at its own speed with a moving block, so
the encoder has real motion to code and every clip looks different. Clips are
cached by their parameters: a second run reuses them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import av
import cv2
import numpy as np

WIDTH, HEIGHT = 1920, 1080


@dataclasses.dataclass(frozen=True)
class ClipSpec:
    """One generated media file."""

    path: Path
    frames: int
    seed: int


@dataclasses.dataclass(frozen=True)
class ShotSpec:
    """The part of a clip the edit uses: source frames [start, end)."""

    path: Path
    start: int
    end: int


def clip_specs(folder: Path, minutes: float, cuts: int, fps: int, gop: int, seed: int = 7) -> list[ClipSpec]:
    """``cuts + 1`` clips of 0.8-1.25x the mean length, totalling at least ``minutes``."""
    rng = np.random.default_rng(seed)
    count = cuts + 1
    mean = minutes * 60 * fps / count
    lengths = np.ceil(mean * rng.uniform(0.8, 1.25, count)).astype(int)
    lengths = np.ceil(lengths * max(1.0, minutes * 60 * fps / lengths.sum())).astype(int)
    return [
        ClipSpec(folder / f"clip{i:04d}_{n}f_{fps}fps_g{gop}.mp4", int(n), seed * 100_000 + i)
        for i, n in enumerate(lengths)
    ]


def shot_specs(clips: list[ClipSpec], seed: int = 11) -> list[ShotSpec]:
    """One shot per clip, using a random 30-50 % of it."""
    rng = np.random.default_rng(seed)
    shots = []
    for clip in clips:
        used = int(round(clip.frames * rng.uniform(0.3, 0.5)))
        start = int(rng.integers(0, clip.frames - used + 1))
        shots.append(ShotSpec(clip.path, start, start + used))
    return shots


def _canvas(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (18, 32, 3), dtype=np.uint8)
    big = cv2.resize(coarse, (WIDTH + 512, HEIGHT + 256), interpolation=cv2.INTER_CUBIC)
    fine = rng.integers(-12, 13, (HEIGHT + 256, WIDTH + 512, 1), dtype=np.int16)
    canvas = np.clip(big.astype(np.int16) + fine, 0, 255).astype(np.uint8)
    colour = rng.integers(0, 256, 3, dtype=np.uint8)
    return canvas, colour


def write_clip(spec: ClipSpec, fps: int, gop: int) -> Path:
    """Encode one clip (libx264 superfast, B-frames, fixed GOP) unless it already exists."""
    if spec.path.exists():
        return spec.path
    canvas, colour = _canvas(spec.seed)
    rng = np.random.default_rng(spec.seed + 1)
    vx, vy = rng.uniform(-3, 3, 2)
    partial = spec.path.with_suffix(".part.mp4")
    with av.open(str(partial), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {
            "preset": "superfast",
            "crf": "26",
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=3",
        }
        for i in range(spec.frames):
            x = int(256 + vx * i) % 512
            y = int(128 + vy * i) % 256
            image = np.ascontiguousarray(canvas[y : y + HEIGHT, x : x + WIDTH])
            bx = (i * 17) % (WIDTH - 200)
            image[400:600, bx : bx + 200] = colour
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    os.replace(partial, spec.path)
    return spec.path


def ensure_media(folder: Path, minutes: float, cuts: int, fps: int, gop: int, workers: int = 2) -> list[ClipSpec]:
    """Generate (or reuse) the clips for a benchmark of this size."""
    folder.mkdir(parents=True, exist_ok=True)
    specs = clip_specs(folder, minutes, cuts, fps, gop)
    missing = [s for s in specs if not s.path.exists()]
    if missing:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(write_clip, missing, [fps] * len(missing), [gop] * len(missing)))
    (folder / "last_run.json").write_text(json.dumps({"clips": len(specs), "frames": sum(s.frames for s in specs)}))
    return specs


def edit_timeline(shots: list[ShotSpec], fps: int, name: str = "frame access benchmark"):
    """The edit as an OpenTimelineIO timeline: one video track, the shots end to end, absolute media paths."""
    import opentimelineio as otio

    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for shot in shots:
        track.append(otio.schema.Clip(
            name=shot.path.stem,
            media_reference=otio.schema.ExternalReference(target_url=str(shot.path.resolve())),
            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(shot.start, fps),
                                                 otio.opentime.RationalTime(shot.end - shot.start, fps)),
        ))
    timeline = otio.schema.Timeline(name=name)
    timeline.tracks.append(track)
    return timeline
