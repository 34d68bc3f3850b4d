"""Synthetic pictures and shots for the analyser tests: textured scenes, camera moves, grades."""

from __future__ import annotations

import cv2
import numpy as np

from otio_tools.analysers import MediaInfo, ShotView

SIZE = (180, 320)  # h, w of the frames handed to the analysers


def scene(kind: str = "street", seed: int = 0, h: int = 540, w: int = 960, grey: bool = False) -> np.ndarray:
    """A large uint8 RGB canvas with structure a camera can frame: ``street`` (boxes, verticals) or ``field`` (diagonals, blobs).

    ``grey`` paints the street's boxes in neutral greys (a colourless background for a coloured subject).
    """
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, (h // 8, w // 8, 3)).astype(np.float32)
    base = cv2.resize(cv2.GaussianBlur(noise, (0, 0), 2), (w, h))
    img = 0.5 + 0.08 * base
    if kind == "street":
        img[...] = img * np.array([0.9, 0.85, 0.75], np.float32) + np.array([0.05, 0.05, 0.05], np.float32)
        for _ in range(60):
            x, y = int(rng.integers(0, w - 60)), int(rng.integers(0, h - 80))
            bw, bh = int(rng.integers(20, 90)), int(rng.integers(30, 160))
            colour = np.full(3, rng.uniform(0.15, 0.9)) if grey else rng.uniform(0.15, 0.9, 3)
            cv2.rectangle(img, (x, y), (x + bw, y + bh), colour.tolist(), -1)
            cv2.rectangle(img, (x, y), (x + bw, y + bh), (0.05, 0.05, 0.05), 2)
    else:
        img[...] = 0.25 + 0.1 * base * np.array([0.6, 1.2, 0.7], np.float32)
        for _ in range(80):
            p1 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            length = int(rng.integers(40, 200))
            p2 = (p1[0] + length, p1[1] + length // 2 if rng.random() < 0.5 else p1[1] - length)
            cv2.line(img, p1, p2, rng.uniform(0.5, 1.0, 3).tolist(), int(rng.integers(2, 6)))
        for _ in range(30):
            centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            cv2.circle(img, centre, int(rng.integers(5, 30)), rng.uniform(0.6, 1.0, 3).tolist(), -1)
    return np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)


def with_subject(canvas: np.ndarray, colour=(230, 190, 20)) -> np.ndarray:
    """``canvas`` with a large strongly coloured box (the subject) in its middle."""
    out = canvas.copy()
    h, w = out.shape[:2]
    cv2.rectangle(out, (w // 2 - 110, h // 2 - 70), (w // 2 + 110, h // 2 + 70), tuple(int(c) for c in colour), -1)
    cv2.rectangle(out, (w // 2 - 60, h // 2 - 30), (w // 2 + 40, h // 2 + 20), (250, 250, 240), -1)
    return out


def framed(canvas: np.ndarray, x: float = 0.0, y: float = 0.0, zoom: float = 1.0) -> np.ndarray:
    """One frame of ``canvas``: a window zoomed by ``zoom`` (1 = 2/3 of the canvas) at offset (x, y) px, resized to SIZE."""
    h, w = canvas.shape[:2]
    ch, cw = int(h * 2 / 3 / zoom), int(w * 2 / 3 / zoom)
    cx, cy = (w - cw) / 2 + x, (h - ch) / 2 + y
    m = np.float32([[SIZE[1] / cw, 0, -cx * SIZE[1] / cw], [0, SIZE[0] / ch, -cy * SIZE[0] / ch]])
    return cv2.warpAffine(canvas, m, (SIZE[1], SIZE[0]), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT)


def pan(canvas: np.ndarray, n: int, start: float = 0.0, speed: float = 2.0, zoom: float = 1.0) -> np.ndarray:
    """``n`` frames of a camera panning right ``speed`` px per frame from ``start``: ``[n, h, w, 3]`` uint8."""
    return np.stack([framed(canvas, start + i * speed, 0.0, zoom) for i in range(n)])


def graded(frames: np.ndarray, gains=(1.0, 1.0, 1.0), offset=(0.0, 0.0, 0.0)) -> np.ndarray:
    """``frames`` with a per-channel gain and offset (0-255 units) applied, as a colourist would."""
    out = frames.astype(np.float32) * np.float32(gains) + np.float32(offset)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def shot(clip: str, record_start: int, frames: np.ndarray, rate: float = 24.0, media: MediaInfo | None = None,
         edge: int = 3, track: int = 0) -> ShotView:
    """A ShotView whose body is every frame."""
    return ShotView(
        track=track,
        clip=clip,
        record_start=record_start,
        duration=len(frames),
        rate=rate,
        media=media,
        head=frames[:edge],
        tail=frames[-edge:],
        body=frames,
        body_frames=np.arange(record_start, record_start + len(frames)),
    )


def timeline(*pieces: tuple[str, np.ndarray], rate: float = 24.0, gaps: dict[int, int] | None = None) -> list[ShotView]:
    """Consecutive shots from (clip name, frames) pieces; ``gaps`` maps a piece index to black frames before it."""
    shots, at = [], 0
    for i, (name, frames) in enumerate(pieces):
        at += (gaps or {}).get(i, 0)
        shots.append(shot(name, at, frames, rate))
        at += len(frames)
    return shots
