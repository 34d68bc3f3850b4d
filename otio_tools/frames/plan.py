"""Read plan for a whole timeline: every frame the analysers need, grouped by file, read in one forward pass each.

Analysers (through the glue that knows the cuts) state what they need as
:class:`FrameRequest` values: a media file, source frame numbers and a label.
:func:`read_plan` merges them per file; :func:`frames_for_plan` reads each file
once, in ascending frame order, and yields each frame once with the ids of all
requests that wanted it. Nothing is held beyond the frame being yielded.

Inside a file the decoder moves forward, and seeks only where the next wanted
frame's keyframe lies further ahead than decoding through costs
(:func:`read_runs`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

import numpy as np

from otio_tools.errors import MediaError
from otio_tools.frames.source import Frame, FrameSource, Undecodable

__all__ = [
    "DEFAULT_SEEK_COST",
    "FilePlan",
    "FrameRequest",
    "ReadPlan",
    "RequestFrames",
    "arrays_for_plan",
    "frames_for_plan",
    "read_plan",
    "read_runs",
]

# A seek flushes the decoder and restarts it (with frame threads, a pipeline
# refill): measured to cost about as much as decoding this many frames.
DEFAULT_SEEK_COST = 4


@dataclasses.dataclass(frozen=True)
class FrameRequest:
    """Frames of one media file that one analyser needs.

    ``frames`` are source frame numbers (0-based, presentation order); use
    :meth:`span` for a range at a stride. ``id`` is returned with each frame so
    the caller can route it; ``purpose`` is a free label (``"cut"``, ``"shot"``).
    """

    id: str
    media: str
    frames: tuple[int, ...] | range
    purpose: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.frames, range):
            object.__setattr__(self, "frames", tuple(int(f) for f in self.frames))
        if len(self.frames) and min(self.frames) < 0:
            raise MediaError(f"{self.media}: request {self.id!r} asks for frame {min(self.frames)}; frames start at 0")

    @classmethod
    def span(cls, id: str, media: str, start: int, stop: int, stride: int = 1, purpose: str = "") -> FrameRequest:
        """Frames ``start, start + stride, ...`` below ``stop`` (the last frame before ``stop`` is always included)."""
        if stride < 1:
            raise MediaError(f"{media}: request {id!r} has stride {stride}; use 1 or more")
        frames = range(start, stop, stride)
        if stride > 1 and len(frames) and frames[-1] != stop - 1:
            frames = tuple(frames) + (stop - 1,)
        return cls(id, media, frames, purpose)


@dataclasses.dataclass(frozen=True, eq=False)
class FilePlan:
    """The frames to read from one file (ascending, unique), who wants each, and the requests on this file."""

    media: str
    frames: np.ndarray
    wanted_by: dict[int, tuple[str, ...]]
    requests: tuple[FrameRequest, ...] = ()


@dataclasses.dataclass(frozen=True, eq=False)
class ReadPlan:
    """One :class:`FilePlan` per media file, in first-requested order."""

    files: tuple[FilePlan, ...]

    @property
    def frame_count(self) -> int:
        """Frames the plan reads, each counted once however many requests share it."""
        return sum(len(f.frames) for f in self.files)


def read_plan(requests: Iterable[FrameRequest]) -> ReadPlan:
    """Merge requests into one ascending, duplicate-free frame list per file."""
    wanted: dict[str, dict[int, list[str]]] = {}
    by_file: dict[str, list[FrameRequest]] = {}
    for request in requests:
        by_file.setdefault(request.media, []).append(request)
        per_frame = wanted.setdefault(request.media, {})
        for frame in request.frames:
            per_frame.setdefault(int(frame), []).append(request.id)
    files = []
    for media, per_frame in wanted.items():
        frames = np.array(sorted(per_frame), dtype=np.int64)
        ids = {f: tuple(dict.fromkeys(i)) for f, i in per_frame.items()}
        files.append(FilePlan(media, frames, ids, tuple(by_file[media])))
    return ReadPlan(tuple(files))


def read_runs(frames: np.ndarray, keyframes: np.ndarray, seek_cost: int = DEFAULT_SEEK_COST) -> list[np.ndarray]:
    """Split ascending ``frames`` into runs, each starting with a seek to its first frame's keyframe.

    Between two wanted frames the decoder either decodes through the frames
    between them or seeks to the next frame's keyframe and decodes from there.
    Seeking wins when more than ``seek_cost`` unwanted frames lie between the
    last frame decoded and that keyframe. ``keyframes`` are ascending frame
    numbers and include 0.
    """
    frames = np.asarray(frames, dtype=np.int64)
    if frames.ndim != 1:
        raise ValueError(f"frames must be one-dimensional, got shape {frames.shape}")
    if not len(frames):
        return []
    keys = np.asarray(keyframes, dtype=np.int64)
    key_of = keys[np.maximum(np.searchsorted(keys, frames, side="right") - 1, 0)]
    starts = np.flatnonzero(key_of[1:] - frames[:-1] - 1 > seek_cost) + 1
    return np.split(frames, starts)


def frames_for_plan(plan: ReadPlan, source: FrameSource) -> Iterator[Frame | Undecodable]:
    """Read every file of ``plan`` through ``source``, yielding each frame once, tagged with its requests.

    A file that cannot be opened yields one Undecodable for all its frames and
    the other files are still read.
    """
    for file_plan in plan.files:
        frames = [int(f) for f in file_plan.frames]
        answered: set[int] = set()
        try:
            for item in source.read(file_plan.media, frames):
                if isinstance(item, Frame):
                    answered.add(item.number)
                    yield dataclasses.replace(item, requests=file_plan.wanted_by.get(item.number, ()))
                else:
                    answered.update(item.frames)
                    yield dataclasses.replace(item, requests=_ids_of(file_plan, item.frames))
        except MediaError as exc:
            rest = tuple(f for f in frames if f not in answered)
            yield Undecodable(file_plan.media, rest, str(exc), _ids_of(file_plan, rest))


def _ids_of(file_plan: FilePlan, frames: Iterable[int]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for f in frames for i in file_plan.wanted_by.get(f, ())))


@dataclasses.dataclass(frozen=True, eq=False)
class RequestFrames:
    """All frames of one request: ``images`` is ``[n, h, w, 3]`` uint8 for ``numbers``; ``undecodable`` lists the rest."""

    request: FrameRequest
    numbers: tuple[int, ...]
    images: np.ndarray
    undecodable: tuple[int, ...]


def arrays_for_plan(plan: ReadPlan, source: FrameSource) -> Iterator[RequestFrames]:
    """Like :func:`frames_for_plan`, but one stacked array per request, yielded as soon as its last frame is read.

    Only requests still open hold frames, so memory follows the longest
    request, not the timeline. A request with no decodable frame gets an
    empty ``(0, 0, 0, 3)`` array; a request for no frames is not yielded.
    """
    files = {f.media: f for f in plan.files}
    open_requests: dict[str, tuple[FrameRequest, set[int], dict[int, np.ndarray], list[int]]] = {}
    started: set[str] = set()
    for item in frames_for_plan(plan, source):
        if item.media not in started:
            started.add(item.media)
            for request in files[item.media].requests:
                open_requests.setdefault(request.id, (request, set(int(f) for f in request.frames), {}, []))
        numbers = (item.number,) if isinstance(item, Frame) else item.frames
        for request_id in item.requests:
            if request_id not in open_requests:
                continue
            request, remaining, images, failed = open_requests[request_id]
            for number in numbers:
                if number in remaining:
                    remaining.discard(number)
                    if isinstance(item, Frame):
                        images[number] = item.image
                    else:
                        failed.append(number)
            if not remaining:
                del open_requests[request_id]
                yield _request_frames(request, images, failed)


def _request_frames(request: FrameRequest, images: dict[int, np.ndarray], failed: list[int]) -> RequestFrames:
    numbers = tuple(sorted(images))
    stack = np.stack([images[n] for n in numbers]) if numbers else np.zeros((0, 0, 0, 3), np.uint8)
    return RequestFrames(request, numbers, stack, tuple(sorted(failed)))
