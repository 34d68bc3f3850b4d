"""The cut model: record frames, source frames through speed effects, transitions, nesting, timecode."""

from __future__ import annotations

import csv

import numpy as np
import opentimelineio as otio
import pytest

from otio_tools.cuts import record_timecode, timeline_cuts
from otio_tools.timeline_io import read_timeline
from tests.conftest import shared_files, shared_path

RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange


def clip(name, start, duration, rate=24.0, available=None, effects=()):
    ref = otio.schema.ExternalReference(
        target_url=f"{name}.mov",
        available_range=TR(RT(available[0], rate), RT(available[1], rate)) if available else None,
    )
    c = otio.schema.Clip(name=name, media_reference=ref, source_range=TR(RT(start, rate), RT(duration, rate)))
    for effect in effects:
        c.effects.append(effect)
    return c


def timeline(*tracks, rate=24.0, start=None):
    t = otio.schema.Timeline(name="t", global_start_time=RT(start, rate) if start is not None else None)
    for items in tracks:
        track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
        for item in items:
            track.append(item)
        t.tracks.append(track)
    return t


def edits(cuts):
    return [
        (e.record_frame, e.outgoing.name if e.outgoing else None, e.incoming.name if e.incoming else None)
        for e in cuts.edits
    ]


def test_plain_cuts_and_gaps_are_placed_in_record_frames():
    t = timeline([clip("A", 10, 24), otio.schema.Gap(source_range=TR(RT(0, 24), RT(3, 24))), clip("B", 0, 12)])
    cuts = timeline_cuts(t).picture
    assert [(s.name, s.record_start, s.record_duration) for s in cuts.shots] == [("A", 0, 24), ("B", 27, 12)]
    assert edits(cuts) == [(24, "A", None), (27, None, "B")]
    assert cuts.edits[0].incoming_gap == 3 and cuts.edits[1].outgoing_gap == 3


def test_transition_sits_on_its_edit_point_with_offsets():
    dissolve = otio.schema.Transition(
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve, in_offset=RT(6, 24), out_offset=RT(4, 24)
    )
    t = timeline([clip("A", 0, 48), dissolve, clip("B", 0, 48)])
    (edit,) = timeline_cuts(t).picture.edits
    assert (edit.record_frame, edit.in_offset, edit.out_offset) == (48, 6, 4)
    assert edit.transition_type == "SMPTE_Dissolve"


@pytest.mark.parametrize(
    "effects, source_start, expected",
    [
        pytest.param((), 10, [10, 11, 12, 13], id="normal"),
        pytest.param((otio.schema.LinearTimeWarp(time_scalar=2.0),), 10, [10, 12, 14, 16], id="double-speed"),
        pytest.param((otio.schema.LinearTimeWarp(time_scalar=0.5),), 10, [10, 10, 11, 11], id="half-speed"),
        pytest.param((otio.schema.FreezeFrame(),), 10, [10, 10, 10, 10], id="freeze-frame"),
        pytest.param((otio.schema.LinearTimeWarp(time_scalar=-1.0),), 10, [13, 12, 11, 10], id="reverse"),
    ],
)
def test_media_frames_follow_speed_effects(effects, source_start, expected):
    t = timeline([clip("A", source_start, 4, effects=effects)])
    (shot,) = timeline_cuts(t).picture.shots
    assert shot.media_frames() == expected


def test_media_frames_count_from_the_media_start_timecode_and_rate():
    t = timeline([clip("A", 86400 + 48, 3, available=(86400, 200))], start=86400)
    (shot,) = timeline_cuts(t).picture.shots
    assert shot.media_frames(media_start=86400) == [48, 49, 50]
    # 50 fps media cut into a 24 fps timeline plays in real time: frames are skipped.
    assert shot.media_frames(media_start=86400, media_rate=50.0) == [100, 102, 104]


def test_handles_are_the_unused_media_on_each_side():
    t = timeline([clip("A", 10, 20, available=(0, 100)), clip("B", 0, 50, available=(0, 50),
                                                             effects=(otio.schema.LinearTimeWarp(time_scalar=0.5),))])
    a, b = timeline_cuts(t).picture.shots
    assert (a.handle_before, a.handle_after) == (10, 70)
    assert (b.handle_before, b.handle_after) == (0, 25)


def test_nested_stack_shows_its_top_track():
    inner_low = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    inner_low.append(clip("low", 0, 30))
    inner_high = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    inner_high.append(otio.schema.Gap(source_range=TR(RT(0, 24), RT(10, 24))))
    inner_high.append(clip("high", 0, 10))
    nest = otio.schema.Stack(name="nest", children=[inner_low, inner_high],
                             source_range=TR(RT(5, 24), RT(20, 24)))
    t = timeline([clip("A", 0, 12), nest])
    cuts = timeline_cuts(t).picture
    assert [(s.name, s.record_start, s.record_duration) for s in cuts.shots] == [
        ("A", 0, 12), ("low", 12, 5), ("high", 17, 10), ("low", 27, 5)]


