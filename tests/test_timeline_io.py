"""Reading and writing timelines: verified, atomic writes, and what reading repairs and notes."""

from __future__ import annotations

import os

import opentimelineio as otio
import pytest

from otio_tools.errors import TimelineReadError, TimelineWriteError
from otio_tools.timeline_io import default_output_path, read_timeline, timeline_of, write_timeline
from tests.conftest import shared_path

RATE = 24


def _time(frames: int) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, RATE)


def _clip(name: str, start: int = 0, duration: int = 48) -> otio.schema.Clip:
    return otio.schema.Clip(
        name=name,
        media_reference=otio.schema.ExternalReference(
            target_url=f"file:///media/{name}.mov",
            available_range=otio.opentime.TimeRange(_time(0), _time(1000)),
        ),
        source_range=otio.opentime.TimeRange(_time(start), _time(duration)),
    )


def _timeline(tracks: int = 1) -> otio.schema.Timeline:
    timeline = otio.schema.Timeline(name="cut")
    for t in range(tracks):
        track = otio.schema.Track(name=f"V{t + 1}")
        track.extend([_clip(f"shot_{t}_a", 10), _clip(f"shot_{t}_b", 200, 24)])
        timeline.tracks.append(track)
    timeline.tracks[0][0].markers.append(
        otio.schema.Marker(name="flash", marked_range=otio.opentime.TimeRange(_time(12), _time(1)),
                           color="GREEN", comment="luma jump")
    )
    return timeline


def _json(document) -> str:
    return otio.adapters.write_to_string(document, adapter_name="otio_json")


def _listing(folder) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.mark.parametrize("suffix", [".otio", ".otioz", ".otiod", ".xml", ".kdenlive", ".aaf", ".xges"])
def test_a_timeline_from_elsewhere_is_written_and_reads_back_the_same(tmp_path, suffix):
    timeline = _timeline(tracks=2)
    out = tmp_path / f"cut{suffix}"
    assert write_timeline(timeline, out) == str(out)
    back = read_timeline(out)
    assert [c.name for c in back.timeline.find_clips()] == [c.name for c in timeline.find_clips()]
    assert _listing(tmp_path) == [out.name]


@pytest.mark.parametrize("url, written", [
    ("/media/shot_a.mov", "file:///media/shot_a.mov"),        # a plain absolute path becomes a file URL
    ("media/shot_a.mov", "file://media/shot_a.mov"),          # a relative one is kept, as the reader gives it back
    ("file:///media/shot_a.mov", "file:///media/shot_a.mov"),
])
def test_plain_media_paths_are_written_to_aaf_as_the_same_path(tmp_path, url, written):
    timeline = _timeline()
    for clip in timeline.find_clips():
        clip.media_reference.target_url = url
    out = tmp_path / "cut.aaf"
    write_timeline(timeline, out)
    back = read_timeline(out)
    assert {c.media_reference.target_url for c in back.timeline.find_clips()} == {written}


def test_otio_round_trip_is_identical_json(tmp_path):
    timeline = _timeline()
    write_timeline(timeline, tmp_path / "cut.otio")
    assert _json(read_timeline(tmp_path / "cut.otio").document) == _json(timeline)


def test_an_existing_file_is_never_replaced_unless_asked(tmp_path):
    out = tmp_path / "cut.otio"
    out.write_text("precious")
    with pytest.raises(TimelineWriteError, match=r"cut\.otio: already exists; choose another output"):
        write_timeline(_timeline(), out)
    assert out.read_text() == "precious"
    write_timeline(_timeline(), out, overwrite=True)
    assert read_timeline(out).timeline.name == "cut"
    assert _listing(tmp_path) == ["cut.otio"]


def test_a_bundle_folder_is_replaced_whole(tmp_path):
    out = tmp_path / "cut.otiod"
    write_timeline(_timeline(), out)
    changed = _timeline()
    changed.name = "recut"
    write_timeline(changed, out, overwrite=True)
    assert read_timeline(out).timeline.name == "recut"
    assert _listing(tmp_path) == ["cut.otiod"]


def _refuse(document):
    raise TimelineWriteError("refused by the check")


@pytest.mark.parametrize(
    "name, document, kwargs, message",
    [
        pytest.param("cut.otio", _timeline(), {"verify": _refuse}, "refused by the check", id="verification-fails"),
        pytest.param("cut.ale", _timeline(tracks=2), {}, r"cut\.ale: the written ale file differs from the timeline: "
                     r"timeline\.tracks: 2 entries became 1", id="format-cannot-hold-it"),
        pytest.param("cut.aaf", otio.schema.SerializableCollection(children=[_timeline(), _timeline()]), {},
                     r"cut\.aaf: the aaf writer failed: ValueError: the AAF writer writes a single timeline, and this "
                     r"document holds 2 \('cut', 'cut'\)", id="writer-raises"),
        pytest.param("cut.otioz", _timeline(), {"verify": _refuse}, "refused by the check", id="bundle-verification-fails"),
        pytest.param("cut.otiod", _timeline(), {"verify": _refuse}, "refused by the check", id="folder-verification-fails"),
    ],
)
def test_a_failed_write_leaves_the_old_output_and_no_temporary_file(tmp_path, name, document, kwargs, message):
    out = tmp_path / name
    if name.endswith(".otiod"):
        out.mkdir()
        (out / "content.otio").write_text("old")
    else:
        out.write_bytes(b"old")
    with pytest.raises(TimelineWriteError, match=message):
        write_timeline(document, out, overwrite=True, **kwargs)
    assert _listing(tmp_path) == [name]
    if name.endswith(".otiod"):
        assert _listing(out) == ["content.otio"] and (out / "content.otio").read_text() == "old"
    else:
        assert out.read_bytes() == b"old"


