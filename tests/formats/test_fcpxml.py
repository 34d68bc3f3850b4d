"""FCPXML: every corpus file reads to the frame or is refused with a reason; writing round-trips."""

from __future__ import annotations

import copy
import csv
import shutil
from fractions import Fraction as F
from pathlib import Path
from xml.etree import ElementTree

import opentimelineio as otio
import pytest

from otio_tools.compare import facts_differences, timeline_facts
from otio_tools.errors import TimelineReadError
from otio_tools.formats.fcpxml import (
    carried_facts,
    fcpxml_document_path,
    read_fcpxml_text,
    read_from_file,
    write_to_file,
    write_to_string,
)
from otio_tools.timeline_io import timeline_of
from tests.conftest import shared_files, shared_path

SAMPLES = Path(__file__).resolve().parents[2] / "sample_timelines" / "fcpxml"
CORPUS = ("corpus", "timelines", "fcpxml")
NTSC_30 = F(30000, 1001)
NTSC_24 = F(24000, 1001)

# What reading each corpus file gives: video tracks, audio tracks, clips, transitions, timeline rate.
CORPUS_OUTCOMES = {
    "23.98.fcpxml": (2, 0, 10, 3, NTSC_24),
    "24With25Media.fcpxml": (1, 0, 2, 0, 24),
    "25i.fcpxml": (2, 0, 12, 0, 25),
    "29.97d.fcpxml": (2, 0, 12, 0, NTSC_30),
    "2997fps-rubric-clips.fcpxml": (1, 0, 6, 0, NTSC_30),
    "60fps-rubric-clips.fcpxml": (1, 0, 6, 0, 60),
    "60fps-rubric-compound-clips.fcpxml": (1, 0, 6, 0, 60),
    "60fps-rubric-markers.fcpxml": (1, 0, 1, 0, 60),
    "BasicMarkers.fcpxml": (1, 0, 1, 0, NTSC_30),
    "Complex.fcpxml": (2, 2, 7, 0, 25),
    "CompoundClips.fcpxml": (1, 0, 3, 0, 25),
    "CutSample.fcpxml": (1, 1, 8, 0, NTSC_30),
    "DisabledClips.fcpxml": (1, 0, 4, 0, 24),
    "MulticamSampleWithCuts.fcpxml": (1, 0, 7, 0, NTSC_24),
    "Occlusion.fcpxml": (1, 0, 4, 0, 24),
    "SyncClip.fcpxml": (1, 1, 2, 0, 25),
    "TimelineSample.fcpxml": (3, 3, 96, 23, NTSC_24),
    "TimelineWithSecondaryStoryline.fcpxml": (2, 1, 44, 1, NTSC_24),
    "TransitionMarkers1.fcpxml": (1, 0, 3, 4, 24),
    "TransitionMarkers2.fcpxml": (1, 0, 2, 2, 24),
    "TwoClipsMarkers.fcpxml": (1, 0, 2, 0, NTSC_30),
    "fcpx_clips.fcpxml": (1, 0, 5, 0, None),  # browser clips only: no timeline
    "fcpx_event.fcpxml": (3, 2, 20, 3, 30),
    "fcpx_example.fcpxml": (3, 2, 20, 3, 30),
    "fcpx_library.fcpxml": (3, 2, 20, 3, 30),
    "fcpx_project.fcpxml": (3, 2, 20, 3, 30),
}


def _read(name: str):
    text = shared_path(*CORPUS, name).read_text(encoding="utf-8")
    document, notes = read_fcpxml_text(text, name)
    return timeline_of(document), document, notes


def _seconds(time: otio.opentime.RationalTime) -> F:
    """Exact seconds of a time the reader made (frame counts at an exact rate)."""
    return F(time.value).limit_denominator(10**6) / F(time.rate).limit_denominator(1001)


def _clips(track: otio.schema.Track) -> list[otio.schema.Clip]:
    return [item for item in track if isinstance(item, otio.schema.Clip)]


def _track(timeline, name: str) -> otio.schema.Track:
    return next(t for t in timeline.tracks if t.name == name)


# -- reading every corpus file ------------------------------------------------


