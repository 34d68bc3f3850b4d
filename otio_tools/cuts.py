"""The cut model: shots and edit points of every video track, in record frames.

Record frames are 0-based from the first frame of the timeline, at the
timeline's rate, whatever start timecode the timeline carries; timecodes add
the timeline's global start. A *shot* is a clip as it plays on the record
side: where it sits, which media frames it shows (through ``LinearTimeWarp``
and ``FreezeFrame``), and how many unused media frames (handles) lie before
and after. An *edit point* is a boundary between two items of one track: the
record frame of the first frame of the incoming item, the outgoing and
incoming items (a clip, a gap, or nothing at the ends), and the transition
centred there, if any.

Nested stacks (Avid nests, FCPXML compound clips) are flattened to what they
show: the top-most enabled track of the nest wins, like in the NLE. Several
video tracks are modelled one by one; in addition :attr:`TimelineCuts.picture`
is the composited picture (:func:`opentimelineio.algorithms.flatten_stack` of
the enabled video tracks): a shot on a higher track covers the tracks below it
for its whole record range, so a lower shot that is fully covered never
reaches the picture and one that is partly covered appears as the parts that
show. QC runs on the picture; the per-track lists are for inspection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import opentimelineio as otio

__all__ = [
    "Shot",
    "EditPoint",
    "TrackCuts",
    "TimelineCuts",
    "timeline_cuts",
    "timeline_rate",
    "record_timecode",
    "is_drop_frame",
]


@dataclass(frozen=True)
class Shot:
    """A clip as it plays on the record side.

    ``source_start`` and ``source_rate`` are the clip's source in point in its
    media's own time (e.g. 86400 at 24 for a file that starts at 01:00:00:00);
    ``speed`` is the product of its ``LinearTimeWarp`` scalars (0 for a freeze
    frame). ``available_start``/``available_duration`` are the media's extent
    in the same units when the timeline knows them; handles are counted in
    media frames and are ``None`` when the extent is unknown.
    """

    track: int
    track_name: str
    index: int
    name: str
    record_start: int
    record_duration: int
    record_rate: float
    source_start: float
    source_rate: float
    speed: float
    media_url: str | None
    reel: str | None
    available_start: float | None
    available_duration: float | None
    enabled: bool = True
    clip: otio.schema.Clip | None = field(default=None, compare=False, repr=False)

    @property
    def record_end(self) -> int:
        """The record frame after the shot's last frame."""
        return self.record_start + self.record_duration

    def source_time_at(self, record_offset: int) -> float:
        """The source time (in ``source_rate`` frames) shown ``record_offset`` frames into the shot.

        A reversed shot (negative speed) plays the media range that starts at
        ``source_start`` backwards from its last frame, as Avid renders it.
        """
        step = record_offset / self.record_rate * self.speed * self.source_rate
        if self.speed < 0:
            return self.source_start - self.source_duration - 1 + step
        return self.source_start + step

    def media_frames(self, media_start: float = 0.0, media_rate: float | None = None) -> list[int]:
        """The 0-based media frame shown on each record frame of the shot.

        *media_start* is the media's first frame in the source time base (its
        start timecode as a frame count, or 0); *media_rate* is the file's frame
        rate when it differs from the rate the timeline states for the source.
        """
        media_rate = media_rate or self.source_rate
        return [
            int(math.floor((self.source_time_at(i) - media_start) / self.source_rate * media_rate + 1e-6))
            for i in range(self.record_duration)
        ]

    @property
    def source_duration(self) -> float:
        """Media the shot consumes, in ``source_rate`` frames (0 for a freeze frame, negative in reverse)."""
        return self.record_duration / self.record_rate * self.speed * self.source_rate

    @property
    def handle_before(self) -> int | None:
        """Unused media frames before the range the shot uses, or None when the media extent is unknown."""
        if self.available_start is None:
            return None
        return max(0, int(round(self.source_start - self.available_start)))

    @property
    def handle_after(self) -> int | None:
        """Unused media frames after the range the shot uses, or None when the media extent is unknown."""
        if self.available_start is None or self.available_duration is None:
            return None
        end = self.source_start + max(abs(self.source_duration), 1)
        return max(0, int(round(self.available_start + self.available_duration - end)))


@dataclass(frozen=True)
class EditPoint:
    """A boundary between two items of a track, at ``record_frame`` (first frame of the incoming item).

    ``outgoing``/``incoming`` are Shots, or None for a gap or the track's ends;
    ``gap_before``/``gap_after`` say a gap is there (its length in frames).
    ``transition`` is the transition's name and type with ``in_offset`` frames
    before and ``out_offset`` frames after the edit point.
    """

    track: int
    record_frame: int
    outgoing: Shot | None
    incoming: Shot | None
    outgoing_gap: int = 0
    incoming_gap: int = 0
    transition_type: str | None = None
    transition_name: str | None = None
    in_offset: int = 0
    out_offset: int = 0


@dataclass(frozen=True)
class TrackCuts:
    """The shots and edit points of one video track."""

    index: int
    name: str
    enabled: bool
    shots: tuple[Shot, ...]
    edits: tuple[EditPoint, ...]
    duration: int