def test_an_output_with_no_known_suffix_is_refused(tmp_path):
    with pytest.raises(TimelineWriteError, match=r"cut\.mov: cannot tell the format from the suffix; pass --to"):
        write_timeline(_timeline(), tmp_path / "cut.mov")
    assert _listing(tmp_path) == []


def test_fcp7_writer_gets_its_own_timecode_functions_back(tmp_path):
    write_timeline(_timeline(), tmp_path / "cut.xml")
    assert otio.adapters.from_name("fcp_xml").module().opentime is otio.opentime


def test_fcp7_xml_keeps_marker_comments(tmp_path):
    write_timeline(_timeline(), tmp_path / "cut.xml")
    (marker,) = read_timeline(tmp_path / "cut.xml").timeline.tracks[0][0].markers
    assert (marker.name, marker.comment) == ("flash", "luma jump")


def test_default_output_never_takes_an_existing_name(tmp_path):
    source = tmp_path / "cut.edl"
    first = default_output_path(str(source), "otio")
    assert os.path.basename(first) == "cut.otio-tools.otio"
    open(first, "w").close()
    assert os.path.basename(default_output_path(str(source), "otio")) == "cut.otio-tools-2.otio"


def test_a_collection_of_timelines_gives_its_first_with_a_note():
    first, second = _timeline(), _timeline()
    second.name = "other"
    notes: list[str] = []
    assert timeline_of(otio.schema.SerializableCollection(children=[first, second]), "x", notes) is first
    assert notes == ["2 timelines in the file; using the first, 'cut'"]


def test_a_clip_list_is_laid_end_to_end_leaving_untimed_clips_off():
    untimed = otio.schema.Clip(name="no_range")
    notes: list[str] = []
    timeline = timeline_of(otio.schema.SerializableCollection(name="bin", children=[_clip("a"), untimed, _clip("b")]),
                           "bin.ale", notes)
    assert [c.name for c in timeline.find_clips()] == ["a", "b"]
    assert timeline.tracks[0][1].range_in_parent().start_time == _time(48)
    assert notes == ["a clip list of 3 clips, laid end to end on one track",
                     "1 clips with no start and duration left off the track: 'no_range'"]


def test_a_document_of_something_else_is_refused():
    with pytest.raises(TimelineReadError, match=r"x\.otio: holds a Clip, not a timeline or clip list"):
        timeline_of(_clip("a"), "x.otio")


@pytest.mark.corpus
def test_what_an_adapter_prints_becomes_a_note(capsys):
    loaded = read_timeline(shared_path("corpus", "timelines", "kdenlive", "kdenlive_example.kdenlive"))
    assert capsys.readouterr().out == ""
    assert any(note.startswith("the kdenlive adapter said: This OpenTimelineIO adapter is deprecated")
               for note in loaded.notes)


@pytest.mark.corpus
def test_newer_otio_marker_schema_is_stepped_down_keeping_the_exact_colour():
    loaded = read_timeline(shared_path("corpus", "timelines", "otio", "screening_example.otio"))
    markers = [m for clip in loaded.timeline.find_clips() for m in clip.markers]
    assert len(markers) == 3
    assert all(len(m.metadata["otio_tools"]["marker_color_rgba"]) == 4 for m in markers)


@pytest.mark.corpus
def test_a_marker_added_to_an_aaf_is_written_where_avid_keeps_it(tmp_path):
    loaded = read_timeline(shared_path("corpus", "timelines", "aaf", "simple.aaf"))
    clip = loaded.timeline.tracks[0][2]
    start = clip.source_range.start_time + otio.opentime.RationalTime(5, clip.source_range.start_time.rate)
    clip.markers.append(otio.schema.Marker(name="flash", color="GREEN", marked_range=otio.opentime.TimeRange(
        start, otio.opentime.RationalTime(0, start.rate))))
    write_timeline(loaded.document, tmp_path / "out.aaf")
    (marker,) = read_timeline(tmp_path / "out.aaf").timeline.tracks[0][2].markers
    assert (marker.name, marker.color, marker.marked_range.start_time) == ("flash", "GREEN", start)


@pytest.mark.corpus
def test_a_clip_disabled_in_an_aaf_is_written_muted(tmp_path):
    loaded = read_timeline(shared_path("corpus", "timelines", "aaf", "simple.aaf"))
    loaded.timeline.tracks[0][1].enabled = False
    write_timeline(loaded.document, tmp_path / "out.aaf")
    back = read_timeline(tmp_path / "out.aaf").timeline.tracks[0]
    assert [item.enabled for item in back][:3] == [True, False, True]


