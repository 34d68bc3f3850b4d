"""Frame-accurate decoding of media files with PyAV (FFmpeg).

Frames are identified by timestamp, never by counting after a seek: the file's
:class:`~otio_tools.frames.index.FrameIndex` says which presentation timestamp
frame N has and where the keyframes are. For each run of wanted frames the
source seeks to the run's keyframe, feeds packets until every wanted frame's
packet has gone in, then drains the decoder, so it decodes no packet past the
last wanted frame. Packets before a wanted frame are decoded with
``skip_frame=NONREF``: pictures nothing refers to are not decoded at all.

Files whose timestamps do not give presentation order (see the index) are read
from the start, numbering frames by decode count, which is what a linear
decode does by definition.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from otio_tools.errors import MediaError
from otio_tools.frames.colour import DEFAULT_LONG_SIDE, rgb_for_analysis
from otio_tools.frames.index import FrameIndex, frame_index, index_from_container, open_video
from otio_tools.frames.plan import DEFAULT_SEEK_COST, read_runs
from otio_tools.frames.source import Frame, FrameSource, Undecodable, ascending_frames

__all__ = ["DecodeStats", "PyAVFrameSource"]


@dataclasses.dataclass
class DecodeStats:
    """Running counts of a source's work: pictures the decoder produced, seeks, files opened."""

    frames_decoded: int = 0
    seeks: int = 0
    files_opened: int = 0


class _OutOfOrder(Exception):
    """The decoder output timestamps out of presentation order: the container's timestamps are wrong."""


class _CorruptAfterSeek(Exception):
    """A picture decoded with errors after a seek: the keyframe is no clean entry point."""