@pytest.mark.parametrize("path", shared_files(*CORPUS, pattern="*.fcpxml"), ids=lambda p: p.name)
def test_corpus_file_reads_with_its_tracks_clips_and_exact_rate(path):
    video, audio, clips, transitions, rate = CORPUS_OUTCOMES[path.name]
    timeline, _, _ = _read(path.name)
    kinds = [t.kind for t in timeline.tracks]
    assert (kinds.count("Video"), kinds.count("Audio")) == (video, audio)
    assert len(list(timeline.find_clips())) == clips
    assert len(list(timeline.find_children(descended_from_type=otio.schema.Transition))) == transitions
    if rate is not None:
        assert timeline.global_start_time.rate == float(rate)
        assert {c.source_range.duration.rate for c in timeline.find_clips()} == {float(rate)}


def test_every_corpus_file_has_an_expected_outcome():
    names = {p.name for p in shared_files(*CORPUS, pattern="*.fcpxml")}
    if not names:
        pytest.skip("shared corpus not found")
    assert names == set(CORPUS_OUTCOMES)


@pytest.mark.parametrize(
    "name, rate",
    [
        ("29.97d.fcpxml", NTSC_30),
        ("2997fps-rubric-clips.fcpxml", NTSC_30),
        ("23.98.fcpxml", NTSC_24),
        ("60fps-rubric-clips.fcpxml", F(60)),
        ("60fps-rubric-markers.fcpxml", F(60)),
    ],
    ids=["29.97 drop frame", "29.97 rubric", "23.976", "60 rubric", "60 markers"],
)
def test_ntsc_rates_are_exact_not_truncated(name, rate):
    timeline, _, _ = _read(name)
    assert F(timeline.global_start_time.rate).limit_denominator(1001) == rate
    primary = _track(timeline, "0")
    sequence_duration = F(
        ElementTree.parse(shared_path(*CORPUS, name)).getroot().find(".//project/sequence").get("duration")[:-1]
    )
    assert _seconds(primary.duration()) == sequence_duration


# -- frame accuracy against hand-cut ground truth ----------------------------------


def _ground_truth_60fps() -> list[F]:
    with shared_path("corpus", "video", "final-cut-pro-scene-detect", "60fps.csv").open() as fh:
        return [F(row["start"]) for row in csv.DictReader(fh)]


def _ground_truth_2997() -> list[F]:
    root = ElementTree.parse(shared_path("corpus", "video", "final-cut-pro-scene-detect", "2997 fps.fcpxml")).getroot()
    return [F(clip.get("offset")[:-1]) for clip in root.iter("asset-clip")]


@pytest.mark.parametrize(
    "name, truth, rate",
    [
        ("60fps-rubric-clips.fcpxml", _ground_truth_60fps, F(60)),
        ("60fps-rubric-compound-clips.fcpxml", _ground_truth_60fps, F(60)),
        ("2997fps-rubric-clips.fcpxml", _ground_truth_2997, NTSC_30),
    ],
    ids=["60 fps clips", "60 fps compound clips", "29.97 fps clips"],
)
def test_rubric_cuts_are_where_they_were_cut_to_the_frame(name, truth, rate):
    timeline, _, _ = _read(name)
    starts = [truth_start * rate for truth_start in truth()]
    clips = _clips(_track(timeline, "0"))
    recorded = [c.range_in_parent().start_time.rescaled_to(float(rate)).value for c in clips]
    assert recorded == [float(s) for s in starts]
    # Each shot shows the media at the time it was cut from: source equals record.
    assert [c.source_range.start_time.value for c in clips] == recorded


def test_rubric_markers_sit_on_the_ground_truth_cuts():
    timeline, _, _ = _read("60fps-rubric-markers.fcpxml")
    (clip,) = _clips(_track(timeline, "0"))
    assert [m.marked_range.start_time.value for m in clip.markers] == [float(s * 60) for s in _ground_truth_60fps()[1:]]


# -- specific clips against the XML's offset/start/duration ------------------------