@pytest.mark.corpus
@pytest.mark.parametrize("effect, time_scalar", [
    pytest.param(otio.schema.LinearTimeWarp(time_scalar=2.0), 2.0, id="double-speed"),
    pytest.param(otio.schema.LinearTimeWarp(time_scalar=0.5), 0.5, id="half-speed"),
    pytest.param(otio.schema.FreezeFrame(), 0.0, id="freeze-frame"),
])
def test_a_speed_change_added_to_an_aaf_is_written_as_avid_motion_control(tmp_path, effect, time_scalar):
    loaded = read_timeline(shared_path("corpus", "timelines", "aaf", "simple.aaf"))
    loaded.timeline.tracks[0][1].effects.append(effect)
    write_timeline(loaded.document, tmp_path / "out.aaf")
    (warp,) = read_timeline(tmp_path / "out.aaf").timeline.tracks[0][1].effects
    assert (type(warp), warp.name, warp.time_scalar) == (type(effect), "Motion Control", time_scalar)


@pytest.mark.corpus
def test_an_effect_the_aaf_writer_drops_is_refused_naming_it(tmp_path):
    loaded = read_timeline(shared_path("corpus", "timelines", "aaf", "simple.aaf"))
    loaded.timeline.tracks[0][1].effects.append(otio.schema.Effect(name="Blur", effect_name="Blur"))
    with pytest.raises(TimelineWriteError, match=r"out\.aaf: the written aaf file differs from the timeline: "
                                                 r"timeline\.tracks\[0\]\.children\[1 '.*'\]\.effects: 1 entries became 0"):
        write_timeline(loaded.document, tmp_path / "out.aaf")
    assert _listing(tmp_path) == []


@pytest.mark.corpus
def test_an_aaf_dissolve_without_avid_s_definition_is_written_as_avid_s_dissolve(tmp_path):
    loaded = read_timeline(shared_path("corpus", "timelines", "aaf", "transitions.aaf"))
    transition = loaded.timeline.tracks[0][1]
    assert isinstance(transition, otio.schema.Transition)
    transition.metadata["AAF"] = {}
    write_timeline(loaded.document, tmp_path / "out.aaf")
    written = read_timeline(tmp_path / "out.aaf").timeline.tracks[0][1]
    assert (written.transition_type, written.in_offset, written.out_offset) == (
        transition.transition_type, transition.in_offset, transition.out_offset)
    assert written.metadata["AAF"]["OperationGroup"]["Operation"]["Name"] == "VideoDissolve_2"


def test_what_an_adapter_logs_or_prints_becomes_a_note_not_output(tmp_path, monkeypatch, capsys):
    import logging

    stock = otio.adapters.read_from_file

    def chatty(*args, **kwargs):
        print("!!! adapter banner")
        logging.getLogger("some_adapter").warning("odd slot %d", 3)
        logging.getLogger("some_adapter").debug("detail")
        return stock(*args, **kwargs)

    monkeypatch.setattr(otio.adapters, "read_from_file", chatty)
    path = tmp_path / "cut.xml"
    write_timeline(_timeline(), path)
    loaded = read_timeline(path)
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")
    assert "the fcp_xml adapter said: !!! adapter banner odd slot 3" in loaded.notes
    root = logging.getLogger()
    assert all(type(h).__name__ != "_HeldBack" for h in root.handlers)
    assert all(not any(getattr(f, "__name__", "") == "passes" for f in h.filters) for h in root.handlers)


@pytest.mark.parametrize("suffix", [".otioz", ".otiod"])
def test_a_bundle_holds_the_media_that_exists_and_names_what_does_not(tmp_path, suffix):
    media = tmp_path / "shot_0_a.mov"
    media.write_bytes(b"frames")
    timeline = _timeline()
    timeline.tracks[0][0].media_reference.target_url = media.as_uri()
    out = tmp_path / f"cut{suffix}"
    write_timeline(timeline, out)
    first, second = read_timeline(out).timeline.tracks[0]
    assert first.media_reference.target_url == "media/shot_0_a.mov"
    assert isinstance(second.media_reference, otio.schema.MissingReference)
    assert second.media_reference.metadata["original_target_url"] == "file:///media/shot_0_b.mov"
    assert second.trimmed_range() == timeline.tracks[0][1].trimmed_range()


@pytest.mark.corpus
def test_an_aaf_nested_composition_keeps_its_length(tmp_path):
    loaded = read_timeline(shared_path("corpus", "timelines", "aaf", "nested_stack.aaf"))
    nested = loaded.timeline.tracks[0][1]
    assert isinstance(nested, otio.schema.Stack) and len(nested) == 3
    write_timeline(loaded.document, tmp_path / "out.aaf")
    back = read_timeline(tmp_path / "out.aaf").timeline.tracks[0]
    assert back[1].duration() == nested.duration()
    assert back.duration() == loaded.timeline.tracks[0].duration()
