"""Read FCPXML as Final Cut Pro writes it, bundles included, and write it back.

``.fcpxmld`` bundles hold the document as ``Info.fcpxml``.

The stock ``fcpx_xml`` adapter (OTIO 0.18) reads only a project's top spine of
``asset-clip``/``clip``/``ref-clip`` elements, at an integer frame rate, and
truncates every time to a whole frame of that rate. Real exports break it:

* 29.97, 23.976 and 59.94 fps become 29, 23 and 59, and source ranges drift;
* ``title``, ``mc-clip``, ``sync-clip`` and ``audition`` elements, and a
  ``video`` element outside a ``clip`` crash it or are skipped;
* clips inside compound, multicam and synchronised clips, and connected
  clips of a ``clip``'s components, are missed or put on the wrong track;
* transitions are ignored (so every clip after one moves), markers on the
  clip's children are collected into the clip, ``chapter-marker`` and marker
  notes are dropped, retimes (``timeMap``) and rate conforms are ignored;
* FCPXML 1.9+ keeps media paths in ``media-rep``, which it does not read, and
  the sequence's ``tcStart`` becomes a gap at the head of every track.

So reading happens in three steps. The document is first *resolved*: every
element is placed on the sequence's record timeline, compound clips
(``ref-clip``), multicam clips (``mc-clip``, at their active video angle),
synchronised clips and auditions (their active pick) are flattened into the
clips they show, and connected clips and storylines get a lane in which they do
not overlap anything. The result is handed to the stock adapter as the plain
dialect it reads correctly: one spine of ``asset-clip`` elements per project,
times in exact integer ticks at a 1 fps format, so its integer arithmetic is
exact. Its timeline is then *repaired* from the resolved elements, matched
by key: every clip and gap gets its exact time at the sequence rate
(``30000/1001`` for 29.97), and names, generators, speed changes, disabled
clips, transitions and markers are put back. ``read_fcpxml_text`` returns
notes on each repair.

Writing uses the stock writer on a prepared copy and repairs its XML where
it loses what FCPXML can carry (see :func:`write_to_string`);
:func:`carried_facts` states what survives a round trip.
"""

from __future__ import annotations

import copy
import functools
import math
import os
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any
from xml.etree import ElementTree

import opentimelineio as otio

from otio_tools.errors import TimelineReadError

__all__ = [
    "fcpxml_document_path",
    "read_fcpxml_text",
    "carried_facts",
    "read_from_file",
    "read_from_string",
    "write_to_string",
    "write_to_file",
]

# Story elements: what may sit in a spine or hang off another element.
_STORY = {
    "asset-clip", "clip", "video", "audio", "title", "ref-clip", "mc-clip",
    "sync-clip", "gap", "audition", "spine",
}
_MARKERS = ("marker", "chapter-marker")
_TICKS_FORMAT = "otio_tools_ticks"
_KEY = "otio_tools:{}"
# Transitions carry no ``start``; the markers Final Cut Pro writes inside them
# count from 3600s, the local start it gives generators and gaps.
_TRANSITION_LOCAL_START = Fraction(3600)
# ``srcFrameRate`` values Final Cut Pro writes rounded, as exact rates.
_NTSC_RATES = {
    "23.98": Fraction(24000, 1001), "29.97": Fraction(30000, 1001),
    "47.95": Fraction(48000, 1001), "59.94": Fraction(60000, 1001),
}
# The window of a top-level storyline: nothing is cut off (seconds).
_EVERYWHERE = (Fraction(-10**9), Fraction(10**9))


def fcpxml_document_path(path: str) -> str:
    """The XML file to read for *path*: itself, or ``Info.fcpxml`` inside an ``.fcpxmld`` bundle."""
    if os.path.isdir(path):
        return os.path.join(path, "Info.fcpxml")
    return path


@dataclass(frozen=True)
class _Mark:
    """A marker at a record time (seconds from the sequence start)."""

    record: Fraction
    duration: Fraction
    element: ElementTree.Element
    on: str


@dataclass
class _Piece:
    """One clip as it shows on the record timeline.

    ``record`` is seconds from the sequence's start (``tcStart``), ``source``
    the media time shown at that instant, ``duration`` how long it shows.
    ``lane`` is Final Cut Pro's (0 the primary storyline) until lanes are
    allocated; ``group`` is the storyline it moves with. ``key`` names it in
    the plain dialect so the adapter's clip can be matched back to it.
    """

    key: str
    group: str
    lane: int
    record: Fraction
    duration: Fraction
    source: Fraction
    name: str
    element: str
    ref: str | None
    generator: ElementTree.Element | None
    enabled: bool
    audio_only: bool
    speed: Fraction | None
    containers: tuple[str, ...]
    markers: list[_Mark] = field(default_factory=list)

    @property
    def end(self) -> Fraction:
        return self.record + self.duration


@dataclass(frozen=True)
class _Cut:
    """A transition across the cut at *cut* in a storyline."""

    group: str
    cut: Fraction
    in_offset: Fraction
    out_offset: Fraction
    name: str


@dataclass
class _Project:
    """A project's sequence, resolved; ``end`` is its duration in seconds."""

    name: str
    rate: Fraction
    tc_start: Fraction
    end: Fraction = Fraction(0)
    pieces: list[_Piece] = field(default_factory=list)
    cuts: list[_Cut] = field(default_factory=list)
    loose_marks: list[_Mark] = field(default_factory=list)
    lanes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Place:
    """Where an element's local time lands: record = local + shift, seen only inside window."""

    shift: Fraction
    window: tuple[Fraction, Fraction]
    lane: int
    group: str
    enabled: bool = True
    audio_only: bool = False
    video_only: bool = False
    containers: tuple[str, ...] = ()


def _seconds(value: str | None, default: Fraction | None = Fraction(0)) -> Fraction | None:
    """An FCPXML time (``"1001/30000s"``, ``"5s"``) as exact seconds."""
    if value is None or value == "":
        return default
    text = value.strip()
    if text.endswith("s"):
        text = text[:-1]
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"the time {value!r} is not a rational number of seconds") from None


def _lane(element: ElementTree.Element) -> int:
    try:
        return int(element.get("lane", "0"))
    except ValueError:
        return 0


def _describe(element: ElementTree.Element) -> str:
    name = element.get("name")
    return f"<{element.tag}{' ' + repr(name) if name else ''}>"


