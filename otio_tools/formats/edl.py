"""Read and write CMX3600 EDLs as Avid, Premiere, Resolve and Nucoda really write them.

The stock ``cmx_3600`` adapter parses clean lists. Real exports differ, so
reading goes in three steps: the text is split into numbered events (keeping
each line's number for error messages), repaired where the repair is certain
and refused with the line, the event and what to do where it is not; the
repaired list is handed to the stock adapter; its timeline is then corrected
where the adapter gets the picture wrong. ``read_edl_text`` returns the
timeline and one short note per repair.

Picture and sound
    Each event goes onto every track its channel names, one OTIO track per
    channel: picture on ``V`` (``V2``...), audio channel n on an audio track
    named ``An``. ``A`` is channel 1, ``AA`` channels 1 and 2, ``A2``,
    ``A3``... ``A12`` that channel, ``B`` picture and channel 1, ``A/V``,
    ``AA/V``, ``A2/V`` picture and those channels; an ``AUD 3``, ``AUD 4`` or
    ``AUD 3 4`` line adds channels 3 and 4 (to ``V``, ``NONE`` or any
    other). An event on ``NONE`` with no ``AUD`` line records nothing and is
    dropped with a note (Premiere repeats audio cross-fades that way); an
    EDL of such events only is refused. An EDL of audio events only reads
    as a timeline with audio tracks and no video track. Picture records
    exactly as it would without the audio (``global_start_time`` is the
    earliest record in on any track, so picture may open with a gap). Audio
    events follow the picture rules below, and these, each with a note:

    - Avid writes ``00:00:00:00 00:00:00:00`` as the source of media without
      timecode (leaders, WAVs): read from source frame 0 for the record
      length ("untimecoded source in N audio events").
    - Other audio events whose source and record lengths differ with no
      ``M2`` line (Avid's sub-frame sound edits run the source one frame
      long, Premiere's cross-fades shorter or longer): the record side is
      the edit; read from the source in for the record length, events listed.
      A black (``BL``) event has no source and is not listed.
    - A source timecode whose frame field the rate cannot have (Premiere and
      Avid write a 30 or 60 fps sound source in its own timecode) is read at
      the timecode rate above that field at which source and record lengths
      agree within a frame, as a source range at that rate; with none it is
      refused like a picture timecode.
    - An audio transition, whatever its code (Premiere writes cross-fades as
      ``W001`` and ``W000``), is a cross-fade: an OTIO ``SMPTE_Dissolve`` on
      that track, a transition first on a channel a fade from a zero-length
      gap, one into ``BL`` a fade into a gap, as for picture.
    - Premiere's ``BL`` cuts whose record out (``00:00:00:00``) is before
      their record in are dropped: black is a hole in the record timecode.
    - An event that repeats an earlier one on the same channel line for line
      is dropped; so is a cut lying inside the event before it on the channel
      from the same reel at the same source frames (Premiere's tail after a
      cross-fade), and an event covered entirely by one listed after it.

Repairs on reading (each leaves a note)
    ====================================  ========================================
    what the file does                    what is read
    ====================================  ========================================
    CR-only or CRLF line endings          lines split on any ending
    GBK or Latin-1 text                   decoded (``decoded_edl_text``)
    rate given as 23.976, 29.97...        the exact NTSC rate (24000/1001...)
    ``FCM: DROP FRAME`` with ``:``        drop-frame timecode (29.97, 59.94 only)
    a track opening with a transition     a zero-length gap, then the transition
    a transition's zero-length from-line  the from-line of the transition that
    numbered as the event before it       follows it
    a transition into ``BL`` (fade out)   a transition into a gap
    zero-length cut                       dropped (it shows no frame)
    events out of record order            read in record order
    a later event recording over an       the earlier event is cut where the
    earlier one (CMX record order)        later starts, or dropped if covered
    picture source runs a whole N times   speed N (a high-frame-rate source
    its record length, no ``M2`` line     conformed without its ``M2`` line)
    ``M2`` with equal source and record   the speed kept (the adapter drops it)
    lengths (Resolve, reverse at -1x)
    ``TO CLIP NAME`` on a plain cut       ignored: the clip is ``FROM CLIP NAME``
    record start 01:00:00:00              ``global_start_time``; tracks start at 0
    ``* LOC:`` at record timecode         marker at the clip's source time
    ====================================  ========================================

Refused (``TimelineReadError``, naming line and event)
    a timecode whose frame field is impossible at the rate (the rate is wrong:
    pass ``--rate`` with at least the frame + 1), ``FCM: DROP FRAME`` at a rate
    without drop frame, source and record lengths that disagree with no
    ``M2`` line and no whole speed ratio, record out before record in, events
    that overlap other than by recording over the previous one's end, a
    transition with no from-line, key edits (``K``, ``KB``, ``KO``), a line that
    starts with a number but is no event, an EDL with no event, and one whose
    events record to no channel (``NONE`` with no ``AUD`` line). On audio the
    source and record lengths may differ (see above).

Speed effects follow the stock adapter: the clip's source range is the
event's source in and its *record* length, and a ``LinearTimeWarp`` holds
``M2`` speed / rate. The source out an NLE writes for an ``M2`` event is its
own rounding of that product and is not kept.

Round trip (read, write, read again) on every corpus EDL that reads, and on
the samples; :func:`carried_facts` keeps exactly these facts
    ===================  =====================================================
    fact                 after an EDL round trip
    ===================  =====================================================
    timeline name        kept (``TITLE``)
    tracks               the one enabled picture track (channel ``V``) and
                         each enabled audio track holding a clip, on its
                         channel: a track named ``A<n>`` (as read) on channel
                         n, others on the lowest free channels in order
                         (:func:`audio_channels`); one event per channel
                         (``A``, ``A2``...), never ``AA`` or ``AUD``. More
                         than one picture track and nested stacks are
                         refused; disabled tracks are not written
    clip name            kept (``FROM CLIP NAME``)
    record position      kept: ``global_start_time`` + position, in frames
    source range         kept in whole frames at the record rate (a source at
                         another rate, such as a 60 fps sound source, is
                         rounded to it)
    gaps                 kept as holes in the record timecode; a leading gap
                         becomes a later ``global_start_time``
    transitions          moved to start at the cut (in offset 0, out offset
                         in + out, clips around it adjusted: the same frames
                         mix); a wipe stays a wipe, any other type becomes a
                         dissolve; on audio tracks as on picture
    speed (``M2``)       kept to 6 decimals, reverse and freeze frames included;
                         a speed of 1 is no effect
    markers (``LOC``)    name (case kept), colour, start frame; not duration,
                         comment or metadata; timeline and track markers are
                         not written
    disabled clips       not written: they read back as gaps
    media reference      not kept: written as ``FROM CLIP`` / ``FROM FILE``
                         per style, read back from it or missing
    metadata             not kept (reel names and comments come back from the
                         text, others are lost)
    track name, kind     not kept: picture reads back as ``V``, Video, audio
                         as ``A<channel>``, Audio, in channel order
    ===================  =====================================================
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any

import opentimelineio as otio

from otio_tools.errors import TimelineReadError, TimelineWriteError

__all__ = [
    "decoded_edl_text",
    "read_edl_text",
    "read_from_string",
    "write_to_string",
    "write_to_file",
    "carried_facts",
    "audio_channels",
]

_TC = r"(?:\d{1,2}[:;.]\d\d[:;.]\d\d[:;.]\d\d|\d+)"
_EVENT_LINE = re.compile(
    rf"^(?P<number>\d+)\s+(?P<reel>\S+)\s+(?P<channel>\S+)\s+"
    rf"(?P<kind>C|D|W\d{{3}}|KB|KO|K)\s+(?:(?P<length>\d+)\s+)?"
    rf"(?P<src_in>{_TC})\s+(?P<src_out>{_TC})\s+(?P<rec_in>{_TC})\s+(?P<rec_out>{_TC})\s*$"
)
_M2 = re.compile(r"^\*?\s*M2\s+(?P<body>.*?)\s*(?P<speed>-?[0-9.]+)\s+(?P<tc>" + _TC + r")\s*$")
_LOC = re.compile(r"^\*?\s*LOC:?\s*(?P<tc>\d\d[:;]\d\d[:;]\d\d[:;]\d\d)")
_FREEZE = re.compile(r"^\*?\s*\*\s*FREEZE FRAME")
_TO_CLIP = re.compile(r"^\*?\s*TO CLIP NAME")
_FROM_CLIP_NAME = re.compile(r"^\*?\s*FROM CLIP NAME")
_AUD = re.compile(r"^AUD\s+(?P<channels>\d+(?:\s+\d+)*)\s*$", re.IGNORECASE)
_FCM = re.compile(r"^FCM\s*:\s*(?P<mode>(NON[- ])?DROP)", re.IGNORECASE)
_PICTURE_CHANNELS = {"B": "V", "A/V": "V", "AA/V": "V", "A2/V": "V", "V/A": "V", "V/AA": "V"}
_STYLES = ("avid", "nucoda", "premiere")
_NTSC = {23.976: 24000 / 1001, 29.97: 30000 / 1001, 47.952: 48000 / 1001, 59.94: 60000 / 1001}


def decoded_edl_text(data: bytes) -> tuple[str, list[str]]:
    """The EDL's text with ``\\n`` line endings, and notes on what was normalised.

    EDLs carry no declared encoding: UTF-8 first, then GBK (Premiere on Chinese
    systems), then Latin-1, which never fails.
    """
    notes: list[str] = []
    for encoding in ("utf-8-sig", "gbk", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if encoding not in ("utf-8-sig",):
        notes.append(f"decoded as {encoding}")
    if "\r" in text:
        if "\n" not in text:
            notes.append("CR-only line endings")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, notes


@dataclass(frozen=True)
class _Line:
    """One event line: ``NNN REEL CHANNEL KIND [LENGTH] SRC-IN SRC-OUT REC-IN REC-OUT``.

    Times are frames at the reading rate; ``tcs`` keeps the four timecodes as written.
    """

    line_no: int
    number: int
    reel: str
    channel: str
    kind: str
    length: int | None
    tcs: tuple[str, str, str, str]
    src_in: int
    src_out: int
    rec_in: int
    rec_out: int

    @property
    def is_cut(self) -> bool:
        return self.kind == "C"

    @property
    def zero_length(self) -> bool:
        return self.rec_in == self.rec_out


@dataclass(frozen=True)
class _Event:
    """An event: its line (the *to* line of a transition), the transition's from-line, its comments."""

    line: _Line
    from_line: _Line | None = None
    comments: tuple[tuple[int, str], ...] = ()
    track: str = "V"
    source_rate: float | None = None  # an audio source timecode counted at another rate (Premiere)

    @property
    def number(self) -> int:
        return self.line.number

    def where(self) -> str:
        return f"line {self.line.line_no} (event {self.line.number:03d})"

    def m2_speed(self) -> float | None:
        for _, text in self.comments:
            match = _M2.match(text)
            if match:
                return float(match.group("speed"))
        return None

    def is_freeze(self) -> bool:
        return any(_FREEZE.match(text) for _, text in self.comments)


