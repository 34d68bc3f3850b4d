"""Replacement-take slots: alternate generations of a failed shot, ranked, lined up on a track that does not play.

For each shot with an error-level finding, a slot on a new video track
(``QC takes``, on top, disabled, its clips disabled too, so playback does not
change) at the shot's record frames. The slot holds the best alternate take of
the shot, or a placeholder (a clip with missing media) when none is found.

Alternate takes are files beside the shot's media or in the folders given,
whose name is the shot's (or its media's) base name with a version or take
number: ``shot_010_v003.mp4``, ``shot_010_take2.mov``, ``shot_010-2.mp4``,
``gen_0007_1.mp4`` (the base name drops a ``_v002``/``_take1`` of its own).

Each take is scored against the shot's neighbours (looking past flash
frames, which the review asks to remove) with the analysers' own measures:
colour continuity at both cuts (the grade analyser's lightness-equalised
grade difference, exposure and subject hue shift, each over its floor), at a
few start positions in the take, keeping the one that matches best, or the
shot's own in point when it matches within half a floor of that (the slot's
source range); then the in-shot analysers (flicker, frozen
frames, morph, photosensitive flash) on that range, three points per error,
one per warning. Lower is better; the ranking goes into the slot's metadata
and the marker's comment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import opentimelineio as otio

from otio_tools.errors import MediaError
from otio_tools.findings import Finding, Severity

__all__ = [
    "TAKES_TRACK",
    "SLOT_PREFIX",
    "TakeScore",
    "TakeSlot",
    "take_candidates",
    "take_slots",
    "timeline_with_take_slots",
    "timeline_without_take_slots",
    "takes_only_timeline",
    "is_takes_track",
    "plays",
]

TAKES_TRACK = "QC takes"
SLOT_PREFIX = "QC TAKE"
_VIDEO = (".mp4", ".mov", ".mxf", ".mkv", ".webm", ".avi", ".m4v")
# A version or take number a name ends with (a plain number is the shot's own: gen_0007).
_VERSION = re.compile(r"[_-](?:v|take|t)\d+$", re.IGNORECASE)
_STARTS = 5
# Colour costs are sums of measures over their perceptual floors (1.0: a mismatch just seen).
# Starts within half a floor of the best one cannot be told apart on screen: then the shot's own
# in point wins, so the take plays the same moment as the shot it stands in for.
_SAME_COST = 0.5


@dataclass(frozen=True)
class TakeScore:
    """One alternate take of a shot: where it matches best and how it scores (lower is better).

    ``source_start`` and ``frames`` are media frames of the take; ``colour``
    is the continuity cost at both cuts, ``quality`` the in-shot cost, and
    ``findings`` the in-shot finding kinds found in the range.
    """

    path: str
    source_start: int
    frames: int
    fps: float
    colour: float
    quality: float
    findings: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        """Colour plus quality cost."""
        return self.colour + self.quality

    def to_json(self) -> dict:
        """The score as JSON-able data."""
        return {"path": self.path, "source_start": self.source_start, "frames": self.frames, "fps": self.fps,
                "score": round(self.score, 3), "colour": round(self.colour, 3), "quality": round(self.quality, 3),
                "findings": list(self.findings)}


@dataclass(frozen=True)
class TakeSlot:
    """The slot for one failed shot and its ranked takes (best first; empty: a placeholder)."""

    clip: str
    record_start: int
    duration: int
    findings: tuple[Finding, ...]
    ranking: tuple[TakeScore, ...] = ()

    @property
    def best(self) -> TakeScore | None:
        """The best-scoring take, or None."""
        return self.ranking[0] if self.ranking else None

    @property
    def slot_name(self) -> str:
        """The slot clip's name: ``QC TAKE shot_010_v003 for shot_010``, or ``QC TAKE none for shot_010``."""
        take = os.path.splitext(os.path.basename(self.best.path))[0] if self.best else "none"
        return f"{SLOT_PREFIX} {take} for {self.clip}"

    def summary(self) -> str:
        """The ranking in a line, for the marker's comment."""
        if not self.ranking:
            return f"takes for {self.clip}: none found; a placeholder slot is on track {TAKES_TRACK!r}"
        ranked = ", ".join(f"{os.path.basename(t.path)} from frame {t.source_start} (score {t.score:.2f}"
                           + (f"; {', '.join(t.findings)}" if t.findings else "") + ")" for t in self.ranking)
        return f"takes for {self.clip}, best first, on track {TAKES_TRACK!r}: {ranked}"

    def to_json(self) -> dict:
        """The slot as JSON-able data."""
        return {"clip": self.clip, "record_start": self.record_start, "duration": self.duration,
                "ranking": [t.to_json() for t in self.ranking]}


