"""Timelines reduced to facts, compared, and projected on what each format carries."""

from __future__ import annotations

import copy
import json

import opentimelineio as otio
import pytest

from otio_tools.compare import (
    carried_facts_for,
    facts_differences,
    format_differences,
    nodes,
    timeline_facts,
)
from otio_tools.errors import UnknownFormatError
from otio_tools.formats import FORMATS

RATE = 24


def _t(frames: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, RATE)


def _timeline() -> otio.schema.Timeline:
    track = otio.schema.Track(name="V1")
    clip = otio.schema.Clip(
        name="a",
        media_reference=otio.schema.ExternalReference(target_url="file:///m/a.mov"),
        source_range=otio.opentime.TimeRange(_t(10), _t(48)),
        metadata={"fcp_xml": {"@id": "clipitem-1"}},
    )
    clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=0.5))
    clip.markers.append(otio.schema.Marker(name="m", marked_range=otio.opentime.TimeRange(_t(12), _t(0)),
                                           color="GREEN", comment="c"))
    track.extend([clip, otio.schema.Gap(source_range=otio.opentime.TimeRange(_t(100), _t(24)))])
    return otio.schema.Timeline(name="cut", tracks=[track], global_start_time=_t(86400))


def test_facts_as_json():
    assert json.loads(json.dumps(timeline_facts(_timeline()))) == {
        "type": "Timeline", "name": "cut", "global_start": 86400, "metadata": {}, "markers": [],
        "tracks": [{
            "type": "Track", "name": "V1", "record": [0, 72], "source_range": None, "enabled": True,
            "effects": [], "markers": [], "metadata": {}, "kind": "Video",
            "children": [
                {"type": "Clip", "name": "a", "record": [0, 48], "source_range": [10, 48], "enabled": True,
                 "effects": [{"type": "LinearTimeWarp", "name": "", "effect_name": "LinearTimeWarp", "time_scalar": 0.5}],
                 "markers": [{"type": "Marker", "name": "m", "color": "GREEN", "comment": "c", "range": [12, 0],
                              "metadata": {}}],
                 "metadata": {"fcp_xml": {"@id": "clipitem-1"}}, "trimmed_range": [10, 48],
                 "media_url": "file:///m/a.mov", "media_type": "ExternalReference"},
                {"type": "Gap", "name": "", "record": [48, 24], "enabled": True, "effects": [], "markers": [],
                 "metadata": {}},
            ],
        }],
    }


@pytest.mark.parametrize(
    "expected, got, differences",
    [
        pytest.param({"a": 1}, {"a": 1}, [], id="same"),
        pytest.param({"a": 1}, {"a": 2}, ["timeline.a: 1 became 2"], id="changed"),
        pytest.param({"a": 1, "b": 2}, {"a": 1}, ["timeline.b missing"], id="missing"),
        pytest.param({"a": 1}, {"a": 1, "z": 3}, ["timeline.z added (3)"], id="added"),
        pytest.param({"l": [1, 2]}, {"l": [1]}, ["timeline.l: 2 entries became 1"], id="shorter-list"),
        pytest.param({"l": [{"name": "x", "v": 1}]}, {"l": [{"name": "x", "v": 2}]}, ["timeline.l[0 'x'].v: 1 became 2"],
                     id="named-entry"),
        pytest.param({"f": 0.1 + 0.2}, {"f": 0.3}, [], id="float-rounding"),
        pytest.param({"f": float("nan")}, {"f": float("nan")}, [], id="nan-equals-nan"),
        pytest.param({"b": 1, "a": 1}, {"a": 2, "b": 2}, ["timeline.b: 1 became 2", "timeline.a: 1 became 2"],
                     id="in-the-expected-order"),
    ],
)
def test_differences(expected, got, differences):
    assert facts_differences(expected, got) == differences


def test_nodes_walks_every_object_but_not_metadata():
    facts = timeline_facts(_timeline())
    facts["tracks"][0]["children"][0]["metadata"]["x"] = {"type": "NotANode"}
    assert [node["type"] for node in nodes(facts)] == ["Timeline", "Track", "Clip", "LinearTimeWarp", "Marker", "Gap"]


