"""Check a rewritten timeline: our markers where the findings are, our CDLs on their clips, nothing else changed.

Both sides are reduced to :func:`otio_tools.compare.timeline_facts` after
removing every review marker and review CDL, and compared through the format's
``carried_facts`` (what a round trip through that format keeps); then the
review markers read back are compared with the ones meant, on their record
frame and name, and on duration and comment where the format carries them;
and each CDL meant for a clip's ``metadata["cdl"]`` is read back there where
the format carries it (OTIO, EDL ``*ASC_SOP``/``*ASC_SAT``).
"""

from __future__ import annotations

from typing import Sequence

import opentimelineio as otio

from otio_tools.compare import facts_differences, format_differences
from otio_tools.rewrite.cdl import CdlFit
from otio_tools.rewrite.grading import remove_cdls
from otio_tools.rewrite.markers import FindingMarker, clip_at, review_markers, timeline_without_review_markers
from otio_tools.rewrite.takes import TakeSlot, is_takes_track, plays, timeline_without_take_slots

__all__ = ["rewrite_differences", "timeline_without_review"]

# Formats whose clips keep metadata["cdl"] through a round trip.
_CDL_FORMATS = ("otio", "otioz", "otiod", "edl")


def timeline_without_review(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of *timeline* without what a review writes into it: its markers, CDLs and takes track."""
    copied = timeline_without_take_slots(timeline_without_review_markers(timeline))
    remove_cdls(copied)
    return copied

# Formats whose markers keep a duration and a comment through a round trip.
_FULL_MARKERS = ("otio", "otioz", "otiod", "fcp7xml", "fcpxml")


def rewrite_differences(
    original: otio.schema.Timeline,
    written: otio.schema.Timeline,
    markers: Sequence[FindingMarker],
    format_name: str,
    rate: float,
    cdl_fits: Sequence[CdlFit] = (),
    slots: Sequence[TakeSlot] = (),
) -> list[str]:
    """What differs between *written* and *original* with *markers* added, on what *format_name* carries.

    *slots* are the take slots meant to be on a takes track.
    *original* may already hold the markers (the timeline that was written)
    or not (the timeline that was read): review markers are compared apart.
    Empty when every clip, range, transition, marker and metadata entry the
    format carries is unchanged, and each of *markers* is in *written* at its
    record frame with its name (and, where the format keeps them, its
    duration and comment).
    """
    differences = format_differences(timeline_without_review(original), timeline_without_review(written), format_name)
    if format_name in _CDL_FORMATS:
        differences.extend(_cdl_differences(original, written, cdl_fits, rate))
    differences.extend(_slot_differences(written, slots, rate))
    got = review_markers(written, rate)
    if len(got) != len(markers):
        differences.append(f"{len(markers)} review markers were written and {len(got)} read back")
        return differences
    ascii_names = format_name == "edl"
    for spec, (frame, marker) in zip(sorted(markers, key=lambda m: m.start), got):
        name = spec.ascii_name if ascii_names else spec.name
        where = f"review marker {name!r} at frame {spec.start}"
        if frame != spec.start:
            differences.append(f"{where} reads back at frame {frame}")
        if marker.name != name:
            differences.append(f"{where} reads back named {marker.name!r}")
        if format_name in _FULL_MARKERS:
            duration = int(round(marker.marked_range.duration.rescaled_to(rate).value))
            if duration != spec.duration:
                differences.append(f"{where} reads back {duration} frames long, not {spec.duration}")
            if (marker.comment or "") != spec.comment:
                differences.append(f"{where} reads back with another comment")
    return differences


def _cdl_differences(original, written, fits: Sequence[CdlFit], rate: float) -> list[str]:
    out = []
    for fit in fits:
        meant = clip_at(original, fit.finding.start, rate)
        ours = meant.metadata.get("otio_tools", {}) if meant is not None else {}
        if not (hasattr(ours, "get") and ours.get("cdl", {}).get("in_clip_metadata")):
            continue  # the clip has a CDL of its own, or the fit was not put on a clip
        clip = clip_at(written, fit.finding.start, rate)
        got = clip.metadata.get("cdl") if clip is not None else None
        if got is None:
            out.append(f"clip {fit.clip!r}: its CDL is missing")
            continue
        out.extend(facts_differences(fit.cdl.to_metadata(), _plain(got), f"clip {fit.clip!r} CDL"))
    return out


def _plain(value):
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        return [_plain(v) for v in value]
    return value


def _slot_differences(written, slots: Sequence[TakeSlot], rate: float) -> list[str]:
    """Each take slot on a takes track at its record frame, named for its take and shot, and none playing."""
    if not slots:
        return []
    tracks = [t for t in written.tracks if isinstance(t, otio.schema.Track) and is_takes_track(t)]
    if len(tracks) != 1:
        return [f"{len(tracks)} takes tracks read back, not 1"]
    if plays(tracks[0]) and any(plays(c) for c in tracks[0].find_clips()):
        return ["the takes track reads back playing: it would change the picture"]
    got = {}
    for item in tracks[0]:
        if isinstance(item, otio.schema.Clip):
            got[int(round(item.range_in_parent().start_time.rescaled_to(rate).value))] = item.name
    meant = {slot.record_start: slot.slot_name for slot in slots}
    return [] if got == meant else [f"take slots read back as {got}, not {meant}"]
