"""CMX3600 EDLs: every corpus EDL reads to the frame or is refused with a reason; writing round-trips."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import opentimelineio as otio
import pytest

from otio_tools.compare import facts_differences, timeline_facts
from otio_tools.errors import TimelineReadError, TimelineWriteError
from otio_tools.formats.edl import (
    audio_channels,
    carried_facts,
    decoded_edl_text,
    read_edl_text,
    read_from_string,
    write_to_string,
)
from tests.conftest import shared_files, shared_path

SAMPLES = Path(__file__).resolve().parents[2] / "sample_timelines" / "edl"

# The rate each corpus EDL was cut at: 24 unless its timecode says otherwise.
CORPUS_RATES = {"25fps.edl": 25, "test_25.edl": 25, "test_24psf.edl": 25, "timecode_mismatch.edl": 25}

# What reading each corpus EDL at its rate gives: the number of picture clips (0: no video track),
# or words of the refusal.
CORPUS_OUTCOMES = {
    "25fps.edl": 4,
    "INS4_R1_010417.edl": 287,
    "INS4_R1_DX_092117.edl": 0,
    "INS4_R2_DX_092117.edl": 0,
    "INS4_R3_DX_092117.edl": 0,
    "INS4_R4_DX_092117.edl": 0,
    "INS4_R5_DX_092117.edl": 0,
    "ISSUE_14_conform_edl_issue_01.edl": 3,
    "ISSUE_14_conform_edl_issue_02.edl": 10,
    "ISSUE_14_conform_edl_issue_03.edl": 42,
    "ISSUE_19_unusual01.edl": 38,
    "STP R1 v082517.edl": 250,
    "TEST.edl": 0,
    "ToD_R4_LOCK3.1_030618_Video.edl": 376,
    "adobe_dai109_test.txt": 0,
    "avid_example.edl": 2,
    "cdl.edl": 2,
    "cdl_example01.edl": 39,
    "cdl_frmc_example01.edl": 1,
    "cdl_frmc_example02.edl": 25,
    "dissolve_test.edl": 3,
    "dissolve_test_2.edl": 3,
    "dissolve_test_3.edl": 3,
    "dissolve_test_4.edl": 6,
    "dissolve_test_fail.edl": 3,
    "gap_test.edl": 3,
    "multi_audio.edl": 0,
    "no_spaces_test.edl": 9,
    "nucoda_example.edl": 2,
    "premiere_example.edl": 2,
    "screening_example.edl": 9,
    "source_out_timewarp.edl": 1,
    "speed_effects.edl": 548,
    "speed_effects_small.edl": 5,
    "test_24psf.edl": 6,
    "test_25.edl": 7,
    "test_edl_cdl.edl": 3,
    "timecode_mismatch.edl": "line 13 (event 004): source 01:00:00:00-01:00:01:24 is 49 frames but record "
                             "00:00:17:22-00:00:19:19 is 47 frames",
    "transition_duration.edl": 4,
    "wipe_test.edl": 3,
}

# The audio tracks each corpus EDL reads to: track -> (clips, transitions); none where absent.
CORPUS_AUDIO = {
    "INS4_R1_DX_092117.edl": {"A1": (325, 0), "A2": (92, 0), "A3": (49, 0)},
    "INS4_R2_DX_092117.edl": {"A1": (313, 0), "A2": (101, 0), "A3": (44, 0)},
    "INS4_R3_DX_092117.edl": {"A1": (335, 0), "A2": (102, 0), "A3": (38, 0)},
    "INS4_R4_DX_092117.edl": {"A1": (448, 0), "A2": (78, 0), "A3": (49, 0)},
    "INS4_R5_DX_092117.edl": {"A1": (302, 0), "A2": (120, 0), "A3": (103, 0)},
    "TEST.edl": {"A1": (34, 7), "A2": (11, 1), "A5": (1, 0), "A7": (25, 6), "A8": (4, 1), "A10": (8, 5),
                 "A11": (13, 3), "A12": (23, 5)},
    "adobe_dai109_test.txt": {"A1": (1409, 283), "A2": (414, 116), "A3": (154, 35), "A4": (148, 9)},
    "multi_audio.edl": {"A1": (1, 0), "A2": (1, 0), "A3": (1, 0)},
    "test_24psf.edl": {"A1": (2, 1), "A2": (2, 1), "A3": (1, 0), "A4": (1, 0)},
    "test_25.edl": {"A1": (3, 1), "A2": (3, 1), "A3": (1, 0), "A4": (1, 0)},
}

CORPUS = shared_files("corpus", "timelines", "edl")
READABLE = [p for p in CORPUS if isinstance(CORPUS_OUTCOMES.get(p.name), int)]


@functools.lru_cache(maxsize=None)
def _read_path(path: Path, rate: float) -> tuple[otio.schema.Timeline, tuple[str, ...]]:
    text, text_notes = decoded_edl_text(path.read_bytes())
    timeline, notes = read_edl_text(text, rate, source=path.name)
    return timeline, tuple(text_notes + notes)


def corpus(name: str) -> tuple[otio.schema.Timeline, tuple[str, ...]]:
    """A corpus EDL read at its rate (a copy, so tests may change it)."""
    timeline, notes = _read_path(shared_path("corpus", "timelines", "edl", name), CORPUS_RATES.get(name, 24))
    return timeline.deepcopy(), notes


def sample(name: str, rate: float = 24) -> tuple[otio.schema.Timeline, list[str]]:
    text, text_notes = decoded_edl_text((SAMPLES / name).read_bytes())
    timeline, notes = read_edl_text(text, rate, source=name)
    return timeline, text_notes + notes


def tc(frames: float, rate: float) -> str:
    return otio.opentime.to_timecode(otio.opentime.RationalTime(frames, rate), rate)


def picture(timeline: otio.schema.Timeline) -> list[otio.schema.Clip]:
    """The clips of the one picture track."""
    (track,) = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    return [item for item in track if isinstance(item, otio.schema.Clip)]


def audio(timeline: otio.schema.Timeline) -> dict[str, tuple[int, int]]:
    """Each audio track's name -> (clips, transitions), in track order."""
    return {
        t.name: (sum(isinstance(i, otio.schema.Clip) for i in t), sum(isinstance(i, otio.schema.Transition) for i in t))
        for t in timeline.tracks if t.kind == otio.schema.TrackKind.Audio
    }


def sound(timeline: otio.schema.Timeline, track_name: str, number: int) -> otio.schema.Clip:
    """The clip read from EDL event *number* on audio track *track_name*."""
    (track,) = [t for t in timeline.tracks if t.name == track_name and t.kind == otio.schema.TrackKind.Audio]
    (clip,) = [c for c in track.find_clips() if c.metadata["otio_tools"]["edl"]["event"] == number]
    return clip


def event(timeline: otio.schema.Timeline, number: int) -> otio.schema.Clip:
    """The clip read from EDL event *number*."""
    (clip,) = [c for c in picture(timeline) if c.metadata["otio_tools"]["edl"]["event"] == number]
    return clip


def record_tcs(timeline: otio.schema.Timeline, clip: otio.schema.Clip) -> tuple[str, str]:
    """The clip's record in and out as EDL timecode (global start + position on the track)."""
    rate = timeline.global_start_time.rate
    start = timeline.global_start_time.value + clip.range_in_parent().start_time.rescaled_to(rate).value
    return tc(start, rate), tc(start + clip.range_in_parent().duration.rescaled_to(rate).value, rate)