def take_candidates(shot_name: str, media_path: str | None, folders: Iterable[str] = ()) -> list[str]:
    """Files that look like other generations of *shot_name* (see the module docstring), sorted."""
    names = {shot_name.lower()}
    own = {shot_name.lower()}
    places = [os.fspath(f) for f in folders]
    current = None
    if media_path:
        own = {os.path.splitext(os.path.basename(media_path))[0].lower()}
        names |= own
        places.append(os.path.dirname(os.path.abspath(media_path)))
        current = os.path.abspath(media_path)
    bases = {_VERSION.sub("", name) for name in names}
    wanted = re.compile("|".join(rf"{re.escape(b)}(?:[_-](?:v|take|t)?\d+)?" for b in sorted(bases)))
    found = set()
    for folder in dict.fromkeys(places):
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            stem, suffix = os.path.splitext(name)
            path = os.path.abspath(os.path.join(folder, name))
            if suffix.lower() in _VIDEO and path != current and stem.lower() not in own \
                    and wanted.fullmatch(stem.lower()):
                found.add(path)
    return sorted(found)


def _read(source, path: str, frames: Sequence[int]) -> np.ndarray:
    images = {f.number: f.image for f in source.read(path, list(frames)) if hasattr(f, "image")}
    kept = [images[n] for n in frames if n in images]
    return np.stack(kept) if kept else np.zeros((0, 1, 1, 3), np.uint8)


def _colour_cost(before: np.ndarray | None, head: np.ndarray, tail: np.ndarray, after: np.ndarray | None,
                 grade) -> float:
    from otio_tools.analysers.grade import cut_colour

    cost = 0.0
    for out_frames, in_frames in ((before, head), (tail, after)):
        if out_frames is None or in_frames is None or not len(out_frames) or not len(in_frames):
            continue  # no shot on that side (a gap, missing media, the timeline's edge)
        m = cut_colour(out_frames, in_frames, grade)
        cost += m.grade / grade.grade_floor + abs(m.exposure) / grade.exposure_floor
        if np.isfinite(m.subject):
            cost += m.subject / grade.subject_floor
    return cost


def _quality(path: str, info, start: int, n: int, record_start: int, rate: float, clip: str, source, settings):
    from otio_tools.analysers import SHOT_ANALYSERS, MediaInfo, ShotView, frame_needs

    stride = max(1, frame_needs(settings).body_stride or 1)
    offsets = list(range(0, n, stride))
    body = _read(source, path, [start + o for o in offsets])
    if len(body) != len(offsets):
        return 0.0, ()
    view = ShotView(track=0, clip=clip, record_start=record_start, duration=n, rate=rate,
                    media=MediaInfo(width=info.width, height=info.height, pixel_aspect=float(info.pixel_aspect),
                                    fps=float(info.fps), matrix=info.color_matrix, bit_depth=info.bit_depth),
                    head=body[:3], tail=body[-3:], body=body,
                    body_frames=np.array(offsets, np.int64) + record_start)
    found: list[Finding] = []
    for name, cls in SHOT_ANALYSERS.items():
        if settings.runs(name):
            found.extend(cls(settings.for_analyser(name)).analyse(view).findings)
    cost = sum(3.0 if f.severity is Severity.ERROR else 1.0 for f in found if f.severity is not Severity.INFO)
    return cost, tuple(sorted({f.kind for f in found if f.severity is not Severity.INFO}))


def best_start(costs: dict[int, float], in_point: int | None) -> tuple[float, int]:
    """(cost, start) of the take's best start frame: the lowest colour cost, or *in_point* when it is as good.

    "As good" is within ``_SAME_COST`` (half a perceptual floor) of the lowest cost.
    """
    low = min(costs.values())
    if in_point in costs and costs[in_point] <= low + _SAME_COST:
        return costs[in_point], in_point
    start = min(costs, key=lambda s: (costs[s], s))
    return costs[start], start


