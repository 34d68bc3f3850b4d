"""Inputs, base classes and the registry of the QC analysers.

The analysers never decode video. Whoever drives them (the review glue)
decodes the frames each analyser asks for (:class:`FrameNeeds`), downscales
them once to ``AnalysisSettings.long_side`` and hands over one
:class:`ShotView` per clip. Cuts are built from consecutive shots of a track
(:class:`CutContext`). Two extension points, each with one required method:

- :class:`CutAnalyser.analyse` sees every cut of a track at once, so it can
  judge each cut against its neighbours;
- :class:`ShotAnalyser.analyse` sees one shot's frames.

Both return an :class:`AnalyserResult`: findings plus raw score rows (one per
cut or per frame) that can be written to CSV to tune thresholds from data.
"""

from __future__ import annotations

import abc
import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

import numpy as np

from otio_tools.analysers.colour import as_float, downscaled
from otio_tools.errors import ConfigError
from otio_tools.findings import Finding

if TYPE_CHECKING:
    from otio_tools.analysers.scene import SceneMatch

__all__ = [
    "AnalyserResult",
    "CUT_ANALYSERS",
    "CutAnalyser",
    "CutContext",
    "FrameNeeds",
    "MediaInfo",
    "SHOT_ANALYSERS",
    "ShotAnalyser",
    "ShotView",
    "register",
    "setting",
    "settings_fields",
    "validate_settings",
]



def setting(default: Any, lo: float | None = None, hi: float | None = None, doc: str = "") -> Any:
    """A settings field with its bounds and its one-line meaning (read by docs and config)."""
    return field(default=default, metadata={"min": lo, "max": hi, "doc": doc})


def settings_fields(settings: Any) -> list[tuple[str, Any, Any, Any, str]]:
    """(name, value, min, max, meaning) of each plain field of a settings dataclass, for docs, CLI and config."""
    return [
        (f.name, getattr(settings, f.name), f.metadata.get("min"), f.metadata.get("max"), f.metadata.get("doc", ""))
        for f in dataclasses.fields(settings)
        if not dataclasses.is_dataclass(getattr(settings, f.name))
    ]


def validate_settings(settings: Any) -> None:
    """Raise :class:`ConfigError` when a field of a settings dataclass is out of its bounds."""
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        lo, hi = f.metadata.get("min"), f.metadata.get("max")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ConfigError(
                    f"{type(settings).__name__}.{f.name} = {value} is out of bounds; "
                    f"valid range: {lo} to {hi} ({f.metadata.get('doc', '')})"
                )



@dataclass(frozen=True)
class MediaInfo:
    """The technical format of a clip's media (or of the timeline).

    ``width``/``height`` are stored pixels; ``pixel_aspect`` the sample aspect
    ratio (1.0 square); ``fps`` frames per second; ``matrix`` the colour
    matrix name as the decoder reports it (``"bt709"``, ``"bt601"``...);
    ``bit_depth`` bits per component. Unknown values are None.
    """

    width: int
    height: int
    pixel_aspect: float = 1.0
    fps: float | None = None
    matrix: str | None = None
    bit_depth: int | None = None

    @property
    def display_aspect(self) -> float:
        """Width over height as displayed (pixel aspect applied)."""
        return self.width * self.pixel_aspect / self.height


@dataclass(frozen=True)
class FrameNeeds:
    """Which frames an analyser needs, so the glue can plan its reads.

    ``edge_frames`` frames at each end of a clip (``ShotView.head``/``tail``);
    ``body_stride`` the step between body frames (1 = every frame, 0 = no body
    frames needed); all frames downscaled to ``AnalysisSettings.long_side``.
    """

    edge_frames: int = 0
    body_stride: int = 0


def _check_frames(name: str, frames: np.ndarray) -> None:
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"{name} must be an [n, h, w, 3] RGB array, got shape {frames.shape}")
    if frames.dtype not in (np.uint8, np.float32):
        raise ValueError(f"{name} must be uint8 (0-255) or float32 (0-1), got {frames.dtype}")


def _empty_frames(like: np.ndarray | None = None) -> np.ndarray:
    if like is not None and like.ndim == 4:
        return np.zeros((0,) + like.shape[1:], like.dtype)
    return np.zeros((0, 1, 1, 3), np.uint8)