@dataclass
class _Parsed:
    title: str | None = None
    events: list[_Event] = field(default_factory=list)
    drop_frame: bool = False


def _timecode_rate(rate: float, source: str, error: type[Exception] = TimelineReadError) -> float:
    """*rate* as OTIO's timecode functions need it: 29.97 becomes 30000/1001."""
    try:
        rate = float(rate)
    except (TypeError, ValueError):
        raise error(f"{source}: rate {rate!r} is not a number; pass --rate (e.g. 24, 25, 29.97)") from None
    for approx, exact in _NTSC.items():
        if abs(rate - approx) < 0.002 or abs(rate - exact) < 1e-6:
            return exact
    if rate > 0 and otio.opentime.RationalTime.is_valid_timecode_rate(rate):
        return rate
    raise error(
        f"{source}: {rate:g} fps is not a timecode rate; pass --rate with one of "
        "23.976, 24, 25, 29.97, 30, 47.952, 48, 50, 59.94, 60"
    )


def _frames(tc: str, rate: float, drop: bool) -> int:
    """Frames of *tc* at *rate*; a frame field beyond the rate still counts (it is refused later)."""
    if ":" not in tc and ";" not in tc and "." not in tc:
        return int(tc)
    hh, mm, ss, ff = (int(part) for part in re.split(r"[:;.]", tc))
    if (drop or ";" in tc) and _is_drop_rate(rate) and ff < round(rate):
        return int(otio.opentime.from_timecode(f"{hh:02d}:{mm:02d}:{ss:02d};{ff:02d}", rate).value)
    return ((hh * 60 + mm) * 60 + ss) * round(rate) + ff


def _is_drop_rate(rate: float) -> bool:
    return any(abs(rate - r) < 1e-6 for r in (30000 / 1001, 60000 / 1001))


def _frame_field(tc: str) -> int:
    parts = re.split(r"[:;.]", tc)
    return int(parts[3]) if len(parts) == 4 else 0


