"""InMemoryFrameSource: the public fake that analyser tests rely on."""

from __future__ import annotations

import numpy as np
import pytest

from otio_tools.errors import MediaError
from otio_tools.frames import Frame, InMemoryFrameSource, Undecodable


def _clip(count: int, height: int = 90, width: int = 160) -> np.ndarray:
    clip = np.zeros((count, height, width, 3), np.uint8)
    clip[:, :, :, 0] = np.arange(count)[:, None, None]
    return clip


@pytest.mark.parametrize(
    "frames, decoded, undecodable",
    [([3, 1, 3], [1, 3], []), ([9, 10, 12], [9], [10, 12]), ([], [], [])],
    ids=["sorted-unique", "past-end", "nothing"],
)
def test_in_memory_reads(frames, decoded, undecodable):
    items = list(InMemoryFrameSource({"a.mov": _clip(10)}).read("a.mov", frames))
    assert [i.number for i in items if isinstance(i, Frame)] == decoded
    assert [f for i in items if isinstance(i, Undecodable) for f in i.frames] == undecodable
    for item in items:
        if isinstance(item, Frame):
            assert item.image[0, 0, 0] == item.number and not item.image.flags.writeable


def test_in_memory_scales_to_long_side():
    image = InMemoryFrameSource({"a": _clip(2, 180, 320)}, long_side=64).read_one("a", 1)
    assert image.shape == (36, 64, 3) and image[0, 0, 0] == 1


def test_unknown_media_is_undecodable_and_read_one_raises():
    source = InMemoryFrameSource({})
    (item,) = source.read("b", [0])
    assert isinstance(item, Undecodable) and item.frames == (0,)
    with pytest.raises(MediaError, match="frame 0"):
        source.read_one("b", 0)


@pytest.mark.parametrize("bad", [np.zeros((2, 8, 8), np.uint8), np.zeros((2, 8, 8, 3), np.float32)], ids=["gray", "float"])
def test_in_memory_rejects_non_rgb8(bad):
    with pytest.raises(MediaError, match="uint8 RGB"):
        InMemoryFrameSource({"x": bad})


def test_negative_frames_and_tiny_sizes_are_refused():
    with pytest.raises(MediaError, match="start at 0"):
        list(InMemoryFrameSource({"a": _clip(2)}).read("a", [-1]))
    with pytest.raises(MediaError, match="too small"):
        InMemoryFrameSource({}, long_side=4)
