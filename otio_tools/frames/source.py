"""Frame sources: the extension point that turns (media, frame numbers) into RGB analysis frames.

A source yields, for one media file and an ascending list of frame numbers,
one :class:`Frame` per frame it could decode and :class:`Undecodable` items
naming the frames it could not, so one damaged file never stops a review.
Frame N is the N-th frame of the file in presentation order, counted from 0
(see ``otio_tools.frames.index``). Images are ``(height, width, 3)`` uint8 RGB
at the source's analysis size, read-only.

:class:`InMemoryFrameSource` serves frames from numpy arrays; analyser tests
and users without video files rely on it. ``PyAVFrameSource`` (in
``otio_tools.frames.decoder``) decodes files.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import ClassVar

import cv2
import numpy as np

from otio_tools.errors import MediaError

__all__ = ["Frame", "Undecodable", "FrameSource", "InMemoryFrameSource", "ascending_frames"]


@dataclasses.dataclass(frozen=True, eq=False)
class Frame:
    """One decoded frame: source frame ``number`` of ``media`` as an RGB uint8 ``image``.

    ``requests`` names the read-plan requests that asked for it (empty when read directly).
    """

    media: str
    number: int
    image: np.ndarray
    requests: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Undecodable:
    """Frames of ``media`` that could not be decoded, and why (one line)."""

    media: str
    frames: tuple[int, ...]
    reason: str
    requests: tuple[str, ...] = ()


def ascending_frames(frames: Iterable[int], media: str) -> list[int]:
    """``frames`` sorted, without duplicates; raises MediaError on a negative frame number."""
    ordered = sorted(set(int(f) for f in frames))
    if ordered and ordered[0] < 0:
        raise MediaError(f"{media}: frame {ordered[0]} requested; source frame numbers start at 0")
    return ordered


class FrameSource(abc.ABC):
    """Base class of frame sources. Subclasses implement :meth:`read`.

    ``long_side`` is the analysis size: the long side of each returned image in
    pixels (None: the display size). ``cache_key`` names everything that changes
    the pixels a source returns, so a cache never mixes two sources' frames.
    """

    name: ClassVar[str] = "base"
    #: Bump when the pixels a source returns change (conversion, scaling), so caches miss.
    version: ClassVar[int] = 1

    def __init__(self, long_side: int | None = None) -> None:
        if long_side is not None and long_side < 16:
            raise MediaError(f"analysis long side {long_side} px is too small; use 16 px or more (e.g. 256-480)")
        self.long_side = long_side

    @property
    def cache_key(self) -> str:
        """Identifies the pixels this source returns for a given file and frame."""
        return f"{self.name}:v{self.version}:long={self.long_side}"

    @abc.abstractmethod
    def read(self, media: str, frames: Sequence[int]) -> Iterator[Frame | Undecodable]:
        """Yield the requested frames of ``media`` in ascending order, and Undecodable for those that fail.

        Every requested frame appears exactly once, in a Frame or in an Undecodable.
        """

    def read_one(self, media: str, frame: int) -> np.ndarray:
        """The image of one frame; raises MediaError when it cannot be decoded."""
        for item in self.read(media, [frame]):
            if isinstance(item, Undecodable):
                raise MediaError(f"{media}: frame {frame} cannot be decoded ({item.reason})")
            return item.image
        raise MediaError(f"{media}: frame {frame} was not returned by the {self.name} source")


def _scaled(image: np.ndarray, long_side: int | None) -> np.ndarray:
    if long_side is None or max(image.shape[:2]) == long_side:
        return image
    h, w = image.shape[:2]
    scale = long_side / max(h, w)
    size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


class InMemoryFrameSource(FrameSource):
    """Frames from numpy arrays: ``clips[media]`` is ``(frames, height, width, 3)`` uint8 RGB, or a list of such images.

    With ``long_side`` set, images are scaled like a decoder's output. Frame
    numbers past the end, and media not in ``clips``, come back as Undecodable.
    """

    name = "memory"

    def __init__(self, clips: Mapping[str, np.ndarray | Sequence[np.ndarray]], long_side: int | None = None) -> None:
        super().__init__(long_side)
        self._clips = {str(k): v for k, v in clips.items()}
        for media, clip in self._clips.items():
            for image in clip[:1]:
                if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
                    raise MediaError(f"{media}: in-memory frames must be (height, width, 3) uint8 RGB, got {image.dtype} {image.shape}")
        self.frames_decoded = 0

    def read(self, media: str, frames: Sequence[int]) -> Iterator[Frame | Undecodable]:
        wanted = ascending_frames(frames, media)
        clip = self._clips.get(str(media))
        if clip is None:
            if wanted:
                yield Undecodable(str(media), tuple(wanted), "not in the in-memory source")
            return
        beyond = [f for f in wanted if f >= len(clip)]
        for number in wanted:
            if number >= len(clip):
                break
            self.frames_decoded += 1
            image = np.array(_scaled(np.asarray(clip[number]), self.long_side), dtype=np.uint8)
            image.flags.writeable = False
            yield Frame(str(media), number, image)
        if beyond:
            yield Undecodable(str(media), tuple(beyond), f"beyond the last frame ({len(clip) - 1})")