class _Resolver:
    """Places every element of a project's sequence on its record timeline."""

    def __init__(self, root: ElementTree.Element, notes: list[str]):
        self.root = root
        self.notes = notes
        resources = root.find("resources")
        self.resources = {r.get("id"): r for r in (resources if resources is not None else []) if r.get("id")}
        self.count = 0
        self.groups = 0
        self.open_media: set[str] = set()
        self.seen_notes: set[str] = set()

    def note(self, text: str) -> None:
        if text not in self.seen_notes:
            self.seen_notes.add(text)
            self.notes.append(text)

    def format_rate(self, format_id: str | None) -> Fraction | None:
        fmt = self.resources.get(format_id or "")
        if fmt is None or fmt.tag != "format" or not fmt.get("frameDuration"):
            return None
        duration = _seconds(fmt.get("frameDuration"))
        return 1 / duration if duration else None

    def new_group(self, kind: str) -> str:
        self.groups += 1
        return f"{kind}{self.groups}"


    def project(self, project: ElementTree.Element) -> _Project:
        sequence = project.find("sequence")
        name = project.get("name", "")
        if sequence is None:
            raise ValueError(f"the project {name!r} has no <sequence>")
        rate = self.format_rate(sequence.get("format"))
        if rate is None:
            raise ValueError(
                f"the sequence of project {name!r} names format {sequence.get('format')!r}, "
                "which has no frameDuration"
            )
        tc_start = _seconds(sequence.get("tcStart"))
        result = _Project(name=name, rate=rate, tc_start=tc_start,
                          end=_seconds(sequence.get("duration")))
        self.current = result
        spine = sequence.find("spine")
        if spine is not None:
            place = _Place(shift=-tc_start, window=_EVERYWHERE, lane=0, group="primary")
            self.spine(spine, place)
        return result

    def browser_clip(self, element: ElementTree.Element, rate: Fraction) -> list[_Piece]:
        """The clips a browser (event-level) clip shows, laid from zero."""
        result = _Project(name="", rate=rate, tc_start=Fraction(0))
        self.current = result
        start = _seconds(element.get("start"))
        duration = _seconds(element.get("duration"))
        place = _Place(shift=Fraction(0), window=(Fraction(0), duration), lane=0, group="primary")
        self.story(element, place, Fraction(0), duration, start)
        return [p for p in result.pieces if p.lane == 0]


    def spine(self, spine: ElementTree.Element, place: _Place) -> None:
        """Lay out a storyline whose children's offsets are local times under *place*."""
        children = [c for c in spine if c.tag in _STORY or c.tag == "transition"]
        for index, child in enumerate(children):
            if child.tag == "transition":
                self.transition(child, children, index, place)
                continue
            offset = _seconds(child.get("offset"))
            duration = self.duration_of(child)
            start = _seconds(child.get("start"))
            self.story(child, place, offset + place.shift, duration, start)

    def transition(self, element, siblings, index, place: _Place) -> None:
        offset = _seconds(element.get("offset")) + place.shift
        duration = _seconds(element.get("duration"))
        following = [s for s in siblings[index + 1:] if s.tag != "transition"]
        preceding = [s for s in siblings[:index] if s.tag != "transition"]
        if following:
            cut = _seconds(following[0].get("offset")) + place.shift
        elif preceding:
            last = preceding[-1]
            cut = _seconds(last.get("offset")) + place.shift + self.duration_of(last)
        else:
            return
        cut = min(max(cut, offset), offset + duration)
        lo, hi = place.window
        if cut < lo or cut > hi:
            return
        self.current.cuts.append(
            _Cut(place.group, cut, cut - offset, offset + duration - cut, element.get("name", ""))
        )
        shift = offset - _TRANSITION_LOCAL_START
        for mark in element:
            if mark.tag in _MARKERS:
                self.current.loose_marks.append(self.mark(mark, shift, "transition"))

    def duration_of(self, element: ElementTree.Element) -> Fraction:
        if element.tag == "audition":
            pick = _first_story(element)
            return self.duration_of(pick) if pick is not None else Fraction(0)
        return _seconds(element.get("duration"))


    def story(self, element, place: _Place, record: Fraction, duration: Fraction, start: Fraction) -> None:
        """Place *element*, which starts at *record* and shows its local time from *start*."""
        tag = element.tag
        lo = max(record, place.window[0])
        hi = min(record + duration, place.window[1])
        enabled = place.enabled and element.get("enabled", "1") != "0"
        local = replace(place, enabled=enabled)
        child_shift = record - start
        if tag == "spine":
            return
        if hi > lo:
            self.contents(element, local, record, start, (lo, hi), child_shift)
        # Disabling a clip leaves the clips connected to it as they are.
        self.anchored(element, place, child_shift)

    def contents(self, element, place: _Place, record, start, visible, child_shift) -> None:
        tag = element.tag
        if tag in ("asset-clip", "video", "audio", "title"):
            self.piece(element, place, record, start, visible, child_shift)
        elif tag == "gap":
            self.marks_to_loose(element, child_shift, "gap")
        elif tag == "clip":
            self.container(element, place, visible, child_shift, [c for c in element if _lane(c) == 0])
        elif tag == "sync-clip":
            self.container(element, place, visible, child_shift, [c for c in element if _lane(c) == 0])
        elif tag == "audition":
            pick = _first_story(element)
            if pick is not None:
                self.note("auditions read at their active pick")
                inner = replace(place, containers=place.containers + (_describe(element),))
                self.story_in(pick, inner, record, visible)
        elif tag == "ref-clip":
            self.ref_clip(element, place, visible, child_shift)
        elif tag == "mc-clip":
            self.mc_clip(element, place, visible, child_shift)

    def story_in(self, pick, place: _Place, record, visible) -> None:
        inner = replace(place, window=visible)
        self.story(pick, inner, record, self.duration_of(pick), _seconds(pick.get("start")))

    def anchored(self, element, place: _Place, child_shift: Fraction) -> None:
        """Connected clips and storylines hanging off *element* (lane other than 0)."""
        for child in element:
            lane = _lane(child)
            if child.tag not in _STORY or lane == 0:
                continue
            group = self.new_group("lane")
            inner = _Place(
                shift=child_shift, window=place.window, lane=place.lane + lane, group=group,
                enabled=place.enabled, audio_only=place.audio_only, video_only=place.video_only,
                containers=place.containers,
            )
            if child.tag == "spine":
                inner = replace(inner, shift=child_shift + _seconds(child.get("offset")))
                self.spine(child, inner)
                continue
            self.story(child, inner, _seconds(child.get("offset")) + child_shift,
                       self.duration_of(child), _seconds(child.get("start")))

    def container(self, element, place: _Place, visible, child_shift, children) -> None:
        """Flatten *element* into its lane-0 children, seen through its visible range."""
        pieces_before = len(self.current.pieces)
        inner = replace(
            place, shift=child_shift, window=visible,
            containers=place.containers + (_describe(element),),
        )
        held = self.held(children, child_shift)
        if element.tag == "clip" and element.find("timeMap") is not None and len(held) == 1 \
                and held[0][0].tag in ("video", "audio", "asset-clip"):
            self.retimed_component(element, held[0][0], inner, visible, child_shift)
        else:
            for child, record in held:
                self.story(child, inner, record, self.duration_of(child), _seconds(child.get("start")))
        made = [p for p in self.current.pieces[pieces_before:] if p.lane == place.lane]
        if element.tag == "clip" and len(made) == 1 and made[0].element in ("video", "audio", "asset-clip"):
            # A clip wrapping one media component is that clip, under its own name.
            made[0].name = element.get("name", made[0].name)
            made[0].element = "clip"
            made[0].containers = place.containers
        elif element.tag == "sync-clip":
            self.note("synchronised clips read as the clips they hold")
        self.marks_to(element, child_shift, made, element.tag)

    @staticmethod
    def held(children, shift: Fraction) -> list[tuple[ElementTree.Element, Fraction]]:
        """The story elements a clip holds, each with its record start.

        Final Cut Pro exports an audio-only clip as a ``clip`` holding a ``gap``
        with the ``audio`` connected to it; that audio is the clip's content.
        """
        story = [c for c in children if c.tag in _STORY and c.tag != "spine"]
        if len(story) == 1 and story[0].tag == "gap":
            gap = story[0]
            media = [c for c in gap if c.tag in ("video", "audio", "asset-clip")]
            if len(media) == 1:
                inner = shift + _seconds(gap.get("offset")) - _seconds(gap.get("start"))
                return [(media[0], _seconds(media[0].get("offset")) + inner)]
        return [(c, _seconds(c.get("offset")) + shift) for c in story]

    def retimed_component(self, clip, component, place: _Place, visible, child_shift) -> None:
        """The media component of a retimed ``clip``.

        The clip's ``timeMap`` turns its local time into the time its
        component is laid out in, so the component's offset and start are
        compared with the mapped time, not the clip's own.
        """
        lo, hi = visible
        mapped, speed = _retimed(clip, lo - child_shift, hi - lo)
        source = _seconds(component.get("start")) + mapped - _seconds(component.get("offset"))
        made = self.piece(component, place, lo, source, visible, child_shift, speed=speed, marks=False)
        if made is not None and speed:
            # Component markers are in mapped time: back to record time at the clip's speed.
            for child in component:
                if child.tag in _MARKERS:
                    record = lo + (_seconds(child.get("start")) - source) / speed
                    made.markers.append(_Mark(record, _seconds(child.get("duration")), child, component.tag))

    def ref_clip(self, element, place: _Place, visible, child_shift) -> None:
        media = self.resource(element, "media")
        sequence = media.find("sequence")
        spine = sequence.find("spine") if sequence is not None else None
        self.note("compound clips (ref-clip) flattened into the clips they show")
        pieces_before = len(self.current.pieces)
        src_enable = element.get("srcEnable", "all")
        inner = replace(
            place, shift=child_shift, window=visible,
            audio_only=place.audio_only or src_enable == "audio",
            video_only=place.video_only or src_enable == "video",
            containers=place.containers + (_describe(element),),
        )
        if media.get("id") in self.open_media:
            raise ValueError(f"{_describe(element)} refers to {media.get('id')!r}, a compound clip that holds itself")
        if spine is not None:
            self.open_media.add(media.get("id"))
            self.spine(spine, inner)
            self.open_media.discard(media.get("id"))
        made = [p for p in self.current.pieces[pieces_before:] if p.lane == place.lane]
        self.marks_to(element, child_shift, made, "ref-clip")

    def mc_clip(self, element, place: _Place, visible, child_shift) -> None:
        media = self.resource(element, "media")
        multicam = media.find("multicam")
        if multicam is None:
            raise ValueError(f"{_describe(element)} refers to {media.get('id')!r}, which holds no <multicam>")
        sources = element.findall("mc-source")
        active = next((s for s in sources if s.get("srcEnable", "all") in ("all", "video")), None)
        audio = active is None
        if active is None:
            active = next(iter(sources), None)
        angles = {a.get("angleID"): a for a in multicam.findall("mc-angle")}
        angle = angles.get(active.get("angleID")) if active is not None else None
        if angle is None:
            raise ValueError(
                f"{_describe(element)} shows angle {active.get('angleID') if active is not None else None!r}, "
                f"which multicam {media.get('name')!r} does not have (it has {', '.join(map(repr, angles))})"
            )
        self.note("multicam clips (mc-clip) read at their active video angle")
        pieces_before = len(self.current.pieces)
        inner = replace(
            place, shift=child_shift, window=visible, audio_only=place.audio_only or audio,
            containers=place.containers + (f"<mc-clip {element.get('name', '')!r} angle {angle.get('name', '')!r}>",),
        )
        self.spine(angle, inner)
        made = [p for p in self.current.pieces[pieces_before:] if p.lane == place.lane]
        self.marks_to(element, child_shift, made, "mc-clip")

    def resource(self, element, tag: str) -> ElementTree.Element:
        found = self.resources.get(element.get("ref", ""))
        if found is None or found.tag != tag:
            raise ValueError(
                f"{_describe(element)} refers to {element.get('ref')!r}, which is not a <{tag}> in <resources>"
            )
        return found

    def piece(self, element, place: _Place, record, start, visible, child_shift,
              speed: Fraction | None = None, marks: bool = True) -> _Piece | None:
        """A clip from a media (or generator) element; *start* is the media time at *record*.

        Without *speed*, the element's own ``timeMap`` (if any) gives it.
        """
        lo, hi = visible
        resource = self.resources.get(element.get("ref", ""))
        generator = None
        ref = None
        audio_only = place.audio_only or element.tag == "audio"
        if element.tag == "title" or (resource is not None and resource.tag == "effect"):
            generator = resource if resource is not None else ElementTree.Element("effect", name=element.get("name", ""))
            self.note("titles and generators read as clips with a generator reference")
        elif resource is not None and resource.tag == "asset":
            ref = resource.get("id")
            if resource.get("hasVideo", "0") != "1":
                audio_only = True
        if audio_only and place.video_only:
            return None
        conformed = self.conform_speed(element) if speed is None else None
        if conformed is not None:
            source, speed = start + (lo - record) * conformed, conformed
        elif speed is None:
            source, speed = _retimed(element, start + (lo - record), hi - lo)
        else:
            source = start
        self.count += 1
        made = _Piece(
            key=_KEY.format(self.count), group=place.group + (":audio" if audio_only else ""),
            lane=place.lane, record=lo, duration=hi - lo, source=source,
            name=element.get("name") or (resource.get("name", "") if resource is not None else ""),
            element=element.tag, ref=ref, generator=generator, enabled=place.enabled,
            audio_only=audio_only, speed=speed, containers=place.containers,
        )
        self.current.pieces.append(made)
        if conformed is not None:
            # Its markers are media times too: back to record time at the conformed speed.
            for child in element:
                if child.tag in _MARKERS:
                    at = record + (_seconds(child.get("start")) - start) / conformed
                    made.markers.append(_Mark(at, _seconds(child.get("duration")), child, element.tag))
        elif marks:
            self.marks_to(element, child_shift, [made], element.tag)
        return made

    def conform_speed(self, element) -> Fraction | None:
        """The speed of media conformed frame for frame to the sequence rate, or None.

        ``<conform-rate srcFrameRate="25"/>`` (``scaleEnabled`` defaults to 1)
        in a 24 fps sequence plays each media frame for one sequence frame:
        speed 24/25. The clip's ``start`` and its markers are then media times
        (in the corpus, 24With25Media's clip ends exactly at its asset's end
        only when read this way).
        """
        conform = element.find("conform-rate")
        if conform is None or conform.get("scaleEnabled", "1") == "0" or not conform.get("srcFrameRate"):
            return None
        text = conform.get("srcFrameRate")
        source_rate = _NTSC_RATES.get(text) or Fraction(text)
        speed = self.current.rate / source_rate
        return None if speed == 1 else speed


    def mark(self, element, shift: Fraction, on: str) -> _Mark:
        return _Mark(_seconds(element.get("start")) + shift, _seconds(element.get("duration")), element, on)

    def marks_to(self, element, shift, pieces: list[_Piece], on: str) -> None:
        """Give *element*'s markers to the piece showing their time, else to the timeline."""
        for child in element:
            if child.tag not in _MARKERS:
                continue
            mark = self.mark(child, shift, on)
            home = next((p for p in pieces if p.record <= mark.record < p.end), None)
            if home is None and len(pieces) == 1:
                home = pieces[0]  # markers outside a clip's range stay with the clip, as in FCP
            if home is None:
                self.current.loose_marks.append(mark)
            else:
                home.markers.append(mark)

    def marks_to_loose(self, element, shift, on: str) -> None:
        for child in element:
            if child.tag in _MARKERS:
                self.current.loose_marks.append(self.mark(child, shift, on))


