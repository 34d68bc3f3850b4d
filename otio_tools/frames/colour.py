"""Colour and geometry of analysis frames: decoded picture to display-oriented RGB, downscaled.

Analysers judge frames as a viewer sees them, so a decoded picture is converted
with the stream's own YUV matrix and range, stretched by its pixel aspect ratio,
rotated by its display matrix, and scaled so its long side is the analysis size.
Scaling happens in the same swscale call as the colour conversion, before any
full-size RGB picture exists.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import VideoReformatter

__all__ = [
    "DEFAULT_LONG_SIDE",
    "analysis_size",
    "matrix_name",
    "range_name",
    "oriented",
    "rgb_for_analysis",
    "rgb_from_av_frame",
]

DEFAULT_LONG_SIDE = 320

# AVColorSpace values (libavutil/pixfmt.h) that mean BT.601 or BT.709.
_AVCOL_SPC = {1: "bt709", 5: "bt601", 6: "bt601", 4: "fcc", 7: "smpte240m", 9: "bt2020", 10: "bt2020"}
_SWS_COLORSPACE = {"bt709": "ITU709", "bt601": "ITU601", "fcc": "FCC", "smpte240m": "SMPTE240M", "bt2020": "BT2020"}


def matrix_name(colorspace: int, height: int, pix_fmt: str) -> str:
    """The YUV matrix to decode with: the stream's tag, else BT.709 for HD and BT.601 below 720 lines.

    RGB pixel formats have no matrix and return ``"rgb"``. The fallback for an
    untagged stream is the one players use.
    """
    if pix_fmt.startswith(("rgb", "bgr", "gbr", "argb", "abgr", "pal8", "gray")):
        return "rgb"
    return _AVCOL_SPC.get(colorspace, "bt709" if height >= 720 else "bt601")


def range_name(color_range: int, pix_fmt: str) -> str:
    """``"full"`` or ``"limited"``: the stream's tag, else full for ``yuvj*``/RGB and limited for YUV."""
    if color_range == 2 or pix_fmt.startswith(("yuvj", "rgb", "bgr", "gbr", "argb", "abgr", "pal8", "gray")):
        return "full"
    return "limited"


def analysis_size(width: int, height: int, pixel_aspect: Fraction, long_side: int | None) -> tuple[int, int]:
    """(width, height) of the picture as displayed (pixel aspect applied), long side scaled to ``long_side``.

    ``long_side`` None keeps the display size. Rotation is not applied here:
    the size is that of the unrotated picture.
    """
    display_w = width * float(pixel_aspect or 1)
    display_h = float(height)
    scale = 1.0 if long_side is None else long_side / max(display_w, display_h)
    return max(1, int(round(display_w * scale))), max(1, int(round(display_h * scale)))


def oriented(image: np.ndarray, rotation: int) -> np.ndarray:
    """``image`` turned the way the display matrix says: ``rotation`` degrees counter-clockwise, a multiple of 90."""
    quarter_turns = int(round(rotation / 90.0)) % 4
    return np.ascontiguousarray(np.rot90(image, quarter_turns)) if quarter_turns else image


def rgb_from_av_frame(
    frame: av.VideoFrame,
    size: tuple[int, int],
    matrix: str,
    colour_range: str,
    rotation: int = 0,
    reformatter: VideoReformatter | None = None,
) -> np.ndarray:
    """A decoded frame as an RGB uint8 array of ``size`` (before rotation), colour-converted and rotated.

    Pass the same ``reformatter`` for every frame of a stream: it keeps its
    scaler between calls, which makes converting several times faster than
    building one per frame (the pictures are identical).
    """
    reformat = frame.reformat if reformatter is None else functools.partial(reformatter.reformat, frame)
    if matrix == "rgb":
        converted = reformat(width=size[0], height=size[1], format="rgb24", interpolation="AREA")
    else:
        converted = reformat(
            width=size[0],
            height=size[1],
            format="rgb24",
            src_colorspace=_SWS_COLORSPACE[matrix],
            dst_colorspace=_SWS_COLORSPACE[matrix],
            src_color_range="JPEG" if colour_range == "full" else "MPEG",
            dst_color_range="JPEG",
            interpolation="AREA",
        )
    return oriented(converted.to_ndarray(), rotation)


def rgb_for_analysis(
    frame: av.VideoFrame,
    pixel_aspect: Fraction | None,
    long_side: int | None,
    reformatter: VideoReformatter | None = None,
) -> np.ndarray:
    """A decoded frame as the viewer sees it, at the analysis size: the frame's own colour tags, aspect and rotation."""
    pix_fmt = frame.format.name
    size = analysis_size(frame.width, frame.height, pixel_aspect or Fraction(1), long_side)
    matrix = matrix_name(frame.colorspace, frame.height, pix_fmt)
    return rgb_from_av_frame(frame, size, matrix, range_name(frame.color_range, pix_fmt), frame.rotation, reformatter)
