"""The review: relink a timeline's picture, decode what the analysers need, run them.

The flow is: the cut model gives the picture's shots in record frames;
relinking finds each shot's file; the shot's record frames are mapped to media
frames (through speed effects and the media's own start timecode); one read
plan gathers every frame window the analysers ask for (their ``FrameNeeds``),
file by file in one forward pass, through the on-disk cache; shot analysers
run as soon as a file's frames are in, so only the few edge frames of each
shot are kept for the cut analysers. Shots whose media is missing, ambiguous
or unreadable are skipped and listed; the analysers never judge a cut across
a skipped shot.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from otio_tools.cuts import Shot, TimelineCuts, timeline_cuts
from otio_tools.errors import MediaError
from otio_tools.findings import Finding, Severity
from otio_tools.relink import MediaLink, Relinker
from otio_tools.timeline_io import TimelineFile, read_timeline

__all__ = ["ReviewResult", "ShotMedia", "review_timeline", "default_frame_source", "REPORT_VERSION"]

log = logging.getLogger(__name__)

REPORT_VERSION = 1


@dataclass(frozen=True)
class ShotMedia:
    """What the review knows about one picture shot's media.

    ``status`` is the link's (``linked``, ``missing``, ``ambiguous``) or
    ``unreadable`` when the file could not be probed; ``frames`` maps each
    record frame of the shot to its media frame; ``undecodable`` lists media
    frames that could not be decoded.
    """

    shot: Shot
    link: MediaLink
    status: str
    info: Any = None
    frames: tuple[int, ...] = ()
    reason: str | None = None
    undecodable: tuple[int, ...] = ()

    def to_json(self) -> dict:
        data = self.link.to_json()
        data.update(status=self.status, record_start=self.shot.record_start,
                    record_duration=self.shot.record_duration)
        if self.reason:
            data["reason"] = self.reason
        if self.undecodable:
            data["undecodable_frames"] = list(self.undecodable)
        if self.info is not None:
            data["format"] = {
                "width": self.info.width, "height": self.info.height, "fps": float(self.info.fps),
                "pixel_aspect": float(self.info.pixel_aspect), "codec": self.info.codec,
                "matrix": self.info.color_matrix, "range": self.info.color_range, "bit_depth": self.info.bit_depth,
            }
        return data


@dataclass(frozen=True)
class ReviewResult:
    """Everything a review found: findings, per-shot media status, raw scores and run figures."""

    timeline_file: TimelineFile
    cuts: TimelineCuts
    findings: tuple[Finding, ...]
    media: tuple[ShotMedia, ...]
    scores: tuple[Mapping[str, Any], ...] = ()
    frames_decoded: int = 0
    seconds: float = 0.0
    analysis_seconds: float = 0.0
    outputs: Mapping[str, str] = field(default_factory=dict)
    rewritten: Any = None

    @property
    def worst(self) -> Severity | None:
        """The most severe finding's severity, or None when nothing was found."""
        return max((f.severity for f in self.findings), default=None)

    def failed(self, fail_on: str = "error") -> bool:
        """True when a finding reaches *fail_on* (``warning`` or ``error``; ``never`` is never)."""
        if fail_on == "never":
            return False
        return self.worst is not None and self.worst >= Severity(fail_on)

    def report(self) -> dict:
        """The JSON report (see ``otio_tools/schemas/report-1.schema.json``)."""
        from otio_tools import __version__

        by_kind: dict[str, int] = {}
        by_severity: dict[str, int] = {}
        findings = []
        for finding in self.findings:
            by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
            by_severity[finding.severity.value] = by_severity.get(finding.severity.value, 0) + 1
            data = finding.to_json()
            data["timecode"] = self.cuts.timecode(finding.start)
            findings.append(data)
        tf = self.timeline_file
        return {
            "report_version": REPORT_VERSION,
            "tool": {"name": "otio-tools", "version": __version__},
            "timeline": {
                "file": tf.path, "format": tf.format.name, "name": tf.timeline.name or "",
                "rate": self.cuts.rate, "start_timecode": self.cuts.timecode(0),
                "drop_frame": self.cuts.drop_frame, "duration": self.cuts.duration,
            },
            "media": [m.to_json() for m in self.media],
            "summary": {
                "findings": len(self.findings), "by_kind": by_kind, "by_severity": by_severity,
                "frames_decoded": self.frames_decoded, "seconds": round(self.seconds, 3),
                "analysis_seconds": round(self.analysis_seconds, 3),
            },
            "findings": findings,
            "outputs": dict(self.outputs),
        }