def _first_story(element) -> ElementTree.Element | None:
    return next((c for c in element if c.tag in _STORY and c.tag != "spine"), None)


def _retimed(element, local_start: Fraction, duration: Fraction) -> tuple[Fraction, Fraction | None]:
    """The media time at *local_start*, and the speed, under the element's ``timeMap``."""
    time_map = element.find("timeMap")
    if time_map is None:
        return local_start, None
    points = sorted(
        (_seconds(p.get("time")), _seconds(p.get("value"))) for p in time_map.findall("timept")
    )
    if len(points) < 2:
        return local_start, None

    def media(t: Fraction) -> Fraction:
        for (t0, v0), (t1, v1) in zip(points, points[1:]):
            if t <= t1 or (t1, v1) == points[-1]:
                if t1 == t0:
                    return v1
                return v0 + (t - t0) * (v1 - v0) / (t1 - t0)
        return points[-1][1]

    begin = media(local_start)
    if duration == 0:
        return begin, None
    speed = (media(local_start + duration) - begin) / duration
    return begin, (None if speed == 1 else speed)


def _allocate_lanes(project: _Project, notes: list[str]) -> None:
    """Give each storyline a lane where none of its clips overlaps another's.

    The primary storyline keeps lane 0. A connected storyline or clip keeps the
    lane Final Cut Pro gave it unless that lane is taken at the same time, or
    holds the other kind (audio beside video); then it moves outward.
    """
    by_group: dict[str, list[_Piece]] = {}
    for piece in project.pieces:
        by_group.setdefault(piece.group, []).append(piece)
    occupied: dict[int, list[tuple[Fraction, Fraction, bool]]] = {}
    moved = 0

    def fits(lane, pieces, audio) -> bool:
        for lo, hi, kind in occupied.get(lane, []):
            if kind != audio:
                return False
            if any(p.record < hi and lo < p.end for p in pieces):
                return False
        return True

    order = sorted(by_group, key=lambda g: (g != "primary", min(p.record for p in by_group[g])))
    for group in order:
        pieces = by_group[group]
        audio = all(p.audio_only for p in pieces)
        wanted = pieces[0].lane if group != "primary" else 0
        if audio and wanted == 0 and group != "primary":
            wanted = -1
        if group == "primary:audio":
            wanted = -1
        lane = wanted
        step = -1 if wanted < 0 or (audio and wanted == 0) else 1
        while not fits(lane, pieces, audio) or (lane == 0 and group != "primary"):
            lane += step
        if lane != wanted:
            moved += 1
        project.lanes[group] = lane
        for p in pieces:
            occupied.setdefault(lane, []).append((p.record, p.end, audio))
            p.lane = lane
    if moved:
        notes.append(f"{moved} connected clips or storylines moved to a free lane where they overlapped others")


def _tick_rate(record_times: list[Fraction]) -> int:
    """Ticks a second in which every record time is a whole number.

    Only the order of clips and the gaps between them come from the adapter,
    so a file whose times have no common tick small enough falls back to
    microseconds (the gaps are recomputed exactly afterwards).
    """
    rate = 1
    for t in record_times:
        rate = math.lcm(rate, t.denominator)
        if rate > 10**9:
            return 10**6
    return rate


