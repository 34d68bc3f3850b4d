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

# What reading each corpus EDL at its rate gives: the number of clips, or words of the refusal.
CORPUS_OUTCOMES = {
    "25fps.edl": 4,
    "INS4_R1_010417.edl": 287,
    "INS4_R1_DX_092117.edl": "no picture event: all 466 events are audio only",
    "INS4_R2_DX_092117.edl": "no picture event: all 458 events are audio only",
    "INS4_R3_DX_092117.edl": "no picture event: all 475 events are audio only",
    "INS4_R4_DX_092117.edl": "no picture event: all 575 events are audio only",
    "INS4_R5_DX_092117.edl": "no picture event: all 525 events are audio only",
    "ISSUE_14_conform_edl_issue_01.edl": 3,
    "ISSUE_14_conform_edl_issue_02.edl": 10,
    "ISSUE_14_conform_edl_issue_03.edl": 42,
    "ISSUE_19_unusual01.edl": 38,
    "STP R1 v082517.edl": 250,
    "TEST.edl": "no picture event: all 120 events are audio only",
    "ToD_R4_LOCK3.1_030618_Video.edl": 376,
    "adobe_dai109_test.txt": "no picture event: all 2839 events are audio only (channels A, A2, NONE)",
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
    "multi_audio.edl": "no picture event: all 1 events are audio only (channels AA)",
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
    (track,) = timeline.tracks
    assert track.kind == otio.schema.TrackKind.Video
    return [item for item in track if isinstance(item, otio.schema.Clip)]


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
        assert len(picture(timeline)) == expected
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


@pytest.mark.corpus
def test_audio_only_events_are_dropped_with_a_note():
    timeline, notes = corpus("test_25.edl")
    assert "4 audio-only events dropped (channels AA); picture is read" in notes
    assert all(t.kind == otio.schema.TrackKind.Video for t in timeline.tracks)


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
    assert "3 audio-only events dropped (channels A, A3, NONE); picture is read" in notes


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
    assert "decoded as gbk" in notes and "1 audio-only events dropped (channels A); picture is read" in notes


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
        pytest.param("TITLE: x\n001  A A C 00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n",
                     "no picture event: all 1 events are audio only (channels A)", id="audio-only"),
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
     ("record_over_tail.edl", 24), ("premiere_gbk.txt", 24), ("cr_line_endings.edl", 24)],
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


def _facts():
    timeline, _ = sample("markers_and_reverse.edl")
    return timeline_facts(timeline)


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
