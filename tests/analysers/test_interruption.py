"""flash_frame and black_frames, and how the cut builder bridges them."""

import numpy as np
import pytest

from otio_tools.analysers import cut_contexts
from otio_tools.analysers.interruption import (
    BlackFramesAnalyser,
    FlashFrameAnalyser,
    InterruptionSettings,
    black_fraction,
    is_black,
)
from otio_tools.findings import Severity
from tests.analysers.synth import pan, scene, shot, timeline

STREET = scene("street", 1)
FIELD = scene("field", 2)
BLACK = np.full((5, 180, 320, 3), 6, np.uint8)


def findings(shots):
    cuts = cut_contexts(shots)
    return cuts, FlashFrameAnalyser().analyse(cuts).findings + BlackFramesAnalyser().analyse(cuts).findings


@pytest.mark.parametrize(
    "flash_frames",
    [pytest.param(1, id="one-frame"), pytest.param(2, id="two-frames")],
)
def test_short_clip_between_shots_is_a_flash_frame(flash_frames):
    shots = timeline(("a", pan(STREET, 24)), ("flash", pan(FIELD, flash_frames)), ("b", pan(STREET, 24, start=60)))
    cuts, found = findings(shots)
    assert [(f.kind, f.start, f.duration, f.clip) for f in found] == [("flash_frame", 24, flash_frames, "flash")]
    assert found[0].severity is Severity.ERROR
    # the shots either side form one cut, with the flash bridged
    assert len(cuts) == 1 and cuts[0].record_frame == 24 + flash_frames and cuts[0].gap_frames == flash_frames


def test_three_frame_clip_is_not_a_flash():
    shots = timeline(("a", pan(STREET, 24)), ("c", pan(FIELD, 3)), ("b", pan(STREET, 24, start=60)))
    assert findings(shots)[1] == ()


def test_black_media_clip():
    shots = timeline(("a", pan(STREET, 24)), ("black", BLACK), ("b", pan(FIELD, 24)))
    _, found = findings(shots)
    assert [(f.kind, f.start, f.duration, f.clip) for f in found] == [("black_frames", 24, 5, "black")]


def test_gap_in_the_track():
    shots = timeline(("a", pan(STREET, 24)), ("b", pan(FIELD, 24)), gaps={1: 2})
    _, found = findings(shots)
    assert [(f.kind, f.start, f.duration, f.clip) for f in found] == [("black_frames", 24, 2, None)]
    assert "gap" in found[0].message


def test_long_black_is_only_info():
    black = np.zeros((72, 180, 320, 3), np.uint8)
    shots = timeline(("a", pan(STREET, 24)), ("fade", black), ("b", pan(FIELD, 24)))
    _, found = findings(shots)
    assert [f.severity for f in found] == [Severity.INFO]


def test_dark_but_not_black_picture():
    dark = (pan(STREET, 5).astype(np.float32) * 0.35).astype(np.uint8)
    assert not is_black(shot("dark", 0, dark))
    assert is_black(shot("black", 0, BLACK))
    assert black_fraction(BLACK).shape == (5,)


def test_bounds():
    from otio_tools.errors import ConfigError

    with pytest.raises(ConfigError, match="black_area"):
        InterruptionSettings(black_area=0.2)