def _media_url(asset: ElementTree.Element) -> str:
    reps = asset.findall("media-rep")
    original = next((r for r in reps if r.get("kind") == "original-media"), reps[0] if reps else None)
    if original is not None and original.get("src"):
        return original.get("src")
    return asset.get("src", "")


def _plain_document(root, resolver: _Resolver, projects: list[_Project], browser: list[_Piece],
                    event_name: str, ticks: int) -> str:
    """The resolved projects as the FCPXML the stock adapter reads correctly.

    One event; per project one spine of ``asset-clip`` elements, each named by
    its piece's key, on its allocated lane, at its record offset. Every time is
    a whole number of *ticks* written as seconds of a ``1/1s`` format, so the
    adapter's ``int()`` arithmetic is exact. Each asset appears once for video
    use and once for audio-only use, since the adapter tells audio by asset.
    Without projects, the browser clips sit at the root, where the adapter
    reads a clip list.
    """

    def t(value: Fraction) -> str:
        return f"{round(value * ticks)}s"

    out = ElementTree.Element("fcpxml", version="1.8")
    resources = ElementTree.SubElement(out, "resources")
    ElementTree.SubElement(resources, "format", id=_TICKS_FORMAT, frameDuration="1/1s")
    pieces = [p for project in projects for p in project.pieces] + browser
    wanted: dict[str, tuple[str, str, bool]] = {}
    for piece in pieces:
        if piece.ref is not None:
            wanted[_asset_id(piece)] = (piece.ref, "0" if piece.audio_only else "1", True)
        else:
            wanted[_asset_id(piece)] = ("", "1", False)
    for asset_id, (ref, has_video, real) in wanted.items():
        attrs = {"id": asset_id, "name": asset_id, "format": _TICKS_FORMAT, "hasVideo": has_video,
                 "start": "0s", "duration": "0s"}
        if real:
            asset = resolver.resources[ref]
            attrs.update(
                name=asset.get("name", ""), src=_media_url(asset),
                start=t(_seconds(asset.get("start"))), duration=t(_seconds(asset.get("duration"))),
            )
            if not attrs["src"]:
                del attrs["src"]
        ElementTree.SubElement(resources, "asset", attrs)

    def clip_element(parent, piece: _Piece) -> None:
        attrs = {
            "name": piece.key, "ref": _asset_id(piece), "offset": t(piece.record),
            "start": t(piece.source), "duration": t(piece.duration),
        }
        if piece.lane:
            attrs["lane"] = str(piece.lane)
        ElementTree.SubElement(parent, "asset-clip", attrs)

    if not projects:
        for piece in browser:
            clip_element(out, piece)
        return ElementTree.tostring(out, encoding="unicode")
    event = ElementTree.SubElement(out, "event", name=event_name)
    for browser_clip in root.iter("asset-clip"):
        # Browser clips carry the keywords and notes the adapter puts in media metadata.
        if browser_clip.get("ref") in resolver.resources and _is_browser_clip(root, browser_clip):
            kept = ElementTree.SubElement(event, "asset-clip", {"ref": browser_clip.get("ref") + "~v"})
            for child in browser_clip:
                if child.tag in ("keyword", "note", "metadata"):
                    kept.append(copy.deepcopy(child))
    for project in projects:
        element = ElementTree.SubElement(event, "project", name=project.name)
        end = max((p.end for p in project.pieces), default=Fraction(0))
        sequence = ElementTree.SubElement(element, "sequence", format=_TICKS_FORMAT, duration=t(end))
        spine = ElementTree.SubElement(sequence, "spine")
        for piece in sorted(project.pieces, key=lambda p: (p.lane, p.record)):
            clip_element(spine, piece)
    return ElementTree.tostring(out, encoding="unicode")


def _asset_id(piece: _Piece) -> str:
    if piece.ref is None:
        return "otio_tools_generator"
    return piece.ref + ("~a" if piece.audio_only else "~v")


def _is_browser_clip(root, element) -> bool:
    for event in root.iter("event"):
        if any(child is element for child in event):
            return True
    return any(child is element for child in root)


def _repaired_timeline(timeline: otio.schema.Timeline, project: _Project, resources: dict) -> None:
    """Put back in the adapter's timeline what the plain dialect could not say."""
    rate = project.rate
    by_key = {p.key: p for p in project.pieces}
    timeline.global_start_time = _time(project.tc_start, rate)
    tracks = sorted(timeline.tracks, key=lambda track: int(track.name))
    for track in list(timeline.tracks):
        timeline.tracks.remove(track)
    lane_of = {}
    for track in tracks:
        lane_of[int(track.name)] = track
        timeline.tracks.append(track)
        position = Fraction(0)
        pieces = [by_key[item.name] for item in track if isinstance(item, otio.schema.Clip)]
        # Gaps are re-measured from the exact clip positions.
        queue = iter(pieces)
        upcoming = next(queue, None)
        empty = []
        for item in track:
            if isinstance(item, otio.schema.Gap):
                length = (upcoming.record if upcoming else position) - position
                if length <= 0:
                    empty.append(item)  # a tick of rounding in the adapter, not a gap
                    continue
                item.source_range = otio.opentime.TimeRange(_time(Fraction(0), rate), _time(length, rate))
                position += length
                continue
            _repaired_clip(item, upcoming, rate, resources)
            position = upcoming.end
            upcoming = next(queue, None)
        for gap in empty:
            track.remove(gap)
        track.kind = otio.schema.TrackKind.Audio if pieces and all(p.audio_only for p in pieces) \
            else otio.schema.TrackKind.Video
    primary = lane_of.get(0)
    if primary is None:
        primary = otio.schema.Track(name="0", kind=otio.schema.TrackKind.Video)
        lane_of[0] = primary
        timeline.tracks.insert(sum(1 for lane in lane_of if lane < 0), primary)
    for cut in project.cuts:
        track = lane_of.get(project.lanes.get(cut.group, 0))
        if track is not None:
            _insert_transition(track, cut, rate)
    missing = project.end - _frames_to_seconds(primary.duration(), rate)
    if missing > 0:
        # A spine that ends in a gap (or a multicam angle that runs out) still
        # lasts the sequence's duration. OTIO counts a transition at the end
        # of a track into its duration; once a gap follows it, it no longer does.
        tail = primary[-1] if len(primary) else None
        if isinstance(tail, otio.schema.Transition):
            missing += _frames_to_seconds(tail.out_offset, rate)
        primary.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
            _time(Fraction(0), rate), _time(missing, rate))))
    for mark in project.loose_marks:
        timeline.tracks.markers.append(_marker(mark, Fraction(0), rate, loose=True))


def _repaired_clip(clip: otio.schema.Clip, piece: _Piece, rate: Fraction, resources: dict) -> None:
    if clip.name != piece.key:
        raise AssertionError(f"the adapter reordered clips: {clip.name!r} where {piece.key!r} belongs")
    clip.name = piece.name
    clip.enabled = piece.enabled
    clip.source_range = otio.opentime.TimeRange(_time(piece.source, rate), _time(piece.duration, rate))
    reference = clip.media_reference
    if piece.generator is not None:
        clip.media_reference = otio.schema.GeneratorReference(
            name=piece.generator.get("name", ""),
            generator_kind="fcpx_title" if piece.element == "title" else "fcpx_generator",
            parameters={"uid": piece.generator.get("uid", "")},
        )
    elif isinstance(reference, otio.schema.ExternalReference):
        asset = resources[piece.ref]
        reference.available_range = otio.opentime.TimeRange(
            _time(_seconds(asset.get("start")), rate), _time(_seconds(asset.get("duration")), rate)
        )
    if piece.speed is not None:
        clip.effects.append(otio.schema.LinearTimeWarp(name="timeMap", time_scalar=float(piece.speed)))
    details: dict[str, Any] = {"element": piece.element}
    if piece.containers:
        details["containers"] = list(piece.containers)
    clip.metadata.setdefault("otio_tools", {})["fcpxml"] = details
    # FCPXML marker times are the clip's local times; OTIO's are in its source range.
    for mark in piece.markers:
        clip.markers.append(_marker(mark, piece.source - piece.record, rate))


def _frames_to_seconds(time: otio.opentime.RationalTime, rate: Fraction) -> Fraction:
    """Exact seconds of a time made by :func:`_time` at *rate*."""
    return Fraction(time.rescaled_to(float(rate)).value).limit_denominator(10**6) / rate


def _time(seconds: Fraction, rate: Fraction) -> otio.opentime.RationalTime:
    frames = seconds * rate
    value = int(frames) if frames.denominator == 1 else float(frames)
    return otio.opentime.RationalTime(value, float(rate))