# (file, track, clip index in the track's clips, name, record start, source start, duration), all
# in seconds as the XML's rational times, with the arithmetic that places nested elements spelled out.
CLIP_PLACES = {
    "asset-clip in the primary storyline": (
        "29.97d.fcpxml", "0", 1, "TestVideo", F(103103, 30000), F(214214, 30000), F(106106, 30000)),
    "secondary storyline: parent offset + (storyline offset - parent start) + clip offset": (
        "29.97d.fcpxml", "1", 1, "TestVideo",
        F(417417, 30000) + F(53053, 1200) - F(1301300, 30000) + F(6006, 30000), F(1701700, 30000), F(9009, 30000)),
    "compound clip flattened: inner asset-clip start": (
        "60fps-rubric-compound-clips.fcpxml", "0", 1, "60fps", F(5), F(5), F(5)),
    "compound clip seen from its start: inner clip trimmed": (
        "fcpx_project.fcpxml", "0", 1, "IMG_0233", F(80), F(10900, 3000), F(10) - F(10900, 3000)),
    "multicam clip at its active video angle: mc start - angle clip offset": (
        "MulticamSampleWithCuts.fcpxml", "0", 1, "Day2_InterviewOwners_02_B",
        F(1138137, 24000), F(1138137, 24000) - F(304304, 24000), F(810810, 24000)),
    "audition at its active pick": (
        "23.98.fcpxml", "0", 1, "TestVideo2", F(760760, 24000), F(0), F(646646, 24000)),
    "sync clip: the clip it holds, tcStart subtracted": (
        "SyncClip.fcpxml", "0", 0, "TestVideo", F(0), F(0), F(295200, 10000)),
    "clip wrapping a video component: video start + clip start - video offset": (
        "CutSample.fcpxml", "0", 2, "meditate", F(1590589, 30000), F(673673, 30000), F(1631630, 30000)),
    "title: a generator clip in its own local time": (
        "TransitionMarkers1.fcpxml", "0", 1, "Basic Title 2", F(10), F(3600), F(10)),
}


@pytest.mark.parametrize("case", CLIP_PLACES.values(), ids=list(CLIP_PLACES))
def test_clip_record_and_source_follow_the_xml(case):
    name, track, index, clip_name, record, source, duration = case
    timeline, _, _ = _read(name)
    clip = _clips(_track(timeline, track))[index]
    assert clip.name == clip_name
    assert _seconds(clip.range_in_parent().start_time) == record
    assert _seconds(clip.source_range.start_time) == source
    assert _seconds(clip.source_range.duration) == duration


def test_retimed_clip_keeps_its_speed_and_mapped_source():
    timeline, _, _ = _read("29.97d.fcpxml")
    clip = _clips(_track(timeline, "0"))[3]
    # timeMap 0s -> 0s, 4436211/90000s -> 9168210/90000s; the clip starts at local 427683/30000s.
    speed = F(9168210, 4436211)
    assert [e.time_scalar for e in clip.effects] == [pytest.approx(float(speed))]
    assert clip.source_range.start_time.to_seconds() == pytest.approx(float(F(427683, 30000) * speed))


def test_retimed_clip_finds_its_component_in_mapped_time():
    timeline, _, _ = _read("TimelineSample.fcpxml")
    clip = next(c for c in timeline.find_clips() if c.name == "Choc Display Case Broll2.mov")
    # timeMap 1148147/30480s -> 1148147/24000s, 125625448/3048000s -> 1256255/24000s; the clip starts at
    # local 936936/24000s; its video sits at offset = start = 1148147/24000s of that mapped time.
    t0, v0, t1, v1 = F(1148147, 30480), F(1148147, 24000), F(125625448, 3048000), F(1256255, 24000)
    speed = (v1 - v0) / (t1 - t0)
    mapped = v0 + (F(936936, 24000) - t0) * speed
    assert _seconds(clip.source_range.start_time) == pytest.approx(mapped, abs=1e-6)
    assert [e.time_scalar for e in clip.effects] == [pytest.approx(float(speed))]


@pytest.mark.parametrize(
    "name, index, speed",
    [("24With25Media.fcpxml", 0, F(24, 25)), ("DisabledClips.fcpxml", 2, F(24) / NTSC_24)],
    ids=["25 fps media in 24", "23.976 media in 24"],
)
def test_rate_conformed_media_plays_frame_for_frame_to_its_asset_end(name, index, speed):
    timeline, _, _ = _read(name)
    clip = _clips(_track(timeline, "0"))[index]
    assert [e.time_scalar for e in clip.effects] == [pytest.approx(float(speed))]
    asset_end = clip.media_reference.available_range.end_time_exclusive()
    played = _seconds(clip.source_range.start_time) + _seconds(clip.source_range.duration) * speed
    # Within a millisecond: FCP rounds asset durations to milliseconds.
    assert abs(played - _seconds(asset_end)) < F(1, 1000)


def test_reversed_clip_reads_with_negative_speed():
    timeline, _, _ = _read("TimelineSample.fcpxml")
    clip = next(c for c in timeline.find_clips() if c.name == "Signage 3.mov")
    assert [e.time_scalar for e in clip.effects] == [pytest.approx(-1.0)]


