"""Small per-frame signals shared by the shot analysers (pure functions on arrays)."""

from __future__ import annotations

import numpy as np

from otio_tools.analysers.colour import as_float, downscaled, luma

__all__ = ["grey_thumbnails", "runs", "segments", "shot_grey"]


def grey_thumbnails(frames: np.ndarray, long_side: int = 64) -> np.ndarray:
    """Rec.709 luma (0-255 float32) of ``[n, h, w, 3]`` frames, downscaled to ``long_side``: ``[n, h', w']``."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"expected [n, h, w, 3] frames, got {frames.shape}")
    return luma(as_float(downscaled(frames, long_side))) * np.float32(255)


def shot_grey(shot, idx: np.ndarray, long_side: int = 64) -> np.ndarray:
    """Luma (0-255) of the body frames ``idx`` of a ShotView, from its cached thumbnails."""
    return luma(shot.thumbnails(long_side)[idx]) * np.float32(255)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True in a 1-d boolean array."""
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 1:
        raise ValueError(f"expected a 1-d mask, got shape {mask.shape}")
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b - a)) for a, b in zip(starts, ends)]


def segments(frames: np.ndarray) -> list[np.ndarray]:
    """Index arrays of the runs of consecutive record frames in ``frames`` (a strided body splits)."""
    frames = np.asarray(frames)
    if len(frames) == 0:
        return []
    breaks = np.flatnonzero(np.diff(frames) != 1) + 1
    return np.split(np.arange(len(frames)), breaks)