@dataclass(frozen=True)
class TimelineCuts:
    """Every video track's cuts, and the composited picture's."""

    name: str
    rate: float
    global_start: int
    drop_frame: bool
    duration: int
    tracks: tuple[TrackCuts, ...]
    picture: TrackCuts

    def timecode(self, record_frame: int) -> str:
        """The record timecode of a 0-based record frame (drop-frame where it applies)."""
        return record_timecode(record_frame, self.rate, self.global_start, self.drop_frame)


def timeline_rate(timeline: otio.schema.Timeline) -> float:
    """The timeline's frame rate: its global start's, else its first clip's, else 24."""
    if timeline.global_start_time is not None and timeline.global_start_time.rate > 0:
        return timeline.global_start_time.rate
    for item in timeline.find_children(descended_from_type=otio.core.Item):
        if item.source_range is not None and item.source_range.duration.rate > 0:
            return item.source_range.duration.rate
    return 24.0


def is_drop_frame(timeline: otio.schema.Timeline, rate: float) -> bool:
    """Whether record timecodes are drop-frame: what the file says, else the NTSC-rate default."""
    if not _is_ntsc_drop_rate(rate):
        return False
    said = _drop_frame_said(timeline.metadata)
    return True if said is None else said


def _is_ntsc_drop_rate(rate: float) -> bool:
    return any(abs(rate - r) < 0.01 for r in (30000 / 1001, 60000 / 1001))


def _drop_frame_said(metadata) -> bool | None:
    for value in _walk_values(metadata, depth=4):
        if isinstance(value, str):
            upper = value.upper()
            if upper in ("DF", "DROP FRAME", "DROP_FRAME", "DROPFRAME"):
                return True
            if upper in ("NDF", "NON-DROP FRAME", "NON DROP FRAME", "NON_DROP_FRAME"):
                return False
    return None


def _walk_values(node, depth: int):
    if depth < 0:
        return
    if hasattr(node, "items"):
        for _, value in node.items():
            yield from _walk_values(value, depth - 1)
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "AnyVector":
        for value in node:
            yield from _walk_values(value, depth - 1)
    else:
        yield node


def record_timecode(record_frame: int, rate: float, global_start: int = 0, drop_frame: bool = False) -> str:
    """SMPTE timecode for a 0-based record frame after a global start (both in frames)."""
    t = otio.opentime.RationalTime(global_start + record_frame, rate)
    try:
        return otio.opentime.to_timecode(t, rate, drop_frame=drop_frame)
    except ValueError:
        # Not an SMPTE rate (16 fps AI output, 8 fps...): count whole frames at the nominal rate.
        nominal = max(1, round(rate))
        frames = global_start + record_frame
        seconds, ff = divmod(frames, nominal)
        minutes, ss = divmod(seconds, 60)
        hh, mm = divmod(minutes, 60)
        return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"


def _frames(t: otio.opentime.RationalTime, rate: float) -> int:
    return int(math.floor(t.rescaled_to(rate).value + 0.5))


def _speed(item: otio.core.Item) -> float:
    speed = 1.0
    for effect in item.effects:
        if isinstance(effect, otio.schema.FreezeFrame):
            speed = 0.0
        elif isinstance(effect, otio.schema.LinearTimeWarp):
            speed *= effect.time_scalar
    return speed


def _reel(clip: otio.schema.Clip) -> str | None:
    cmx = clip.metadata.get("cmx_3600") if hasattr(clip.metadata, "get") else None
    if cmx is not None and cmx.get("reel"):
        return str(cmx.get("reel"))
    for key in ("ale", "AAF"):
        block = clip.metadata.get(key)
        if block is not None and hasattr(block, "get"):
            for name in ("Tape", "Reel", "ReelName", "TapeName"):
                if block.get(name):
                    return str(block.get(name))
    return None


def _shot(clip: otio.schema.Clip, track: int, track_name: str, index: int, record_start: int,
          record_duration: int, rate: float, enabled: bool) -> Shot:
    source = clip.trimmed_range()
    ref = clip.media_reference
    available = None
    try:
        available = clip.available_range()
    except otio.exceptions.CannotComputeAvailableRangeError:
        available = None
    source_rate = source.start_time.rate
    url = getattr(ref, "target_url", None) if not ref.is_missing_reference else None
    if isinstance(ref, otio.schema.ImageSequenceReference):
        url = ref.target_url_base + ref.name_prefix
    return Shot(
        track=track,
        track_name=track_name,
        index=index,
        name=clip.name,
        record_start=record_start,
        record_duration=record_duration,
        record_rate=rate,
        source_start=source.start_time.value,
        source_rate=source_rate,
        speed=_speed(clip),
        media_url=url,
        reel=_reel(clip),
        available_start=available.start_time.rescaled_to(source_rate).value if available else None,
        available_duration=available.duration.rescaled_to(source_rate).value if available else None,
        enabled=enabled and clip.enabled,
        clip=clip,
    )