def test_disabled_clips_read_disabled_and_titles_as_generators():
    timeline, _, _ = _read("DisabledClips.fcpxml")
    clips = list(timeline.find_clips())
    xml = ElementTree.parse(shared_path(*CORPUS, "DisabledClips.fcpxml")).getroot()
    disabled = {e.get("name") for e in xml.iter() if e.get("enabled") == "0"}
    assert disabled
    assert {c.name for c in clips if not c.enabled} == disabled
    titles = [c for c in clips if isinstance(c.media_reference, otio.schema.GeneratorReference)]
    assert titles and {t.media_reference.generator_kind for t in titles} == {"fcpx_title"}


# -- markers and transitions -------------------------------------------------------

MARKERS = {
    "standard marker with a note": ("Standard Marker", "PURPLE", "some notes here", F(27248221, 7500), None),
    "to-do marker": ("To Do Marker, Incomplete", "RED", "more notes here", F(7266259, 2000), None),
    "completed marker": ("To Do Marker, Completed", "GREEN", "notes yay", F(54497443, 15000), None),
    "chapter marker": ("Chapter Marker", "YELLOW", "", F(108995887, 30000), "chapter-marker"),
}


@pytest.mark.parametrize("case", MARKERS.values(), ids=list(MARKERS))
def test_markers_keep_note_completion_chapter_and_local_time(case):
    name, colour, note, start, kind = case
    timeline, _, _ = _read("BasicMarkers.fcpxml")
    (clip,) = timeline.find_clips()
    marker = next(m for m in clip.markers if m.name == name)
    assert (marker.color, marker.comment) == (colour, note)
    assert _seconds(marker.marked_range.start_time) == start
    assert marker.metadata.get("otio_tools", {}).get("fcpxml", {}).get("kind") == kind


def test_transitions_span_their_cut_with_the_xml_duration():
    timeline, _, _ = _read("TransitionMarkers1.fcpxml")
    transitions = [i for i in _track(timeline, "0") if isinstance(i, otio.schema.Transition)]
    # A fade in at the head, two dissolves centred on the cuts, a fade out at the tail: 1 s each at 24 fps.
    assert [(t.in_offset.value, t.out_offset.value) for t in transitions] == [(0, 24), (12, 12), (12, 12), (24, 0)]
    assert {t.name for t in transitions} == {"Cross Dissolve"}


def test_markers_inside_transitions_become_timeline_markers_at_their_record_time():
    timeline, _, _ = _read("TransitionMarkers1.fcpxml")
    marks = {m.name: m for m in timeline.tracks.markers}
    # The second transition starts at 34651200/9600s - 3600s = 9.5 s; its markers count from 3600s.
    assert _seconds(marks["Marker 4"].marked_range.start_time) == F(34651200, 9600) - 3600
    assert marks["Marker 4"].metadata["otio_tools"]["fcpxml"]["on"] == "transition"


# -- notes, clip lists and refusals ------------------------------------------------

NOTES = {
    "NTSC rate": ("29.97d.fcpxml", "NTSC rates kept exact"),
    "compound clip": ("CompoundClips.fcpxml", "compound clips (ref-clip) flattened"),
    "multicam": ("MulticamSampleWithCuts.fcpxml", "active video angle"),
    "sync clip": ("SyncClip.fcpxml", "synchronised clips"),
    "audition": ("23.98.fcpxml", "active pick"),
    "title": ("BasicMarkers.fcpxml", "generator reference"),
    "browser clips only": ("fcpx_clips.fcpxml", "no <project> in the file, so no timeline"),
}


@pytest.mark.parametrize("case", NOTES.values(), ids=list(NOTES))
def test_notes_say_what_was_repaired(case):
    name, words = case
    _, _, notes = _read(name)
    assert any(words in note for note in notes), notes


def test_event_with_only_clips_reads_as_a_clip_list_saying_so():
    document, notes = read_fcpxml_text((SAMPLES / "no_project.fcpxml").read_text())
    assert isinstance(document, otio.schema.SerializableCollection)
    assert [c.name for c in document] == ["shot_010", "shot_020"]
    assert [c.source_range.start_time.value for c in document] == [30, 0]
    assert notes == ["no <project> in the file, so no timeline: 2 browser clips read as a clip list"]


