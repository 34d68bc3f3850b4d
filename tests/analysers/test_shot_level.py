"""Shot-level analysers on synthetic shots: flicker, frozen_frames, morph, photosensitive_flash."""

import dataclasses

import numpy as np
import pytest

from otio_tools.analysers import MediaInfo
from otio_tools.analysers.flicker import FlickerAnalyser, flicker_steps
from otio_tools.analysers.frozen import FrozenFramesAnalyser, held_transitions
from otio_tools.analysers.morph import MorphAnalyser, standardised
from otio_tools.analysers.photosensitive import PhotosensitiveAnalyser, transitions
from otio_tools.analysers.signals import runs, segments
from tests.analysers.synth import SIZE, graded, pan, scene, shot

STREET = scene("street", 1)
FIELD = scene("field", 2)
RATE = 24.0


def moving(n=72, speed=3.0):
    return pan(STREET, n, speed=speed)


def still(n=72):
    return np.repeat(pan(STREET, 1), n, axis=0)


def gain_wave(frames, amplitude, hertz, start, length, rate=RATE):
    """``frames`` whose brightness swings by +-``amplitude`` (fraction) at ``hertz`` over ``[start, start+length)``."""
    out = frames.astype(np.float32)
    t = np.arange(length) / rate
    out[start : start + length] *= (1 + amplitude * np.sin(2 * np.pi * hertz * t))[:, None, None, None]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def held(frames, start, count):
    out = frames.copy()
    out[start + 1 : start + 1 + count] = frames[start]
    return out


def glitched(frames, start, count, other=FIELD):
    out = frames.copy()
    out[start : start + count] = pan(other, count)
    return out


