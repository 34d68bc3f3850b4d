"""Colour maths against published reference values."""

import numpy as np
import pytest

from otio_tools.analysers.colour import ciede2000, downscaled, luma, relative_luminance, srgb_to_lab

# Sharma, Wu and Dalal (2005), table 1: pairs and their CIEDE2000 difference.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_matches_the_reference_pairs_vectorised():
    lab1 = np.array([p[0] for p in SHARMA])
    lab2 = np.array([p[1] for p in SHARMA])
    expected = np.array([p[2] for p in SHARMA])
    np.testing.assert_allclose(ciede2000(lab1, lab2), expected, atol=1e-4)
    np.testing.assert_allclose(ciede2000(lab2, lab1), expected, atol=1e-4)


@pytest.mark.parametrize(
    "rgb, lab",
    [
        pytest.param((1.0, 1.0, 1.0), (100.0, 0.0, 0.0), id="white"),
        pytest.param((0.0, 0.0, 0.0), (0.0, 0.0, 0.0), id="black"),
        pytest.param((1.0, 0.0, 0.0), (53.24, 80.09, 67.20), id="red"),
    ],
)
def test_srgb_to_lab_known_colours(rgb, lab):
    np.testing.assert_allclose(srgb_to_lab(np.array(rgb, np.float32)), lab, atol=0.05)


def test_luma_and_luminance_of_grey():
    grey = np.full((2, 2, 3), 0.5, np.float32)
    np.testing.assert_allclose(luma(grey), 0.5, atol=1e-6)
    np.testing.assert_allclose(relative_luminance(grey), 0.2140, atol=1e-3)


def test_shape_checks():
    with pytest.raises(ValueError):
        srgb_to_lab(np.zeros((4, 4)))
    with pytest.raises(ValueError):
        downscaled(np.zeros((4, 4)), 2)


def test_downscaled_keeps_aspect_and_mean():
    frames = np.random.default_rng(0).integers(0, 255, (2, 180, 320, 3), dtype=np.uint8)
    small = downscaled(frames, 64)
    assert small.shape == (2, 36, 64, 3)
    assert abs(float(small.mean()) - float(frames.mean())) < 1.0