@pytest.mark.parametrize(
    "sample, words",
    [
        ("resources_only.fcpxml", "holds no <project> and no clips, so no timeline"),
        ("missing_compound.fcpxml", "<ref-clip 'Lost Compound'> refers to 'r9', which is not a <media>"),
        ("compound_holds_itself.fcpxml", "<ref-clip 'Loop'> refers to 'r2', a compound clip that holds itself"),
    ],
    ids=["nothing to read", "compound clip without its media", "compound clip inside itself"],
)
def test_refusals_name_the_file_the_element_and_what_to_do(sample, words):
    path = str(SAMPLES / sample)
    with pytest.raises(TimelineReadError) as caught:
        read_fcpxml_text((SAMPLES / sample).read_text(), path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and words in message
    assert "Final Cut Pro" in message and "\n" not in message


def test_connected_clips_that_overlap_in_a_lane_move_to_a_free_one():
    document, notes = read_fcpxml_text((SAMPLES / "connected_overlap.fcpxml").read_text())
    timeline = timeline_of(document)
    assert [t.name for t in timeline.tracks] == ["0", "1", "2"]
    assert [c.name for c in _clips(_track(timeline, "1"))] == ["insert 1"]
    (insert_2,) = _clips(_track(timeline, "2"))
    assert _seconds(insert_2.range_in_parent().start_time) == 5
    assert notes == ["1 connected clips or storylines moved to a free lane where they overlapped others"]


def test_a_bundle_reads_like_its_info_fcpxml(tmp_path):
    bundle = tmp_path / "Cut.fcpxmld"
    bundle.mkdir()
    shutil.copy(shared_path(*CORPUS, "60fps-rubric-clips.fcpxml"), bundle / "Info.fcpxml")
    assert fcpxml_document_path(str(bundle)) == str(bundle / "Info.fcpxml")
    timeline = timeline_of(read_from_file(str(bundle)))
    assert [c.range_in_parent().start_time.value for c in timeline.find_clips()] == [0, 300, 600, 900, 1200, 1500]


# -- writing --------------------------------------------------------------------


def _round_trip_differences(document) -> list[str]:
    expected = timeline_of(document)
    again = timeline_of(read_fcpxml_text(write_to_string(document))[0])
    rate = expected.global_start_time.rate if expected.global_start_time else None
    return facts_differences(
        carried_facts(timeline_facts(expected, rate)), carried_facts(timeline_facts(again, rate))
    )


@pytest.mark.parametrize("path", shared_files(*CORPUS, pattern="*.fcpxml"), ids=lambda p: p.name)
def test_corpus_file_round_trips_on_what_fcpxml_carries(path):
    _, document, _ = _read(path.name)
    assert _round_trip_differences(document) == []


@pytest.mark.parametrize(
    "name, attribute, value",
    [
        ("2997fps-rubric-clips.fcpxml", "frameDuration", "1001/30000s"),
        ("23.98.fcpxml", "frameDuration", "1001/24000s"),
        ("TransitionMarkers1.fcpxml", "tcStart", "3600s"),
    ],
    ids=["29.97", "23.976", "tcStart"],
)
def test_written_sequence_has_exact_frame_duration_and_start(name, attribute, value):
    _, document, _ = _read(name)
    root = ElementTree.fromstring(write_to_string(document))
    sequence = root.find(".//project/sequence")
    fmt = next(f for f in root.iter("format") if f.get("id") == sequence.get("format"))
    assert {**fmt.attrib, **sequence.attrib}[attribute] == value


def test_written_markers_keep_notes_completion_and_chapters():
    _, document, _ = _read("BasicMarkers.fcpxml")
    root = ElementTree.fromstring(write_to_string(document))
    written = {m.get("value"): (m.tag, m.get("completed"), m.get("note")) for m in root.iter() if m.get("value")}
    assert written == {
        "Standard Marker": ("marker", None, "some notes here"),
        "To Do Marker, Incomplete": ("marker", "0", "more notes here"),
        "To Do Marker, Completed": ("marker", "1", "notes yay"),
        "Chapter Marker": ("chapter-marker", None, None),
    }


def test_write_to_file_makes_a_bundle_for_fcpxmld(tmp_path):
    _, document, _ = _read("60fps-rubric-compound-clips.fcpxml")
    bundle = tmp_path / "out.fcpxmld"
    write_to_file(document, str(bundle))
    assert (bundle / "Info.fcpxml").is_file()
    again = timeline_of(read_from_file(str(bundle)))
    assert [c.range_in_parent().start_time.value for c in again.find_clips()] == [0, 300, 600, 900, 1200, 1500]


def test_carried_facts_is_pure_and_drops_only_the_source_structure():
    timeline, _, _ = _read("60fps-rubric-compound-clips.fcpxml")
    facts = timeline_facts(timeline)
    before = copy.deepcopy(facts)
    carried = carried_facts(facts)
    assert facts == before
    clip = carried["tracks"][0]["children"][0]
    assert "otio_tools" not in clip["metadata"]
    assert before["tracks"][0]["children"][0]["metadata"]["otio_tools"]["fcpxml"]["containers"]
    assert clip["record"] == before["tracks"][0]["children"][0]["record"]


def _built_timeline() -> otio.schema.Timeline:
    """A timeline as another format's reader makes it: track names, references and colours FCPXML lacks."""
    rate = 30000 / 1001

    def rt(frames):
        return otio.opentime.RationalTime(frames, rate)

    def clip(name, url, start, frames, **kwargs):
        reference = otio.schema.ExternalReference(target_url=url) if url else otio.schema.MissingReference()
        return otio.schema.Clip(name=name, media_reference=reference,
                                source_range=otio.opentime.TimeRange(rt(start), rt(frames)), **kwargs)

    v1 = otio.schema.Track(name="V1")
    v1.append(clip("shot 010", "file:///media/shot_010.mov", 100, 48))
    v1.append(otio.schema.Transition(name="", in_offset=rt(6), out_offset=rt(6)))
    v1.append(clip("shot 020", "file:///media/it's_020.mov", 200, 72))
    v1[-1].effects.append(otio.schema.LinearTimeWarp(name="speed", time_scalar=2.0))
    v1[-1].markers.append(otio.schema.Marker(
        name="fix", marked_range=otio.opentime.TimeRange(rt(210), rt(1)),
        color=otio.schema.MarkerColor.BLUE, comment="grade"))
    v1.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0), rt(24))))
    v1.append(clip("offline", None, 0, 24))
    v2 = otio.schema.Track(name="V2")
    v2.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0), rt(30))))
    v2.append(clip("insert", "file:///media/insert.mov", 0, 24, metadata={"cmx_3600": {"reel": "AX"}}))
    empty = otio.schema.Track(name="V3")
    a1 = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    a1.append(clip("music", "file:///media/music.wav", 0, 120))
    return otio.schema.Timeline(name="built", tracks=[v1, v2, empty, a1])