def _media_start(shot: Shot, info) -> float:
    """The media's first frame in the shot's source time base.

    Timelines count source time either from the file's start timecode
    (Avid, Premiere, Resolve) or from 0 (files with no timecode, generated
    timelines); a source in point before the start timecode means the latter.
    """
    if not info.start_timecode:
        return 0.0
    import opentimelineio as otio

    try:
        start = otio.opentime.from_timecode(info.start_timecode.replace(";", ":"), float(info.fps))
    except ValueError:
        return 0.0
    start_frames = start.rescaled_to(shot.source_rate).value
    return start_frames if shot.source_start >= start_frames else 0.0


def shot_media(cuts: TimelineCuts, relinker: Relinker, probe: Callable) -> list[ShotMedia]:
    """Link and probe every picture shot, and map its record frames to media frames."""
    out = []
    for shot in cuts.picture.shots:
        source = shot.clip.source_range if shot.clip is not None else None
        link = relinker.link(shot.name, shot.media_url, shot.reel, source)
        if link.status != "linked":
            reason = "media not found" if link.status == "missing" else "several files match"
            out.append(ShotMedia(shot, link, link.status, reason=reason))
            continue
        try:
            info = probe(link.path)
        except MediaError as exc:
            out.append(ShotMedia(shot, link, "unreadable", reason=str(exc)))
            continue
        frames = shot.media_frames(_media_start(shot, info), float(info.fps))
        outside = sorted({f for f in frames if f < 0 or f >= info.frame_count})
        out.append(ShotMedia(shot, link, "linked", info, tuple(frames), undecodable=tuple(outside),
                             reason=f"{len(outside)} frames lie outside the media" if outside else None))
    return out


def _analysis_media_info(info):
    from otio_tools.analysers import MediaInfo as AnalysisMediaInfo

    width, height = info.display_size if info.rotation % 180 else (info.width, info.height)
    return AnalysisMediaInfo(
        width=width, height=height, pixel_aspect=float(info.pixel_aspect), fps=float(info.fps),
        matrix=info.color_matrix, bit_depth=info.bit_depth,
    )


def _wanted_offsets(duration: int, edge: int, stride: int) -> dict[str, list[int]]:
    """Record offsets into a shot for its head, tail and body frames."""
    head = list(range(min(edge, duration)))
    tail = list(range(max(0, duration - edge), duration))
    body: list[int] = []
    if stride:
        body = list(range(0, duration, stride))
        if body[-1] != duration - 1:
            body.append(duration - 1)
    return {"head": head, "tail": tail, "body": body}


def _stack(images: list[np.ndarray]) -> np.ndarray:
    if not images:
        return np.zeros((0, 1, 1, 3), np.uint8)
    return np.stack(images)


def _shot_view(item: ShotMedia, track: int, got: dict[int, np.ndarray], offsets: dict[str, list[int]]):
    from otio_tools.analysers import ShotView

    shot = item.shot
    parts = {}
    for part, wanted in offsets.items():
        present = [o for o in wanted if item.frames[o] in got]
        parts[part] = (_stack([got[item.frames[o]] for o in present]), np.array(present, np.int64) + shot.record_start)
    return ShotView(
        track=track, clip=shot.name, record_start=shot.record_start, duration=shot.record_duration,
        rate=shot.record_rate, media=_analysis_media_info(item.info),
        head=parts["head"][0], tail=parts["tail"][0], body=parts["body"][0], body_frames=parts["body"][1],
    )


def _default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "otio-tools")


