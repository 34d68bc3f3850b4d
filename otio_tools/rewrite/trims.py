"""Suggested trims for defects inside a shot near its head or tail, and the timeline with them applied.

For ``flicker``, ``morph``, ``frozen_frames`` and ``photosensitive_flash``
findings whose bad frames reach close enough to a shot's head or tail, the
smallest change of the shot's source range that removes them:

- a **slip** when the media has enough handle on the other side: the source
  range moves by the bad frames' count and the shot keeps its duration (bad
  frames at the head: the range moves later; at the tail: earlier). Nothing
  else in the timeline moves.
- else a **ripple** trim: the shot's head (or tail) is cut off up to the end
  (from the start) of the bad frames, and everything after it on its track
  moves up by as many frames.

A trim is offered only where it leaves at least ``min_frames`` frames and
removes at most ``max_fraction`` of the shot; shots with a speed change,
media at another rate, or a transition on either side get none (a trim there
changes what the transition or retime shows). The frames a slip brings in
from the handle were not reviewed.

:func:`timeline_with_trims` applies them. A ripple moves the rest of its
track only, so it is applied only where the shot's track is the timeline's one
track with content (the way AI films are cut); elsewhere it stays a
suggestion. :func:`record_frame_after` maps a record frame of the original
timeline to the trimmed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import opentimelineio as otio

from otio_tools.cuts import Shot, TimelineCuts
from otio_tools.findings import Finding

__all__ = ["TRIM_KINDS", "TrimSettings", "Trim", "suggested_trims", "timeline_with_trims", "record_frame_after"]

TRIM_KINDS = ("flicker", "morph", "frozen_frames", "photosensitive_flash")
"""The in-shot defects a trim can remove."""


@dataclass(frozen=True)
class TrimSettings:
    """Bounds of a suggested trim."""

    max_fraction: float = 0.5
    """The largest share of a shot a trim may remove."""
    min_frames: int = 6
    """The fewest frames a ripple trim may leave."""

    def __post_init__(self) -> None:
        if not 0 < self.max_fraction <= 1:
            raise ValueError(f"max_fraction must be in (0, 1], got {self.max_fraction}")
        if self.min_frames < 1:
            raise ValueError(f"min_frames must be at least 1, got {self.min_frames}")


@dataclass(frozen=True)
class Trim:
    """The change of one shot's source range that removes its bad frames.

    ``head`` and ``tail`` are the record frames removed at each end (a slip
    removes them at one end and shows as many more at the other); ``slip`` is
    the move of the source range in frames (positive: later). ``source_before``
    and ``source_after`` are (start, duration) in the clip's source frames.
    """

    clip: str
    track: int
    record_start: int
    record_duration: int
    mode: str
    head: int
    tail: int
    slip: int
    source_before: tuple[float, float]
    source_after: tuple[float, float]
    findings: tuple[Finding, ...]
    applied: bool = False

    @property
    def removed(self) -> int:
        """Record frames the trim takes out of the timeline (0 for a slip)."""
        return 0 if self.mode == "slip" else self.head + self.tail

    def summary(self) -> str:
        """What to do, in an editor's words: ``slip gen_0001 34 frames later (keeps its 62 frames)``."""
        verb = "applied" if self.applied else "suggested"
        if self.mode == "slip":
            direction = "later" if self.slip > 0 else "earlier"
            return (f"trim {verb}: slip {self.clip} {abs(self.slip)} frames {direction} "
                    f"(keeps its {self.record_duration} frames; source in {self.source_before[0]:g} -> "
                    f"{self.source_after[0]:g})")
        ends = [f"{n} frames off the {end}" for end, n in (("head", self.head), ("tail", self.tail)) if n]
        return (f"trim {verb}: ripple {self.clip}, {' and '.join(ends)} "
                f"({self.record_duration} -> {self.record_duration - self.removed} frames; later shots move up)")

    def to_json(self) -> dict:
        """The trim as JSON-able data."""
        return {"clip": self.clip, "mode": self.mode, "head": self.head, "tail": self.tail, "slip": self.slip,
                "record_start": self.record_start, "record_duration": self.record_duration,
                "source_before": list(self.source_before), "source_after": list(self.source_after),
                "applied": self.applied, "findings": [f.to_json() for f in self.findings]}


def _handles(shot: Shot, media) -> tuple[int | None, int | None]:
    """Unused media frames before and after the shot: from the timeline, else from the probed media."""
    before, after = shot.handle_before, shot.handle_after
    if (before is None or after is None) and media is not None and media.status == "linked" and media.frames:
        count = getattr(media.info, "frame_count", None)
        before = min(media.frames) if before is None else before
        if after is None and count:
            after = max(0, count - 1 - max(media.frames))
    return before, after