def _tokenised(text: str, rate: float, source: str) -> _Parsed:
    """The EDL's title and events, each with its line numbers.

    Lines with the same event number form one event, comments between them
    or not (as the stock adapter groups them): a transition's from-line and
    its to-line.
    """
    parsed = _Parsed()
    drop = False
    groups: list[tuple[list[_Line], list[tuple[int, str]]]] = []
    for line_no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.upper().startswith("TITLE:") and not groups:
            parsed.title = line[6:].strip()
            continue
        fcm = _FCM.match(line)
        if fcm:
            drop = not fcm.group("mode").upper().startswith("NON")
            if drop and not _is_drop_rate(rate):
                raise TimelineReadError(
                    f"{source}: line {line_no}: FCM: DROP FRAME, but drop-frame timecode exists only at "
                    f"29.97 and 59.94 fps and the rate is {rate:g}; pass --rate 29.97 (or 59.94)"
                )
            parsed.drop_frame = parsed.drop_frame or drop
            continue
        if line[0].isdigit():
            match = _EVENT_LINE.match(line)
            if not match:
                raise TimelineReadError(
                    f"{source}: line {line_no}: starts with a number but is not a CMX3600 event "
                    f"({line[:60]!r}); fix or remove the line"
                )
            tcs = (match["src_in"], match["src_out"], match["rec_in"], match["rec_out"])
            event_line = _Line(
                line_no, int(match["number"]), match["reel"], match["channel"].upper(), match["kind"],
                int(match["length"]) if match["length"] else None, tcs,
                *(_frames(tc, rate, drop) for tc in tcs),
            )
            if groups and groups[-1][0][-1].number == event_line.number and len(groups[-1][0]) == 1:
                groups[-1][0].append(event_line)
            else:
                groups.append(([event_line], []))
            continue
        if groups:  # header comments before the first event carry nothing we read
            groups[-1][1].append((line_no, line))
    for lines, comments in groups:
        if len(lines) == 2 and lines[1].is_cut:
            # two cuts under one number: two events (the second may be a misnumbered from-line)
            parsed.events.append(_Event(lines[0], None, tuple(c for c in comments if c[0] < lines[1].line_no)))
            parsed.events.append(_Event(lines[1], None, tuple(c for c in comments if c[0] > lines[1].line_no)))
        elif len(lines) == 2:
            parsed.events.append(_Event(lines[1], lines[0], tuple(comments)))
        else:
            parsed.events.append(_Event(lines[0], None, tuple(comments)))
    parsed.drop_frame = parsed.drop_frame and _is_drop_rate(rate)
    return parsed


def _checked_timecodes(events: list[_Event], rate: float, source: str) -> None:
    """Refuse a frame field the rate cannot have: the EDL was cut at another rate."""
    nominal = round(rate)
    for event in events:
        places = [(line.line_no, tc) for line in (event.from_line, event.line) if line
                  for tc in (line.tcs[2:] if event.source_rate and line is event.line else line.tcs)]
        for line_no, text in event.comments:
            marker = _LOC.match(text) or _M2.match(text)
            if marker:
                places.append((line_no, marker.group("tc")))
        for line_no, tc in places:
            frame = _frame_field(tc)
            if frame >= nominal:
                candidates = [r for r in ("25", "29.97", "30", "48", "50", "59.94", "60") if round(float(r)) > frame]
                raise TimelineReadError(
                    f"{source}: line {line_no} (event {event.number:03d}): timecode {tc} has frame {frame}, "
                    f"impossible at {rate:g} fps; the EDL was cut at a higher rate: pass --rate with its real "
                    f"rate, at least {frame + 1} ({', '.join(candidates) or 'none of the usual rates'})"
                )


def _with_misnumbered_from_lines(events: list[_Event], source: str, notes: list[str]) -> list[_Event]:
    """Transitions whose zero-length from-line was numbered as the event before them.

    ``001 C`` (the clip), ``001 C`` (zero length), ``002 D``: the second line is
    the dissolve's from-line under the wrong number.
    """
    out: list[_Event] = []
    for event in events:
        if event.line.kind.startswith("K"):
            raise TimelineReadError(
                f"{source}: {event.where()}: a key edit ({event.line.kind}); otio-tools reads cuts, "
                "dissolves and wipes: export the EDL with keys as separate video tracks, or as OTIO, AAF or XML"
            )
        if event.from_line is None and not event.line.is_cut:
            previous = out[-1] if out else None
            if previous is None or previous.from_line is not None or not previous.line.zero_length:
                raise TimelineReadError(
                    f"{source}: {event.where()}: a {event.line.kind} transition with no from-line (a "
                    f"zero-length cut numbered {event.number:03d} before it); add it or export the EDL again"
                )
            out.pop()
            out.append(replace(event, from_line=previous.line, comments=previous.comments + event.comments))
            if previous.number != event.number:
                notes.append(
                    f"line {previous.line.line_no}: event {event.number:03d}'s transition from-line is "
                    f"numbered {previous.number:03d}; read as event {event.number:03d}'s from-line"
                )
            continue
        out.append(event)
    return out


def _channel_track(channel: str) -> str | None:
    """The picture track an event's channel records to, or None for audio only."""
    if channel in _PICTURE_CHANNELS:
        return _PICTURE_CHANNELS[channel]
    if re.fullmatch(r"V\d*", channel):
        return channel
    if "V" in channel.split("/"):
        return "V"
    return None


def _audio_channels_of(event: _Event) -> list[int]:
    """The audio channels an event records to: its channel column's, then its ``AUD`` lines'."""
    channels: list[int] = []
    for part in event.line.channel.split("/"):
        if part in ("A", "B"):
            channels.append(1)
        elif part == "AA":
            channels.extend((1, 2))
        elif re.fullmatch(r"A\d+", part) and int(part[1:]) > 0:
            channels.append(int(part[1:]))
    for _, text in event.comments:
        aud = _AUD.match(text)
        if aud:
            channels.extend(int(n) for n in aud["channels"].split() if int(n) > 0)
    return sorted(set(channels))


def _events_on_tracks(events: list[_Event], source: str, notes: list[str]) -> list[_Event]:
    """One event per track it records to: picture on ``V`` (``V2``...), audio channel n on ``An``."""
    out: list[_Event] = []
    unrecorded: dict[str, int] = {}
    for event in events:
        picture = _channel_track(event.line.channel)
        tracks = ([picture] if picture else []) + [f"A{n}" for n in _audio_channels_of(event)]
        if not tracks:
            unrecorded[event.line.channel] = unrecorded.get(event.line.channel, 0) + 1
        out.extend(replace(event, track=track) for track in tracks)
    if not events:
        raise TimelineReadError(f"{source}: no events; the EDL is empty: export it again")
    described = ", ".join(f"{n} on {channel}" for channel, n in sorted(unrecorded.items()))
    if not out:
        raise TimelineReadError(
            f"{source}: no event records to a picture or audio channel ({described}, none with an AUD line); "
            "export the EDL again with its tracks patched to V, A, A2..."
        )
    if unrecorded:
        notes.append(f"{sum(unrecorded.values())} events record to no channel ({described} with no AUD line); "
                     "dropped")
    return out


