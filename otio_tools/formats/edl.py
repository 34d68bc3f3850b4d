"""Read and write CMX3600 EDLs as Avid, Premiere, Resolve and Nucoda really write them.

The stock ``cmx_3600`` adapter parses clean lists. Real exports differ, so
reading goes in three steps: the text is split into numbered events (keeping
each line's number for error messages), repaired where the repair is certain
and refused with the line, the event and what to do where it is not; the
repaired list is handed to the stock adapter; its timeline is then corrected
where the adapter gets the picture wrong. ``read_edl_text`` returns the
timeline and one short note per repair.

Picture only
    otio-tools checks picture, and an EDL event's audio cannot be read to the
    frame in practice: Avid writes ``00:00:00:00 00:00:00:00`` as the source
    of every clip without timecode (the sound EDLs ``*_DX_*`` and ``TEST.edl``
    are made of them), Premiere writes audio cross-fades whose source and
    record lengths differ, and the EDL writer carries one picture track. So
    events on audio channels only (``A``, ``A2``, ``AA``, ``A3``...,
    ``NONE`` with ``AUD``) are dropped with a note, events on a picture and
    audio channel (``B``, ``AA/V``, ``A/V``) are read as picture, and ``AUD``
    lines are ignored. An EDL with no picture event at all is refused.

Repairs on reading (each leaves a note)
    ====================================  ========================================
    what the file does                    what is read
    ====================================  ========================================
    CR-only or CRLF line endings          lines split on any ending
    GBK or Latin-1 text                   decoded (``decoded_edl_text``)
    rate given as 23.976, 29.97...        the exact NTSC rate (24000/1001...)
    ``FCM: DROP FRAME`` with ``:``        drop-frame timecode (29.97, 59.94 only)
    a transition as first picture event   a zero-length gap, then the transition
    a transition's zero-length from-line  the from-line of the transition that
    numbered as the event before it       follows it
    a transition into ``BL`` (fade out)   a transition into a gap
    zero-length picture cut               dropped (it shows no frame)
    events out of record order            read in record order
    a later event recording over an       the earlier event is cut where the
    earlier one (CMX record order)        later starts, or dropped if covered
    source runs a whole N times its       speed N (a high-frame-rate source
    record length, with no ``M2`` line    conformed without its ``M2`` line)
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
    starts with a number but is no event, and an EDL with no picture event.

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
    tracks               the one enabled picture track; audio tracks, more
                         than one picture track and nested stacks are not
                         written (the writer refuses the last two)
    clip name            kept (``FROM CLIP NAME``)
    record position      kept: ``global_start_time`` + position, in frames
    source range         kept in whole frames at the record rate (a source at
                         another rate is rounded to it)
    gaps                 kept as holes in the record timecode; a leading gap
                         becomes a later ``global_start_time``
    transitions          moved to start at the cut (in offset 0, out offset
                         in + out, clips around it adjusted: the same frames
                         mix); a wipe stays a wipe, any other type becomes a
                         dissolve
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
    track name, kind     not kept: the track reads back as ``V``, Video
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
        places = [(line.line_no, tc) for line in (event.from_line, event.line) if line for tc in line.tcs]
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


def _picture_events(events: list[_Event], source: str, notes: list[str]) -> list[_Event]:
    picture, audio_channels, audio_count = [], set(), 0
    for event in events:
        track = _channel_track(event.line.channel)
        if track is None:
            audio_count += 1
            audio_channels.add(event.line.channel)
            continue
        picture.append(replace(event, track=track))
    if not picture:
        if not events:
            raise TimelineReadError(f"{source}: no events; the EDL is empty: export it again")
        raise TimelineReadError(
            f"{source}: no picture event: all {audio_count} events are audio only (channels "
            f"{', '.join(sorted(audio_channels))}); otio-tools checks picture: export the EDL of the "
            "video track"
        )
    if audio_count:
        notes.append(
            f"{audio_count} audio-only events dropped (channels {', '.join(sorted(audio_channels))}); "
            "picture is read"
        )
    return picture


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
            else:
                raise TimelineReadError(
                    f"{source}: {event.where()}: record {e.tcs[2]}-{e.tcs[3]} overlaps event "
                    f"{p.number:03d} (line {p.line_no}, {p.tcs[2]}-{p.tcs[3]}) on track {event.track}; "
                    "fix the record timecodes or put one of them on another track"
                )
        resolved.append(event)

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
            out.append(render(index, event.line, event.track, event.line.kind))
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
    """Parse EDL *text* at *rate* frames per second; returns the picture timeline and repair notes.

    *source* names the file in error messages. Record positions are relative to
    ``timeline.global_start_time`` (the first event's record in); every clip
    keeps its event number and line under ``metadata["otio_tools"]["edl"]``.
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
    events = _picture_events(events, source, notes)
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
            _markers_to_source_time(clip, event, rate)
            speed = event.m2_speed()
            if speed is not None and not clip.effects and speed != rate and event.line.rec_out - event.line.rec_in > 1:
                clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=speed / rate))
                kept_speeds.append(f"{event.where()} {speed:g}")
            if lead is not None:
                index = track.index(clip)
                length = otio.opentime.RationalTime(lead.line.length or 0, rate)
                kind = "SMPTE_Wipe" if lead.line.kind.startswith("W") else otio.schema.TransitionTypes.SMPTE_Dissolve
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
                notes.append(f"{lead.where()}: a {lead.line.kind} transition opens the track; "
                             "read as a transition from a zero-length gap")
        offset = starts.get(track.name, global_start) - global_start
        if offset:
            track.insert(0, otio.schema.Gap(source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(offset, rate))))
    if kept_speeds:
        notes.append(f"M2 speed kept on {len(kept_speeds)} events whose source and record lengths are equal: "
                     f"{_listed(kept_speeds)}")


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
    ``FCM`` line. This writes a copy of the one picture track and corrects
    the text event by event.
    """
    if style not in _STYLES:
        raise TimelineWriteError(f"EDL style {style!r} is not one of: {', '.join(_STYLES)}")
    timeline = _timeline_in(input_otio)
    copied = timeline.deepcopy()
    video = [t for t in copied.tracks if t.kind == otio.schema.TrackKind.Video and t.enabled]
    if len(video) != 1:
        raise TimelineWriteError(
            f"an EDL holds one picture track; timeline {timeline.name!r} has {len(video)} enabled video "
            "tracks: flatten them (otio.algorithms.flatten_stack) or write another format"
        )
    track = video[0]
    for other in [t for t in copied.tracks if t is not track]:
        copied.tracks.remove(other)
    rate = _timecode_rate(rate or _rate_of(timeline), "the EDL writer", TimelineWriteError)
    start = 0
    if timeline.global_start_time is not None:
        start = int(round(timeline.global_start_time.rescaled_to(rate).value))
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
    names: dict[str, str] = {}
    for index, clip in enumerate(track.find_clips()):
        _markers_as_written(clip, index, start, rate, names)
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
    text = _text_corrected(text, blocks, rate, start, premiere=style == "premiere")
    for token, name in names.items():
        text = text.replace(token, name)
    return text


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


def _markers_as_written(clip, index: int, start: int, rate: float, names: dict[str, str]) -> None:
    """Markers at record time, with a placeholder name the writer's upper-casing cannot change."""
    position = clip.range_in_parent().start_time.rescaled_to(rate).value
    source_start = clip.source_range.start_time.rescaled_to(rate).value
    for number, marker in enumerate(clip.markers):
        token = f"OTIOTOOLSMARKER{index:06d}X{number:04d}"
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