class PyAVFrameSource(FrameSource):
    """Decodes frames from files with PyAV, frame-accurately; see the module docstring.

    ``seek_cost`` is what a seek costs in decoded frames (see
    :func:`~otio_tools.frames.plan.read_runs`); ``threads`` is the decoder's
    thread count (0: one per core).
    """

    name = "pyav"

    def __init__(
        self,
        long_side: int | None = DEFAULT_LONG_SIDE,
        seek_cost: int = DEFAULT_SEEK_COST,
        threads: int = 0,
        skip_unwanted: bool = True,
    ) -> None:
        super().__init__(long_side)
        self.seek_cost = seek_cost
        self.threads = threads
        self.skip_unwanted = skip_unwanted
        self.stats = DecodeStats()
        self._indexes: OrderedDict[str, FrameIndex] = OrderedDict()
        self._bad_keys: dict[str, set[int]] = {}

    def index(self, media: str | Path) -> FrameIndex:
        """The frame index of ``media`` (kept for the last 32 files read)."""
        key = str(media)
        return self._indexes.get(key) or self._remember(key, frame_index(media))

    def _remember(self, media: str, index: FrameIndex) -> FrameIndex:
        self._indexes[media] = index
        while len(self._indexes) > 32:
            self._indexes.popitem(last=False)
        return index

    def read(self, media: str, frames: Sequence[int]) -> Iterator[Frame | Undecodable]:
        media = str(media)
        wanted = ascending_frames(frames, media)
        if not wanted:
            return
        try:
            container, stream = self._open(media)
        except MediaError as exc:
            yield Undecodable(media, tuple(wanted), str(exc))
            return
        delivered: set[int] = set()
        beyond: tuple[int, ...] = ()
        try:
            index = self._indexes.get(media)
            if index is None:
                index = self._remember(media, index_from_container(container, stream, media))
            beyond = tuple(f for f in wanted if f >= index.frame_count)
            wanted = [f for f in wanted if f < index.frame_count]
            if index.sequential:
                container.close()
                yield from self._read_counting(media, wanted, delivered)
            else:
                try:
                    yield from self._read_indexed(container, stream, media, index, wanted, delivered)
                except _OutOfOrder:
                    container.close()
                    rest = [f for f in wanted if f not in delivered]
                    yield from self._read_counting(media, rest, delivered)
        except MediaError as exc:
            rest = tuple(f for f in wanted if f not in delivered)
            if rest:
                yield Undecodable(media, rest, str(exc))
            delivered.update(rest)
        finally:
            container.close()
        missing = tuple(f for f in wanted if f not in delivered)
        if missing:
            yield Undecodable(media, missing, "the decoder returned no picture for these frames (damaged stream)")
        if beyond:
            yield Undecodable(media, beyond, f"beyond the last frame ({index.frame_count - 1})")

    def _open(self, media: str) -> tuple[av.container.InputContainer, av.video.stream.VideoStream]:
        container, stream = open_video(media, quick=True)
        stream.codec_context.skip_frame = "DEFAULT"
        stream.codec_context.thread_type = "AUTO"
        stream.codec_context.thread_count = self.threads
        self.stats.files_opened += 1
        return container, stream

    def _converter(self, stream: av.video.stream.VideoStream):
        long_side = self.long_side
        reformatter = VideoReformatter()  # one scaler per stream, reused frame after frame

        def convert(frame: av.VideoFrame) -> np.ndarray:
            # The decoder knows a bitstream-only aspect ratio once it has decoded a frame.
            sar = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
            image = rgb_for_analysis(frame, sar, long_side, reformatter)
            image.flags.writeable = False
            return image

        return convert

    def _decode(self, stream, packet) -> list[av.VideoFrame]:
        try:
            decoded = stream.codec_context.decode(packet)
        except av.error.FFmpegError:
            return []  # a damaged packet: its frames are reported as undecodable
        self.stats.frames_decoded += len(decoded)
        return decoded

    def _read_indexed(self, container, stream, media: str, index: FrameIndex, wanted: list[int], delivered: set[int]):
        convert = self._converter(stream)
        bad_keys = self._bad_keys.setdefault(media, set())
        for run in read_runs(np.array(wanted), index.keyframes, self.seek_cost):
            pending = set(int(f) for f in run)
            key_pos = int(np.searchsorted(index.keyframes, run[0], side="right")) - 1
            while pending:
                while key_pos > 0 and key_pos in bad_keys:
                    key_pos -= 1
                try:
                    yield from self._decode_run(container, stream, index, key_pos, pending, delivered, convert, media)
                except _CorruptAfterSeek:
                    bad_keys.add(key_pos)  # not a clean entry point for this decoder: start earlier
                    continue
                break

    def _decode_run(self, container, stream, index, key_pos, pending, delivered, convert, media):
        """Seek to keyframe ``key_pos`` and decode until every pending frame is out; drains the decoder."""
        ctx = stream.codec_context
        packets = self._seek(container, stream, index, key_pos, media)
        unfed = set(int(index.pts[f]) for f in pending)
        state = {"last": -1, "corrupt": []}
        for packet in packets:
            if self.skip_unwanted:
                ctx.skip_frame = "DEFAULT" if packet.pts in unfed else "NONREF"
            unfed.discard(packet.pts)
            for frame in self._decode(stream, packet):
                yield from self._deliver(frame, index, key_pos, pending, delivered, convert, media, state)
            if not unfed:
                break
        ctx.skip_frame = "DEFAULT"
        for frame in self._decode(stream, None):
            yield from self._deliver(frame, index, key_pos, pending, delivered, convert, media, state)
        if state["corrupt"]:
            yield Undecodable(media, tuple(state["corrupt"]), "decoded with errors (damaged stream)")

    def _deliver(self, frame, index, key_pos, pending, delivered, convert, media, state):
        number = index.frame_of_pts(frame.pts) if frame.pts is not None else None
        if number is None or number <= state["last"]:
            raise _OutOfOrder
        state["last"] = number
        if frame.is_corrupt and key_pos > 0:
            # Any damaged picture after a seek, wanted or not, may be referenced by a wanted one.
            raise _CorruptAfterSeek
        if number in pending:
            pending.discard(number)
            delivered.add(number)
            if frame.is_corrupt:
                state["corrupt"].append(number)
            else:
                yield Frame(media, number, convert(frame))

    def _seek(self, container, stream, index: FrameIndex, key_pos: int, media: str):
        """Seek to keyframe ``key_pos`` and return the packet iterator from there.

        Demuxers seek by presentation (MP4, MKV) or decode timestamp; seeking by
        presentation timestamp can land past the keyframe in the latter, which
        the first packet shows, and then the decode timestamp is used, then the start.
        """
        key_dts = int(index.key_dts[key_pos])
        for ts in (int(index.seek_ts[key_pos]), min(key_dts, int(index.seek_ts[key_pos])) - 1, None):
            self.stats.seeks += 1
            try:
                if ts is None:
                    container.seek(0, backward=True)
                else:
                    container.seek(ts, stream=stream, backward=True)
            except av.error.FFmpegError as exc:
                raise MediaError(f"{media}: seeking to frame {index.keyframes[key_pos]} failed ({exc}); re-export the file") from exc
            stream.codec_context.flush_buffers()
            packets = self._demux(container, stream, media)
            first = next(packets, None)
            if first is None or ts is None or first.dts is None or first.dts <= key_dts:
                return itertools.chain([first] if first is not None else [], packets)
        raise AssertionError("unreachable")

    def _demux(self, container, stream, media: str):
        try:
            for packet in container.demux(stream):
                if packet.size:
                    yield packet
        except av.error.FFmpegError:
            return  # truncated or damaged: frames not reached are reported as undecodable

    def _read_counting(self, media: str, wanted: list[int], delivered: set[int]):
        if not wanted:
            return
        container, stream = self._open(media)
        convert = self._converter(stream)
        wanted_set = set(wanted)
        count = 0
        try:
            for packet in itertools.chain(self._demux(container, stream, media), [None]):
                for frame in self._decode(stream, packet):
                    if count in wanted_set and count not in delivered:
                        delivered.add(count)
                        yield Frame(media, count, convert(frame))
                    count += 1
                if count > wanted[-1]:
                    break
        finally:
            container.close()