def source_tcs(clip: otio.schema.Clip) -> tuple[str, str]:
    """The clip's source in and out as timecode at the source range's own rate."""
    r = clip.source_range
    return tc(r.start_time.value, r.start_time.rate), tc(r.end_time_exclusive().value, r.start_time.rate)


def speed(clip: otio.schema.Clip) -> float | None:
    warps = [e for e in clip.effects if isinstance(e, otio.schema.LinearTimeWarp)]
    return warps[0].time_scalar if warps else None


def round_trip_differences(timeline: otio.schema.Timeline, rate: float) -> list[str]:
    written = write_to_string(timeline, rate=rate)
    again, _ = read_edl_text(written, rate, source="written EDL")
    return facts_differences(carried_facts(timeline_facts(timeline)), carried_facts(timeline_facts(again)))


# Every corpus EDL: read at its rate, or refused with the reason.

@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_edl_reads_or_is_refused_with_its_reason(path):
    expected = CORPUS_OUTCOMES[path.name]
    if isinstance(expected, int):
        timeline, _ = corpus(path.name)
        assert timeline.global_start_time.rate == CORPUS_RATES.get(path.name, 24)
        if expected:
            assert len(picture(timeline)) == expected
        else:
            assert [t.kind for t in timeline.tracks if t.kind != otio.schema.TrackKind.Audio] == []
        assert audio(timeline) == CORPUS_AUDIO.get(path.name, {})
        assert list(audio(timeline)) == sorted(audio(timeline), key=lambda name: int(name[1:]))
    else:
        with pytest.raises(TimelineReadError) as caught:
            corpus(path.name)
        assert expected in str(caught.value)
        assert str(caught.value).startswith(path.name + ": ")


def test_every_corpus_edl_has_an_expected_outcome():
    if not CORPUS:
        pytest.skip("shared corpus absent")
    assert sorted(p.name for p in CORPUS) == sorted(CORPUS_OUTCOMES)


# Real files, to the frame: (file, event, record in, record out, source in, source out, speed, name).
# With a speed the clip's source range is its source in and its record length (the stock adapter's
# convention): the source out the NLE wrote is its own rounding of in + length x speed.
CORPUS_EVENTS = [
    pytest.param("25fps.edl", 4, "00:00:17:22", "00:00:19:21", "01:00:00:00", "01:00:01:24", None, "sq001_s004",
                 id="25fps-frame-24-at-25"),
    pytest.param("INS4_R1_010417.edl", 5, "01:00:51:23", "01:00:57:15", "19:26:32:21", "19:26:38:13", None, "V1A-6A",
                 id="avid-6-digit-events"),
    pytest.param("INS4_R1_010417.edl", 249, "01:16:44:22", "01:16:46:18", "09:01:33:04", "09:01:35:00", None, "13-1",
                 id="avid-to-clip-name-on-a-cut-ignored"),
    pytest.param("ToD_R4_LOCK3.1_030618_Video.edl", 61, "04:03:49:10", "04:03:49:23", "04:33:43:07",
                 "04:33:43:20", 2.0, "R102-6* 48FPS", id="48fps-source-without-m2"),
    pytest.param("ToD_R4_LOCK3.1_030618_Video.edl", 154, "04:09:13:05", "04:09:17:04", "18:54:32:22",
                 "18:54:36:21", 1.25, "109-6*", id="m2-speed-30-at-24"),
    pytest.param("ToD_R4_LOCK3.1_030618_Video.edl", 14, "04:00:43:18", "04:00:47:12", "15:10:00:05",
                 "15:10:03:23", -1.0, "•92PT-5*", id="m2-reverse-with-source-mismatch"),
    pytest.param("test_25.edl", 3, "00:00:59:24", "00:01:30:00", "00:00:00:00", "00:00:30:01", None, "Test rename",
                 id="picture-event-with-aud-3-4"),
    pytest.param("test_25.edl", 10, "00:02:10:21", "00:02:40:22", "00:00:00:00", "00:00:30:01", -1.0, "Test rename",
                 id="m2-reverse-equal-lengths"),
    pytest.param("test_24psf.edl", 5, "00:01:30:00", "00:01:54:17", "00:00:00:00", "00:00:24:17", None, "clip &5",
                 id="event-recorded-over-earlier-one"),
    pytest.param("dissolve_test_fail.edl", 1, "01:00:00:00", "01:00:00:09", "01:00:04:05", "01:00:04:14", None,
                 "clip_A", id="misnumbered-from-line-a-side"),
    pytest.param("dissolve_test_fail.edl", 2, "01:00:00:09", "01:00:00:19", "01:00:08:08", "01:00:08:18", None,
                 "clip_B", id="misnumbered-from-line-b-side"),
    pytest.param("gap_test.edl", 3, "00:00:04:06", "00:00:05:06", "10:00:00:00", "10:00:01:00", None, "shot3",
                 id="gap-before-event"),
    pytest.param("speed_effects.edl", 476, "01:17:21:05", "01:17:22:09", "01:00:16:15", "01:00:17:19", 2.0,
                 "Z694_54 (LAY5) (48.00 FPS)", id="m2-48-at-24"),
    pytest.param("nucoda_example.edl", 2, "00:59:54:18", "00:59:56:20", "01:00:06:13", "01:00:08:15", None, "take_2",
                 id="nucoda-from-file"),
    pytest.param("premiere_example.edl", 1, "00:59:53:11", "00:59:54:18", "01:00:04:05", "01:00:05:12", None,
                 "ZZ100_501.take_1.0001.exr", id="premiere-ax-reel"),
]


@pytest.mark.corpus
@pytest.mark.parametrize("name, number, rec_in, rec_out, src_in, src_out, scalar, clip_name", CORPUS_EVENTS)
def test_corpus_event_keeps_record_and_source_to_the_frame(
    name, number, rec_in, rec_out, src_in, src_out, scalar, clip_name
):
    timeline, _ = corpus(name)
    clip = event(timeline, number)
    assert record_tcs(timeline, clip) == (rec_in, rec_out)
    assert source_tcs(clip) == (src_in, src_out)
    assert speed(clip) == pytest.approx(scalar) if scalar is not None else speed(clip) is None
    if clip_name is not None:
        assert clip.name == clip_name


def _edl_events(path: Path) -> dict[int, tuple[str, str, str, str]]:
    """Every picture cut event of an EDL as written: number -> (src in, src out, rec in, rec out)."""
    out = {}
    for line in decoded_edl_text(path.read_bytes())[0].splitlines():
        fields = line.split()
        if len(fields) == 8 and fields[0].isdigit() and fields[2] == "V" and fields[3] == "C":
            out[int(fields[0])] = tuple(fields[4:])
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["STP R1 v082517.edl", "INS4_R1_010417.edl", "cdl_example01.edl",
                                  "ISSUE_14_conform_edl_issue_03.edl"])
def test_every_plain_cut_of_a_real_reel_keeps_its_timecodes(name):
    timeline, _ = corpus(name)
    written = _edl_events(shared_path("corpus", "timelines", "edl", name))
    checked = 0
    for clip in picture(timeline):
        number = clip.metadata["otio_tools"]["edl"]["event"]
        if number not in written or clip.effects:
            continue
        src_in, src_out, rec_in, rec_out = written[number]
        assert record_tcs(timeline, clip) == (rec_in, rec_out), number
        assert source_tcs(clip) == (src_in, src_out), number
        checked += 1
    assert checked > len(picture(timeline)) * 0.9