def test_a_timeline_from_another_format_round_trips_on_what_fcpxml_carries():
    assert _round_trip_differences(_built_timeline()) == []


def test_carried_facts_turn_tracks_into_lanes_and_drop_what_fcpxml_lacks():
    timeline = _built_timeline()
    carried = carried_facts(timeline_facts(timeline, 30000 / 1001))
    assert [(t["name"], t["kind"]) for t in carried["tracks"]] == [("-1", "Audio"), ("0", "Video"), ("1", "Video")]
    primary = carried["tracks"][1]["children"]
    assert primary[1]["name"] == "Cross Dissolve" and primary[1]["transition_type"] == "SMPTE_Dissolve"
    assert primary[2]["markers"][0]["color"] == "PURPLE" and primary[2]["markers"][0]["comment"] == "grade"
    assert primary[2]["effects"] == [
        {"type": "LinearTimeWarp", "name": "timeMap", "effect_name": "LinearTimeWarp", "time_scalar": 2.0}
    ]
    assert carried["tracks"][2]["children"][1]["metadata"] == {}
    assert carried["global_start"] == 0


def test_a_marker_on_a_gap_is_written_into_the_gap_and_comes_back():
    _, document, _ = _read("fcpx_project.fcpxml")
    timeline = timeline_of(document)
    assert [m.name for m in timeline.tracks.markers] == ["Marker 9"]
    again = timeline_of(read_fcpxml_text(write_to_string(document))[0])
    assert [(m.name, m.metadata["otio_tools"]["fcpxml"]["on"]) for m in again.tracks.markers] == [("Marker 9", "gap")]
    assert _seconds(again.tracks.markers[0].marked_range.start_time) == _seconds(
        timeline.tracks.markers[0].marked_range.start_time)


def test_damaged_xml_is_refused_with_its_line_and_column():
    text = (SAMPLES / "no_project.fcpxml").read_text()
    cut_short = text[: text.index("<event")] + "<event name=\"Dailies\">\n<asset-clip"
    with pytest.raises(TimelineReadError) as caught:
        read_fcpxml_text(cut_short, "cut_short.fcpxml")
    line = cut_short.count("\n") + 1
    assert str(caught.value).startswith(f"cut_short.fcpxml: not well-formed XML at line {line}, column ")
