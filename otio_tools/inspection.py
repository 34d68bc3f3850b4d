"""What ``otio-tools inspect`` shows: tracks, shots, edit points and media status as plain data."""

from __future__ import annotations

import opentimelineio as otio

from otio_tools.cuts import EditPoint, Shot, TimelineCuts, TrackCuts, timeline_cuts
from otio_tools.relink import MediaLink, Relinker, media_extent
from otio_tools.timeline_io import TimelineFile

__all__ = ["timeline_inspection", "shot_links"]


def shot_links(cuts: TimelineCuts, relinker: Relinker) -> dict[tuple[int, int], MediaLink]:
    """The media link of every shot of every track and of the picture, keyed by (track, shot index)."""
    links = {}
    for track in (*cuts.tracks, cuts.picture):
        for shot in track.shots:
            source = shot.clip.source_range if shot.clip is not None else None
            links[(track.index, shot.index)] = relinker.link(shot.name, shot.media_url, shot.reel, source)
    return links


def _handles(shot: Shot, link: MediaLink) -> tuple[int | None, int | None]:
    """Handles from the timeline's media extent, else from the linked file's own timecode and length."""
    if shot.handle_before is not None or link.status != "linked":
        return shot.handle_before, shot.handle_after
    extent = media_extent(link.path)
    if extent is None:
        return None, None
    start = extent.start_time.rescaled_to(shot.source_rate).value
    if shot.source_start < start:  # the timeline counts from 0, the file from its start timecode
        start = 0.0
    end = start + extent.duration.rescaled_to(shot.source_rate).value
    used_end = shot.source_start + max(abs(shot.source_duration), 1)
    return max(0, round(shot.source_start - start)), max(0, round(end - used_end))


def _shot_json(shot: Shot, cuts: TimelineCuts, link: MediaLink) -> dict:
    handle_before, handle_after = _handles(shot, link)
    source_tc = None
    if shot.source_rate > 0:
        try:
            source_tc = otio.opentime.to_timecode(otio.opentime.RationalTime(shot.source_start, shot.source_rate))
        except ValueError:
            source_tc = None
    return {
        "index": shot.index,
        "name": shot.name,
        "record_start": shot.record_start,
        "record_duration": shot.record_duration,
        "record_in": cuts.timecode(shot.record_start),
        "record_out": cuts.timecode(shot.record_end),
        "source_start": shot.source_start,
        "source_rate": shot.source_rate,
        "source_in": source_tc,
        "speed": shot.speed,
        "handle_before": handle_before,
        "handle_after": handle_after,
        "enabled": shot.enabled,
        "reel": shot.reel,
        "media": link.to_json(),
    }


def _edit_json(edit: EditPoint, cuts: TimelineCuts) -> dict:
    return {
        "record_frame": edit.record_frame,
        "timecode": cuts.timecode(edit.record_frame),
        "outgoing": edit.outgoing.name if edit.outgoing else None,
        "incoming": edit.incoming.name if edit.incoming else None,
        "outgoing_gap": edit.outgoing_gap,
        "incoming_gap": edit.incoming_gap,
        "transition": None if edit.transition_type is None else {
            "type": edit.transition_type,
            "name": edit.transition_name,
            "in_offset": edit.in_offset,
            "out_offset": edit.out_offset,
        },
    }


def _track_json(track: TrackCuts, cuts: TimelineCuts, links) -> dict:
    return {
        "index": track.index,
        "name": track.name,
        "enabled": track.enabled,
        "duration": track.duration,
        "shots": [_shot_json(s, cuts, links[(track.index, s.index)]) for s in track.shots],
        "edits": [_edit_json(e, cuts) for e in track.edits],
    }


def timeline_inspection(timeline_file: TimelineFile, media_roots=()) -> dict:
    """Everything ``inspect`` reports about a timeline, as JSON-ready data."""
    timeline = timeline_file.timeline
    cuts = timeline_cuts(timeline)
    relinker = Relinker(timeline_file.path, media_roots)
    links = shot_links(cuts, relinker)
    picture_links = [links[(cuts.picture.index, s.index)] for s in cuts.picture.shots]
    status: dict[str, int] = {}
    for link in picture_links:
        status[link.status] = status.get(link.status, 0) + 1
    audio = [t for t in timeline.tracks if isinstance(t, otio.schema.Track) and t.kind == otio.schema.TrackKind.Audio]
    return {
        "file": timeline_file.path,
        "format": timeline_file.format.name,
        "name": timeline.name,
        "rate": cuts.rate,
        "read_at_rate": timeline_file.rate,
        "global_start": cuts.global_start,
        "start_timecode": cuts.timecode(0),
        "drop_frame": cuts.drop_frame,
        "duration": cuts.duration,
        "notes": list(timeline_file.notes),
        "video_tracks": [_track_json(t, cuts, links) for t in cuts.tracks],
        "audio_tracks": len(audio),
        "picture": _track_json(cuts.picture, cuts, links),
        "media_status": status,
        "markers": _marker_count(timeline),
    }


def _marker_count(timeline: otio.schema.Timeline) -> int:
    count = len(timeline.tracks.markers)
    for item in timeline.find_children():
        count += len(getattr(item, "markers", ()))
    return count