@pytest.mark.corpus
def test_dissolve_keeps_its_length_between_its_clips():
    timeline, notes = corpus("dissolve_test_fail.edl")
    (track,) = timeline.tracks
    assert [type(i).__name__ for i in track] == ["Clip", "Transition", "Clip", "Clip"]
    assert track[1].transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
    assert (track[1].in_offset.value, track[1].out_offset.value) == (0, 10)
    assert any("numbered 001" in n for n in notes)


@pytest.mark.corpus
def test_loc_markers_keep_name_colour_and_land_on_their_record_frame():
    timeline, _ = corpus("screening_example.edl")
    clip = event(timeline, 4)
    assert [(m.name, m.color) for m in clip.markers] == [("ANIM FIX NEEDED", "RED"), ("ANIM FIX NEEDED", "PINK")]
    # LOC 01:00:01:14 is record time; the event records from 00:59:58:00 and its source starts at 01:00:10:01
    rate = 24
    first = clip.markers[0].marked_range.start_time
    assert tc(first.value, rate) == "01:00:13:15"
    assert tc(clip.transformed_time(first, timeline.tracks).value + timeline.global_start_time.value, rate) == \
        "01:00:01:14"


# Sound, to the frame: (file, track, event, record in, record out, source in, source out, name).
# Untimecoded sources read from 00:00:00:00 for the record length; other audio source/record
# mismatches keep the source in and the record length; a source timecode at another rate stays at it.
AUDIO_EVENTS = [
    pytest.param("INS4_R1_DX_092117.edl", "A1", 1, "01:00:00:00", "01:00:08:00", "00:00:00:00", "00:00:08:00",
                 "FKI_LEADER_HEAD_1920X1080.MOV", id="avid-first-event-untimecoded"),
    pytest.param("INS4_R1_DX_092117.edl", "A3", 3, "01:00:00:00", "01:00:08:00", "00:00:00:00", "00:00:08:00",
                 "FKI_LEADER_HEAD_1920X1080.MOV", id="avid-a3-channel"),
    pytest.param("INS4_R1_DX_092117.edl", "A1", 8, "01:01:51:18", "01:01:56:01", "19:11:54:10", "19:11:58:17",
                 "1-2B", id="avid-source-a-frame-long"),
    pytest.param("INS4_R1_DX_092117.edl", "A3", 466, "01:18:12:13", "01:18:14:13", "00:00:00:00", "00:00:02:00",
                 "FKI_LEADER_TAIL_1920X1080.MOV", id="avid-last-event"),
    pytest.param("INS4_R3_DX_092117.edl", "A1", 135, "03:05:38:16", "03:05:39:13", "17:52:28:26", "17:52:29:22.25",
                 "75F-4.NEW.01", id="avid-30fps-source-timecode"),
    pytest.param("TEST.edl", "A7", 3, "01:00:00:00", "01:04:24:07", "00:00:00:00", "00:04:24:07",
                 "TC R1 V6 TEMP2 ST FX.WAV", id="avid-a7"),
    pytest.param("TEST.edl", "A12", 7, "01:04:24:07", "01:04:42:08", "00:00:00:00", "00:00:18:01",
                 "TC R1 V6 TEMP2 ST MX.WAV", id="avid-a12"),
    pytest.param("adobe_dai109_test.txt", "A1", 1, "00:00:00:00", "00:00:08:00", "00:00:00:00", "00:00:08:00",
                 "HEAD_LEADER_2017.mov", id="premiere-first-event"),
    pytest.param("adobe_dai109_test.txt", "A1", 5, "00:00:16:00", "00:00:21:00", "19:48:59:21", "19:49:04:21",
                 "1-21T01.WAV", id="premiere-crossfade-from-black"),
    pytest.param("adobe_dai109_test.txt", "A2", 6, "00:00:20:12", "00:00:22:18", "21:04:14:22", "21:04:17:04",
                 "1-25T02.WAV", id="premiere-a2"),
    pytest.param("adobe_dai109_test.txt", "A3", 24, "00:00:30:10", "00:00:31:05", "21:05:23:03", "21:05:23:22",
                 "1-25T02.WAV", id="premiere-none-with-aud-3"),
    pytest.param("adobe_dai109_test.txt", "A4", 23, "00:00:30:06", "00:00:34:18", "18:47:16:02", "18:47:20:14",
                 "1-11T01.WAV", id="premiere-none-with-aud-4"),
    pytest.param("adobe_dai109_test.txt", "A1", 148, "00:02:22:23", "00:02:24:11", "00:00:36:12", "00:00:37:42",
                 "00192.mov", id="premiere-60fps-source-timecode"),
    pytest.param("adobe_dai109_test.txt", "A1", 2839, "01:39:42:23", "01:39:44:23", "01:00:00:00", "01:00:02:00",
                 "TAIL_LEADER_2017.mov", id="premiere-last-event"),
    pytest.param("multi_audio.edl", "A1", 1, "00:00:00:00", "00:56:55:22", "00:00:00:00", "00:56:55:22", "AX",
                 id="aa-channel-1"),
    pytest.param("multi_audio.edl", "A2", 1, "00:00:00:00", "00:56:55:22", "00:00:00:00", "00:56:55:22", "AX",
                 id="aa-channel-2"),
    pytest.param("multi_audio.edl", "A3", 1, "00:00:00:00", "00:56:55:22", "00:00:00:00", "00:56:55:22", "AX",
                 id="aud-3-channel-3"),
    pytest.param("test_25.edl", "A3", 3, "00:00:59:24", "00:01:30:00", "00:00:00:00", "00:00:30:01", "Test rename",
                 id="picture-event-with-aud-3-4-on-a3"),
    pytest.param("test_25.edl", "A4", 3, "00:00:59:24", "00:01:30:00", "00:00:00:00", "00:00:30:01", "Test rename",
                 id="picture-event-with-aud-3-4-on-a4"),
    pytest.param("test_25.edl", "A2", 6, "00:01:30:00", "00:01:59:01", "00:00:00:00", "00:00:29:01", "Test rename",
                 id="aa-before-a-fade-out"),
]


@pytest.mark.corpus
@pytest.mark.parametrize("name, track, number, rec_in, rec_out, src_in, src_out, clip_name", AUDIO_EVENTS)
def test_corpus_audio_event_keeps_its_channel_and_record_to_the_frame(
    name, track, number, rec_in, rec_out, src_in, src_out, clip_name
):
    timeline, _ = corpus(name)
    clip = sound(timeline, track, number)
    assert record_tcs(timeline, clip) == (rec_in, rec_out)
    if src_out.count(".") == 1:  # a fractional source frame: the record length at the source's rate
        src_out, fraction = src_out.split(".")
        assert clip.source_range.end_time_exclusive().value % 1 == pytest.approx(float("0." + fraction))
    assert source_tcs(clip) == (src_in, src_out)
    assert clip.name == clip_name


@pytest.mark.corpus
@pytest.mark.parametrize("name, count", [
    ("INS4_R1_DX_092117.edl", 57), ("INS4_R5_DX_092117.edl", 82), ("TEST.edl", 108)])
