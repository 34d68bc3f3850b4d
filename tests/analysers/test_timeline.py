"""analyse_timeline end to end on a synthetic edit, and its settings."""

import dataclasses

import numpy as np
import pytest

from otio_tools.analysers import (
    CUT_ANALYSERS,
    SHOT_ANALYSERS,
    AnalysisSettings,
    CutAnalyser,
    MediaInfo,
    ShotAnalyser,
    analyse_timeline,
    cut_contexts,
    frame_needs,
)
from otio_tools.errors import ConfigError
from otio_tools.findings import Severity
from tests.analysers.synth import graded, pan, scene, shot, timeline

STREET = scene("street", 1)
FIELD = scene("field", 2)
HD = MediaInfo(320, 180, 1.0, 24.0)


def edit():
    """street 0-47 | street graded 48-95 | field 96-143 | 2-frame flash 144 | field 146-193 | gap 194-195 | street 196-243."""
    frozen = pan(FIELD, 48, start=200)
    frozen[20:30] = frozen[19]
    return timeline(
        ("a", pan(STREET, 48)),
        ("b", graded(pan(STREET, 48, start=150, zoom=1.3), (1.2, 1.0, 0.75))),
        ("c", pan(FIELD, 48)),
        ("flash", pan(STREET, 2, start=400)),
        ("d", frozen),
        ("e", pan(STREET, 48, start=300)),
        gaps={5: 2},
    )


def counted(findings):
    return sorted((f.kind, f.start) for f in findings if f.severity >= Severity.WARNING)


def test_the_edit_gets_exactly_its_defects():
    findings, scores = analyse_timeline(edit())
    assert counted(findings) == [
        ("black_frames", 194),
        ("colour_mismatch", 48),
        ("flash_frame", 144),
        ("frozen_frames", 166),
    ]
    assert {r["analyser"] for r in scores} >= {"grade", "jump_cut", "flicker", "frozen_frames", "morph", "photosensitive_flash"}
    assert all(f.to_json()["message"] for f in findings)


def test_shot_order_and_tracks_are_independent():
    shots = edit()
    other = [dataclasses.replace(s, track=1) for s in pan_only()]
    findings, _ = analyse_timeline(list(reversed(shots)) + other)
    assert counted(f for f in findings if f.track == 0) == counted(analyse_timeline(shots)[0])
    assert counted(f for f in findings if f.track == 1) == []


def pan_only():
    return timeline(("x", pan(STREET, 30)), ("y", pan(STREET, 30, start=120, zoom=1.3)))


def test_enabled_limits_the_analysers():
    findings, scores = analyse_timeline(edit(), AnalysisSettings(enabled=("flash_frame",)))
    assert {f.kind for f in findings} == {"flash_frame"}
    assert {r["analyser"] for r in scores} == {"flash_frame"}


def test_format_reference_is_the_timeline_format():
    shots = [shot("a", 0, pan(STREET, 10), media=HD), shot("b", 10, pan(STREET, 10, start=40, zoom=1.4), media=HD)]
    sd = MediaInfo(720, 576, 1.0, 24.0)
    assert [f.kind for f in analyse_timeline(shots, timeline_format=sd)[0]] == ["format_mismatch"] * 2
    assert analyse_timeline(shots)[0] == []


def test_each_registered_analyser_finds_its_settings():
    s = AnalysisSettings()
    for name, cls in {**CUT_ANALYSERS, **SHOT_ANALYSERS}.items():
        assert isinstance(s.for_analyser(name), cls.settings_class)


def test_frame_needs_follow_the_enabled_analysers():
    needs = frame_needs()
    assert needs.edge_frames >= 3 and needs.body_stride == 1
    assert frame_needs(AnalysisSettings(enabled=("grade",))).body_stride == 0
    assert frame_needs(AnalysisSettings(enabled=("morph",))).edge_frames == 0


def test_registry_and_base_classes():
    assert set(CUT_ANALYSERS) == {"grade", "jump_cut", "flash_frame", "black_frames", "format"}
    assert set(SHOT_ANALYSERS) == {"flicker", "frozen_frames", "morph", "photosensitive_flash"}
    assert all(issubclass(c, CutAnalyser) for c in CUT_ANALYSERS.values())
    assert all(issubclass(c, ShotAnalyser) for c in SHOT_ANALYSERS.values())
    kinds = {k for c in [*CUT_ANALYSERS.values(), *SHOT_ANALYSERS.values()] for k in c.kinds}
    assert len(kinds) == 11


@pytest.mark.parametrize(
    "kwargs, words",
    [
        pytest.param({"enabled": ("nope",)}, "unknown analyser", id="unknown-analyser"),
        pytest.param({"long_side": 8}, "long_side", id="long-side-too-small"),
    ],
)
def test_bad_settings(kwargs, words):
    with pytest.raises(ConfigError, match=words):
        AnalysisSettings(**kwargs)


@pytest.mark.parametrize(
    "change, words",
    [
        pytest.param({"head": np.zeros((2, 8, 8))}, "head", id="head-without-channels"),
        pytest.param({"body_frames": np.arange(3)}, "body_frames", id="frame-numbers-do-not-match"),
        pytest.param({"duration": 0}, "duration", id="empty-clip"),
        pytest.param({"head": np.zeros((1, 8, 8, 3), np.float64)}, "float32", id="float64-frames"),
    ],
)
def test_shot_view_checks_its_arrays(change, words):
    good = shot("a", 0, pan(STREET, 5))
    with pytest.raises(ValueError, match=words):
        dataclasses.replace(good, **change)


def test_cut_contexts_bridge_interruptions():
    cuts = cut_contexts(edit())
    assert [(c.outgoing.clip, c.incoming.clip, c.record_frame, c.gap_frames) for c in cuts] == [
        ("a", "b", 48, 0),
        ("b", "c", 96, 0),
        ("c", "d", 146, 2),
        ("d", "e", 196, 2),
    ]
    assert [c.clip for c in cuts[2].bridged] == ["flash"] and cuts[3].bridged == ()


def test_float_frames_give_the_same_findings():
    shots = edit()
    as_float = [dataclasses.replace(s, head=s.head.astype(np.float32) / 255, tail=s.tail.astype(np.float32) / 255,
                                    body=s.body.astype(np.float32) / 255) for s in shots]
    assert counted(analyse_timeline(as_float)[0]) == counted(analyse_timeline(shots)[0])


def test_cut_analysers_need_only_the_edge_frames():
    """Views whose body was dropped after the shot analysers ran still get every cut-level finding."""
    shots = edit()
    edges_only = [dataclasses.replace(s, body=s.body[:0], body_frames=s.body_frames[:0]) for s in shots]
    full = [k for k in counted(analyse_timeline(shots)[0]) if k[0] != "frozen_frames"]
    assert counted(analyse_timeline(edges_only)[0]) == full
