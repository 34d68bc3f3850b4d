"""Frame index of a media file: which timestamp is frame N, and where the keyframes are.

Frames are numbered 0, 1, 2, ... in presentation order, the order a linear
decode of the file outputs them. The index is built by demuxing the video
stream (reading packets, decoding nothing), so it costs a read of the file and
no decode. For a variable frame rate file frame N is still the N-th frame
shown; its time is ``pts[N] * time_base``, not ``N / fps``.

Where a container's timestamps cannot be trusted to put frames in presentation
order (AVI and raw streams carrying B-frames, or MP4 files muxed without
composition offsets) the index is marked ``sequential``: frames are then
numbered by counting a decode from the start of the file, and never by seeking.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from otio_tools.errors import MediaError

__all__ = ["FrameIndex", "frame_index", "open_video"]

# Containers that store decode-order timestamps only: with frame reordering the
# presentation order is the decoder's, not the container's.
_NO_PRESENTATION_TIMESTAMPS = frozenset({"avi", "h264", "hevc", "m4v", "mpegvideo", "flv", "asf"})


@dataclasses.dataclass(frozen=True, eq=False)
class FrameIndex:
    """Presentation timestamps and keyframes of one video stream.

    ``pts[N]`` is the timestamp (in ``time_base`` units) of frame N; ``keyframes``
    are the frame numbers a decode can start from, ascending; ``seek_ts`` and
    ``key_dts`` are the presentation and decode timestamps of each keyframe's
    packet (demuxers seek by one or the other). ``sequential`` indexes number
    frames by decode count; their ``pts`` are empty and ``keyframes`` is ``[0]``.
    """

    media: str
    frame_count: int
    time_base: Fraction
    pts: np.ndarray
    keyframes: np.ndarray
    seek_ts: np.ndarray
    key_dts: np.ndarray
    sequential: bool

    def frame_of_pts(self, pts: int) -> int | None:
        """The frame number shown at exactly ``pts``, or None when no frame has it."""
        i = int(np.searchsorted(self.pts, pts))
        if i < len(self.pts) and self.pts[i] == pts:
            return i
        return None

    def time_of(self, frame: int) -> float:
        """Presentation time of ``frame`` in seconds from the stream's first frame."""
        if self.sequential or not len(self.pts):
            raise MediaError(f"{self.media}: frame times are unknown (timestamps not in presentation order)")
        return float((int(self.pts[frame]) - int(self.pts[0])) * self.time_base)

    def frame_at_time(self, seconds: float) -> int:
        """The frame on screen ``seconds`` after the first frame (the last one starting at or before it)."""
        if self.sequential or not len(self.pts):
            raise MediaError(f"{self.media}: frame times are unknown (timestamps not in presentation order)")
        ts = int(self.pts[0]) + seconds / self.time_base
        return max(0, int(np.searchsorted(self.pts, ts + 1e-9, side="right")) - 1)


def open_video(path: str | Path, quick: bool = False) -> tuple[av.container.InputContainer, av.video.stream.VideoStream]:
    """Open a file and its first video stream, raising MediaError with the reason.

    ``quick`` skips decoding pictures while probing the streams, which saves
    about the cost of decoding a few frames per file: codec parameters then
    come from the container and the bitstream headers, which is all decoding
    needs (the pixel aspect ratio may then only be known after the first decode).
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: media file not found; relink the clip or check the path")
    try:
        container = av.open(str(path), metadata_errors="ignore", options={"skip_frame": "all"} if quick else None)
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path}: cannot be opened as media ({exc}); re-export or replace the file") from exc
    if not container.streams.video:
        container.close()
        raise MediaError(f"{path}: has no video stream; link a video file")
    return container, container.streams.video[0]


def _timestamps_trusted(container_format: str, has_reordering: bool, pts: np.ndarray, dts: np.ndarray) -> bool:
    names = set(container_format.split(","))
    if not has_reordering:
        return True
    if names & _NO_PRESENTATION_TIMESTAMPS:
        return False
    # B-frames muxed without composition offsets: every pts equals its dts.
    return not (len(pts) > 2 and np.array_equal(pts, dts))


def frame_index(path: str | Path) -> FrameIndex:
    """Build the index of the first video stream of ``path`` by demuxing it (no decode)."""
    container, stream = open_video(path, quick=True)
    try:
        return index_from_container(container, stream, str(path))
    finally:
        container.close()


def index_from_container(container: av.container.InputContainer, stream: av.video.stream.VideoStream, media: str) -> FrameIndex:
    """Build the index from an open container by demuxing ``stream`` to its end; seek before reading on."""
    rows = []
    try:
        for packet in container.demux(stream):
            if packet.size == 0 or packet.is_discard:
                continue
            rows.append((packet.pts, packet.dts, packet.is_keyframe))
    except av.error.FFmpegError:
        pass  # a damaged tail: index what could be read; the decode reports the rest
    time_base = stream.time_base or Fraction(1, 1)
    fmt = container.format.name
    if not rows:
        raise MediaError(f"{media}: no video packets could be read; the file is empty or damaged, replace it")
    has_pts = all(r[0] is not None for r in rows)
    pts = np.array([r[0] if r[0] is not None else -1 for r in rows], dtype=np.int64)
    dts = np.array([r[1] if r[1] is not None else r[0] if r[0] is not None else -1 for r in rows], dtype=np.int64)
    keys = np.array([r[2] for r in rows], dtype=bool)
    order = np.argsort(pts, kind="stable")
    reordering = bool(stream.codec_context.has_b_frames) or bool(np.any(np.diff(pts) < 0))
    if not has_pts or len(np.unique(pts)) != len(pts) or not _timestamps_trusted(fmt, reordering, pts, dts):
        return FrameIndex(media, len(rows), Fraction(time_base), np.empty(0, np.int64),
                          np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64), sequential=True)
    sorted_pts = pts[order]
    key_frames = np.flatnonzero(keys[order])
    if not len(key_frames) or key_frames[0] != 0:
        key_frames = np.concatenate([[0], key_frames])
    return FrameIndex(media, len(rows), Fraction(time_base), sorted_pts, key_frames.astype(np.int64),
                      sorted_pts[key_frames], dts[order][key_frames], sequential=False)