def test_avid_untimecoded_sound_sources_read_for_their_record_length(name, count):
    timeline, notes = corpus(name)
    assert any(n.startswith(f"untimecoded source in {count} audio events") for n in notes)
    assert all(clip.source_range.duration == clip.range_in_parent().duration
               for clip in timeline.find_clips())


@pytest.mark.corpus
def test_avid_sound_sources_a_frame_long_keep_the_record_and_are_listed():
    _, notes = corpus("INS4_R1_DX_092117.edl")
    (note,) = [n for n in notes if "source and record lengths differ" in n]
    assert note.startswith("409 audio events whose source and record lengths differ, with no M2 line, read for "
                           "their record length from their source in")
    assert "line 27 (event 008) 104/103" in note


@pytest.mark.corpus
def test_premiere_audio_crossfades_are_transitions_on_their_channel():
    timeline, notes = corpus("adobe_dai109_test.txt")
    (a1,) = [t for t in timeline.tracks if t.name == "A1"]
    clip = sound(timeline, "A1", 5)
    before = a1[a1.index(clip) - 1]
    assert isinstance(before, otio.schema.Transition)
    assert before.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
    assert (before.in_offset.value, before.out_offset.value) == (0, 43)
    assert "audio wipes (W000, W001) read as cross-fades (dissolves)" in notes
    assert "437 events record to no channel (437 on NONE with no AUD line); dropped" in notes
    # a transition opens channel 3: from a zero-length gap
    (a3,) = [t for t in timeline.tracks if t.name == "A3"]
    first = next(i for i, item in enumerate(a3) if isinstance(item, otio.schema.Transition))
    assert isinstance(a3[first - 1], otio.schema.Gap) and a3[first - 1].duration().value == 0
    assert any("event 011): a W001 transition opens the track A3" in n for n in notes)


@pytest.mark.corpus
def test_picture_events_carry_their_audio_channels_and_the_picture_is_unchanged():
    timeline, notes = corpus("test_25.edl")
    assert [t.name for t in timeline.tracks] == ["V", "A1", "A2", "A3", "A4"]
    assert [c.name for c in picture(timeline)] == [
        "Jellyfish.jpg", "Test rename", "Test rename", "Jellyfish.jpg", "Black Video", "Jellyfish.jpg",
        "Test rename"]
    # event 007 fades channels 1 and 2 out into black: a cross-fade into a gap
    (a1,) = [t for t in timeline.tracks if t.name == "A1"]
    kinds = [type(i).__name__ for i in a1]
    assert kinds[kinds.index("Transition") + 1] == "Gap"
    assert "audio wipes (W001) read as cross-fades (dissolves)" in notes


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name, rate, words",
    [
        pytest.param("25fps.edl", 24, "line 13 (event 004): timecode 01:00:01:24 has frame 24, impossible at 24 fps",
                     id="25fps-at-24"),
        pytest.param("test_25.edl", 24, "line 3 (event 001): timecode 01:00:59:24 has frame 24", id="test_25-at-24"),
        pytest.param("test_24psf.edl", 24, "line 3 (event 001): timecode 01:00:59:24", id="24psf-is-25"),
        pytest.param("timecode_mismatch.edl", 24, "timecode 01:00:01:24 has frame 24", id="mismatch-at-24"),
    ],
)
def test_a_rate_too_low_for_the_timecode_is_refused_naming_line_and_rate(name, rate, words):
    text, _ = decoded_edl_text(shared_path("corpus", "timelines", "edl", name).read_bytes())
    with pytest.raises(TimelineReadError) as caught:
        read_edl_text(text, rate, source=name)
    assert words in str(caught.value)
    assert "pass --rate with its real rate, at least 25 (25, 29.97, 30, 48, 50, 59.94, 60)" in str(caught.value)


# Small samples, one per case.

def test_transition_as_first_event_is_a_fade_from_a_zero_length_gap():
    timeline, notes = sample("transition_first_event.edl")
    (track,) = timeline.tracks
    assert [type(i).__name__ for i in track] == ["Gap", "Transition", "Clip", "Clip"]
    assert track[0].duration().value == 0
    assert track[1].out_offset.value == 12
    assert record_tcs(timeline, track[2]) == ("01:00:00:00", "01:00:02:00")
    assert source_tcs(track[2]) == ("02:10:00:00", "02:10:02:00")
    assert record_tcs(timeline, track[3]) == ("01:00:02:00", "01:00:03:00")
    assert any("opens the track" in n for n in notes)


def test_avid_aud_and_patch_lines_leave_the_picture():
    timeline, notes = sample("avid_aud_patch.edl")
    clips = picture(timeline)
    assert [c.name for c in clips] == ["12A-1", "12B-3"]
    assert record_tcs(timeline, clips[0]) == ("01:00:08:00", "01:00:10:12")
    assert source_tcs(clips[0]) == ("14:20:10:00", "14:20:12:12")
    assert record_tcs(timeline, clips[1]) == ("01:00:10:12", "01:00:11:12")


def test_avid_aud_lines_add_channels_3_and_4_and_patch_lines_change_nothing():
    timeline, notes = sample("avid_aud_patch.edl")
    assert audio(timeline) == {"A1": (2, 0), "A3": (2, 0), "A4": (1, 0)}
    # B is picture and channel 1; V with AUD 3 4 records channels 3 and 4; NONE with AUD 3 channel 3
    assert record_tcs(timeline, sound(timeline, "A1", 3)) == ("01:00:08:00", "01:00:10:12")
    assert record_tcs(timeline, sound(timeline, "A4", 4)) == ("01:00:10:12", "01:00:11:12")
    assert record_tcs(timeline, sound(timeline, "A3", 5)) == ("01:00:10:12", "01:00:14:12")
    assert source_tcs(sound(timeline, "A3", 2)) == ("00:00:00:00", "00:00:08:00")
    assert "event 004 (line 13) is recorded over entirely by event 005; dropped" in notes
    assert timeline.global_start_time.value == otio.opentime.from_timecode("01:00:00:00", 24).value


def test_audio_only_premiere_crossfades():
    timeline, notes = sample("audio_only_crossfades.edl")
    assert [t.kind for t in timeline.tracks] == [otio.schema.TrackKind.Audio] * 3
    (a1, a2, a3) = timeline.tracks
    assert [type(i).__name__ for i in a1] == ["Gap", "Transition", "Clip", "Clip", "Transition", "Clip"]
    assert (a1[0].duration().value, a1[1].out_offset.value, a1[4].out_offset.value) == (0, 12, 10)
    assert [(c.name, *record_tcs(timeline, c), *source_tcs(c)) for c in a1.find_clips()] == [
        ("1-21T01.WAV", "00:00:00:00", "00:00:02:00", "19:48:59:21", "19:49:01:21"),
        ("1-21T01.WAV", "00:00:02:00", "00:00:04:00", "19:49:01:21", "19:49:03:21"),
        ("3234A-9T01.WAV", "00:00:04:00", "00:00:05:13", "13:47:48:20", "13:47:50:09")]
    assert [(c.name, *record_tcs(timeline, c), *source_tcs(c)) for c in a2.find_clips()] == [
        ("1-25T02.WAV", "00:00:01:00", "00:00:03:04", "21:04:14:22", "21:04:17:02"),
        ("00192.mov", "00:00:03:04", "00:00:04:16", "00:00:36:12", "00:00:37:42")]
    assert [(c.name, *record_tcs(timeline, c)) for c in a3.find_clips()] == [
        ("02-25-T01.WAV", "00:00:02:00", "00:00:03:06")]
    assert notes == [
        "1 events record to no channel (1 on NONE with no AUD line); dropped",
        "1 audio black (BL) cuts whose record out is before their record in (Premiere's 00:00:00:00) dropped: "
        "events 006",
        "1 audio events repeating an earlier event on the same channel dropped: events 009 on A3",
        "1 audio events whose source and record lengths differ, with no M2 line, read for their record length "
        "from their source in (source/record frames): line 35 (event 007) 54/52",
        "1 audio events with source timecode at the source clip's own rate (the rate at which source and record "
        "lengths agree) read at it: line 49 (event 010) 60 fps",
        "audio wipes (W001) read as cross-fades (dissolves)",
        "1 audio cuts repeating frames the event before them already records (same reel, same source at each "
        "record frame) dropped: events 005 on A1",
        "line 6 (event 001): a W001 transition opens the track A1; read as a transition from a zero-length gap",
    ]