def _score_take(path, item, before, after, source, probe, settings) -> TakeScore | None:
    try:
        info = probe(path)
    except MediaError:
        return None
    shot = item.shot
    rate = shot.record_rate
    n = max(1, int(round(shot.record_duration * float(info.fps) / rate)))
    if info.frame_count < n:
        return None
    last = info.frame_count - n
    starts = {int(round(last * i / (_STARTS - 1))) for i in range(_STARTS)}
    in_point = min(item.frames) if item.frames else None
    if in_point is not None and 0 <= in_point <= last:
        starts.add(in_point)
    edge = settings.grade.edge_frames
    costs = {}
    for start in sorted(starts):
        head = _read(source, path, range(start, start + min(edge, n)))
        tail = _read(source, path, range(start + n - min(edge, n), start + n))
        costs[start] = _colour_cost(before, head, tail, after, settings.grade)
    best = best_start(costs, in_point)
    quality, kinds = _quality(path, info, best[1], n, shot.record_start, rate, shot.name, source, settings)
    return TakeScore(path, best[1], n, float(info.fps), best[0], quality, kinds)


def take_slots(result, takes_dirs: Iterable[str] = (), *, settings=None, source=None, probe=None,
               cache_dir: str | None = None, use_cache: bool = True) -> list[TakeSlot]:
    """A slot for every shot of *result* (a ``ReviewResult``) with an error-level finding, its takes ranked.

    *takes_dirs* are searched besides each shot's media folder; *source* is
    a ``FrameSource`` at the analysis size (default: the PyAV decoder behind
    the frame cache), *probe* a ``probe_media``-like function.
    """
    from otio_tools.analysers import AnalysisSettings
    from otio_tools.frames import probe_media
    from otio_tools.rewrite.grading import analysis_frame_source

    settings = settings or AnalysisSettings()
    probe = probe or probe_media
    takes_dirs = list(takes_dirs)
    errors: dict[tuple[int, str], list[Finding]] = {}
    shots = [m for m in result.media]
    for finding in result.findings:
        if finding.severity is not Severity.ERROR or finding.clip is None:
            continue
        item = next((m for m in shots if m.shot.name == finding.clip
                     and m.shot.record_start <= finding.start < m.shot.record_end), None)
        if item is not None:
            errors.setdefault((item.shot.record_start, item.shot.name), []).append(finding)
    if not errors:
        return []
    flashes = {(f.start, f.clip) for f in result.findings if f.kind == "flash_frame" and f.clip is not None}
    cache = None
    if source is None:
        source, cache = analysis_frame_source(settings.long_side, cache_dir, use_cache)
    edge = settings.grade.edge_frames
    slots = []
    try:
        for (start, name), found in sorted(errors.items()):
            index = next(i for i, m in enumerate(shots) if (m.shot.record_start, m.shot.name) == (start, name))
            item = shots[index]
            media_path = item.link.path if item.status == "linked" else None
            out_shot, in_shot = continuity_neighbours(shots, item, flashes)
            before = _read(source, out_shot.link.path, out_shot.frames[-edge:]) if out_shot else None
            after = _read(source, in_shot.link.path, in_shot.frames[:edge]) if in_shot else None
            ranking = [score for path in take_candidates(name, media_path, takes_dirs)
                       if (score := _score_take(path, item, before, after, source, probe, settings)) is not None]
            ranking.sort(key=lambda t: (t.score, t.path))
            slots.append(TakeSlot(name, start, item.shot.record_duration, tuple(found), tuple(ranking)))
    finally:
        if cache is not None:
            cache.close()
    return slots


def continuity_neighbours(shots: Sequence, item, flashes: set[tuple[int, str]] = frozenset()):
    """The shots a take of *item* must cut with: (outgoing, incoming), each None where there is none.

    Those are the shots touching it on the record timeline, looked past when
    they are flash frames (``(record_start, name)`` in *flashes*), which the
    review asks to remove; a gap, missing media or the timeline's edge gives None.
    """
    by_end = {m.shot.record_end: m for m in shots}
    by_start = {m.shot.record_start: m for m in shots}

    def usable(m) -> bool:
        return m is not None and m.status == "linked" and bool(m.frames)

    before = by_end.get(item.shot.record_start)
    while before is not None and (before.shot.record_start, before.shot.name) in flashes:
        before = by_end.get(before.shot.record_start)
    after = by_start.get(item.shot.record_end)
    while after is not None and (after.shot.record_start, after.shot.name) in flashes:
        after = by_start.get(after.shot.record_end)
    return (before if usable(before) else None), (after if usable(after) else None)


