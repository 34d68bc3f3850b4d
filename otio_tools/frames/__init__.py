"""Frame access for analysers: probe media, plan reads for a timeline, decode frame-accurately, cache.

Frame numbers are 0-based source frame indexes in the file's presentation
order (see :mod:`otio_tools.frames.index`). Images are RGB uint8 at an
analysis size (long side ``DEFAULT_LONG_SIDE`` px unless set), with the
stream's colour matrix, range, pixel aspect and rotation applied.
"""

from otio_tools.frames.cache import CachedFrameSource, FrameCache, media_identity
from otio_tools.frames.colour import DEFAULT_LONG_SIDE, analysis_size
from otio_tools.frames.decoder import DecodeStats, PyAVFrameSource
from otio_tools.frames.index import FrameIndex, frame_index
from otio_tools.frames.plan import (
    FilePlan,
    FrameRequest,
    ReadPlan,
    RequestFrames,
    arrays_for_plan,
    frames_for_plan,
    read_plan,
    read_runs,
)
from otio_tools.frames.probe import MediaInfo, probe_media
from otio_tools.frames.source import Frame, FrameSource, InMemoryFrameSource, Undecodable

__all__ = [
    "DEFAULT_LONG_SIDE",
    "CachedFrameSource",
    "DecodeStats",
    "FilePlan",
    "Frame",
    "FrameCache",
    "FrameIndex",
    "FrameRequest",
    "FrameSource",
    "InMemoryFrameSource",
    "MediaInfo",
    "PyAVFrameSource",
    "ReadPlan",
    "RequestFrames",
    "Undecodable",
    "analysis_size",
    "arrays_for_plan",
    "frame_index",
    "frames_for_plan",
    "media_identity",
    "probe_media",
    "read_plan",
    "read_runs",
]