def test_avid_sound_untimecoded_sources():
    timeline, notes = sample("avid_sound_untimecoded.edl")
    assert audio(timeline) == {"A1": (2, 0), "A2": (1, 0), "A3": (1, 0)}
    leader = sound(timeline, "A2", 2)
    assert record_tcs(timeline, leader) == ("01:00:00:00", "01:00:08:00")
    assert source_tcs(leader) == ("00:00:00:00", "00:00:08:00")
    assert source_tcs(sound(timeline, "A1", 3)) == ("19:11:54:10", "19:11:58:17")
    thirty = sound(timeline, "A3", 4)
    assert record_tcs(timeline, thirty) == ("01:00:12:07", "01:00:13:04")
    assert thirty.source_range.start_time == otio.opentime.from_timecode("17:52:28:26", 30)
    assert thirty.source_range.duration.to_seconds() == pytest.approx(21 / 24)
    assert notes[0] == ("untimecoded source in 2 audio events (source 00:00:00:00 00:00:00:00): read from source "
                        "frame 0 for their record length: events 001, 002")


def test_cr_only_line_endings():
    timeline, notes = sample("cr_line_endings.edl")
    clips = picture(timeline)
    assert [(c.name, *record_tcs(timeline, c)) for c in clips] == [
        ("cr_a", "00:00:00:00", "00:00:01:00"), ("cr_b", "00:00:01:00", "00:00:01:12")]
    assert "CR-only line endings" in notes


def test_cr_only_text_given_straight_to_the_reader():
    text = (SAMPLES / "cr_line_endings.edl").read_bytes().decode("ascii")
    assert "\n" not in text
    timeline, notes = read_edl_text(text, 24)
    assert len(picture(timeline)) == 2 and "CR-only line endings" in notes


def test_48fps_timecode_reads_at_48_and_is_refused_at_24():
    timeline, _ = sample("48fps_timecode.edl", 48)
    a, b = picture(timeline)
    assert source_tcs(a) == ("10:00:00:40", "10:00:02:10")
    assert record_tcs(timeline, b) == ("01:00:01:18", "01:00:02:18")
    with pytest.raises(TimelineReadError, match=r"line 3 \(event 001\): timecode 10:00:00:40 has frame 40.*"
                                                 r"at least 41 \(48, 50, 59.94, 60\)"):
        sample("48fps_timecode.edl", 24)


def test_60fps_timecode_reads_at_60_and_is_refused_at_50():
    timeline, _ = sample("60fps_timecode.edl", 60)
    a, b = picture(timeline)
    assert a.source_range.duration.value == 90 and source_tcs(a) == ("00:00:10:59", "00:00:12:29")
    assert record_tcs(timeline, b) == ("01:00:01:30", "01:00:02:15")
    with pytest.raises(TimelineReadError, match=r"timecode 00:00:10:59 has frame 59.*at least 60 \(59.94, 60\)"):
        sample("60fps_timecode.edl", 50)


def test_a_premiere_txt_reads_through_read_timeline():
    from otio_tools.timeline_io import read_timeline

    read = read_timeline(SAMPLES / "premiere_gbk.txt", rate=24)
    assert [c.name for c in picture(read.timeline)] == ["龙标422.mov", "shot_2.mov"]
    assert "decoded as gbk" in read.notes


def test_drop_frame_timecode_at_29_97():
    timeline, notes = sample("drop_frame.edl", 29.97)
    a, b = picture(timeline)
    assert a.source_range.duration.value == 20  # 00:00:59;20 to 00:01:00;12 skips frames ;00 and ;01
    assert record_tcs(timeline, a) == ("00:00:59;20", "00:01:00;12")
    assert record_tcs(timeline, b) == ("00:01:00;12", "00:01:01;12")
    assert "drop-frame timecode" in notes
    assert "rate 29.97 read as exactly 30000/1001 (NTSC)" in notes


def test_drop_frame_at_a_rate_without_drop_frame_is_refused():
    with pytest.raises(TimelineReadError, match=r"line 2: FCM: DROP FRAME.*pass --rate 29.97"):
        sample("drop_frame.edl", 30)


def test_a_high_frame_rate_source_without_m2_reads_as_its_speed():
    timeline, notes = sample("speed_without_m2.edl")
    clip = picture(timeline)[0]
    assert speed(clip) == 2.0
    assert record_tcs(timeline, clip) == ("04:03:49:10", "04:03:49:23")
    assert clip.source_range.start_time.value == otio.opentime.from_timecode("04:33:43:07", 24).value
    assert "1 events whose source runs a whole number of times their record length, with no M2 line " \
        "(high-frame-rate sources), read at that speed: line 3 (event 001) 2x" in notes


def test_a_later_event_recording_over_the_tail_of_an_earlier_one_cuts_it():
    timeline, notes = sample("record_over_tail.edl")
    a, b = picture(timeline)
    assert record_tcs(timeline, a) == ("01:00:00:00", "01:00:01:12")
    assert source_tcs(a) == ("05:00:00:00", "05:00:01:12")
    assert record_tcs(timeline, b) == ("01:00:01:12", "01:00:02:12")
    assert "event 001 (line 3) cut by 12 frames where event 002 records over it" in notes


def test_reverse_m2_and_mixed_case_markers():
    timeline, _ = sample("markers_and_reverse.edl")
    a, b = picture(timeline)
    assert [(m.name, m.color) for m in a.markers] == [("Check the sky", "GREEN"), ("flash frame?", "ORANGE")]
    assert speed(b) == -1.0


def test_premiere_txt_in_gbk_with_an_av_event():
    timeline, notes = sample("premiere_gbk.txt")
    assert [c.name for c in picture(timeline)] == ["龙标422.mov", "shot_2.mov"]
    assert "decoded as gbk" in notes
    # AA/V is picture and channels 1 and 2; music.wav on A, listed later, records over channel 1 entirely
    assert audio(timeline) == {"A1": (1, 0), "A2": (1, 0)}
    assert record_tcs(timeline, sound(timeline, "A2", 2)) == ("00:00:02:00", "00:00:03:00")
    assert record_tcs(timeline, sound(timeline, "A1", 3)) == ("00:00:00:00", "00:00:08:00")
    assert "event 002 (line 7) is recorded over entirely by event 003 on A1; dropped" in notes