def _marker(mark: _Mark, shift: Fraction, rate: Fraction, loose: bool = False) -> otio.schema.Marker:
    element = mark.element
    completed = element.get("completed")
    color = {"0": otio.schema.MarkerColor.RED, "1": otio.schema.MarkerColor.GREEN}.get(
        completed, otio.schema.MarkerColor.PURPLE
    )
    metadata: dict[str, Any] = {}
    if element.tag == "chapter-marker":
        color = otio.schema.MarkerColor.YELLOW
        metadata["kind"] = "chapter-marker"
        if element.get("posterOffset"):
            metadata["poster_offset"] = element.get("posterOffset")
    if loose:
        metadata["on"] = mark.on
    marker = otio.schema.Marker(
        name=element.get("value", ""),
        marked_range=otio.opentime.TimeRange(_time(mark.record + shift, rate), _time(mark.duration, rate)),
        color=color,
        comment=element.get("note", ""),
    )
    if metadata:
        marker.metadata["otio_tools"] = {"fcpxml": metadata}
    return marker


def _insert_transition(track: otio.schema.Track, cut: _Cut, rate: Fraction) -> None:
    """Put a transition at the boundary between the items that meet at the cut."""
    target = float(cut.cut * rate)
    position = 0.0
    index = None
    for i, item in enumerate(track):
        if isinstance(item, otio.schema.Transition):
            continue
        if abs(position - target) < 1e-4:
            index = i
            break
        position += item.duration().rescaled_to(float(rate)).value
    else:
        if target > position + 1e-4:
            # A storyline that ends in a gap and a transition: the adapter leaves out the gap.
            track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
                _time(Fraction(0), rate), otio.opentime.RationalTime(target - position, float(rate)))))
            position = target
        if abs(position - target) < 1e-4:
            index = len(track)
    if index is None:
        return
    track.insert(
        index,
        otio.schema.Transition(
            name=cut.name,
            transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve
            if "dissolve" in cut.name.lower() else otio.schema.TransitionTypes.Custom,
            in_offset=_time(cut.in_offset, rate),
            out_offset=_time(cut.out_offset, rate),
        ),
    )


def read_fcpxml_text(text: str, path: str = "") -> tuple[otio.core.SerializableObject, list[str]]:
    """Parse FCPXML *text*; returns the timeline(s) it holds and notes on what was repaired.

    A document with projects gives a ``SerializableCollection`` of timelines
    (one per project, times exact at each sequence's rate); one with only
    browser clips gives a collection of clips and a note saying it holds no
    timeline. *path* is only used in messages.
    """
    where = path or "FCPXML document"
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise TimelineReadError(
            f"{where}: not well-formed XML at line {line}, column {column + 1}; "
            "the file is damaged or cut short: export it again from Final Cut Pro"
        ) from exc
    if root.tag != "fcpxml":
        raise TimelineReadError(f"{where}: the root element is <{root.tag}>, not <fcpxml>; export FCPXML from Final Cut Pro")
    notes: list[str] = []
    resolver = _Resolver(root, notes)
    project_elements = [p for p in root.iter("project")]
    projects: list[_Project] = []
    try:
        for element in project_elements:
            projects.append(resolver.project(element))
        browser: list[_Piece] = []
        if not projects:
            browser = _browser_pieces(root, resolver)
    except ValueError as exc:
        raise TimelineReadError(f"{where}: {exc}; export the project again from Final Cut Pro") from exc
    if not projects and not browser:
        raise TimelineReadError(
            f"{where}: holds no <project> and no clips, so no timeline; "
            "select a project in Final Cut Pro and export it with File > Export XML"
        )
    for project in projects:
        _allocate_lanes(project, notes)
    ticks = _tick_rate([t for pr in projects for p in pr.pieces for t in (p.record, p.duration)])
    events = [e.get("name", "") for e in root.iter("event")]
    plain = _plain_document(root, resolver, projects, browser, events[0] if events else "", ticks)
    adapter = otio.adapters.from_name("fcpx_xml").module()
    document = adapter.read_from_string(plain)
    if projects:
        for timeline, project in zip(document, projects):
            _repaired_timeline(timeline, project, resolver.resources)
        if len(events) > 1:
            notes.append(f"projects of {len(events)} events read into one collection")
        if any(pr.rate.denominator != 1 for pr in projects):
            notes.append("NTSC rates kept exact (the stock adapter truncates them to whole frames per second)")
    else:
        rate = _browser_rate(root, resolver)
        for clip, piece in zip(document, browser):
            _repaired_clip(clip, piece, rate, resolver.resources)
        notes.append(
            f"no <project> in the file, so no timeline: {len(browser)} browser clips read as a clip list"
        )
    return document, notes


def _browser_rate(root, resolver: _Resolver) -> Fraction:
    for fmt in root.iter("format"):
        rate = resolver.format_rate(fmt.get("id"))
        if rate is not None:
            return rate
    return Fraction(24)


def _browser_pieces(root, resolver: _Resolver) -> list[_Piece]:
    rate = _browser_rate(root, resolver)
    containers = [root] + list(root.iter("event"))
    pieces: list[_Piece] = []
    for container in containers:
        for element in container:
            if element.tag in _STORY and element.tag not in ("spine", "gap"):
                pieces.extend(resolver.browser_clip(element, rate))
    return pieces


def read_from_file(filepath: str) -> otio.core.SerializableObject:
    """OTIO adapter entry point: an ``.fcpxml`` file or ``.fcpxmld`` bundle."""
    with open(fcpxml_document_path(filepath), encoding="utf-8") as fh:
        return read_fcpxml_text(fh.read(), filepath)[0]


def read_from_string(input_str: str) -> otio.core.SerializableObject:
    """OTIO adapter entry point: FCPXML text, with every repair applied."""
    return read_fcpxml_text(input_str)[0]


def write_to_string(input_otio) -> str:
    """OTIO adapter entry point: FCPXML from the stock writer, with what it loses put back.

    The stock writer is given a copy in which every clip is named by a key
    and media it cannot handle stands in as missing; it runs with exact frame
    durations, lanes and connected-clip offsets (it otherwise writes an empty
    ``frameDuration`` for 29.97, truncates offsets to whole frames of an
    integer rate and reverses audio lanes). Its XML then gets back, by key,
    the names, ``enabled="0"``, markers with their notes, completion and
    chapter kind, titles and generators, speed changes, media placement for
    timecoded media and stills, transitions (connected tracks with
    transitions become secondary storylines), timeline markers on gaps and
    transitions, and the sequence's ``tcStart``.
    """
    document = input_otio.clone()
    timelines = _timelines_in(document)
    items = [i for t in timelines for i in t.find_children()] if timelines else list(
        document.find_children() if isinstance(document, otio.schema.SerializableCollection) else []
    )
    originals: dict[str, otio.core.Composable] = {}
    for item in items:
        if isinstance(item, (otio.schema.Clip, otio.schema.Stack)):
            key = _KEY.format(len(originals) + 1)
            originals[key] = item.clone()
            item.name = key
            item.markers[:] = []
            if isinstance(item, otio.schema.Clip):
                _writable_clip(item)
    text = _exact_writer_class()(document).to_xml()
    root = ElementTree.fromstring(text)
    _restored_xml(root, originals, timelines)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n' + body + "\n"


def write_to_file(input_otio, filepath: str, adapter_name: str | None = None, **_options) -> None:
    """Write *input_otio* to *filepath*: an ``.fcpxml`` file, or an ``.fcpxmld`` bundle folder."""
    text = write_to_string(input_otio)
    if filepath.rstrip("/").lower().endswith(".fcpxmld"):
        os.makedirs(filepath, exist_ok=True)
        filepath = fcpxml_document_path(filepath)
    with open(filepath, "w", encoding="utf-8") as fh:
        fh.write(text)


def _writable_clip(clip: otio.schema.Clip) -> None:
    """Make *clip* (a copy) something the stock writer does not crash on."""
    if clip.source_range is None:
        clip.source_range = clip.trimmed_range()
    reference = clip.media_reference
    if not isinstance(reference, otio.schema.ExternalReference):
        # Generators are written back from the original; other references
        # (image sequences) FCPXML cannot point to.
        clip.media_reference = otio.schema.MissingReference()
        return
    if reference.available_range is None:
        reference.available_range = clip.source_range
    # The stock writer looks assets up by URL in an XPath predicate, where a quote ends the string.
    reference.target_url = reference.target_url.replace("'", "%27")


