"""Media generated in the test with each frame's number drawn in its pixels, and the reader for it."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

BITS = 12
WIDTH, HEIGHT = 320, 192
_COLS, _ROWS = 6, 2
_BLOCK = 40


@dataclasses.dataclass(frozen=True)
class Encoding:
    """How to write one test file: codec, container suffix, pixel format and encoder options."""

    id: str
    codec: str
    suffix: str
    pix_fmt: str
    options: dict
    width: int = WIDTH
    height: int = HEIGHT


ENCODINGS = [
    Encoding("h264-bframes-longgop", "libx264", ".mp4", "yuv420p",
             {"preset": "veryfast", "crf": "18", "x264-params": "keyint=90:min-keyint=90:scenecut=0:bframes=3:b-pyramid=normal"}),
    Encoding("h264-open-gop-mkv", "libx264", ".mkv", "yuv420p",
             {"preset": "veryfast", "crf": "18", "x264-params": "keyint=40:bframes=3:open-gop=1"}),
    Encoding("prores", "prores_ks", ".mov", "yuv422p10le", {"profile": "1"}),
    Encoding("dnxhr", "dnxhd", ".mov", "yuv422p", {"profile": "dnxhr_lb"}, 256, 144),
    Encoding("vp9", "libvpx-vp9", ".webm", "yuv420p", {"crf": "20", "b": "0", "g": "60", "deadline": "realtime", "cpu-used": "8"}),
    Encoding("mpeg4-bframes-mp4", "mpeg4", ".mp4", "yuv420p", {"qscale": "3", "bf": "2", "g": "48"}),
    Encoding("mpeg4-bframes-avi", "mpeg4", ".avi", "yuv420p", {"qscale": "3", "bf": "2", "g": "48"}),
]


def numbered_image(number: int, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """An RGB picture showing ``number`` as a grid of black/white blocks over a moving gradient."""
    y, x = np.mgrid[0:height, 0:width]
    image = np.empty((height, width, 3), np.uint8)
    image[..., 0] = (x * 255 // width + number * 3) % 256
    image[..., 1] = (y * 255 // height) % 256
    image[..., 2] = 96
    block = min(_BLOCK, width // _COLS)
    for bit in range(BITS):
        row, col = divmod(bit, _COLS)
        value = 255 if (number >> bit) & 1 else 0
        image[row * block:(row + 1) * block, col * block:(col + 1) * block] = value
    return image


def number_in(image: np.ndarray, width: int = WIDTH, height: int = HEIGHT) -> int:
    """Read back the number drawn by :func:`numbered_image`, from an image of any size with that aspect."""
    h, w = image.shape[:2]
    block = min(_BLOCK, width // _COLS)
    number = 0
    for bit in range(BITS):
        row, col = divmod(bit, _COLS)
        cy = int((row + 0.5) * block * h / height)
        cx = int((col + 0.5) * block * w / width)
        if image[cy, cx].mean() > 127:
            number |= 1 << bit
    return number


def write_numbered(path: Path, encoding: Encoding, frames: int, rate: Fraction = Fraction(24)) -> Path:
    """Encode ``frames`` numbered pictures with ``encoding``; raises av.FFmpegError where the build lacks it."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream(encoding.codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = encoding.width, encoding.height, encoding.pix_fmt
        stream.options = dict(encoding.options)
        for n in range(frames):
            frame = av.VideoFrame.from_ndarray(numbered_image(n, encoding.width, encoding.height), format="rgb24")
            frame.pts = n
            frame.time_base = 1 / rate
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