def _text_corrected(text: str, blocks: list[_Block], rate: float, start: int, premiere: bool = False) -> str:
    """The stock writer's text, corrected event by event (see :func:`write_to_string`)."""
    header: list[str] = []
    events: list[list[str]] = []
    for line in text.split("\n"):
        match = _EVENT_LINE.match(line.strip())
        if match and (not events or _EVENT_LINE.match(events[-1][0])["number"] != match["number"]):
            events.append([line.strip()])
        elif events:
            events[-1].append(line)
        else:
            header.append(line)
    drop = _is_drop_rate(rate)
    fcm = "FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME"
    out = [header[0], fcm, *header[1:]] if header and header[0].startswith("TITLE:") else [fcm, *header]
    for lines, block in zip(events, blocks):
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
            out.append(f"{head['number']}  {reel:8} {head['channel']:5} {kinds[i]:4} {length} " + " ".join(tcs))
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
    return "\n".join(out)


def _negated_m2(line: str) -> str:
    match = _M2.match(line.strip())
    if not match:
        return line
    return f"{line[: match.start('speed')]}-{match['speed']}{line[match.end('speed'):]}"


def carried_facts(facts: dict) -> dict:
    """What an EDL round trip keeps of :func:`otio_tools.compare.timeline_facts` output.

    Pure: returns new plain data, *facts* is not changed. See the module
    docstring's round-trip table: the timeline name, and on the one picture
    track each enabled clip's name, absolute record range (global start +
    position), source range, speed and markers (name, colour, start), and each
    transition's type and offsets. Gaps are implied by the record ranges.
    """
    start = facts.get("global_start") or 0
    video = [t for t in facts.get("tracks", []) if t.get("kind") == "Video" and t.get("enabled", True)]
    children = video[0].get("children", []) if len(video) == 1 else []
    if len(video) == 1 and video[0].get("source_range"):
        start -= video[0]["source_range"][0]  # a track trimmed to start before its content starts later
    items: list[dict] = []
    for child in _transitions_at_the_cut(children):
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
    return {"name": facts.get("name"), "video_tracks": len(video), "items": items}


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