def _timelines_in(document) -> list[otio.schema.Timeline]:
    if isinstance(document, otio.schema.Timeline):
        return [document]
    if isinstance(document, otio.schema.SerializableCollection):
        return [t for t in document.find_children(descended_from_type=otio.schema.Timeline)]
    return []


def _frame_duration(rate: float) -> str:
    exact = Fraction(rate).limit_denominator(1001)
    duration = 1 / exact
    return f"{duration.numerator}/{duration.denominator}s"


@functools.lru_cache(maxsize=None)
def _exact_writer_class():
    """The stock writer with exact frame durations, lanes and connected-clip offsets.

    Built on first use, so importing this module does not load the stock adapter.
    """
    stock = otio.adapters.from_name("fcpx_xml").module().FcpxOtio
    return type("ExactFcpxWriter", (stock,), {
        "_framerate_to_frame_duration": staticmethod(_frame_duration),
        "_stack_to_sequence": _stack_to_sequence,
        "_find_parent_element": _find_parent_element,
        "_offset_based_on_parent": _offset_based_on_parent,
    })


def _stack_to_sequence(writer, stack, compound_clip=False):
    """``FcpxOtio._stack_to_sequence`` with each track in its lane (see :func:`_lanes_for`)."""
    duration = stack.duration()
    sequence = ElementTree.Element("sequence", {
        "duration": writer._calculate_rational_number(duration.value, duration.rate),
        "format": str(writer._find_or_create_format_from(stack).get("id")),
    })
    spine = ElementTree.SubElement(sequence, "spine")
    for lane, track in _track_lanes(stack):
        writer._track_for_spine(track, lane, spine, compound_clip)
    return sequence


def _find_parent_element(writer, spine, trimmed_range, format_id):
    """The primary element a connected clip starting at *trimmed_range* hangs off, compared exactly.

    Past the end of the primary storyline, a gap is added to reach it.
    """
    at = Fraction(trimmed_range.to_seconds()).limit_denominator(10**6)
    last = None
    for item in spine:
        if item.tag not in ("clip", "asset-clip", "gap", "ref-clip") or item.get("lane") is not None:
            continue
        offset = _seconds(item.get("offset"))
        last = item
        if offset <= at < offset + _seconds(item.get("duration")):
            return item
    end = (_seconds(last.get("offset")) + _seconds(last.get("duration"))) if last is not None else Fraction(0)
    return ElementTree.SubElement(spine, "gap", {
        "name": "Gap", "offset": _fraction_text(end), "start": "3600s",
        "duration": _fraction_text(at - end + 1),
    })


def _offset_based_on_parent(writer, child, parent, default_format_id):
    """A connected clip's offset in its parent's local time, exactly (the stock one truncates to frames)."""
    offset = _seconds(child.get("offset")) - _seconds(parent.get("offset")) + _seconds(parent.get("start"))
    return otio.opentime.RationalTime(offset.numerator, offset.denominator)


def _track_lanes(stack) -> list[tuple[int, otio.schema.Track]]:
    """Each track's lane, primary storyline first: its name where that is a usable lane."""
    tracks = [t for t in stack if isinstance(t, otio.schema.Track)]
    lanes = _lanes_for([(t.name, t.kind) for t in tracks])
    return sorted(zip(lanes, tracks), key=lambda pair: (pair[0] != 0, abs(pair[0])))


def _lanes_for(tracks: list[tuple[str, str]]) -> list[int]:
    """The FCPXML lane of each (name, kind) track, in order.

    Names that are lanes (as read from FCPXML: video 0 and up, audio below 0)
    are kept when every track has one and one of them is 0. Otherwise video
    tracks count up from the primary storyline (0) in order, and audio
    tracks count up to -1 from below, so their order is kept too.
    """
    named: list[int] = []
    for name, kind in tracks:
        try:
            lane = int(name)
        except ValueError:
            break
        audio = kind == otio.schema.TrackKind.Audio
        if lane in named or (lane >= 0 if audio else lane < 0):
            break
        named.append(lane)
    if len(named) == len(tracks) and 0 in named:
        return named
    audio_count = sum(1 for _, kind in tracks if kind == otio.schema.TrackKind.Audio)
    lanes, video, audio = [], 0, 0
    for _, kind in tracks:
        if kind == otio.schema.TrackKind.Audio:
            lanes.append(audio - audio_count)
            audio += 1
        else:
            lanes.append(video)
            video += 1
    return lanes


def _fraction_text(value: Fraction) -> str:
    if value == 0:
        return "0s"
    if value.denominator == 1:
        return f"{value.numerator}s"
    return f"{value.numerator}/{value.denominator}s"


def _seconds_of(time: otio.opentime.RationalTime) -> Fraction:
    return Fraction(time.value).limit_denominator(10**6) / Fraction(time.rate).limit_denominator(1001)


def _restored_xml(root, originals: dict, timelines: list[otio.schema.Timeline]) -> None:
    resources = root.find("resources")
    parent_of = {child: parent for parent in root.iter() for child in parent}
    effects: dict[tuple[str, str], str] = {}
    used_ids = {e.get("id") for e in resources}
    element_of: dict[str, ElementTree.Element] = {}
    for element in list(root.iter()):
        key = element.get("name")
        original = originals.get(key or "")
        if original is None:
            continue
        parent = parent_of.get(element)
        if parent is not None and parent.tag in ("event", "fcpxml") and element.tag == "asset-clip" \
                and element.get("offset") is None and isinstance(original, otio.schema.Clip) \
                and isinstance(original.media_reference, otio.schema.GeneratorReference):
            parent.remove(element)  # the browser entry of a generator's stand-in asset
            continue
        element.set("name", original.name)
        if element.tag in ("asset", "media"):
            if element.get("src") and isinstance(getattr(original, "media_reference", None),
                                                 otio.schema.ExternalReference):
                element.set("src", original.media_reference.target_url)
            continue
        if not original.enabled:
            element.set("enabled", "0")
        if isinstance(original, otio.schema.Clip) and isinstance(
            original.media_reference, otio.schema.GeneratorReference
        ) and element.find("video") is not None:
            element = _generator_element(element, original.media_reference, resources, effects, used_ids, parent_of)
        if element.get("offset") is not None:
            element_of[key] = element
        if element.get("offset") is None and element.tag == "asset-clip" and original.source_range is not None:
            # A browser clip: the stock writer gives it the whole asset.
            element.set("start", _fraction_text(_seconds_of(original.source_range.start_time)))
            element.set("duration", _fraction_text(_seconds_of(original.source_range.duration)))
        local_shift = _write_retime(element, original)
        for marker in original.markers:
            element.append(_marker_element(marker, local_shift))
    _media_under_clips(root)
    for asset in list(resources):
        if asset.tag == "asset" and (asset.get("src") or "").startswith("file:///tmp/otio_tools:"):
            # The stock writer invents a file for media it has no path for.
            if any(e.get("ref") == asset.get("id") for e in root.iter() if e is not asset):
                del asset.attrib["src"]
            else:
                resources.remove(asset)
    projects = root.findall(".//project")
    for project, timeline in zip(projects, timelines):
        sequence = project.find("sequence")
        spine = sequence.find("spine") if sequence is not None else None
        if spine is None:
            continue
        lanes = _track_lanes(timeline.tracks)
        for lane, track in lanes:
            if lane != 0 and any(isinstance(i, otio.schema.Transition) for i in track):
                _write_storyline(spine, track, lane, element_of, parent_of)
        start = timeline.global_start_time
        tc_start = _seconds_of(start) if start is not None else Fraction(0)
        if tc_start:
            sequence.set("tcStart", _fraction_text(tc_start))
            for child in spine:
                if child.get("offset") is not None:
                    child.set("offset", _fraction_text(_seconds(child.get("offset")) + tc_start))
        primary = next((track for lane, track in lanes if lane == 0), None)
        if primary is not None:
            _write_transitions(spine, primary, tc_start)
        for marker in timeline.tracks.markers:
            _write_timeline_marker(spine, marker, tc_start)


def _item_starts(track: otio.schema.Track) -> list[tuple[otio.core.Composable, Fraction]]:
    """Each item of *track* with its record start in seconds (a transition: its cut)."""
    out = []
    position = Fraction(0)
    for item in track:
        out.append((item, position))
        if not isinstance(item, otio.schema.Transition):
            position += _seconds_of(item.duration())
    return out