@dataclass(frozen=True, eq=False)
class ShotView:
    """One clip of a track, as the analysers see it.

    Record frames count from the first frame of the timeline. ``head`` holds
    the first frames of the used range in order, ``tail`` the last ones (both
    ``[n, h, w, 3]``, sRGB, uint8 0-255 or float32 0-1, display orientation,
    square pixels). ``body`` holds frames of the used range at a stride, with
    ``body_frames`` their record frame numbers (increasing). ``media`` is
    None when the glue could not probe the media.
    """

    track: int
    clip: str
    record_start: int
    duration: int
    rate: float
    media: MediaInfo | None
    head: np.ndarray
    tail: np.ndarray
    body: np.ndarray = field(default_factory=_empty_frames)
    body_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self) -> None:
        for name in ("head", "tail", "body"):
            _check_frames(f"ShotView.{name} of {self.clip!r}", getattr(self, name))
        frames = np.asarray(self.body_frames, dtype=np.int64)
        object.__setattr__(self, "body_frames", frames)
        if frames.shape != (len(self.body),):
            raise ValueError(
                f"ShotView.body_frames of {self.clip!r} has {frames.shape[0] if frames.ndim else 0} "
                f"entries for {len(self.body)} body frames"
            )
        if self.duration < 1:
            raise ValueError(f"ShotView {self.clip!r} has duration {self.duration}; must be >= 1 frame")
        if self.rate <= 0:
            raise ValueError(f"ShotView {self.clip!r} has rate {self.rate}; must be > 0")

    @property
    def record_end(self) -> int:
        """The record frame after the clip's last frame."""
        return self.record_start + self.duration

    def thumbnails(self, long_side: int = 64) -> np.ndarray:
        """``body`` as float32 sRGB (0-1) downscaled to ``long_side``; computed once per size and kept."""
        cache = self.__dict__.setdefault("_thumbnails", {})
        if long_side not in cache:
            cache[long_side] = as_float(downscaled(self.body, long_side))
        return cache[long_side]

    def head_frames(self, n: int) -> np.ndarray:
        """Up to ``n`` first frames: from ``head``, else from ``body`` (which may be strided)."""
        return (self.head if len(self.head) else self.body)[:n]

    def tail_frames(self, n: int) -> np.ndarray:
        """Up to ``n`` last frames: from ``tail``, else from ``body`` (which may be strided)."""
        frames = self.tail if len(self.tail) else self.body
        return frames[max(0, len(frames) - n) :]


@dataclass(frozen=True, eq=False)
class CutContext:
    """An edit point between two shots of one track.

    ``record_frame`` is the first frame of the incoming shot; ``gap_frames``
    the record frames between the outgoing shot's end and it (a gap in the
    track, or clips bridged over because they are flash or black frames, see
    ``bridged``). ``scene`` is the same-scene estimate for the pair (see
    :mod:`otio_tools.analysers.scene`). ``index`` is the cut's position in
    the track's list of cuts, so an analyser can look at its neighbours.
    """

    outgoing: ShotView
    incoming: ShotView
    record_frame: int
    gap_frames: int
    scene: "SceneMatch"
    index: int = 0
    bridged: tuple[ShotView, ...] = ()

    @property
    def track(self) -> int:
        """The track index of the incoming shot."""
        return self.incoming.track



@dataclass(frozen=True)
class AnalyserResult:
    """Findings and raw score rows (flat dicts of numbers and names) of one analyser run."""

    findings: tuple[Finding, ...] = ()
    scores: tuple[Mapping[str, Any], ...] = ()

    def __add__(self, other: "AnalyserResult") -> "AnalyserResult":
        return AnalyserResult(self.findings + other.findings, self.scores + other.scores)



class CutAnalyser(abc.ABC):
    """Judges every cut of a track; one required method, :meth:`analyse`.

    Subclasses set ``name`` (the registry key and the settings attribute of
    :class:`~otio_tools.analysers.AnalysisSettings`), ``kinds`` (finding kinds
    they emit), ``settings_class`` and ``needs``.
    """

    name: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]]
    settings_class: ClassVar[type]
    needs: ClassVar[FrameNeeds] = FrameNeeds()

    def __init__(self, settings: Any = None) -> None:
        self.settings = self.settings_class() if settings is None else settings
        validate_settings(self.settings)

    @abc.abstractmethod
    def analyse(self, cuts: Sequence[CutContext]) -> AnalyserResult:
        """Findings and one score row per cut for all ``cuts`` of one track, in record order."""


class ShotAnalyser(abc.ABC):
    """Looks inside one shot; one required method, :meth:`analyse`."""

    name: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]]
    settings_class: ClassVar[type]
    needs: ClassVar[FrameNeeds] = FrameNeeds(body_stride=1)

    def __init__(self, settings: Any = None) -> None:
        self.settings = self.settings_class() if settings is None else settings
        validate_settings(self.settings)

    @abc.abstractmethod
    def analyse(self, shot: ShotView) -> AnalyserResult:
        """Findings and per-frame score rows for one shot."""



CUT_ANALYSERS: dict[str, type[CutAnalyser]] = {}
SHOT_ANALYSERS: dict[str, type[ShotAnalyser]] = {}


def register(cls: type) -> type:
    """Class decorator: add an analyser to :data:`CUT_ANALYSERS` or :data:`SHOT_ANALYSERS`."""
    registry = CUT_ANALYSERS if issubclass(cls, CutAnalyser) else SHOT_ANALYSERS
    registry[cls.name] = cls
    return cls