def test_every_format_has_a_projection():
    for name in FORMATS:
        assert callable(carried_facts_for(name))
    with pytest.raises(UnknownFormatError, match="choose one of"):
        carried_facts_for("avi")


def _clip_facts(**changes) -> dict:
    clip = {"type": "Clip", "name": "a", "record": [0, 48], "source_range": [10, 48], "enabled": True, "effects": [],
            "markers": [], "metadata": {}, "trimmed_range": [10, 48], "media_url": "file:///m/a.mov",
            "media_type": "ExternalReference"}
    clip.update(changes)
    return clip


def _facts(*children, **changes) -> dict:
    track = {"type": "Track", "name": "V1", "record": [0, 48], "source_range": None, "enabled": True, "effects": [],
             "markers": [], "metadata": {}, "kind": "Video", "children": list(children)}
    facts = {"type": "Timeline", "name": "cut", "global_start": 0, "metadata": {}, "markers": [], "tracks": [track]}
    facts.update(changes)
    return facts


_MARKER = {"type": "Marker", "name": "m", "color": "GREEN", "comment": "c", "range": [12, 0], "metadata": {}}
_TRANSITION = {"type": "Transition", "name": "", "transition_type": "SMPTE_Dissolve", "in_offset": 5,
               "out_offset": 5, "metadata": {}}

PROJECTIONS = [
    pytest.param("otio", _facts(_clip_facts()), _facts(_clip_facts()), id="otio-keeps-everything"),
    pytest.param("otioz", _facts(_clip_facts()), _facts({k: v for k, v in _clip_facts().items()
                                                          if k not in ("media_url", "media_type")}),
                 id="otioz-drops-media-location"),
    pytest.param("fcp7xml",
                 _facts(_clip_facts(metadata={"fcp_xml": {"@id": "clipitem-3", "@frameBlend": "FALSE", "link": [1]}},
                                    markers=[dict(_MARKER, metadata={"fcp_xml": {"comment": "c"}})])),
                 _facts(_clip_facts(metadata={"fcp_xml": {"link": [1]}},
                                    markers=[{**{k: v for k, v in _MARKER.items() if k != "color"},
                                              "metadata": {"fcp_xml": {}}}])),
                 id="fcp7xml-drops-ids-defaults-and-marker-colour"),
    pytest.param("fcp7xml", _facts(_clip_facts(metadata={"fcp_xml": {"@frameBlend": "TRUE"}})),
                 _facts(_clip_facts(metadata={"fcp_xml": {"@frameBlend": "TRUE"}})), id="fcp7xml-keeps-frame-blending"),
    pytest.param("ale", _facts(_clip_facts(metadata={"ALE": {"Duration": "", "Tape": "A001"}}, markers=[_MARKER])),
                 {**{k: v for k, v in _facts().items() if k not in ("name", "markers")},
                  "tracks": [{**{k: v for k, v in _facts()["tracks"][0].items() if k != "markers"},
                              "children": [{k: v for k, v in _clip_facts(metadata={"ALE": {"Tape": "A001"}}).items()
                                            if k != "markers"}]}]},
                 id="ale-drops-empty-cells-name-and-markers"),
    pytest.param("xges", _facts(_clip_facts(name="shot_1")),
                 {**{k: v for k, v in _facts().items() if k not in ("name", "tracks")},
                  "tracks": [{**{k: v for k, v in _facts()["tracks"][0].items() if k != "name"},
                              "children": [_clip_facts(name="shot")]}]},
                 id="xges-renamed-repeats-and-unnamed-layers"),
]


@pytest.mark.parametrize("format_name, facts, expected", PROJECTIONS)
def test_projection(format_name, facts, expected):
    before = copy.deepcopy(facts)
    assert carried_facts_for(format_name)(facts) == expected
    assert facts == before