def _source_rate(line: _Line, rate: float) -> float | None:
    """The rate of a source timecode whose frame field the record rate cannot have, or None.

    Premiere writes an audio event's source timecode at the source clip's
    rate: ``00:00:36:12 00:00:37:42`` over 36 record frames at 24 fps is 90
    frames at 60 fps, 1.5 seconds either way. The rate is the timecode rate
    above the frame field at which the source lasts the record length, within
    a frame; None when the frame fields fit the record rate or no rate does.
    """
    fields = [_frame_field(tc) for tc in line.tcs[:2]]
    if max(fields) < round(rate) or line.rec_out <= line.rec_in:
        return None
    (s_in, f_in), (s_out, f_out) = [
        (sum(int(p) * m for p, m in zip(re.split(r"[:;.]", tc)[:3], (3600, 60, 1))), f)
        for tc, f in zip(line.tcs[:2], fields)]
    seconds = (line.rec_out - line.rec_in) / rate
    for candidate in (25, 30, 48, 50, 60):
        if candidate > max(fields) and abs((s_out - s_in) * candidate + f_out - f_in - seconds * candidate) <= 1:
            return float(candidate)
    return None


def _is_audio(event: _Event) -> bool:
    return event.track.startswith("A")


def _audio_timing(events: list[_Event], rate: float, notes: list[str]) -> list[_Event]:
    """Audio events as NLEs write them, made readable: see "Picture and sound" in the module docstring."""
    out: list[_Event] = []
    seen: set[tuple] = set()
    backwards, repeated, untimecoded, mismatched, other_rate, wiped = [], [], [], [], [], set()
    for event in events:
        if not _is_audio(event):
            out.append(event)
            continue
        line = event.line
        if line.rec_out < line.rec_in and line.reel.upper() in ("BL", "BLACK") and event.from_line is None:
            backwards.append(f"{line.number:03d}")
            continue
        key = (event.track, *((part.reel, part.kind, part.length, part.tcs) if part else None
                              for part in (event.from_line, line)))
        if key in seen:
            repeated.append(f"{line.number:03d} on {event.track}")
            continue
        seen.add(key)
        src, rec = line.src_out - line.src_in, line.rec_out - line.rec_in
        source_rate = _source_rate(line, rate)
        if source_rate:
            other_rate.append(f"{event.where()} {source_rate:g} fps")
            out.append(replace(event, source_rate=source_rate, line=replace(line, src_out=line.src_in + rec)))
            continue
        if rec > 0 and src != rec and event.m2_speed() is None and not event.is_freeze():
            if line.src_in == line.src_out == 0:
                untimecoded.append(f"{line.number:03d}")
            elif line.reel.upper() not in ("BL", "BLACK"):
                mismatched.append(f"{event.where()} {src}/{rec}")
            event = replace(event, line=replace(line, src_out=line.src_in + rec))
        if line.kind.startswith("W"):
            wiped.add(line.kind)
        out.append(event)
    if backwards:
        notes.append(f"{len(backwards)} audio black (BL) cuts whose record out is before their record in "
                     f"(Premiere's 00:00:00:00) dropped: events {_listed(backwards)}")
    if repeated:
        notes.append(f"{len(repeated)} audio events repeating an earlier event on the same channel dropped: "
                     f"events {_listed(repeated)}")
    if untimecoded:
        notes.append(f"untimecoded source in {len(untimecoded)} audio events (source 00:00:00:00 "
                     f"00:00:00:00): read from source frame 0 for their record length: events "
                     f"{_listed(untimecoded)}")
    if mismatched:
        notes.append(f"{len(mismatched)} audio events whose source and record lengths differ, with no M2 line, "
                     f"read for their record length from their source in (source/record frames): "
                     f"{_listed(mismatched)}")
    if other_rate:
        notes.append(f"{len(other_rate)} audio events with source timecode at the source clip's own rate "
                     f"(the rate at which source and record lengths agree) read at it: {_listed(other_rate)}")
    if wiped:
        notes.append(f"audio wipes ({', '.join(sorted(wiped))}) read as cross-fades (dissolves)")
    return out


def _checked_timing(events: list[_Event], rate: float, source: str, notes: list[str]) -> list[_Event]:
    """Drop zero-length cuts, resolve record-over overlaps, infer missing ``M2`` lines."""
    out: list[_Event] = []
    dropped_zero: list[str] = []
    for event in events:
        line = event.line
        if line.rec_out < line.rec_in:
            raise TimelineReadError(
                f"{source}: {event.where()}: record out {line.tcs[3]} is before record in {line.tcs[2]}; "
                "fix the event in the NLE and export again"
            )
        if line.zero_length and event.from_line is None:
            dropped_zero.append(f"{line.number:03d}")
            continue
        out.append(event)
    if dropped_zero:
        notes.append(f"{len(dropped_zero)} zero-length events dropped: {_listed(dropped_zero)}")

    by_record = sorted(out, key=lambda e: (e.track, e.line.rec_in if e.from_line is None else e.from_line.rec_in))
    if [id(e) for e in by_record] != [id(e) for e in sorted(out, key=lambda e: e.track)]:
        notes.append("events listed out of record order (a B- or C-mode list); read in record order")
        out = by_record
    resolved: list[_Event] = []
    repeats: list[str] = []
    for event in out:
        previous = next((e for e in reversed(resolved) if e.track == event.track), None)
        if previous is not None and event.line.rec_in < previous.line.rec_out and event.from_line is None:
            p, e = previous.line, event.line
            if e.rec_in <= p.rec_in and e.rec_out >= p.rec_out and previous.from_line is None:
                resolved.remove(previous)
                notes.append(f"event {p.number:03d} (line {p.line_no}) is recorded over entirely by "
                             f"event {e.number:03d}; dropped")
            elif p.rec_in < e.rec_in and e.rec_out >= p.rec_out and previous.m2_speed() is None and previous.from_line is None \
                    and p.src_out - p.src_in == p.rec_out - p.rec_in:
                cut = p.rec_out - e.rec_in
                trimmed = replace(p, src_out=p.src_out - cut, rec_out=e.rec_in)
                resolved[resolved.index(previous)] = replace(previous, line=trimmed)
                notes.append(f"event {p.number:03d} (line {p.line_no}) cut by {cut} frames where "
                             f"event {e.number:03d} records over it")
            elif _is_audio(event) and p.rec_in <= e.rec_in and e.rec_out <= p.rec_out and p.line_no > e.line_no:
                # listed later, the event around it records over it (CMX record order)
                notes.append(f"event {e.number:03d} (line {e.line_no}) is recorded over entirely by "
                             f"event {p.number:03d} on {event.track}; dropped")
                continue
            elif _is_audio(event) and p.rec_in <= e.rec_in and e.rec_out <= p.rec_out and e.reel == p.reel \
                    and e.src_in - p.src_in == e.rec_in - p.rec_in and event.m2_speed() is None:
                # Premiere repeats the part of a cross-faded clip after the fade as a cut of its own
                repeats.append(f"{e.number:03d} on {event.track}")
                continue
            else:
                raise TimelineReadError(
                    f"{source}: {event.where()}: record {e.tcs[2]}-{e.tcs[3]} overlaps event "
                    f"{p.number:03d} (line {p.line_no}, {p.tcs[2]}-{p.tcs[3]}) on track {event.track}; "
                    "fix the record timecodes or put one of them on another track"
                )
        resolved.append(event)
    if repeats:
        notes.append(f"{len(repeats)} audio cuts repeating frames the event before them already records "
                     f"(same reel, same source at each record frame) dropped: events {_listed(repeats)}")

    final: list[_Event] = []
    inferred: list[str] = []
    for event in resolved:
        line = event.line
        src, rec = line.src_out - line.src_in, line.rec_out - line.rec_in
        if src != rec and event.m2_speed() is None and not event.is_freeze():
            ratio = (src - 1) / (rec - 1) if rec > 1 else 0
            if rec > 1 and ratio == int(ratio) and 2 <= ratio <= 8:
                speed = int(ratio) * rate
                comments = event.comments + ((line.line_no, f"M2   {line.reel}       {speed:.6f} {line.tcs[0]}"),)
                final.append(replace(event, comments=comments))
                inferred.append(f"{event.where()} {int(ratio)}x")
                continue
            raise TimelineReadError(
                f"{source}: {event.where()}: source {line.tcs[0]}-{line.tcs[1]} is {src} frames but record "
                f"{line.tcs[2]}-{line.tcs[3]} is {rec} frames at {rate:g} fps, and no M2 line gives a speed; "
                "check --rate, or fix the event in the NLE and export again"
            )
        final.append(event)
    if inferred:
        notes.append(
            f"{len(inferred)} events whose source runs a whole number of times their record length, with "
            f"no M2 line (high-frame-rate sources), read at that speed: {_listed(inferred)}"
        )
    return final