def _visible_track(track: otio.schema.Track) -> otio.schema.Track:
    """*track* with each nested stack replaced by the items it shows."""
    if not any(isinstance(item, (otio.schema.Stack, otio.schema.Track)) for item in track):
        return track
    out = otio.schema.Track(name=track.name, kind=track.kind)
    for item in track:
        if isinstance(item, otio.schema.Stack):
            flat = _flattened_stack(item)
            for child in list(flat):
                flat.remove(child)
                out.append(child)
        elif isinstance(item, otio.schema.Track):
            inner = otio.algorithms.track_trimmed_to_range(_visible_track(item), item.trimmed_range())
            for child in list(inner):
                inner.remove(child)
                out.append(child)
        else:
            out.append(item.clone())
    return out


def _flattened_stack(stack: otio.schema.Stack) -> otio.schema.Track:
    tracks = [_visible_track(t) for t in stack if isinstance(t, otio.schema.Track) and t.enabled]
    if not tracks:
        flat = otio.schema.Track()
        flat.append(otio.schema.Gap(source_range=stack.trimmed_range()))
        return flat
    flat = otio.algorithms.flatten_stack(tracks) if len(tracks) > 1 else tracks[0].clone()
    if stack.source_range is not None:
        flat = otio.algorithms.track_trimmed_to_range(flat, stack.source_range)
    return flat


def _track_cuts(track: otio.schema.Track, index: int, rate: float) -> TrackCuts:
    track = _visible_track(track)
    shots: list[Shot] = []
    edits: list[EditPoint] = []
    items = list(track)
    record = 0
    previous: Shot | None = None
    previous_gap = 0
    pending_transition: otio.schema.Transition | None = None
    first = True
    for item in items:
        if isinstance(item, otio.schema.Transition):
            pending_transition = item
            continue
        duration = _frames(item.trimmed_range().duration, rate)
        if isinstance(item, otio.schema.Clip):
            current = _shot(item, index, track.name, len(shots), record, duration, rate, track.enabled)
            shots.append(current)
            incoming, incoming_gap = current, 0
        else:
            current, incoming, incoming_gap = None, None, duration
        if duration == 0 and pending_transition is None:
            continue
        if not first or pending_transition is not None:
            edits.append(_edit(index, record, previous, previous_gap, incoming, incoming_gap, pending_transition, rate))
        first = False
        pending_transition = None
        previous, previous_gap = current, (0 if current is not None else duration)
        record += duration
    return TrackCuts(index, track.name, track.enabled, tuple(shots), tuple(edits), record)


def _edit(track, record, outgoing, outgoing_gap, incoming, incoming_gap, transition, rate) -> EditPoint:
    return EditPoint(
        track=track,
        record_frame=record,
        outgoing=outgoing,
        incoming=incoming,
        outgoing_gap=outgoing_gap,
        incoming_gap=incoming_gap,
        transition_type=transition.transition_type if transition else None,
        transition_name=transition.name if transition else None,
        in_offset=_frames(transition.in_offset, rate) if transition else 0,
        out_offset=_frames(transition.out_offset, rate) if transition else 0,
    )


def _without_transitions(track: otio.schema.Track) -> otio.schema.Track:
    out = otio.schema.Track(name=track.name, kind=track.kind)
    for item in track:
        if not isinstance(item, otio.schema.Transition):
            out.append(item.clone())
    return out


def _picture_track(tracks: list[otio.schema.Track]) -> otio.schema.Track:
    """The composited picture of *tracks* (bottom first).

    OTIO cannot cut a lower track inside one of its transitions where a higher
    clip starts; the lower tracks then lose their transitions (which take no
    record time, so nothing moves) and, if that is not enough, the top one too.
    """
    attempts = [tracks, [_without_transitions(t) for t in tracks[:-1]] + tracks[-1:],
                [_without_transitions(t) for t in tracks]]
    for candidate in attempts:
        try:
            picture = otio.algorithms.flatten_stack(candidate)
            break
        except ValueError:
            continue
    picture.name = "picture"
    return picture


def timeline_cuts(timeline: otio.schema.Timeline) -> TimelineCuts:
    """Shots and edit points of every video track of *timeline*, and of its composited picture."""
    rate = timeline_rate(timeline)
    video = [t for t in timeline.tracks if isinstance(t, otio.schema.Track) and t.kind == otio.schema.TrackKind.Video]
    tracks = tuple(_track_cuts(t, i, rate) for i, t in enumerate(video))
    enabled = [t for t in video if t.enabled]
    if len(enabled) > 1:
        picture_track = _picture_track([_visible_track(t) for t in enabled])
        picture = _track_cuts(picture_track, -1, rate)
    elif enabled:
        picture = tracks[video.index(enabled[0])]
    else:
        picture = TrackCuts(-1, "picture", False, (), (), 0)
    global_start = _frames(timeline.global_start_time, rate) if timeline.global_start_time is not None else 0
    duration = max([t.duration for t in tracks] + [0])
    return TimelineCuts(
        name=timeline.name,
        rate=rate,
        global_start=global_start,
        drop_frame=is_drop_frame(timeline, rate),
        duration=duration,
        tracks=tracks,
        picture=picture,
    )