def _write_storyline(spine, track: otio.schema.Track, lane: int, element_of: dict, parent_of: dict) -> None:
    """Write a connected track that has transitions as one secondary storyline.

    The stock writer connects each clip on its own, and a transition needs a
    storyline to sit in. The storyline runs from the track's first clip (or the
    gap a transition leads out of) to its last item, anchored to the primary
    element under its start.
    """
    items = _item_starts(track)
    first = next((i for i, (item, _) in enumerate(items) if not isinstance(item, (otio.schema.Gap,
                                                                                   otio.schema.Transition))), None)
    if first is None:
        return
    if first >= 1 and isinstance(items[first - 1][0], otio.schema.Transition):
        first -= 1
        if first >= 1 and isinstance(items[first - 1][0], otio.schema.Gap):
            first -= 1
    last = len(items)
    while last > first and isinstance(items[last - 1][0], otio.schema.Gap):
        last -= 1
    begin = items[first][1]
    anchor = _spine_element_at(spine, begin)
    storyline = ElementTree.SubElement(anchor, "spine", {
        "lane": str(lane),
        "offset": _fraction_text(_seconds(anchor.get("start")) + begin - _seconds(anchor.get("offset"))),
    })
    for item, at in items[first:last]:
        local = at - begin
        if isinstance(item, otio.schema.Transition):
            in_offset, out_offset = _seconds_of(item.in_offset), _seconds_of(item.out_offset)
            ElementTree.SubElement(storyline, "transition", {
                "name": item.name or "Cross Dissolve", "offset": _fraction_text(local - in_offset),
                "duration": _fraction_text(in_offset + out_offset),
            })
            continue
        element = element_of.get(item.name)
        if element is None:
            element = ElementTree.Element("gap", {"name": "Gap", "start": "3600s"})
            element.set("duration", _fraction_text(_seconds_of(item.duration())))
        else:
            parent_of[element].remove(element)
            element.attrib.pop("lane", None)
        element.set("offset", _fraction_text(local))
        storyline.append(element)
        parent_of[element] = storyline


def _spine_element_at(spine, at: Fraction) -> ElementTree.Element:
    last = None
    for item in spine:
        if item.get("offset") is None or item.tag == "transition":
            continue
        last = item
        offset = _seconds(item.get("offset"))
        if offset <= at < offset + _seconds(item.get("duration")):
            return item
    end = (_seconds(last.get("offset")) + _seconds(last.get("duration"))) if last is not None else Fraction(0)
    return ElementTree.SubElement(spine, "gap", {
        "name": "Gap", "offset": _fraction_text(end), "start": "3600s", "duration": _fraction_text(at - end + 1),
    })


def _write_timeline_marker(spine, marker: otio.schema.Marker, tc_start: Fraction) -> None:
    """A marker on the timeline itself goes into the primary gap or transition at its time.

    FCPXML markers belong to an element; where none of those two is there, it
    has no place in the file and is left out.
    """
    at = _seconds_of(marker.marked_range.start_time) + tc_start
    on = marker.metadata.get("otio_tools", {}).get("fcpxml", {}).get("on")
    order = ("transition", "gap") if on == "transition" else ("gap", "transition")
    for tag in order:
        for element in spine:
            if element.tag != tag or element.get("offset") is None:
                continue
            offset = _seconds(element.get("offset"))
            if offset <= at < offset + _seconds(element.get("duration")):
                local_start = _seconds(element.get("start"), _TRANSITION_LOCAL_START)
                element.append(_marker_element(marker, local_start + tc_start - offset))
                return


def _media_under_clips(root) -> None:
    """Make each written clip's ``video``/``audio`` cover exactly what the clip shows.

    The stock writer puts them at ``offset="0s"``, with no ``start``, lasting
    the asset's duration. That only holds for media whose time starts at zero:
    the clip's ``start`` is a media time, so media starting at 01:00:00:00, or a
    still image (an asset of duration 0), would lie outside the clip.
    """
    for clip in root.iter("clip"):
        start, duration = clip.get("start", "0s"), clip.get("duration")
        for child in clip:
            media = child
            if child.tag == "gap" and child.get("offset") == "0s":
                held = [c for c in child if c.tag in ("video", "audio")]
                if len(held) != 1:
                    continue
                child.set("offset", start)
                child.set("start", start)
                child.set("duration", duration)
                media = held[0]
            if media.tag not in ("video", "audio") or media.get("offset") != "0s" or media.get("start"):
                continue
            media.set("offset", start)
            media.set("start", start)
            media.set("duration", duration)


def _generator_element(element, reference, resources, effects, used_ids, parent_of):
    """Turn the stock writer's stand-in ``clip`` for a generator back into ``title``/``video``."""
    video = element.find("video")
    stand_in = video.get("ref") if video is not None else None
    identity = (reference.name, str(reference.parameters.get("uid", "")))
    effect_id = effects.get(identity)
    if effect_id is None:
        n = 1
        while f"r{n}" in used_ids:
            n += 1
        effect_id = f"r{n}"
        used_ids.add(effect_id)
        effects[identity] = effect_id
        ElementTree.SubElement(resources, "effect", {"id": effect_id, "name": identity[0], "uid": identity[1]})
    tag = "title" if reference.generator_kind == "fcpx_title" else "video"
    replacement = ElementTree.Element(tag, {"ref": effect_id})
    for attribute in ("lane", "offset", "name", "start", "duration", "enabled"):
        if element.get(attribute) is not None:
            replacement.set(attribute, element.get(attribute))
    for child in element:
        if child is not video:
            replacement.append(child)
            parent_of[child] = replacement
    parent = parent_of[element]
    index = list(parent).index(element)
    parent.remove(element)
    parent.insert(index, replacement)
    parent_of[replacement] = parent
    del stand_in
    return replacement


def _write_retime(element, original) -> Fraction:
    """Write a clip's constant speed (reverse included) as a ``timeMap``; returns how far its local time moved.

    The clip's local time then starts at zero and the map turns it into media
    time: local 0 is the source start *S*, local *t* is *S + k·t* at speed *k*.
    Its markers, which are local times, move by *-S* with it.
    """
    warps = [e for e in getattr(original, "effects", []) if isinstance(e, otio.schema.LinearTimeWarp)]
    if not warps or original.source_range is None or element.tag not in ("clip", "asset-clip", "ref-clip"):
        return Fraction(0)
    speed = Fraction(1)
    for warp in warps:
        speed *= Fraction(warp.time_scalar).limit_denominator(10**6)
    media_start = _seconds_of(original.source_range.start_time)
    duration = _seconds_of(original.source_range.duration)
    element.set("start", "0s")
    time_map = ElementTree.Element("timeMap")
    ElementTree.SubElement(time_map, "timept", time="0s", value=_fraction_text(media_start), interp="linear")
    ElementTree.SubElement(time_map, "timept", time=_fraction_text(duration),
                           value=_fraction_text(media_start + speed * duration), interp="linear")
    element.insert(0, time_map)
    return -media_start


def _marker_element(marker: otio.schema.Marker, local_shift: Fraction = Fraction(0)) -> ElementTree.Element:
    details = marker.metadata.get("otio_tools", {}).get("fcpxml", {})
    chapter = details.get("kind") == "chapter-marker"
    attrs = {
        "start": _fraction_text(_seconds_of(marker.marked_range.start_time) + local_shift),
        "duration": _fraction_text(_seconds_of(marker.marked_range.duration)),
        "value": marker.name,
    }
    if chapter:
        if details.get("poster_offset"):
            attrs["posterOffset"] = details["poster_offset"]
    elif marker.color == otio.schema.MarkerColor.RED:
        attrs["completed"] = "0"
    elif marker.color == otio.schema.MarkerColor.GREEN:
        attrs["completed"] = "1"
    if marker.comment:
        attrs["note"] = marker.comment
    return ElementTree.Element("chapter-marker" if chapter else "marker", attrs)


def _write_transitions(spine, track: otio.schema.Track, tc_start: Fraction) -> None:
    """Put the primary track's transitions into the spine, before the element that starts at their cut."""
    for item in track:
        if not isinstance(item, otio.schema.Transition):
            continue
        index = list(track).index(item)
        cut = sum(
            (_seconds_of(i.duration()) for i in list(track)[:index] if not isinstance(i, otio.schema.Transition)),
            Fraction(0),
        ) + tc_start
        in_offset = _seconds_of(item.in_offset)
        out_offset = _seconds_of(item.out_offset)
        element = ElementTree.Element("transition", {
            "name": item.name or "Cross Dissolve",
            "offset": _fraction_text(cut - in_offset),
            "duration": _fraction_text(in_offset + out_offset),
        })
        children = list(spine)
        position = next(
            (i for i, c in enumerate(children) if c.get("offset") and _seconds(c.get("offset")) >= cut),
            len(children),
        )
        spine.insert(position, element)