@pytest.mark.parametrize(
    "text, words",
    [
        pytest.param("TITLE: x\n001  A V C 00:00:00:00 00:00:01:00 00:00:01:00 00:00:00:00\n",
                     "line 2 (event 001): record out 00:00:00:00 is before record in 00:00:01:00", id="record-backwards"),
        pytest.param("TITLE: x\n001  A V C 00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00\n"
                     "002  B V C 00:00:00:00 00:00:00:18 00:00:00:12 00:00:01:06\n",
                     "line 3 (event 002): record 00:00:00:12-00:00:01:06 overlaps event 001", id="insert-inside"),
        pytest.param("TITLE: x\n001  A V D 010 00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n",
                     "a D transition with no from-line", id="transition-without-from-line"),
        pytest.param("TITLE: x\n001  A V C 00:00:00:00\n", "line 2: starts with a number but is not a CMX3600 event",
                     id="broken-event-line"),
        pytest.param("TITLE: x\n001  A NONE C 00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n",
                     "no event records to a picture or audio channel (1 on NONE, none with an AUD line)",
                     id="no-channel"),
        pytest.param("TITLE: x\n001  A A C 00:00:00:00 00:00:01:00 00:00:01:00 00:00:00:00\n",
                     "line 2 (event 001): record out 00:00:00:00 is before record in 00:00:01:00",
                     id="audio-record-backwards"),
        pytest.param("TITLE: x\n001  A A C 00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00\n"
                     "002  B A C 00:00:00:00 00:00:00:18 00:00:00:12 00:00:01:06\n",
                     "line 3 (event 002): record 00:00:00:12-00:00:01:06 overlaps event 001", id="audio-insert-inside"),
        pytest.param("TITLE: x\n001  A A C 00:00:00:00 00:00:01:30 00:00:00:00 00:00:02:00\n",
                     "line 2 (event 001): timecode 00:00:01:30 has frame 30, impossible at 24 fps",
                     id="audio-source-at-no-rate"),
        pytest.param("TITLE: x\n", "no events", id="empty"),
    ],
)
def test_unreadable_lists_are_refused_with_line_and_event(text, words):
    with pytest.raises(TimelineReadError) as caught:
        read_edl_text(text, 24, source="cut.edl")
    assert words in str(caught.value) and str(caught.value).startswith("cut.edl: ")


@pytest.mark.parametrize("rate, exact", [(23.976, 24000 / 1001), (29.97, 30000 / 1001), (59.94, 60000 / 1001),
                                         (25, 25.0)], ids=["23.976", "29.97", "59.94", "25"])
def test_rates_are_read_at_their_exact_timecode_rate(rate, exact):
    timeline, _ = read_edl_text("001  A V C 00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n", rate)
    assert timeline.global_start_time.rate == exact


@pytest.mark.parametrize("rate", [0, 17, "fast"], ids=["zero", "17", "not-a-number"])
def test_a_rate_that_is_no_timecode_rate_is_refused(rate):
    with pytest.raises(TimelineReadError, match="pass --rate"):
        read_edl_text("001  A V C 00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n", rate)


def test_the_plugin_reads_through_otio():
    text = (SAMPLES / "transition_first_event.edl").read_text()
    timeline = otio.adapters.read_from_string(text, adapter_name="otio_tools_cmx_3600", rate=24)
    assert len(picture(timeline)) == 2
    assert len(picture(read_from_string(text, rate=24))) == 2


# Writing: corrected stock writer, and what a round trip keeps.

@pytest.mark.corpus
@pytest.mark.parametrize("path", READABLE, ids=[p.name for p in READABLE])
def test_corpus_edl_round_trip_keeps_every_carried_fact(path):
    timeline, _ = corpus(path.name)
    assert round_trip_differences(timeline, CORPUS_RATES.get(path.name, 24)) == []


@pytest.mark.parametrize(
    "name, rate",
    [("transition_first_event.edl", 24), ("avid_aud_patch.edl", 24), ("48fps_timecode.edl", 48),
     ("60fps_timecode.edl", 60),
     ("drop_frame.edl", 29.97), ("speed_without_m2.edl", 24), ("markers_and_reverse.edl", 24),
     ("record_over_tail.edl", 24), ("premiere_gbk.txt", 24), ("cr_line_endings.edl", 24),
     ("audio_only_crossfades.edl", 24), ("avid_sound_untimecoded.edl", 24)],
    ids=lambda v: str(v),
)
def test_sample_round_trip_keeps_every_carried_fact(name, rate):
    timeline, _ = sample(name, rate)
    assert round_trip_differences(timeline, rate) == []


def test_writer_keeps_marker_case_colour_record_start_and_reverse_speed():
    timeline, _ = sample("markers_and_reverse.edl")
    written = write_to_string(timeline, rate=24)
    assert "* LOC: 10:00:00:12 GREEN   Check the sky" in written
    assert "* LOC: 10:00:01:00 ORANGE  flash frame?" in written
    assert "001 REEL_A V C 01:00:10:00 01:00:12:00 10:00:00:00 10:00:02:00".split() in [
        line.split() for line in written.splitlines()]
    assert "-24.0" in written and written.startswith("TITLE: Markers and Reverse\nFCM: NON-DROP FRAME\n")


def test_writer_keeps_a_wipe_and_its_code():
    timeline, _ = read_edl_text(
        "001  A V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n"
        "002  A V C 01:00:01:00 01:00:01:00 01:00:01:00 01:00:01:00\n"
        "002  B V W012 010 02:00:00:00 02:00:01:00 01:00:01:00 01:00:02:00\n", 24)
    written = write_to_string(timeline, rate=24)
    assert " W012 010 02:00:00:00 02:00:01:00 01:00:01:00 01:00:02:00" in written


def test_writer_puts_a_fade_ins_from_line_where_the_fade_starts():
    timeline, _ = sample("transition_first_event.edl")
    lines = write_to_string(timeline, rate=24).splitlines()
    assert lines[3].split()[-2:] == ["01:00:00:00", "01:00:00:00"]
    assert lines[4].split()[3:5] == ["D", "012"]


def test_writer_leaves_the_timeline_it_is_given_unchanged():
    timeline, _ = sample("transition_first_event.edl")
    before = otio.adapters.write_to_string(timeline, "otio_json")
    write_to_string(timeline, rate=24)
    assert otio.adapters.write_to_string(timeline, "otio_json") == before


def test_writer_refuses_two_picture_tracks():
    timeline, _ = sample("cr_line_endings.edl")
    timeline.tracks.append(timeline.tracks[0].deepcopy())
    with pytest.raises(TimelineWriteError, match="one picture track; timeline 'cr line endings' has 2"):
        write_to_string(timeline, rate=24)


def test_writer_writes_the_picture_track_even_after_an_audio_track():
    timeline, _ = sample("cr_line_endings.edl")
    timeline.tracks.insert(0, otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio))
    again, _ = read_edl_text(write_to_string(timeline, rate=24), 24)
    assert [c.name for c in picture(again)] == ["cr_a", "cr_b"]


