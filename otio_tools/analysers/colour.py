"""Colour maths for the analysers: sRGB to CIELAB, CIEDE2000, luma, downscaling.

All functions are vectorised over any leading shape; the last axis holds the
three components. sRGB input is float in 0-1 (use :func:`as_float`); Lab uses
the D65 white of sRGB, L in 0-100.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = [
    "as_float",
    "ciede2000",
    "downscaled",
    "luma",
    "relative_luminance",
    "srgb_to_lab",
    "srgb_to_linear",
]

# sRGB (IEC 61966-2-1) primaries to XYZ, D65 white.
_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]],
    dtype=np.float32,
)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883], dtype=np.float32)
_REC709_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def _check_rgb(rgb: np.ndarray) -> None:
    if rgb.shape[-1:] != (3,):
        raise ValueError(f"expected a trailing axis of 3 colour components, got shape {rgb.shape}")


def as_float(frames: np.ndarray) -> np.ndarray:
    """``frames`` as float32 in 0-1 (uint8 is divided by 255; float32 is returned as is)."""
    if frames.dtype == np.uint8:
        return frames.astype(np.float32) * np.float32(1 / 255)
    return np.asarray(frames, dtype=np.float32)


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """Linear-light RGB from gamma-encoded sRGB (both 0-1)."""
    _check_rgb(rgb)
    rgb = np.asarray(rgb, dtype=np.float32)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4).astype(np.float32)


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance Y (0-1, linear light) of sRGB ``[..., 3]``; the last axis is dropped."""
    return srgb_to_linear(rgb) @ _RGB_TO_XYZ[1]


def luma(rgb: np.ndarray) -> np.ndarray:
    """Rec.709 luma Y' (0-1, gamma-encoded) of sRGB ``[..., 3]``; the last axis is dropped."""
    _check_rgb(rgb)
    return np.asarray(rgb, dtype=np.float32) @ _REC709_LUMA


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB in 0-1, shape preserved."""
    xyz = srgb_to_linear(rgb) @ _RGB_TO_XYZ.T / _WHITE_D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116).astype(np.float32)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (kL = kC = kH = 1) between broadcastable Lab arrays.

    Follows Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference
    formula: implementation notes", including its hue-angle conventions.
    """
    _check_rgb(lab1)
    _check_rgb(lab2)
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    c_mean7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c_mean7 / (c_mean7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    zero = (c1p * c2p) == 0

    dlp = l2 - l1
    dcp = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(zero, 0.0, dh)
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)

    lp_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    hsum = h1p + h2p
    hp_mean = np.where(
        zero,
        hsum,
        np.where(np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(hp_mean - 30))
        + 0.24 * np.cos(np.radians(2 * hp_mean))
        + 0.32 * np.cos(np.radians(3 * hp_mean + 6))
        - 0.20 * np.cos(np.radians(4 * hp_mean - 63))
    )
    d_theta = 30 * np.exp(-(((hp_mean - 275) / 25) ** 2))
    cp_mean7 = cp_mean**7
    rc = 2 * np.sqrt(cp_mean7 / (cp_mean7 + 25.0**7))
    sl = 1 + 0.015 * (lp_mean - 50) ** 2 / np.sqrt(20 + (lp_mean - 50) ** 2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return np.sqrt(
        (dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp / sh) ** 2 + rt * (dcp / sc) * (dhp / sh)
    )


def downscaled(frames: np.ndarray, long_side: int) -> np.ndarray:
    """``frames`` ``[n, h, w, c]`` (or ``[n, h, w]``) area-averaged so the long side is at most ``long_side``."""
    if frames.ndim not in (3, 4):
        raise ValueError(f"expected [n, h, w] or [n, h, w, c] frames, got shape {frames.shape}")
    h, w = frames.shape[1:3]
    scale = long_side / max(h, w)
    if scale >= 1 or len(frames) == 0:
        return frames
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.stack([cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames])
