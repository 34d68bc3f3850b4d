"""Colour conversion with the stream's matrix and range, pixel aspect, rotation and analysis size."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from otio_tools.frames.colour import analysis_size, matrix_name, oriented, range_name, rgb_from_av_frame

# (Kr, Kb) of each matrix: the standard defines R, G, B from Y, Cb, Cr through them.
_K = {"bt601": (0.299, 0.114), "bt709": (0.2126, 0.0722)}


def _expected_rgb(y: int, u: int, v: int, matrix: str, colour_range: str) -> np.ndarray:
    kr, kb = _K[matrix]
    if colour_range == "limited":
        luma, cb, cr = (y - 16) / 219, (u - 128) / 224, (v - 128) / 224
    else:
        luma, cb, cr = y / 255, (u - 128) / 255, (v - 128) / 255
    r = luma + 2 * (1 - kr) * cr
    b = luma + 2 * (1 - kb) * cb
    g = (luma - kr * r - kb * b) / (1 - kr - kb)
    return np.clip(np.array([r, g, b]) * 255, 0, 255)


def _yuv_frame(y: int, u: int, v: int, width: int = 64, height: int = 32) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv444p")
    for plane, value in zip(frame.planes, (y, u, v)):
        plane.update(bytes([value]) * (plane.line_size * plane.height))
    return frame


@pytest.mark.parametrize("matrix", ["bt601", "bt709"])
@pytest.mark.parametrize("colour_range", ["limited", "full"])
@pytest.mark.parametrize("yuv", [(120, 100, 170), (200, 150, 90), (60, 128, 128)], ids=["reddish", "bluish", "grey"])
def test_conversion_follows_matrix_and_range(matrix, colour_range, yuv):
    rgb = rgb_from_av_frame(_yuv_frame(*yuv), (16, 8), matrix, colour_range)
    assert rgb.shape == (8, 16, 3) and rgb.dtype == np.uint8
    np.testing.assert_allclose(rgb[4, 8], _expected_rgb(*yuv, matrix, colour_range), atol=2.5)


def test_wrong_matrix_would_be_visible():
    """The test above can fail: BT.601 and BT.709 differ by more than twice its tolerance here."""
    a = rgb_from_av_frame(_yuv_frame(120, 100, 170), (16, 8), "bt601", "limited")[4, 8].astype(int)
    b = rgb_from_av_frame(_yuv_frame(120, 100, 170), (16, 8), "bt709", "limited")[4, 8].astype(int)
    assert np.abs(a - b).max() > 5


@pytest.mark.parametrize(
    "colorspace, height, pix_fmt, expected",
    [
        (1, 480, "yuv420p", "bt709"),
        (5, 1080, "yuv420p", "bt601"),
        (6, 1080, "yuv420p", "bt601"),
        (2, 1080, "yuv420p", "bt709"),
        (2, 576, "yuv420p", "bt601"),
        (2, 240, "rgb24", "rgb"),
    ],
    ids=["tagged-709-sd", "tagged-470bg-hd", "tagged-170m-hd", "untagged-hd", "untagged-sd", "rgb"],
)
def test_matrix_name(colorspace, height, pix_fmt, expected):
    assert matrix_name(colorspace, height, pix_fmt) == expected


@pytest.mark.parametrize(
    "color_range, pix_fmt, expected",
    [(1, "yuv420p", "limited"), (2, "yuv420p", "full"), (0, "yuv420p", "limited"), (0, "yuvj420p", "full"), (0, "rgb24", "full")],
    ids=["tagged-limited", "tagged-full", "untagged-yuv", "untagged-yuvj", "rgb"],
)
def test_range_name(color_range, pix_fmt, expected):
    assert range_name(color_range, pix_fmt) == expected


@pytest.mark.parametrize(
    "width, height, sar, long_side, expected",
    [
        (1920, 1080, Fraction(1), 320, (320, 180)),
        (1080, 1920, Fraction(1), 256, (144, 256)),
        (704, 576, Fraction(16, 11), 480, (480, 270)),
        (1440, 1080, Fraction(4, 3), 320, (320, 180)),
        (720, 480, Fraction(8, 9), None, (640, 480)),
    ],
    ids=["hd", "portrait", "pal-anamorphic", "hdv", "ntsc-native"],
)
def test_analysis_size_applies_pixel_aspect(width, height, sar, long_side, expected):
    assert analysis_size(width, height, sar, long_side) == expected


@pytest.mark.parametrize(
    "rotation, expected_corner",
    [(0, 1), (90, 2), (-90, 3), (180, 4), (-180, 4)],
    ids=["none", "ccw90", "cw90", "180", "-180"],
)
def test_oriented_turns_counter_clockwise(rotation, expected_corner):
    image = np.zeros((2, 3, 3), np.uint8)
    image[0, 0], image[0, -1], image[-1, 0], image[-1, -1] = 1, 2, 3, 4
    assert oriented(image, rotation)[0, 0, 0] == expected_corner