def default_frame_source(long_side: int, use_cache: bool = True, cache_dir: str | None = None):
    """The review's frame source: the PyAV decoder at *long_side*, behind the disk cache unless not *use_cache*.

    Returns (source, decoder, cache): read through *source*, count work on
    *decoder*, close *cache* (None without one) when done.
    """
    from otio_tools.frames import CachedFrameSource, FrameCache, PyAVFrameSource

    decoder = PyAVFrameSource(long_side=long_side)
    if not use_cache:
        return decoder, decoder, None
    cache = FrameCache(cache_dir or _default_cache_dir())
    return CachedFrameSource(decoder, cache), decoder, cache


@dataclass(frozen=True)
class _FileWork:
    """One media file's share of a review: its read plan and the shots that use it."""

    plan: Any
    items: dict[int, ShotMedia]
    offsets: dict[int, dict[str, list[int]]]


@dataclass
class _FileOutcome:
    views: dict[int, Any] = field(default_factory=dict)
    items: dict[int, ShotMedia] = field(default_factory=dict)
    findings: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    frames: int = 0
    analysis_seconds: float = 0.0


def _review_file(work: _FileWork, settings, source) -> _FileOutcome:
    """Decode one file's frames, run the shot analysers on its shots, keep their edge frames for the cuts."""
    from otio_tools.analysers import SHOT_ANALYSERS
    from otio_tools.analysers.interruption import is_interruption
    from otio_tools.frames.plan import ReadPlan, frames_for_plan

    outcome = _FileOutcome(frames=len(work.plan.frames))
    got: dict[str, dict[int, np.ndarray]] = {}
    bad: dict[str, list[int]] = {}
    for delivered in frames_for_plan(ReadPlan((work.plan,)), source):
        for request_id in delivered.requests:
            if hasattr(delivered, "image"):
                got.setdefault(request_id, {})[delivered.number] = delivered.image
            else:
                bad.setdefault(request_id, []).extend(delivered.frames)
    shot_analysers = [cls(settings.for_analyser(n))
                      for n, cls in SHOT_ANALYSERS.items() if settings.runs(n)]
    for i, item in work.items.items():
        key = str(i)
        if bad.get(key):
            item = dataclasses.replace(
                item, undecodable=tuple(sorted(set(item.undecodable) | set(bad[key]))),
                reason=f"{len(set(bad[key]))} frames could not be decoded")
        if not got.get(key):
            outcome.items[i] = dataclasses.replace(item, status="unreadable", reason=item.reason or "no frame decoded")
            continue
        outcome.items[i] = item
        view = _shot_view(item, 0, got[key], work.offsets[i])
        started = time.perf_counter()
        if not is_interruption(view, settings.interruption) and len(view.body):
            for analyser in shot_analysers:
                result = analyser.analyse(view)
                outcome.findings.extend(result.findings)
                outcome.scores.extend(result.scores)
        outcome.analysis_seconds += time.perf_counter() - started
        outcome.views[i] = dataclasses.replace(view, body=view.body[:0], body_frames=view.body_frames[:0])
    return outcome


def _review_file_in_worker(work: _FileWork, settings, use_cache: bool, cache_dir: str | None):
    source, decoder, cache = default_frame_source(settings.long_side, use_cache, cache_dir)
    try:
        outcome = _review_file(work, settings, source)
    finally:
        if cache is not None:
            cache.close()
    return outcome, decoder.stats.frames_decoded