def _listed(items: list[str], limit: int = 3) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _edl_for_adapter(parsed: _Parsed, events: list[_Event], rate: float, notes: list[str]):
    """EDL text the stock adapter reads, and per emitted event its leading-transition kind (or None)."""
    out = [f"TITLE: {parsed.title}"] if parsed.title else []
    leading: list[_Event | None] = []
    seen_tracks: set[str] = set()
    dropped_to_names = 0

    def tc(frames: int) -> str:
        # counted, never drop-frame: the adapter parses ':' timecode as a plain count at any rate,
        # and its LOC and M2 patterns accept no ';'
        n = round(rate)
        return f"{frames // (3600 * n):02d}:{frames // (60 * n) % 60:02d}:{frames // n % 60:02d}:{frames % n:02d}"

    def render(number: int, line: _Line, track: str, kind: str) -> str:
        length = f"{line.length:03d}" if kind != "C" else "   "
        return (f"{number:06d}  {line.reel:8} {track:5} {kind:4} {length} "
                f"{tc(line.src_in)} {tc(line.src_out)} {tc(line.rec_in)} {tc(line.rec_out)}")

    def counted(comment: str) -> str:
        found = _LOC.match(comment) or _M2.match(comment)
        if not found:
            return comment
        frames = _frames(found.group("tc"), rate, parsed.drop_frame)
        return comment[: found.start("tc")] + tc(frames) + comment[found.end("tc"):]

    for index, event in enumerate(events, start=1):
        first_on_track = event.track not in seen_tracks
        seen_tracks.add(event.track)
        comments = [counted(text) for _, text in event.comments
                    if not re.match(r"^(AUD|SPLIT|FCM)\b", text, re.IGNORECASE)]
        if event.from_line is not None and not any(_TO_CLIP.match(c) for c in comments):
            # FROM CLIP NAME in a transition names the outgoing clip; the adapter would give it to the incoming
            comments = [c for c in comments if not _FROM_CLIP_NAME.match(c)]
        if event.from_line is not None and first_on_track:
            out.append(render(index, event.line, event.track, "C"))
            leading.append(event)
        else:
            if event.from_line is not None:
                out.append(render(index, event.from_line, event.track, "C"))
            else:
                before = len(comments)
                comments = [c for c in comments if not _TO_CLIP.match(c)]
                dropped_to_names += before - len(comments)
            # an audio transition is a cross-fade whatever its code (Premiere writes W001)
            kind = "D" if _is_audio(event) and not event.line.is_cut else event.line.kind
            out.append(render(index, event.line, event.track, kind))
            leading.append(None)
        out.extend(comments)
    if dropped_to_names:
        notes.append(f"TO CLIP NAME on {dropped_to_names} plain cuts ignored (a cut shows its FROM CLIP NAME)")
    return "\n".join(out) + "\n", leading


def _adapter_module():
    return otio.adapters.from_name("cmx_3600").module()


def read_edl_text(
    text: str, rate: float, *, source: str = "EDL"
) -> tuple[otio.schema.Timeline, list[str]]:
    """Parse EDL *text* at *rate* frames per second; returns the timeline and repair notes.

    The timeline holds the picture track (none if no event records picture),
    then one audio track per channel, ``A1``, ``A2``... *source* names the
    file in error messages. Record positions are relative to
    ``timeline.global_start_time`` (the earliest record in on any track); every
    clip keeps its event number and line under ``metadata["otio_tools"]["edl"]``.
    """
    notes: list[str] = []
    if "\r" in text and "\n" not in text:
        notes.append("CR-only line endings")
    exact_rate = _timecode_rate(rate, source)
    if exact_rate != float(rate):
        notes.append(f"rate {float(rate):g} read as exactly {round(exact_rate * 1001)}/1001 (NTSC)")
    parsed = _tokenised(text, exact_rate, source)
    if parsed.drop_frame:
        notes.append("drop-frame timecode")
    events = _with_misnumbered_from_lines(parsed.events, source, notes)
    events = _events_on_tracks(events, source, notes)
    events = _audio_timing(events, exact_rate, notes)
    _checked_timecodes(events, exact_rate, source)
    events = _checked_timing(events, exact_rate, source, notes)
    edl, leading = _edl_for_adapter(parsed, events, exact_rate, notes)
    try:
        timeline = _adapter_module().read_from_string(edl, rate=exact_rate)
    except Exception as exc:  # the adapter raises EDLParseError, ValueError, AttributeError...
        raise TimelineReadError(
            f"{source}: the CMX3600 reader failed after repairs: {type(exc).__name__}: {exc}; "
            "export the EDL again (CMX3600, one picture track)"
        ) from exc
    _corrected(timeline, events, leading, exact_rate, notes)
    return timeline, notes