def test_writer_writes_each_audio_track_on_its_channel_after_the_picture():
    timeline, _ = corpus("test_25.edl")
    events = [line.split() for line in write_to_string(timeline, rate=25).splitlines() if line[:1].isdigit()]
    channels = {e[0]: e[2] for e in events}  # a transition's two lines share its number and channel
    assert list(channels) == [f"{n:03d}" for n in range(1, 18)]
    assert list(channels.values()) == ["V"] * 7 + ["A"] * 4 + ["A2"] * 4 + ["A3", "A4"]
    # channel 3 of event 003: written on its own, it reads back at the same record
    assert ["016", "AX", "A3", "C", "00:00:00:00", "00:00:30:01", "00:00:59:24", "00:01:30:00"] in events


def test_an_audio_only_timeline_is_written_without_picture_and_reads_back_the_same():
    timeline, _ = sample("audio_only_crossfades.edl")
    written = write_to_string(timeline, rate=24)
    assert not any(line.split()[2] == "V" for line in written.splitlines() if line[:1].isdigit())
    again, _ = read_edl_text(written, 24)
    assert audio(again) == audio(timeline) == {"A1": (3, 2), "A2": (2, 0), "A3": (1, 0)}
    assert [t.kind for t in again.tracks] == [otio.schema.TrackKind.Audio] * 3


@pytest.mark.parametrize("names, channels", [
    (["A1", "A2"], [1, 2]),
    (["A3", "Music", "A3", "A1"], [3, 2, 4, 1]),
    (["Dialogue", "Effects"], [1, 2]),
    (["A12"], [12]),
], ids=["as-read", "named-and-repeated", "other-names", "a12"])
def test_audio_tracks_are_written_on_the_channel_their_name_says_or_the_lowest_free(names, channels):
    assert audio_channels(names) == channels


def test_audio_tracks_from_another_format_round_trip_on_their_channels():
    timeline = _timeline(_clip("picture", 100, 48), start=86400)
    music = otio.schema.Track(name="Music", kind=otio.schema.TrackKind.Audio,
                              children=[_clip("music", 0, 72)])
    dialogue = otio.schema.Track(name="A2", kind=otio.schema.TrackKind.Audio, children=[
        otio.schema.Gap(source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                             otio.opentime.RationalTime(12, 24))),
        _clip("line", 500, 24), _transition(0, 6), _clip("line 2", 900, 24)])
    muted = otio.schema.Track(name="A3", kind=otio.schema.TrackKind.Audio, children=[_clip("muted", 0, 10)])
    muted.enabled = False
    timeline.tracks.extend([music, dialogue, muted])
    assert round_trip_differences(timeline, 24) == []
    again, _ = read_edl_text(write_to_string(timeline, rate=24), 24)
    assert [t.name for t in again.tracks] == ["V", "A1", "A2"]
    assert record_tcs(again, sound(again, "A2", 3)) == ("01:00:00:12", "01:00:01:12")
    assert carried_facts(timeline_facts(timeline))["audio_tracks"].keys() == {"A1", "A2"}


def test_writer_refuses_a_timeline_with_no_picture_or_audio_track():
    with pytest.raises(TimelineWriteError, match="one picture track; timeline 'empty' has 0 enabled video tracks"):
        write_to_string(otio.schema.Timeline(name="empty"), rate=24)


def _facts():
    timeline, _ = sample("markers_and_reverse.edl")
    return timeline_facts(timeline)


def _sound_facts():
    timeline, _ = sample("avid_sound_untimecoded.edl")
    return timeline_facts(timeline)


@pytest.mark.parametrize(
    "path, value, carried",
    [
        pytest.param("tracks.0.children.0.record", [1, 192], True, id="audio-record"),
        pytest.param("tracks.0.children.1.source_range", [1, 103], True, id="audio-source-range"),
        pytest.param("tracks.0.children.1.name", "other take", True, id="audio-clip-name"),
        pytest.param("tracks.2.name", "A4", True, id="audio-channel"),
        pytest.param("tracks.1.enabled", False, True, id="audio-track-disabled"),
        pytest.param("tracks.1.kind", "Video", True, id="audio-track-as-picture"),
        pytest.param("tracks.0.name", "Dialogue", False, id="audio-name-on-its-channel"),
        pytest.param("tracks.0.children.0.metadata", {"anything": 1}, False, id="audio-clip-metadata"),
    ],
)
def test_carried_facts_keeps_each_audio_tracks_channel_and_clips(path, value, carried):
    original = _sound_facts()
    changed = copy.deepcopy(original)
    node = changed
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]
    node[keys[-1]] = value
    differences = facts_differences(carried_facts(original), carried_facts(changed))
    assert bool(differences) is carried, differences


def _changed(path: str, value):
    facts = copy.deepcopy(_facts())
    node = facts
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]
    last = keys[-1]
    node[int(last) if last.isdigit() else last] = value
    return facts


@pytest.mark.parametrize(
    "path, value, carried",
    [
        pytest.param("tracks.0.children.0.name", "Other Shot", True, id="clip-name"),
        pytest.param("tracks.0.children.0.source_range", [1, 48], True, id="source-range"),
        pytest.param("tracks.0.children.0.record", [1, 48], True, id="record"),
        pytest.param("global_start", 0, True, id="record-start"),
        pytest.param("tracks.0.children.0.markers.0.name", "CHECK THE SKY", True, id="marker-name-case"),
        pytest.param("tracks.0.children.0.markers.0.color", "RED", True, id="marker-colour"),
        pytest.param("tracks.0.children.1.effects.0.time_scalar", 2.0, True, id="speed"),
        pytest.param("name", "Other title", True, id="title"),
        pytest.param("tracks.0.children.0.metadata", {"anything": 1}, False, id="clip-metadata"),
        pytest.param("tracks.0.children.0.markers.0.comment", "note", False, id="marker-comment"),
        pytest.param("tracks.0.children.0.markers.0.range", [86652, 5], False, id="marker-duration"),
        pytest.param("tracks.0.children.0.media_url", "file:///elsewhere.mov", False, id="media-url"),
        pytest.param("tracks.0.name", "Video 1", False, id="track-name"),
        pytest.param("metadata", {"cmx_3600": {}}, False, id="timeline-metadata"),
    ],
)
def test_carried_facts_keeps_exactly_what_an_edl_carries(path, value, carried):
    differences = facts_differences(carried_facts(_facts()), carried_facts(_changed(path, value)))
    assert bool(differences) is carried, differences


def test_carried_facts_does_not_change_its_input():
    facts = _facts()
    before = copy.deepcopy(facts)
    carried_facts(facts)
    assert facts == before


def test_carried_facts_sees_a_leading_gap_as_record_start():
    one = {"global_start": 100, "tracks": [{"kind": "Video", "children": [
        {"type": "Clip", "name": "a", "record": [0, 10], "source_range": [0, 10]}]}]}
    other = {"global_start": 90, "tracks": [{"kind": "Video", "children": [
        {"type": "Gap", "record": [0, 10]},
        {"type": "Clip", "name": "a", "record": [10, 10], "source_range": [0, 10]}]}]}
    assert facts_differences(carried_facts(one), carried_facts(other)) == []


def test_drop_frame_loc_and_m2_timecodes():
    timeline, _ = sample("drop_frame.edl", 29.97)
    a, b = picture(timeline)
    (marker,) = a.markers
    # LOC 00:01:00;02 is record frame 1800, ten frames into an event recorded from 00:00:59;20
    assert marker.marked_range.start_time.value == a.source_range.start_time.value + 10
    assert speed(b) == pytest.approx(59.9 / (30000 / 1001))