def review_timeline(
    timeline: TimelineFile | str | os.PathLike,
    *,
    media_roots: Iterable[str] = (),
    rate: float | None = None,
    settings=None,
    source=None,
    cache_dir: str | None = None,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Callable[[dict], None] | None = None,
) -> ReviewResult:
    """Review the picture of *timeline*: relink, decode what the analysers need, run them.

    *timeline* is a path or an already read :class:`TimelineFile`. *source*
    is a :class:`~otio_tools.frames.FrameSource` (default: the PyAV decoder at
    the settings' analysis size, behind the on-disk cache in *cache_dir*).
    *jobs* > 1 reviews media files in that many processes (default source
    only). *progress* is called with a dict after each media file
    (``file``, ``files_done``, ``files``, ``frames_done``, ``frames``).
    """
    from otio_tools.analysers import AnalysisSettings, analyse_timeline, frame_needs
    from otio_tools.frames import FrameRequest, probe_media, read_plan

    started = time.perf_counter()
    media_roots = list(media_roots)
    if not isinstance(timeline, TimelineFile):
        timeline = read_timeline(timeline, rate=rate, media_roots=media_roots)
    settings = settings or AnalysisSettings()
    if source is not None and jobs > 1:
        raise ValueError("jobs > 1 needs the default frame source; pass source=None")
    cuts = timeline_cuts(timeline.timeline)
    items = shot_media(cuts, Relinker(timeline.path, media_roots), probe_media)

    needs = frame_needs(settings)
    offsets = {i: _wanted_offsets(it.shot.record_duration, needs.edge_frames, needs.body_stride)
               for i, it in enumerate(items) if it.status == "linked"}
    requests = []
    for i, wanted in offsets.items():
        item = items[i]
        frames = sorted({item.frames[o] for part in wanted.values() for o in part} - set(item.undecodable))
        requests.append(FrameRequest(str(i), item.link.path, tuple(frames), "review"))
    plan = read_plan(requests)
    work = []
    for file_plan in plan.files:
        ids = sorted({int(r) for rs in file_plan.wanted_by.values() for r in rs})
        # Worker processes get shots without their OTIO clip objects, which do not pickle.
        work.append(_FileWork(file_plan, {i: dataclasses.replace(items[i], shot=dataclasses.replace(
            items[i].shot, clip=None)) if jobs > 1 else items[i] for i in ids}, {i: offsets[i] for i in ids}))

    views: dict[int, Any] = {}
    findings: list[Finding] = []
    scores: list[Mapping[str, Any]] = []
    frames_decoded = 0
    done_frames = 0
    analysis_seconds = 0.0

    def collect(n: int, file_work: _FileWork, outcome: _FileOutcome) -> None:
        nonlocal done_frames, analysis_seconds
        analysis_seconds += outcome.analysis_seconds
        views.update(outcome.views)
        for i, item in outcome.items.items():
            items[i] = dataclasses.replace(item, shot=items[i].shot)
        findings.extend(outcome.findings)
        scores.extend(outcome.scores)
        done_frames += outcome.frames
        if progress:
            progress({"file": file_work.plan.media, "files_done": n, "files": len(work),
                      "frames_done": done_frames, "frames": plan.frame_count})

    if jobs > 1 and len(work) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_review_file_in_worker, w, settings, use_cache, cache_dir) for w in work]
            for n, (file_work, future) in enumerate(zip(work, futures), 1):
                outcome, decoded = future.result()
                frames_decoded += decoded
                collect(n, file_work, outcome)
    else:
        cache = None
        decoder = source
        if source is None:
            source, decoder, cache = default_frame_source(settings.long_side, use_cache, cache_dir)
        try:
            for n, file_work in enumerate(work, 1):
                collect(n, file_work, _review_file(file_work, settings, source))
        finally:
            if cache is not None:
                cache.close()
        frames_decoded = getattr(getattr(decoder, "stats", None), "frames_decoded", 0) \
            or getattr(decoder, "frames_decoded", 0)

    # Cut analysers run on runs of consecutive reviewed shots: never across a skipped one.
    segment: list = []
    segments = [segment]
    for i in range(len(items)):
        if i in views:
            segment.append(views[i])
        else:
            segment = []
            segments.append(segment)
    for segment in segments:
        if segment:
            started_cuts = time.perf_counter()
            cut_findings, cut_scores = analyse_timeline(segment, settings)
            analysis_seconds += time.perf_counter() - started_cuts
            findings.extend(cut_findings)
            scores.extend(cut_scores)
    findings.sort(key=lambda f: (f.start, f.kind))
    return ReviewResult(timeline, cuts, tuple(findings), tuple(items), tuple(scores),
                        frames_decoded, time.perf_counter() - started, analysis_seconds)