def _corrected(timeline, events: list[_Event], leading: list[_Event | None], rate: float, notes: list[str]) -> None:
    """Fix, in place, what the adapter gets wrong: offsets, leading transitions, markers, speeds."""
    starts: dict[str, int] = {}
    for event in events:
        starts.setdefault(event.track, event.line.rec_in)
    global_start = min(starts.values())
    timeline.global_start_time = otio.opentime.RationalTime(global_start, rate)
    by_track: dict[str, list[tuple[_Event, _Event | None]]] = {}
    for event, lead in zip(events, leading):
        by_track.setdefault(event.track, []).append((event, lead))
    kept_speeds: list[str] = []
    for track in timeline.tracks:
        track.source_range = None
        pairs = by_track.get(track.name, [])
        clips = [item for item in track if isinstance(item, otio.schema.Clip)]
        for clip, (event, lead) in zip(clips, pairs):
            if event.from_line is not None and event.line.reel.upper() in ("BL", "BLACK"):
                # a transition into black is a fade out: OTIO's black is a gap
                index = track.index(clip)
                track[index] = otio.schema.Gap(source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(0, rate), clip.source_range.duration))
                continue
            clip.metadata["otio_tools"] = {"edl": {"event": event.number, "line": event.line.line_no}}
            if event.source_rate:
                hh, mm, ss, ff = (int(p) for p in re.split(r"[:;.]", event.line.tcs[0]))
                duration = clip.source_range.duration.value * event.source_rate / rate
                clip.source_range = otio.opentime.TimeRange(
                    otio.opentime.RationalTime(((hh * 60 + mm) * 60 + ss) * event.source_rate + ff, event.source_rate),
                    otio.opentime.RationalTime(duration, event.source_rate))
            _markers_to_source_time(clip, event, rate)
            speed = event.m2_speed()
            if speed is not None and not clip.effects and speed != rate and event.line.rec_out - event.line.rec_in > 1:
                clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=speed / rate))
                if f"{event.where()} {speed:g}" not in kept_speeds:  # once for an event on several channels
                    kept_speeds.append(f"{event.where()} {speed:g}")
            if lead is not None:
                index = track.index(clip)
                length = otio.opentime.RationalTime(lead.line.length or 0, rate)
                kind = "SMPTE_Wipe" if lead.line.kind.startswith("W") and not _is_audio(lead) \
                    else otio.schema.TransitionTypes.SMPTE_Dissolve
                transition = otio.schema.Transition(
                    name=f"{kind} to {clip.name}",
                    transition_type=kind,
                    in_offset=otio.opentime.RationalTime(0, rate),
                    out_offset=length,
                    metadata={"cmx_3600": {"transition": lead.line.kind, "transition_duration": float(length.value)}},
                )
                track.insert(index, transition)
                track.insert(index, otio.schema.Gap(source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(0, rate))))
                notes.append(f"{lead.where()}: a {lead.line.kind} transition opens the track {track.name}; "
                             "read as a transition from a zero-length gap")
        offset = starts.get(track.name, global_start) - global_start
        if offset:
            track.insert(0, otio.schema.Gap(source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(offset, rate))))
    # picture first, in the order read, then audio by channel
    order = sorted(timeline.tracks, key=lambda t: (t.kind == otio.schema.TrackKind.Audio, _channel_number(t.name)
                                                   if t.kind == otio.schema.TrackKind.Audio else 0))
    while len(timeline.tracks):
        timeline.tracks.pop()
    for track in order:
        timeline.tracks.append(track)
    if kept_speeds:
        notes.append(f"M2 speed kept on {len(kept_speeds)} events whose source and record lengths are equal: "
                     f"{_listed(kept_speeds)}")


def _channel_number(name: str) -> int:
    """The audio channel of a track named ``A<n>`` as read; 0 for any other name."""
    match = re.fullmatch(r"A(\d+)", name or "")
    return int(match[1]) if match else 0


def _markers_to_source_time(clip, event: _Event, rate: float) -> None:
    """``LOC`` timecodes are record timecode; OTIO clip markers are in the clip's source time."""
    for marker in clip.markers:
        record = marker.marked_range.start_time.rescaled_to(rate).value
        start = clip.source_range.start_time.value + (record - event.line.rec_in)
        marker.marked_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(0, rate)
        )


def read_from_string(input_str: str, rate: float = 24) -> otio.schema.Timeline:
    """OTIO adapter entry point: parse EDL text at *rate*, with every repair applied."""
    text, _ = decoded_edl_text(input_str.encode("utf-8"))
    return read_edl_text(text, rate)[0]


def write_to_string(input_otio, rate: float | None = None, style: str = "avid") -> str:
    """OTIO adapter entry point: the stock CMX3600 writer, corrected.

    The stock writer changes the timeline it is given, writes only the first
    track, starts the record at 00:00:00:00 whatever ``global_start_time``
    says, upper-cases marker names and writes their source time as ``LOC``
    record timecode, writes every wipe as ``D``, divides by the speed for an
    ``M2`` event's source out (and fails on reverse speeds), repeats the
    outgoing clip's markers and ``M2`` in a transition's event, and writes no
    ``FCM`` line. This writes a copy of each track in turn, the one picture
    track (channel ``V``) first, then every enabled audio track on its channel
    (``A``, ``A2``...: see :func:`audio_channels`), numbers the events on
    across them and corrects the text event by event.
    """
    if style not in _STYLES:
        raise TimelineWriteError(f"EDL style {style!r} is not one of: {', '.join(_STYLES)}")
    timeline = _timeline_in(input_otio)
    video = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video and t.enabled]
    audio = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Audio and t.enabled]
    if len(video) > 1 or not (video or audio):
        raise TimelineWriteError(
            f"an EDL holds one picture track; timeline {timeline.name!r} has {len(video)} enabled video "
            "tracks: flatten them (otio.algorithms.flatten_stack) or write another format"
        )
    rate = _timecode_rate(rate or _rate_of(timeline), "the EDL writer", TimelineWriteError)
    start = 0
    if timeline.global_start_time is not None:
        start = int(round(timeline.global_start_time.rescaled_to(rate).value))
    written = [(track, "V") for track in video] + sorted(
        ((track, "A" if n == 1 else f"A{n}") for track, n in zip(audio, audio_channels([t.name for t in audio]))),
        key=lambda pair: int(pair[1][1:] or 1))
    fcm = "FCM: DROP FRAME" if _is_drop_rate(rate) else "FCM: NON-DROP FRAME"
    lines = [f"TITLE: {timeline.name}", fcm, ""] if timeline.name else [fcm]
    events: list[list[str]] = []
    for number, (track, channel) in enumerate(written):
        events.extend(_track_events(timeline, track, channel, rate, start, style, number, len(events)))
    return "\n".join(lines + [line for event in events for line in event]) + "\n"


def audio_channels(names: list[str]) -> list[int]:
    """The channel each audio track is written on, in order: a track named ``A<n>`` (as read) on n.

    Other tracks, and a second track of the same name, take the lowest
    channels left free, in order.
    """
    channels: list[int | None] = [None] * len(names)
    for index, name in enumerate(names):
        n = _channel_number(name)
        if n and n not in channels:
            channels[index] = n
    free = (n for n in range(1, len(names) + max([c or 0 for c in channels] + [0]) + 1) if n not in channels)
    return [c if c is not None else next(free) for c in channels]


