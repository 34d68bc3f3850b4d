"""QC analysers: what makes a cut jarring and a shot unusable.

The glue decodes the frames the analysers need (:func:`frame_needs`), builds
one :class:`ShotView` per clip and calls :func:`analyse_timeline`::

    findings, scores = analyse_timeline(shots, AnalysisSettings())

``findings`` are :class:`~otio_tools.findings.Finding` objects in record order;
``scores`` the raw per-cut and per-frame measures of every analyser (flat
dicts, ready for CSV), from which thresholds can be tuned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Mapping, Sequence

from otio_tools.analysers.base import (
    CUT_ANALYSERS,
    SHOT_ANALYSERS,
    AnalyserResult,
    CutAnalyser,
    CutContext,
    FrameNeeds,
    MediaInfo,
    ShotAnalyser,
    ShotView,
    setting,
    validate_settings,
)
from otio_tools.analysers.flicker import FlickerAnalyser, FlickerSettings
from otio_tools.analysers.format import FormatAnalyser, FormatSettings, format_findings
from otio_tools.analysers.frozen import FrozenFramesAnalyser, FrozenSettings
from otio_tools.analysers.grade import GradeAnalyser, GradeSettings
from otio_tools.analysers.interruption import (
    BlackFramesAnalyser,
    FlashFrameAnalyser,
    InterruptionSettings,
    is_interruption,
)
from otio_tools.analysers.jump_cut import JumpCutAnalyser, JumpCutSettings
from otio_tools.analysers.morph import MorphAnalyser, MorphSettings
from otio_tools.analysers.photosensitive import PhotosensitiveAnalyser, PhotosensitiveSettings
from otio_tools.analysers.scene import SceneMatch, SceneSettings, scene_match
from otio_tools.errors import ConfigError
from otio_tools.findings import Finding

__all__ = [
    "AnalyserResult",
    "AnalysisSettings",
    "BlackFramesAnalyser",
    "FlashFrameAnalyser",
    "FlickerAnalyser",
    "FormatAnalyser",
    "FrozenFramesAnalyser",
    "GradeAnalyser",
    "JumpCutAnalyser",
    "MorphAnalyser",
    "PhotosensitiveAnalyser",
    "CUT_ANALYSERS",
    "CutAnalyser",
    "CutContext",
    "FlickerSettings",
    "FormatSettings",
    "FrameNeeds",
    "FrozenSettings",
    "GradeSettings",
    "InterruptionSettings",
    "JumpCutSettings",
    "MediaInfo",
    "MorphSettings",
    "PhotosensitiveSettings",
    "SHOT_ANALYSERS",
    "SceneMatch",
    "SceneSettings",
    "ShotAnalyser",
    "ShotView",
    "analyse_timeline",
    "cut_contexts",
    "frame_needs",
]


@dataclass(frozen=True)
class AnalysisSettings:
    """Every analyser's settings, and which analysers run.

    ``long_side`` is the size (px) the glue downscales decoded frames to before
    building :class:`ShotView` objects; analysers downscale further on their own.
    ``enabled`` names analysers of :data:`CUT_ANALYSERS` / :data:`SHOT_ANALYSERS`
    to run (all of them when empty).
    """

    long_side: int = setting(320, 64, 1920, "long side in px of the frames handed to the analysers")
    enabled: tuple[str, ...] = setting((), doc="analysers to run, by registry name (empty: all)")
    scene: SceneSettings = field(default_factory=SceneSettings)
    grade: GradeSettings = field(default_factory=GradeSettings)
    jump_cut: JumpCutSettings = field(default_factory=JumpCutSettings)
    interruption: InterruptionSettings = field(default_factory=InterruptionSettings)
    format: FormatSettings = field(default_factory=FormatSettings)
    flicker: FlickerSettings = field(default_factory=FlickerSettings)
    frozen_frames: FrozenSettings = field(default_factory=FrozenSettings)
    morph: MorphSettings = field(default_factory=MorphSettings)
    photosensitive_flash: PhotosensitiveSettings = field(default_factory=PhotosensitiveSettings)

    def __post_init__(self) -> None:
        validate_settings(self)
        known = set(CUT_ANALYSERS) | set(SHOT_ANALYSERS)
        unknown = [n for n in self.enabled if n not in known]
        if unknown:
            raise ConfigError(f"unknown analyser(s) {', '.join(unknown)}; valid: {', '.join(sorted(known))}")

    def runs(self, name: str) -> bool:
        """True when analyser ``name`` is enabled."""
        return not self.enabled or name in self.enabled

    def for_analyser(self, name: str) -> Any:
        """The settings object of registered analyser ``name`` (flash and black frames share ``interruption``)."""
        return getattr(self, _SETTINGS_OF.get(name, name))


_SETTINGS_OF = {"flash_frame": "interruption", "black_frames": "interruption"}


def frame_needs(settings: AnalysisSettings | None = None) -> FrameNeeds:
    """The frames the enabled analysers need, merged: the most edge frames, the finest body stride."""
    s = settings or AnalysisSettings()
    edge = max([s.grade.edge_frames, s.jump_cut.edge_frames, 2] if any(s.runs(n) for n in CUT_ANALYSERS) else [0])
    strides = [cls.needs.body_stride for name, cls in SHOT_ANALYSERS.items() if s.runs(name) and cls.needs.body_stride]
    return FrameNeeds(edge_frames=edge, body_stride=min(strides) if strides else 0)


def cut_contexts(shots: Sequence[ShotView], settings: AnalysisSettings | None = None) -> list[CutContext]:
    """The cuts of one track's shots (record order), bridging flash frames and black clips.

    A clip that :func:`~otio_tools.analysers.interruption.is_interruption`
    (a flash frame or black media) is not a side of a cut: the shots either
    side of it form the cut, with the clip in ``bridged`` and its frames
    counted in ``gap_frames``.
    """
    s = settings or AnalysisSettings()
    ordered = sorted(shots, key=lambda v: v.record_start)
    cuts: list[CutContext] = []
    previous: ShotView | None = None
    pending: list[ShotView] = []
    for shot in ordered:
        if not (len(shot.head) or len(shot.tail) or len(shot.body)):
            continue  # nothing decoded: no side of a cut
        if is_interruption(shot, s.interruption):
            pending.append(shot)
            continue
        if previous is not None:
            match = scene_match(previous.tail_frames(8), shot.head_frames(8), previous.clip, shot.clip, s.scene)
            cuts.append(
                CutContext(
                    outgoing=previous,
                    incoming=shot,
                    record_frame=shot.record_start,
                    gap_frames=shot.record_start - previous.record_end,
                    scene=match,
                    index=len(cuts),
                    bridged=tuple(pending),
                )
            )
        previous, pending = shot, []
    return cuts


def analyse_timeline(
    shots: Sequence[ShotView],
    settings: AnalysisSettings | None = None,
    *,
    timeline_format: MediaInfo | None = None,
) -> tuple[list[Finding], list[Mapping[str, Any]]]:
    """Run every enabled analyser over ``shots`` (any tracks, any order).

    ``timeline_format`` is the timeline's own format (size, pixel aspect; its
    rate is each shot's ``rate``); without it the most common media format of
    each track is the reference for format_mismatch. Returns the findings
    sorted by track and start, and the raw score rows of all analysers.
    """
    s = settings or AnalysisSettings()
    result = AnalyserResult()
    by_track = sorted(shots, key=lambda v: (v.track, v.record_start))
    for _, group in groupby(by_track, key=lambda v: v.track):
        track_shots = list(group)
        cuts = cut_contexts(track_shots, s)
        for name, cls in CUT_ANALYSERS.items():
            if not s.runs(name):
                continue
            if cls is FormatAnalyser:
                result += format_findings(track_shots, timeline_format, s.format)
                continue
            if cuts:
                result += cls(s.for_analyser(name)).analyse(cuts)
        shot_analysers = [cls(s.for_analyser(name)) for name, cls in SHOT_ANALYSERS.items() if s.runs(name)]
        for shot in track_shots:
            if is_interruption(shot, s.interruption) or len(shot.body) == 0:
                continue
            for analyser in shot_analysers:
                result += analyser.analyse(shot)
    findings = sorted(result.findings, key=lambda f: (f.track, f.start, f.kind))
    return findings, list(result.scores)