def carried_facts(facts: dict) -> dict:
    """What an FCPXML round trip preserves of ``timeline_facts`` output.

    Found by writing every corpus FCPXML (and the corpus OTIO, FCP7 XML and
    EDL timelines) with :func:`write_to_string` and reading it back. What is
    kept, what changes and what is lost:

    ==========================  ==============================================================
    fact                        after a round trip
    ==========================  ==============================================================
    timeline name, tcStart      kept (``project`` name, ``sequence tcStart``)
    rate                        kept exactly (``frameDuration``, e.g. ``1001/30000s``)
    tracks                      become FCPXML lanes: a track named by its lane keeps it;
                                otherwise video tracks are lanes 0, 1... and audio tracks
                                -n...-1, and tracks come back in lane order, named by lane;
                                a track with no clip is dropped (the primary one stays)
    track length                the primary storyline lasts the whole sequence (a trailing
                                gap is added); other tracks end at their last clip
    clip name, record, source,  kept, to the frame; speed changes as ``timeMap``
    enabled, constant speed     (several warps combine into one, named ``timeMap``)
    other effects               lost (the stock writer writes no filters)
    media                       file URLs kept; generators kept as ``title``/``video``
                                of an ``effect``; missing media stays missing; other
                                references (image sequences) become missing media
    gaps                        kept as gaps; adjacent gaps merge; their names, markers
                                and metadata are lost
    transitions                 kept with in/out offsets, on every lane (a connected track
                                with transitions is written as a secondary storyline); the
                                type is a dissolve when the name says so, else custom; an
                                unnamed one is named "Cross Dissolve"
    clip markers                kept with name, range, note (``comment``) and completion
                                (red to-do, green done); chapter markers (metadata
                                ``kind``) come back yellow with their poster offset; other
                                colours come back purple
    timeline markers            kept where a primary-storyline gap or transition is under
                                them (FCPXML markers belong to an element); others lost
    metadata                    lost, except the markers' ``otio_tools.fcpxml`` entries;
                                the reader's own notes on where a clip came from
                                (``otio_tools.fcpxml.element``/``containers``) change
    nested stacks               flattened into the clips they show on reading, so a
                                timeline with nested stacks does not compare equal
    ==========================  ==============================================================
    """
    out = copy.deepcopy(facts)
    out["metadata"] = {}
    if out.get("global_start") is None:
        out["global_start"] = 0  # a sequence always has a tcStart
    tracks = [t for t in out.get("tracks", []) if t.get("type") == "Track"]
    lanes = _lanes_for([(t["name"], t["kind"]) for t in tracks])
    placed = sorted(zip(lanes, tracks), key=lambda pair: pair[0])
    length = max((t["record"][1] for t in tracks if t.get("record")), default=0)
    out["tracks"] = []
    for lane, track in placed:
        children = _carried_children(track["children"], audio=track["kind"] == otio.schema.TrackKind.Audio)
        if lane != 0 and not any(c["type"] == "Clip" for c in children):
            continue
        if lane == 0:
            end = _track_length(children)
            if length > end:
                tail = children[-1]["out_offset"] if children and children[-1]["type"] == "Transition" else 0
                items = sum(c["record"][1] for c in children if c["type"] != "Transition")
                children = _carried_children(children + [_gap_fact(items, length - end + tail)])
        else:
            while children and children[-1]["type"] == "Gap":
                children.pop()
        end = _track_length(children)
        track.update(name=str(lane), children=children, markers=[], metadata={}, effects=[])
        track["record"] = [0, end]
        track["source_range"] = None
        out["tracks"].append(track)
    if not any(t["name"] == "0" for t in out["tracks"]):
        children = [_gap_fact(0, length)] if length else []
        out["tracks"].insert(sum(1 for t in out["tracks"] if int(t["name"]) < 0), {
            "type": "Track", "name": "0", "kind": otio.schema.TrackKind.Video, "record": [0, length],
            "source_range": None, "enabled": True, "effects": [], "markers": [], "metadata": {},
            "children": children,
        })
    primary = next((t for lane, t in zip(sorted(l for l, _ in placed), out["tracks"]) if t["name"] == "0"), None)
    out["markers"] = _carried_timeline_markers(out.get("markers", []), primary)
    return out


def _track_length(children: list[dict]) -> int:
    """A track's duration as OTIO counts it: its items, and transitions hanging off either end."""
    length = sum(c["record"][1] for c in children if c["type"] != "Transition")
    if children and children[0]["type"] == "Transition":
        length += children[0]["in_offset"]
    if len(children) > 1 and children[-1]["type"] == "Transition":
        length += children[-1]["out_offset"]
    return length


def _gap_fact(start: int, duration: int) -> dict:
    return {"type": "Gap", "name": "", "record": [start, duration], "enabled": True,
            "effects": [], "markers": [], "metadata": {}}


def _carried_children(children: list[dict], audio: bool = False) -> list[dict]:
    """A track's items as FCPXML gives them back: gaps merged, clips without what it drops."""
    out: list[dict] = []
    position = 0
    for child in children:
        kind = child["type"]
        if kind == "Transition":
            name = child["name"] or "Cross Dissolve"
            child.update(
                name=name, metadata={},
                transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve
                if "dissolve" in name.lower() else otio.schema.TransitionTypes.Custom,
            )
            out.append(child)
            continue
        duration = child["record"][1]
        if kind != "Clip":
            if duration <= 0:
                continue
            if out and out[-1]["type"] == "Gap":
                out[-1]["record"][1] += duration
            else:
                out.append(_gap_fact(position, duration))
            position += duration
            continue
        child["record"] = [position, duration]
        child["metadata"] = {}
        child["effects"] = _carried_effects(child.get("effects", []))
        child["markers"] = [_carried_marker(m, on=None) for m in child.get("markers", [])]
        if child.get("source_range") is None:
            child["source_range"] = child.get("trimmed_range")
        writable = ("ExternalReference", "MissingReference") if audio else (
            "ExternalReference", "GeneratorReference", "MissingReference")
        if child.get("media_type") not in writable:
            child.update(media_type="MissingReference", media_url=None)
        out.append(child)
        position += duration
    return out


def _carried_effects(effects: list[dict]) -> list[dict]:
    speed = 1.0
    warped = False
    for effect in effects:
        if "time_scalar" in effect:
            speed *= effect["time_scalar"]
            warped = True
    if not warped:
        return []
    return [{"type": "LinearTimeWarp", "name": "timeMap", "effect_name": "LinearTimeWarp",
             "time_scalar": round(speed, 6)}]


def _carried_marker(marker: dict, on: str | None) -> dict:
    details = marker.get("metadata", {}).get("otio_tools", {}).get("fcpxml", {})
    kept = {k: v for k, v in details.items() if k in ("kind", "poster_offset")} if isinstance(details, dict) else {}
    if kept.get("kind") == "chapter-marker":
        colour = otio.schema.MarkerColor.YELLOW
    elif marker["color"] in (otio.schema.MarkerColor.RED, otio.schema.MarkerColor.GREEN):
        colour = marker["color"]
    else:
        colour = otio.schema.MarkerColor.PURPLE
    if on:
        kept["on"] = on
    marker = dict(marker, color=colour, metadata={"otio_tools": {"fcpxml": kept}} if kept else {})
    return marker


def _carried_timeline_markers(markers: list[dict], primary: dict | None) -> list[dict]:
    """Timeline markers that a primary gap or transition can hold, marked as on it."""
    if primary is None:
        return []
    spans: list[tuple[str, int, int]] = []
    position = 0
    for child in primary["children"]:
        if child["type"] == "Transition":
            spans.append(("transition", position - child["in_offset"], position + child["out_offset"]))
            continue
        if child["type"] == "Gap":
            spans.append(("gap", position, position + child["record"][1]))
        position += child["record"][1]
    out = []
    for marker in markers:
        at = marker["range"][0]
        was = marker.get("metadata", {}).get("otio_tools", {}).get("fcpxml", {}).get("on")
        order = ("transition", "gap") if was == "transition" else ("gap", "transition")
        home = next((tag for tag in order for kind, lo, hi in spans if kind == tag and lo <= at < hi), None)
        if home is not None:
            out.append(_carried_marker(marker, on=home))
    return out