def test_kdenlive_judges_markers_per_media_and_ignores_mixes():
    facts = _facts(_clip_facts(markers=[_MARKER]), _TRANSITION, _clip_facts(name="b", markers=[_MARKER]))
    out = carried_facts_for("kdenlive")(facts)
    assert [child["type"] for child in out["tracks"][0]["children"]] == ["Clip", "Clip"]
    assert out["media_markers"] == {"/m/a.mov": [{"type": "Marker", "name": "m", "color": "GREEN", "start": 12}]}
    assert "markers" not in out["tracks"][0]["children"][0]
    assert "name" not in out


def test_aaf_ignores_bookkeeping_pan_and_empty_tracks_but_not_marker_tracks():
    pan = {"type": "Effect", "name": "Audio Pan", "effect_name": ""}
    audio = dict(_facts()["tracks"][0], kind="Audio", name="Sequence", effects=[pan], children=[_clip_facts()])
    gap = {"type": "Gap", "name": "Filler", "record": [0, 48], "enabled": True, "effects": [], "markers": [],
           "metadata": {}}
    empty = dict(_facts()["tracks"][0], children=[gap])
    marked = dict(_facts()["tracks"][0], children=[dict(gap, markers=[_MARKER])])
    facts = _facts(_clip_facts(metadata={"AAF": {"MobID": "x"}}), global_start=None)
    facts["tracks"] += [audio, empty, marked]
    out = carried_facts_for("aaf")(facts)
    assert out["global_start"] == 0
    assert len(out["tracks"]) == 3
    assert out["tracks"][0]["children"][0]["metadata"] == {}
    assert out["tracks"][1]["effects"] == [] and "name" not in out["tracks"][1]
    assert out["tracks"][2]["children"][0]["markers"] == [{"type": "Marker", "name": "m", "color": "GREEN",
                                                           "range": [12, 0]}]


def test_format_differences_ignores_the_format_metadata_the_reader_adds():
    written = _timeline()
    read_back = _timeline()
    read_back.tracks[0].metadata["fcp_xml"] = {"rate": {"timebase": "24"}}
    read_back.tracks[0][0].metadata["fcp_xml"] = {"@id": "clipitem-1", "link": [{"linkclipref": "clipitem-2"}]}
    assert format_differences(written, read_back, "fcp7xml") == [
        "timeline.tracks[0 'V1'].children[0 'a'].metadata.fcp_xml.link added ([{'linkclipref': 'clipitem-2'}])"
    ]


def test_format_differences_sees_a_lost_speed_effect():
    written = _timeline()
    read_back = _timeline()
    read_back.tracks[0][0].effects.pop()
    assert format_differences(written, read_back, "otio") == [
        "timeline.tracks[0 'V1'].children[0 'a'].effects: 1 entries became 0"
    ]


def test_every_timeline_of_a_document_is_compared():
    first, second = _timeline(), _timeline()
    second.name = "other"
    changed = copy.deepcopy(second)
    changed.tracks[0][0].name = "b"
    written = otio.schema.SerializableCollection(children=[first, second])
    assert format_differences(written, otio.schema.SerializableCollection(children=[_timeline(), changed]), "otio") == [
        "timeline[1 'other'].tracks[0 'V1'].children[0 'a'].name: 'a' became 'b'"
    ]
    assert format_differences(written, first, "otio") == ["document: 2 timelines became 1"]


def test_xges_judges_markers_as_timeline_points_at_their_record_frame():
    clip = _clip_facts(record=[100, 48], source_range=[10, 48], markers=[dict(_MARKER, range=[12, 3])])
    out = carried_facts_for("xges")(_facts(clip, markers=[dict(_MARKER, name="t", range=[5, 0])]))
    assert out["markers"] == [
        {"type": "Marker", "name": "t", "color": "GREEN", "at": 5},
        {"type": "Marker", "name": "m", "color": "GREEN", "at": 102},
        {"type": "Marker", "name": "m", "color": "GREEN", "at": 105},
    ]
    assert out["tracks"][0]["children"][0]["markers"] == []