def _track_events(timeline, original, channel: str, rate: float, start: int, style: str, track_number: int,
                  first: int) -> list[list[str]]:
    """The events of one track written on *channel*, numbered on from *first* + 1: lines each."""
    copied = timeline.deepcopy()
    index = list(timeline.tracks).index(original)
    track = copied.tracks[index]
    for other in [t for t in copied.tracks if t is not track]:
        copied.tracks.remove(other)
    track.kind = otio.schema.TrackKind.Video  # the stock writer writes one video track
    if track.source_range is not None:
        # a track trimmed to start before its content (older EDL readers did this) starts the record later
        trim, content = track.source_range, track.available_range()
        if trim.start_time.value > 0 or trim.duration < content.duration:
            raise TimelineWriteError(
                f"track {track.name!r} of timeline {timeline.name!r} is trimmed to part of its clips; "
                "trim them first (otio.algorithms.track_trimmed_to_range) or write another format"
            )
        start -= int(round(trim.start_time.rescaled_to(rate).value))
        track.source_range = None
    for clip in track.find_clips():
        # an EDL states source timecode at the record rate, in whole frames
        source = clip.trimmed_range()
        clip.source_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(round(source.start_time.rescaled_to(rate).value), rate),
            otio.opentime.RationalTime(round(source.duration.rescaled_to(rate).value), rate),
        )
    _check_writable(track, timeline.name, rate)
    blocks = _written_blocks(track)
    if not blocks:
        return []
    names: dict[str, str] = {}
    for index, clip in enumerate(track.find_clips()):
        _markers_as_written(clip, f"{track_number:03d}T{index:06d}", start, rate, names)
        cmx = dict(clip.metadata.get("cmx_3600") or {})
        # the writer pads a reel made from the clip name with spaces, which splits the event line
        cmx["reel"] = re.sub(r"\s+", "_", str(cmx.get("reel") or "AX").strip()) or "AX"
        clip.metadata["cmx_3600"] = cmx
        for effect in clip.effects:
            if isinstance(effect, otio.schema.LinearTimeWarp) and effect.time_scalar < 0:
                effect.time_scalar = -effect.time_scalar  # sign restored on the M2 line
    # the stock premiere style fails on clips without media and renames clips after their files:
    # write avid style, then make it Premiere's (reel AX, no FROM CLIP line)
    text = _adapter_module().write_to_string(copied, rate=rate, style="avid" if style == "premiere" else style)
    events = _text_corrected(text, blocks, rate, start, channel, first, premiere=style == "premiere")
    for token, name in names.items():
        events = [[line.replace(token, name) for line in event] for event in events]
    return events


def write_to_file(input_otio, filepath: str, adapter_name: str | None = None, rate: float | None = None,
                  style: str = "avid") -> None:
    """Write *input_otio* as an EDL at *filepath* (UTF-8, ``\\n`` line endings) with :func:`write_to_string`.

    *adapter_name* is accepted, and ignored, so ``timeline_io`` can call every
    format module's writer the same way.
    """
    text = write_to_string(input_otio, rate=rate, style=style)
    with open(filepath, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def _check_writable(track, timeline_name: str, rate: float) -> None:
    """Refuse what an EDL cannot state; prepare fades to black for the stock writer."""
    children = list(track)
    for index, child in enumerate(children):
        if isinstance(child, (otio.schema.Stack, otio.schema.Track)):
            raise TimelineWriteError(
                f"timeline {timeline_name!r}: {type(child).__name__} {child.name!r} is nested in track "
                f"{track.name!r}; an EDL holds a flat list of clips: flatten it first "
                "(otio.algorithms.flatten_stack) or write another format"
            )
        if not isinstance(child, otio.schema.Transition) or not child.in_offset.value:
            continue
        after = children[index + 1] if index + 1 < len(children) else None
        if isinstance(after, otio.schema.Gap):
            # the writer starts the incoming side in_offset earlier: a gap has room for it
            after.source_range = otio.opentime.TimeRange(child.in_offset, after.source_range.duration)
        elif isinstance(after, otio.schema.Clip):
            early = after.source_range.start_time - child.in_offset
            if early.value < 0 or index == 0:
                raise TimelineWriteError(
                    f"timeline {timeline_name!r}: transition {child.name!r} into clip {after.name!r} starts "
                    f"{child.in_offset.rescaled_to(rate).value:g} frames before the cut, "
                    + ("with no clip before it" if index == 0 else "before the clip's source starts")
                    + "; an EDL transition starts at the cut: move it after the cut or write another format"
                )


def _timeline_in(document) -> otio.schema.Timeline:
    if isinstance(document, otio.schema.Timeline):
        return document
    for item in document:
        if isinstance(item, otio.schema.Timeline):
            return item
    raise TimelineWriteError("an EDL is written from a timeline; the document holds none")


def _rate_of(timeline) -> float:
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return clip.source_range.duration.rate
    return 24.0


@dataclass(frozen=True)
class _Block:
    """What one event the stock writer writes stands for: an item, the transition into it, its speed."""

    item: Any
    transition: Any = None
    speed: float | None = None


def _speed_of(item) -> float | None:
    for effect in getattr(item, "effects", []):
        if isinstance(effect, otio.schema.LinearTimeWarp) and not isinstance(effect, otio.schema.FreezeFrame):
            return effect.time_scalar
    return None


def _written_blocks(track) -> list[_Block]:
    """The writer's events in order, mirroring ``EDLWriter.get_content_for_track_at_index``."""
    children = list(track)
    blocks = []
    for index, child in enumerate(children):
        if isinstance(child, otio.schema.Transition):
            continue
        previous = children[index - 1] if index else None
        if isinstance(previous, otio.schema.Transition):
            blocks.append(_Block(child, previous, _speed_of(child)))
        elif isinstance(child, otio.schema.Clip) and child.enabled:
            blocks.append(_Block(child, None, _speed_of(child)))
    if children and isinstance(children[-1], otio.schema.Transition):
        blocks.append(_Block(None, children[-1]))
    return blocks


def _markers_as_written(clip, index: str, start: int, rate: float, names: dict[str, str]) -> None:
    """Markers at record time, with a placeholder name the writer's upper-casing cannot change."""
    position = clip.range_in_parent().start_time.rescaled_to(rate).value
    source_start = clip.source_range.start_time.rescaled_to(rate).value
    for number, marker in enumerate(clip.markers):
        token = f"OTIOTOOLSMARKER{index}X{number:04d}"
        names[token] = marker.name or ""
        marker.name = token
        original = (marker.metadata.get("cmx_3600") or {}).get("color")
        if original and marker.color == otio.schema.MarkerColor.RED and \
                not hasattr(otio.schema.MarkerColor, str(original).upper()):
            marker.color = str(original)
        record = round(start + position + marker.marked_range.start_time.rescaled_to(rate).value - source_start)
        marker.marked_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(record, rate), otio.opentime.RationalTime(0, rate)
        )