@pytest.mark.parametrize(
    "kind", ["K", "KB", "KO"], ids=lambda k: f"key-{k}")
def test_key_edits_are_refused(kind):
    text = ("001  A V C 00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n"
            f"002  B V {kind} 00:00:00:00 00:00:01:00 00:00:01:00 00:00:02:00\n")
    with pytest.raises(TimelineReadError, match=rf"line 2 \(event 002\): a key edit \({kind}\)"):
        read_edl_text(text, 24, source="keys.edl")


def _timeline(*items, start: int | None = None) -> otio.schema.Timeline:
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video, children=list(items))
    timeline = otio.schema.Timeline(name="built", tracks=[track])
    if start is not None:
        timeline.global_start_time = otio.opentime.RationalTime(start, 24)
    return timeline


def _clip(name: str, start: int, length: int, enabled: bool = True) -> otio.schema.Clip:
    clip = otio.schema.Clip(name=name, source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, 24), otio.opentime.RationalTime(length, 24)))
    clip.enabled = enabled
    return clip


def _transition(in_offset: int, out_offset: int, kind: str = "SMPTE_Dissolve") -> otio.schema.Transition:
    return otio.schema.Transition(name="t", transition_type=kind, in_offset=otio.opentime.RationalTime(in_offset, 24),
                                  out_offset=otio.opentime.RationalTime(out_offset, 24))


@pytest.mark.parametrize(
    "timeline",
    [
        pytest.param(_timeline(_clip("a", 100, 48), _transition(12, 12), _clip("b", 500, 48), start=86400),
                     id="centred-dissolve"),
        pytest.param(_timeline(_clip("a", 100, 48), _transition(0, 24), otio.schema.Gap(
            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                 otio.opentime.RationalTime(24, 24)))), id="fade-to-black"),
        pytest.param(_timeline(_clip("a", 100, 48), _transition(6, 6, "Custom_Transition"), _clip("b", 500, 48)),
                     id="custom-transition-as-dissolve"),
        pytest.param(_timeline(_clip("a", 100, 48), _clip("off", 200, 10, enabled=False), _clip("b", 500, 48)),
                     id="disabled-clip"),
        pytest.param(_timeline(otio.schema.Gap(source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(30, 24))), _clip("a", 100, 48)),
            id="leading-gap"),
        pytest.param(_timeline(_clip("a", 100, 48), _transition(12, 0)), id="transition-ending-the-track"),
    ],
)
def test_timelines_from_other_formats_round_trip_on_what_an_edl_carries(timeline):
    assert round_trip_differences(timeline, 24) == []


def test_fade_to_black_reads_back_as_a_transition_into_a_gap():
    timeline = _timeline(_clip("a", 100, 48), _transition(0, 24), otio.schema.Gap(
        source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24))))
    again, _ = read_edl_text(write_to_string(timeline, rate=24), 24)
    assert [type(i).__name__ for i in again.tracks[0]] == ["Clip", "Transition", "Gap"]
    assert again.tracks[0][2].duration().value == 24


@pytest.mark.parametrize(
    "timeline, words",
    [
        pytest.param(_timeline(_transition(10, 10), _clip("a", 0, 48)),
                     "transition 't' into clip 'a' starts 10 frames before the cut, with no clip before it",
                     id="transition-before-the-first-clip"),
        pytest.param(otio.schema.Timeline(name="nested", tracks=[otio.schema.Track(
            name="V1", children=[otio.schema.Stack(name="inner")])]), "Stack 'inner' is nested in track 'V1'",
            id="nested-stack"),
    ],
)
def test_writer_refuses_what_an_edl_cannot_state(timeline, words):
    with pytest.raises(TimelineWriteError) as caught:
        write_to_string(timeline, rate=24)
    assert words in str(caught.value)


def test_the_plugin_writes_through_otio():
    timeline, _ = sample("markers_and_reverse.edl")
    written = otio.adapters.write_to_string(timeline, adapter_name="otio_tools_cmx_3600", rate=24)
    assert "flash frame?" in written


@pytest.mark.corpus
def test_write_timeline_writes_a_real_reel_and_verifies_it(tmp_path):
    from otio_tools.timeline_io import read_timeline, write_timeline

    path = shared_path("corpus", "timelines", "edl", "ToD_R4_LOCK3.1_030618_Video.edl")
    written = write_timeline(read_timeline(path, rate=24).document, tmp_path / "reel.edl", rate=24)
    again = read_timeline(written, rate=24)
    assert len(picture(again.timeline)) == 376
    assert record_tcs(again.timeline, event(again.timeline, 61)) == ("04:03:49:10", "04:03:49:23")


@pytest.mark.corpus
def test_repairs_of_one_kind_make_one_note():
    _, notes = corpus("ToD_R4_LOCK3.1_030618_Video.edl")
    (note,) = [n for n in notes if "high-frame-rate" in n]
    assert note.startswith("41 events whose source runs a whole number of times their record length")
    assert note.endswith("line 184 (event 061) 2x, line 190 (event 063) 2x, line 995 (event 330) 2x and 38 more")


@pytest.mark.corpus
@pytest.mark.parametrize("style, has, lacks", [
    ("avid", "* FROM CLIP: S:/path/to/ZZ100_501.take_1.0001.exr", "OTIO REFERENCE"),
    ("nucoda", "* FROM FILE: S:/path/to/ZZ100_501.take_1.0001.exr", "* FROM CLIP:"),
    ("premiere", "* OTIO REFERENCE FROM: S:/path/to/ZZ100_501.take_1.0001.exr", "* FROM CLIP:"),
], ids=["avid", "nucoda", "premiere"])
def test_each_style_writes_its_media_line_and_round_trips(style, has, lacks):
    timeline, _ = corpus("avid_example.edl")
    written = write_to_string(timeline, rate=24, style=style)
    assert has in written and lacks not in written
    if style == "premiere":
        assert all(line.split()[1] == "AX" for line in written.splitlines() if line[:3].isdigit())
    again, _ = read_edl_text(written, 24)
    assert facts_differences(carried_facts(timeline_facts(timeline)), carried_facts(timeline_facts(again))) == []


def test_premiere_style_writes_clips_without_media():
    timeline, _ = sample("transition_first_event.edl")
    assert round_trip_differences(timeline, 24) == []
    written = write_to_string(timeline, rate=24, style="premiere")
    assert "* TO CLIP NAME:  shot_a" in written


def test_an_unknown_style_is_refused_listing_the_styles():
    timeline, _ = sample("cr_line_endings.edl")
    with pytest.raises(TimelineWriteError, match="EDL style 'resolve' is not one of: avid, nucoda, premiere"):
        write_to_string(timeline, rate=24, style="resolve")


def test_a_transition_naming_only_its_outgoing_clip_does_not_give_that_name_to_the_incoming_one():
    timeline, _ = read_edl_text(
        "001  A V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n"
        "* FROM CLIP NAME: outgoing\n"
        "002  A V C 01:00:01:00 01:00:01:00 01:00:01:00 01:00:01:00\n"
        "002  B V D 010 02:00:00:00 02:00:01:00 01:00:01:00 01:00:02:00\n"
        "* FROM CLIP NAME: outgoing\n", 24)
    first, second = picture(timeline)
    assert first.name == "outgoing" and second.name != "outgoing"