def _trimmable(shot: Shot, cuts: TimelineCuts) -> bool:
    if shot.speed != 1 or abs(shot.source_rate - shot.record_rate) > 1e-6 or shot.clip is None:
        return False
    track = shot.clip.parent()
    if not isinstance(track, otio.schema.Track):
        return False
    items = list(track)
    index = next((i for i, item in enumerate(items) if item is shot.clip), None)
    if index is None:
        return False
    neighbours = items[max(0, index - 1):index] + items[index + 1:index + 2]
    return not any(isinstance(item, otio.schema.Transition) for item in neighbours)


def suggested_trims(cuts: TimelineCuts, findings: Iterable[Finding], settings: TrimSettings | None = None,
                    media: Sequence = ()) -> list[Trim]:
    """The trims that remove the bad frames of in-shot findings near a shot's head or tail, one per shot.

    *media* are the review's ``ShotMedia`` (their probed frame counts give the
    handles when the timeline does not know the media's extent).
    """
    settings = settings or TrimSettings()
    by_shot: dict[int, list[Finding]] = {}
    shots = [s for s in cuts.picture.shots if s.enabled]
    for finding in findings:
        if finding.kind not in TRIM_KINDS:
            continue
        for i, shot in enumerate(shots):
            if shot.record_start <= finding.start < shot.record_end and (finding.clip in (None, shot.name)):
                by_shot.setdefault(i, []).append(finding)
                break
    media_of = {(m.shot.record_start, m.shot.name): m for m in media}
    out = []
    for i, found in sorted(by_shot.items()):
        shot = shots[i]
        if not _trimmable(shot, cuts):
            continue
        limit = int(shot.record_duration * settings.max_fraction)
        head = max(min(f.end, shot.record_end) - shot.record_start for f in found)
        tail = max(shot.record_end - f.start for f in found)
        # the smaller end that removes every bad frame of the shot
        options = [(n, end) for n, end in ((head, "head"), (tail, "tail")) if n <= limit]
        if not options:
            continue
        frames, end = min(options)
        before, after = _handles(shot, media_of.get((shot.record_start, shot.name)))
        source = (shot.source_start, float(shot.record_duration))
        if end == "head" and after is not None and after >= frames:
            out.append(Trim(shot.name, shot.track, shot.record_start, shot.record_duration, "slip", frames, 0,
                            frames, source, (source[0] + frames, source[1]), tuple(found)))
        elif end == "tail" and before is not None and before >= frames:
            out.append(Trim(shot.name, shot.track, shot.record_start, shot.record_duration, "slip", 0, frames,
                            -frames, source, (source[0] - frames, source[1]), tuple(found)))
        elif shot.record_duration - frames >= settings.min_frames:
            head_cut, tail_cut = (frames, 0) if end == "head" else (0, frames)
            out.append(Trim(shot.name, shot.track, shot.record_start, shot.record_duration, "ripple", head_cut,
                            tail_cut, 0, source, (source[0] + head_cut, source[1] - frames), tuple(found)))
    return out


def _only_track_with_content(timeline: otio.schema.Timeline, track: otio.schema.Track) -> bool:
    others = [t for t in timeline.tracks if t is not track]
    return all(not any(isinstance(i, (otio.schema.Clip, otio.schema.Stack)) for i in t) for t in others)


def timeline_with_trims(timeline: otio.schema.Timeline, trims: Sequence[Trim], rate: float
                        ) -> tuple[otio.schema.Timeline, list[Trim]]:
    """A copy of *timeline* with *trims* applied, and the trims marked ``applied`` or left as suggestions.

    A ripple is applied only where its shot's track is the only one with
    content (see the module docstring). No other clip changes.
    """
    from dataclasses import replace

    from otio_tools.rewrite.markers import clip_at

    copied = timeline.deepcopy()
    out = []
    for trim in trims:
        clip = clip_at(copied, trim.record_start, rate)
        if clip is None or clip.name != trim.clip or clip.source_range is None:
            out.append(trim)
            continue
        if trim.mode == "ripple" and not _only_track_with_content(copied, clip.parent()):
            out.append(trim)
            continue
        source = clip.source_range
        frame_rate = source.start_time.rate
        start = source.start_time + otio.opentime.RationalTime(trim.source_after[0] - trim.source_before[0], frame_rate)
        duration = source.duration - otio.opentime.RationalTime(trim.removed, frame_rate)
        clip.source_range = otio.opentime.TimeRange(start, duration)
        out.append(replace(trim, applied=True))
    return copied, out


def record_frame_after(trims: Sequence[Trim], frame: int) -> int:
    """Where record *frame* of the untrimmed timeline is once the applied ripple trims have moved it.

    Frames a trim removed map to the nearest frame the shot keeps: its new
    first frame for a head trim, its new last frame for a tail trim.
    """
    shift = 0
    for trim in trims:
        if not trim.applied or trim.mode != "ripple":
            continue
        cut_from = trim.record_start if trim.head else trim.record_start + trim.record_duration - trim.tail
        cut_to = cut_from + trim.removed
        if frame >= cut_to:
            shift += trim.removed
        elif frame >= cut_from:
            shift += frame - cut_from + (0 if trim.head else 1)
    return frame - shift