def is_takes_track(track) -> bool:
    """Whether *track* is a review's takes track: by its metadata or name, or every clip being a slot."""
    ours = track.metadata.get("otio_tools")
    if hasattr(ours, "get") and ours.get("takes_track"):
        return True
    if track.name == TAKES_TRACK:
        return True
    clips = [item for item in track if isinstance(item, otio.schema.Clip)]
    return bool(clips) and all((c.name or "").startswith(SLOT_PREFIX + " ") for c in clips)


def plays(item) -> bool:
    """Whether *item* (a track or clip) plays: enabled, and not disabled in FCP7 XML's own ``<enabled>``."""
    fcp = item.metadata.get("fcp_xml")
    said = str(fcp.get("enabled", "TRUE")).upper() if hasattr(fcp, "get") else "TRUE"
    return bool(item.enabled) and said != "FALSE"


def _takes_track(slots: Sequence[TakeSlot], rate: float, relative_to: str | None, enabled: bool) -> otio.schema.Track:
    track = otio.schema.Track(name=TAKES_TRACK, kind=otio.schema.TrackKind.Video,
                              metadata={"otio_tools": {"takes_track": True}})
    track.enabled = enabled
    if not enabled:
        # xmeml's own switch, which Premiere and Resolve read; OTIO's flag does not reach an FCP7 XML file
        track.metadata["fcp_xml"] = {"enabled": "FALSE"}
    position = 0
    for slot in sorted(slots, key=lambda s: s.record_start):
        if slot.record_start > position:
            track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
                duration=otio.opentime.RationalTime(slot.record_start - position, rate))))
        best = slot.best
        if best is not None:
            url = best.path
            if relative_to:
                try:
                    url = os.path.relpath(best.path, relative_to)
                except ValueError:
                    url = best.path
            reference = otio.schema.ExternalReference(target_url=url)
            source = otio.opentime.TimeRange(otio.opentime.RationalTime(best.source_start, best.fps),
                                             otio.opentime.RationalTime(best.frames, best.fps))
        else:
            reference = otio.schema.MissingReference()
            source = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate),
                                             otio.opentime.RationalTime(slot.duration, rate))
        clip = otio.schema.Clip(name=slot.slot_name, media_reference=reference, source_range=source,
                                metadata={"otio_tools": {"take_slot": slot.to_json()}})
        clip.enabled = enabled
        if not enabled:
            clip.metadata["fcp_xml"] = {"enabled": "FALSE"}
        track.append(clip)
        position = slot.record_start + slot.duration
    return track


def timeline_with_take_slots(timeline: otio.schema.Timeline, slots: Sequence[TakeSlot], rate: float,
                             relative_to: str | None = None) -> otio.schema.Timeline:
    """A copy of *timeline* with the slots on a new disabled ``QC takes`` track on top; earlier ones replaced.

    Media paths are written relative to *relative_to* (the output's folder) when given.
    """
    copied = timeline_without_take_slots(timeline)
    if slots:
        copied.tracks.append(_takes_track(slots, rate, relative_to, enabled=False))
    return copied


def timeline_without_take_slots(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of *timeline* without a review's takes track."""
    copied = timeline.deepcopy()
    for track in [t for t in copied.tracks if isinstance(t, otio.schema.Track) and is_takes_track(t)]:
        copied.tracks.remove(track)
    return copied


def takes_only_timeline(timeline: otio.schema.Timeline, slots: Sequence[TakeSlot], rate: float,
                        relative_to: str | None = None) -> otio.schema.Timeline:
    """The takes track alone (enabled), with *timeline*'s name and start: an EDL's takes sidecar."""
    out = otio.schema.Timeline(name=f"{timeline.name} {TAKES_TRACK}".strip(),
                               tracks=[_takes_track(slots, rate, relative_to, enabled=True)])
    out.global_start_time = timeline.global_start_time
    return out