def test_higher_track_covers_the_picture():
    v1 = [clip("base", 0, 48)]
    v2 = [otio.schema.Gap(source_range=TR(RT(0, 24), RT(12, 24))), clip("insert", 0, 12)]
    cuts = timeline_cuts(timeline(v1, v2))
    assert [len(t.shots) for t in cuts.tracks] == [1, 1]
    assert [(s.name, s.record_start, s.record_duration) for s in cuts.picture.shots] == [
        ("base", 0, 12), ("insert", 12, 12), ("base", 24, 24)]
    assert edits(cuts.picture) == [(12, "base", "insert"), (24, "insert", "base")]


@pytest.mark.parametrize(
    "frame, rate, start, drop, expected",
    [
        pytest.param(0, 24, 86400, False, "01:00:00:00", id="24-one-hour"),
        pytest.param(1800, 30000 / 1001, 107892, True, "01:01:00;02", id="2997-df-skips-minute-frames"),
        pytest.param(17982, 30000 / 1001, 0, True, "00:10:00;00", id="2997-df-tenth-minute"),
        pytest.param(17982, 30000 / 1001, 0, False, "00:09:59:12", id="2997-ndf"),
        pytest.param(16, 16, 0, False, "00:00:01:00", id="16fps-ai"),
    ],
)
def test_record_timecodes(frame, rate, start, drop, expected):
    assert record_timecode(frame, rate, start, drop) == expected


def _frame_counter_crops(path):
    import av

    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray")[:240, :800] > 128 for f in container.decode(video=0)]


def _same_frame_pattern(labels):
    return np.array([[a == b for b in labels] for a in labels])


def _rendered_pattern(crops):
    stack = np.stack([c.ravel() for c in crops]).astype(np.float32)
    diff = np.abs(stack[:, None, :] - stack[None, :, :]).mean(axis=2)
    return diff < 0.002


def test_speed_effects_match_avids_render_of_linear_speed_effects():
    """The render shows a frame counter; two record frames look alike exactly when the model says
    they show the same media frame."""
    aaf = shared_path("corpus", "timelines", "aaf", "linear_speed_effects.aaf")
    render = shared_path("corpus", "video", "otio-aaf-adapter", "linear_speed_effects_aaf.mov")
    cuts = timeline_cuts(read_timeline(aaf).timeline)
    labels = [(s.media_url, f) for s in cuts.picture.shots for f in s.media_frames()]
    crops = _frame_counter_crops(render)
    assert len(labels) == len(crops) == 50
    assert (_same_frame_pattern(labels) == _rendered_pattern(crops)).all()


def test_freeze_reverse_and_ramps_match_avids_render_of_misc_speed_effects():
    """The render was made from a version of the sequence without its 5th and 6th clips; the last
    clip is a speed ramp that the AAF adapter reads as constant speed, so it is left out here."""
    aaf = shared_path("corpus", "timelines", "aaf", "misc_speed_effects.aaf")
    render = shared_path("corpus", "video", "otio-aaf-adapter", "misc_speed_effects_aaf.mov")
    shots = timeline_cuts(read_timeline(aaf).timeline).picture.shots
    rendered = [s for i, s in enumerate(shots) if i not in (4, 5)][:-1]
    labels = [(s.media_url, f) for s in rendered for f in s.media_frames()]
    crops = _frame_counter_crops(render)[: len(labels)]
    assert len(labels) == 56
    assert (_same_frame_pattern(labels) == _rendered_pattern(crops)).all()


def test_fcp_rubric_cuts_fall_on_the_ground_truth_times():
    fcpxml = shared_path("corpus", "timelines", "fcpxml", "60fps-rubric-clips.fcpxml")
    truth = shared_path("corpus", "video", "final-cut-pro-scene-detect", "60fps.csv")
    with open(truth, newline="") as fh:
        starts = [int(float(row["start"]) * 60) for row in csv.DictReader(fh)]
    cuts = timeline_cuts(read_timeline(fcpxml).timeline)
    assert cuts.rate == 60
    assert [s.record_start for s in cuts.picture.shots] == starts
    assert [e.record_frame for e in cuts.picture.edits] == starts[1:]


CORPUS_RATES = {"25fps.edl": 25, "test_25.edl": 25, "test_24psf.edl": 25}


@pytest.mark.parametrize(
    "path", [p for folder in ("aaf", "edl", "fcp7xml", "fcpxml", "otio", "kdenlive", "xges")
             for p in shared_files("corpus", "timelines", folder)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cut_model_of_every_readable_corpus_timeline_is_consistent(path):
    from otio_tools.errors import TimelineReadError

    try:
        loaded = read_timeline(path, rate=CORPUS_RATES.get(path.name, 24))
    except TimelineReadError:
        pytest.skip("refused by the reader (see docs/conformance.md)")
    cuts = timeline_cuts(loaded.timeline)
    for track in (*cuts.tracks, cuts.picture):
        previous_end = 0
        for shot in track.shots:
            assert shot.record_start >= previous_end and shot.record_duration >= 0
            previous_end = shot.record_end
        assert all(0 <= e.record_frame <= track.duration for e in track.edits)