def _text_corrected(text: str, blocks: list[_Block], rate: float, start: int, channel: str = "V", first: int = 0,
                    premiere: bool = False) -> list[list[str]]:
    """The stock writer's events, corrected one by one (see :func:`write_to_string`): lines each.

    Each event is written on *channel* and numbered from *first* + 1.
    """
    events: list[list[str]] = []
    for line in text.split("\n"):
        match = _EVENT_LINE.match(line.strip())
        if match and (not events or _EVENT_LINE.match(events[-1][0])["number"] != match["number"]):
            events.append([line.strip()])
        elif events:
            events[-1].append(line)
    drop = _is_drop_rate(rate)
    written: list[list[str]] = []
    for number, (lines, block) in enumerate(zip(events, blocks), start=first + 1):
        out: list[str] = []
        written.append(out)
        count = 2 if len(lines) > 1 and _EVENT_LINE.match(lines[1].strip()) else 1
        heads = [_EVENT_LINE.match(lines[i].strip()) for i in range(count)]
        frames = [[_frames(h[k], rate, drop) for k in ("src_in", "src_out", "rec_in", "rec_out")] for h in heads]
        for f in frames:
            f[2] += start
            f[3] += start
        kinds = [h["kind"] for h in heads]
        speed = block.speed
        if count == 2:
            frames[0][2] = frames[0][3] = frames[1][2]  # a fade-in's from-line sits where the fade starts
            if block.transition.transition_type == "SMPTE_Wipe":
                code = str((block.transition.metadata.get("cmx_3600") or {}).get("transition", "W001"))
                kinds[1] = code if re.fullmatch(r"W\d{3}", code) else "W001"
        if speed is not None:
            length = frames[-1][3] - frames[-1][2]
            frames[-1][1] = frames[-1][0] + max(1, int(round(length * abs(speed))))
        for i, head in enumerate(heads):
            tcs = [otio.opentime.to_timecode(otio.opentime.RationalTime(f, rate), rate) for f in frames[i]]
            length = f"{int(head['length']):03d}" if head["length"] else "   "
            reel = "AX" if premiere and head["reel"] != "BL" else head["reel"]
            out.append(f"{number:03d}  {reel:8} {channel:5} {kinds[i]:4} {length} " + " ".join(tcs))
        comments = lines[count:]
        if premiere:
            comments = [re.sub(r"^\* (FROM|TO) CLIP: ", r"* OTIO REFERENCE \1: ", c) for c in comments
                        if not c.startswith("* OTIO TRUNCATED REEL NAME")]
        if count == 2:
            # the outgoing clip's comments come first; keep only its name
            to_start = next((i for i, c in enumerate(comments) if c.startswith("* TO CLIP NAME")), None)
            if to_start is None:
                to_start = len(comments)  # a fade to black: nothing comes in
            elif to_start and comments[to_start - 1].startswith("M2"):
                to_start -= 1
            comments = [c for c in comments[:to_start] if c.startswith("* FROM CLIP NAME")] + comments[to_start:]
        if speed is not None and speed < 0:
            comments = [_negated_m2(c) for c in comments]
        out.extend(comments)
    while written and written[-1] and not written[-1][-1]:
        written[-1].pop()  # the stock text's closing newline, written once after the last track
    return written


def _negated_m2(line: str) -> str:
    match = _M2.match(line.strip())
    if not match:
        return line
    return f"{line[: match.start('speed')]}-{match['speed']}{line[match.end('speed'):]}"


def carried_facts(facts: dict) -> dict:
    """What an EDL round trip keeps of :func:`otio_tools.compare.timeline_facts` output.

    Pure: returns new plain data, *facts* is not changed. See the module
    docstring's round-trip table: the timeline name; on the one picture track,
    and on each enabled audio track that holds a clip (keyed by the channel
    :func:`audio_channels` writes it on), each enabled clip's name, absolute
    record range (global start + position), source range, speed and markers
    (name, colour, start), and each transition's type and offsets. Gaps are
    implied by the record ranges.
    """
    start = facts.get("global_start") or 0
    tracks = [t for t in facts.get("tracks", []) if t.get("enabled", True)]
    video = [t for t in tracks if t.get("kind") == "Video"]
    audio = [t for t in tracks if t.get("kind") == "Audio"]
    carried_audio = {}
    for channel, track in zip(audio_channels([t.get("name") for t in audio]), audio):
        items = _carried_items(track, start)
        if any(item["type"] != "Transition" for item in items):
            carried_audio[f"A{channel}"] = items
    return {
        "name": facts.get("name"),
        "video_tracks": len(video),
        "items": _carried_items(video[0], start) if len(video) == 1 else [],
        "audio_tracks": dict(sorted(carried_audio.items(), key=lambda pair: int(pair[0][1:]))),
    }


def _carried_items(track: dict, start: int) -> list[dict]:
    """The items an EDL writes of one track's facts (see :func:`carried_facts`)."""
    if track.get("source_range"):
        start -= track["source_range"][0]  # a track trimmed to start before its content starts later
    items: list[dict] = []
    for child in _transitions_at_the_cut(track.get("children", [])):
        if child.get("type") == "Transition":
            items.append({
                "type": "Transition",
                # an EDL states a wipe (W###) or a dissolve (D); any other transition is written as D
                "transition_type": "SMPTE_Wipe" if child.get("transition_type") == "SMPTE_Wipe" else "SMPTE_Dissolve",
                "in_offset": child.get("in_offset"),
                "out_offset": child.get("out_offset"),
            })
        elif child.get("type") != "Gap" and child.get("enabled", True):
            record = child.get("record") or [0, 0]
            items.append({
                "type": child.get("type"),
                "name": child.get("name"),
                "record": [start + record[0], record[1]],
                "source_range": child.get("source_range") or child.get("trimmed_range"),
                "speed": [
                    e["time_scalar"] for e in child.get("effects", [])
                    if "time_scalar" in e and e["time_scalar"] != 1
                ],
                "markers": [
                    {"name": m.get("name"), "color": m.get("color"), "start": (m.get("range") or [None])[0]}
                    for m in child.get("markers", [])
                ],
            })
    return items


def _transitions_at_the_cut(children: list[dict]) -> list[dict]:
    """*children* with every transition moved to start at its cut, as an EDL states it.

    A transition with an in offset overlaps the outgoing clip; an EDL
    dissolve starts at the incoming event's record in. The same frames mix
    when the outgoing clip ends, and the incoming one starts, *in offset*
    frames earlier and the transition runs ``in + out`` frames from there.
    """
    out = copy.deepcopy(children)
    for index, child in enumerate(out):
        if child.get("type") != "Transition" or not child.get("in_offset"):
            continue
        shift = child["in_offset"]
        before = out[index - 1] if index else None
        after = out[index + 1] if index + 1 < len(out) else None
        if before and before.get("record"):
            before["record"] = [before["record"][0], before["record"][1] - shift]
            if before.get("source_range"):
                before["source_range"] = [before["source_range"][0], before["source_range"][1] - shift]
        if after and after.get("record"):
            after["record"] = [after["record"][0] - shift, after["record"][1] + shift]
            if after.get("source_range"):
                after["source_range"] = [after["source_range"][0] - shift, after["source_range"][1] + shift]
        child["in_offset"], child["out_offset"] = 0, shift + (child.get("out_offset") or 0)
    return out
