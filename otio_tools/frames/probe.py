"""What a media file is: frame rate, frame count, size, pixel aspect, rotation, colour and start timecode."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from otio_tools.errors import MediaError
from otio_tools.frames.colour import matrix_name, range_name
from otio_tools.frames.index import FrameIndex, frame_index, open_video

__all__ = ["MediaInfo", "probe_media"]


@dataclasses.dataclass(frozen=True)
class MediaInfo:
    """Facts about a file's first video stream.

    ``fps`` is the exact nominal rate (e.g. ``Fraction(24000, 1001)``); for a
    variable frame rate file (``variable_rate``) it is the average and frame
    numbers do not map to ``N / fps``: use ``FrameIndex.time_of``. ``width`` and
    ``height`` are the stored picture; ``display_size`` applies ``pixel_aspect``
    and ``rotation`` (degrees counter-clockwise, as in the display matrix).
    ``start_timecode`` is the stream's or container's ``timecode`` tag, if any.
    """

    path: str
    codec: str
    width: int
    height: int
    fps: Fraction
    frame_count: int
    pixel_aspect: Fraction
    rotation: int
    pix_fmt: str
    bit_depth: int
    color_matrix: str
    color_range: str
    start_timecode: str | None
    variable_rate: bool
    duration_s: float

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as shown: pixel aspect applied to the width, then rotation."""
        w, h = int(round(self.width * self.pixel_aspect)), self.height
        return (h, w) if self.rotation % 180 else (w, h)


def _variable_rate(index: FrameIndex) -> bool:
    if index.sequential or len(index.pts) < 3:
        return False
    steps = np.diff(index.pts)
    return bool(steps.max() - steps.min() > max(1, 0.02 * np.median(steps)))


def probe_media(path: str | Path, index: FrameIndex | None = None) -> MediaInfo:
    """Probe ``path``; decodes one frame for rotation and colour tags. Pass an ``index`` already built to reuse it."""
    index = index or frame_index(path)
    container, stream = open_video(path)
    try:
        ctx = stream.codec_context
        try:
            first = next(container.decode(stream))
        except (StopIteration, av.error.FFmpegError) as exc:
            raise MediaError(f"{path}: frame 0 cannot be decoded; replace or re-export the file") from exc
        timecode = stream.metadata.get("timecode") or container.metadata.get("timecode")
        if timecode is None:
            timecode = next((s.metadata["timecode"] for s in container.streams if "timecode" in s.metadata), None)
        pix_fmt = first.format.name
        depth = max(c.bits for c in first.format.components) if first.format.components else 8
        fps = stream.guessed_rate or stream.average_rate or Fraction(0)
        variable = _variable_rate(index)
        if variable and stream.average_rate:
            fps = stream.average_rate
        duration = 0.0
        if len(index.pts) > 1:
            duration = float((int(index.pts[-1]) - int(index.pts[0])) * index.time_base) + 1 / float(fps or 1)
        elif fps:
            duration = index.frame_count / float(fps)
        return MediaInfo(
            path=str(path),
            codec=ctx.name,
            width=first.width,
            height=first.height,
            fps=Fraction(fps),
            frame_count=index.frame_count,
            pixel_aspect=Fraction(stream.sample_aspect_ratio or 1),
            rotation=int(first.rotation),
            pix_fmt=pix_fmt,
            bit_depth=depth,
            color_matrix=matrix_name(first.colorspace, first.height, pix_fmt),
            color_range=range_name(first.color_range, pix_fmt),
            start_timecode=timecode,
            variable_rate=variable,
            duration_s=duration,
        )
    finally:
        container.close()