def alternating(frames, start, length, period, bright=235, dark=20, colour=None):
    """Full-screen flashes: ``period`` frames bright, ``period`` frames dark, over ``[start, start+length)``."""
    out = frames.copy()
    for i in range(start, start + length):
        on = ((i - start) // period) % 2 == 0
        value = np.array(colour if (on and colour) else [bright if on else dark] * 3, np.uint8)
        out[i] = value
    return out


def run(analyser, frames, rate=RATE, media=None):
    return analyser.analyse(shot("clip", 100, frames, rate=rate, media=media))


# ------------------------------------------------------------------ flicker --

@pytest.mark.parametrize(
    "frames, found",
    [
        pytest.param(gain_wave(still(), 0.06, 5, 12, 36), True, id="still-shot-flickers-5hz"),
        pytest.param(gain_wave(moving(), 0.06, 6, 12, 36), True, id="moving-shot-flickers-6hz"),
        pytest.param(gain_wave(still(), 0.005, 5, 12, 36), False, id="invisible-ripple"),
        pytest.param(gain_wave(still(), 0.1, 0.5, 0, 72), False, id="slow-light-change"),
        pytest.param(moving(), False, id="camera-pan"),
        pytest.param(graded(still(), (1.3, 1.3, 1.3)), False, id="constant-brightness"),
    ],
)
def test_flicker(frames, found):
    result = run(FlickerAnalyser(), frames)
    assert bool(result.findings) is found
    if found:
        f = result.findings[0]
        assert f.kind == "flicker" and 100 + 8 <= f.start <= 100 + 16 and f.duration >= 24
    assert len(result.scores) == len(frames) - 1


def test_flicker_steps_shape_and_sign():
    grey = np.stack([np.full((36, 64), v, np.float32) for v in (100, 110, 100)])
    step, coherence = flicker_steps(grey)
    np.testing.assert_allclose(step, [10, -10])
    np.testing.assert_allclose(coherence, [1, 1])
    with pytest.raises(ValueError):
        flicker_steps(grey[0])


# ------------------------------------------------------------ frozen frames --

@pytest.mark.parametrize(
    "frames, expected",
    [
        pytest.param(held(moving(), 20, 10), [(121, 10)], id="ten-held-frames"),
        pytest.param(held(moving(), 40, 4), [(141, 4)], id="four-held-frames"),
        pytest.param(held(moving(), 40, 2), [], id="two-held-frames-below-minimum"),
        pytest.param(still(), [], id="still-shot"),
        pytest.param(held(glitched(still(), 30, 3), 50, 8), [], id="still-shot-with-a-glitch"),
        pytest.param(held(moving(), 0, 8), [], id="held-opening-is-a-still-start"),
        pytest.param(held(moving(), 63, 8), [(164, 8)], id="stall-at-the-end"),
        pytest.param(np.concatenate([np.zeros((12, *SIZE, 3), np.uint8), moving(60)]), [], id="black-opening"),
    ],
)
def test_frozen_frames(frames, expected):
    result = run(FrozenFramesAnalyser(), frames)
    assert [(f.start, f.duration) for f in result.findings] == expected


def test_rate_conversion_repeats_are_not_a_freeze():
    # 24 fps media in a 60 fps timeline: every media frame shown 2 or 3 times
    media = moving(48)
    index = np.floor(np.arange(120) * 24 / 60).astype(int)
    frames = media[index]
    result = run(FrozenFramesAnalyser(), frames, rate=60.0, media=MediaInfo(320, 180, 1.0, 24.0))
    assert result.findings == ()


def test_held_transitions():
    mask, motion = held_transitions(np.array([2.0, 2.5, 0.0, 0.01, 3.0]))
    assert mask.tolist() == [False, False, True, True, False] and motion == pytest.approx(2.0)


# -------------------------------------------------------------------- morph --

@pytest.mark.parametrize(
    "frames, expected",
    [
        pytest.param(glitched(moving(), 30, 3), [(130, 3)], id="other-content-for-three-frames"),
        pytest.param(glitched(still(), 10, 6), [(110, 6)], id="still-shot-breaks-for-six"),
        pytest.param(np.concatenate([moving(36), pan(FIELD, 36)]), [], id="unmarked-cut-does-not-recover"),
        pytest.param(gain_wave(moving(), 0.08, 5, 12, 36), [], id="flicker-is-not-a-morph"),
        pytest.param(alternating(moving(), 20, 24, 2), [], id="flashes-are-not-a-morph"),
        pytest.param(moving(speed=6.0), [], id="fast-pan"),
    ],
)
def test_morph(frames, expected):
    result = run(MorphAnalyser(), frames)
    assert [(f.start, f.duration) for f in result.findings] == expected


def test_standardised_removes_gain():
    grey = pan(STREET, 2)[..., 1].astype(np.float32)
    np.testing.assert_allclose(standardised(grey * 1.3 + 10), standardised(grey), atol=1e-4)


# ----------------------------------------------------- photosensitive flash --

@pytest.mark.parametrize(
    "frames, found",
    [
        pytest.param(alternating(moving(), 12, 36, 2), True, id="6hz-full-screen"),
        pytest.param(alternating(moving(), 12, 36, 3), True, id="4hz-full-screen"),
        pytest.param(alternating(moving(), 12, 36, 6), False, id="2hz-is-three-flashes-or-fewer"),
        pytest.param(alternating(moving(), 12, 36, 2, bright=255, dark=240), False, id="both-bright-above-160-nits"),
        pytest.param(alternating(moving(), 12, 36, 2, bright=60, dark=50), False, id="change-under-20-nits"),
        pytest.param(alternating(moving(), 12, 36, 2, colour=(200, 0, 0), dark=110), True, id="saturated-red-flash"),
        pytest.param(gain_wave(moving(), 0.06, 5, 12, 36), False, id="mild-flicker"),
    ],
)
def test_photosensitive_flash(frames, found):
    result = run(PhotosensitiveAnalyser(), frames)
    hazards = [f for f in result.findings if f.kind == "photosensitive_flash"]
    assert bool(hazards) is found
    if found:
        f = hazards[0]
        assert f.kind == "photosensitive_flash" and f.score > 3 and 110 <= f.start <= 116
        assert "BT.1702" in f.message


@pytest.mark.parametrize(
    "frames, expected",
    [
        pytest.param(alternating(moving(), 30, 1, 1), [(130, 1)], id="one-white-frame"),
        pytest.param(alternating(moving(), 30, 2, 2, bright=5), [(130, 2)], id="two-black-frames"),
        pytest.param(alternating(alternating(moving(), 10, 1, 1), 40, 1, 1), [(110, 1), (140, 1)], id="two-lone-flashes"),
        pytest.param(alternating(moving(), 30, 3, 3), [], id="three-frames-is-a-change-not-a-flash"),
        pytest.param(alternating(moving(), 12, 36, 2), [], id="hazardous-flashing-is-reported-as-such"),
    ],
)
def test_flash_frame_inside_a_shot(frames, expected):
    result = run(PhotosensitiveAnalyser(), frames)
    assert [(f.start, f.duration) for f in result.findings if f.kind == "flash_frame"] == expected


def test_small_flashing_area_is_not_hazardous():
    frames = moving()
    flashing = alternating(moving(), 12, 36, 2)
    h, w = SIZE
    frames[:, : h // 3, : w // 2] = flashing[:, : h // 3, : w // 2]  # one sixth of the screen
    assert [f for f in run(PhotosensitiveAnalyser(), frames).findings if f.kind == "photosensitive_flash"] == []


def test_transitions_shape():
    assert transitions(alternating(moving(8), 0, 8, 1)).shape == (8,)


# ------------------------------------------------------------------ signals --

def test_runs_and_segments():
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 2), (4, 1)]
    assert [s.tolist() for s in segments(np.array([3, 4, 5, 8, 9]))] == [[0, 1, 2], [3, 4]]


def test_strided_body_is_analysed_in_consecutive_pieces():
    frames = held(moving(), 20, 10)
    strided = dataclasses.replace(shot("clip", 0, frames), body=frames[::2], body_frames=np.arange(0, 72, 2))
    assert FrozenFramesAnalyser().analyse(strided).findings == ()
