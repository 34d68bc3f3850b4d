"""Relinking: every rule, ambiguity, missing media, and EDL rate inference."""

from __future__ import annotations

import av
import numpy as np
import opentimelineio as otio
import pytest

from otio_tools.relink import Relinker, edl_rate_from_media, local_path_from_url, media_links
from otio_tools.timeline_io import read_timeline
from tests.conftest import shared_files

RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange


@pytest.mark.parametrize(
    "url, expected",
    [
        pytest.param("file:///Volumes/Show/A001.mov", "/Volumes/Show/A001.mov", id="mac-volume"),
        pytest.param("file://localhost/C:/Users/ed/My%20Clip.mov", "C:/Users/ed/My Clip.mov", id="premiere-windows"),
        pytest.param("file://localhost/Volumes/R/a.mxf", "/Volumes/R/a.mxf", id="localhost-mac"),
        pytest.param("file://server/share/x.mov", "//server/share/x.mov", id="unc-share"),
        pytest.param("C:\\media\\b.mov", "C:/media/b.mov", id="windows-backslashes"),
        pytest.param("media/gen_0001.mp4", "media/gen_0001.mp4", id="relative"),
        pytest.param("http://example.com/a.mov", None, id="not-a-file"),
        pytest.param("", None, id="empty"),
    ],
)
def test_local_path_from_url(url, expected):
    assert local_path_from_url(url) == expected


@pytest.fixture
def media_tree(tmp_path):
    for rel in ("roots/a/reel1/A001.mov", "roots/a/reel2/A001.mov", "roots/b/B002_C003.mp4",
                "roots/b/shot_010.mp4", "timeline/media/rel.mp4", "roots/b/notes.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0")
    return tmp_path


@pytest.mark.parametrize(
    "clip, url, reel, status, rule, found",
    [
        pytest.param("x", "file:///Volumes/Show/reel2/A001.mov", None, "linked", "media root", "a/reel2/A001.mov",
                     id="trailing-components-choose-the-reel"),
        pytest.param("x", "file://localhost/C:/Show/B002_C003.mp4", None, "linked", "media root",
                     "b/B002_C003.mp4", id="windows-url-by-trailing-name"),
        pytest.param("x", "media/rel.mp4", None, "linked", "relative", "media/rel.mp4", id="relative-to-timeline"),
        pytest.param("shot_010", None, None, "linked", "clip name", "b/shot_010.mp4", id="clip-name-to-stem"),
        pytest.param("shot_010.mp4", None, None, "linked", "clip name", "b/shot_010.mp4", id="clip-name-with-suffix"),
        pytest.param("whatever", None, "B002_C003", "linked", "reel name", "b/B002_C003.mp4", id="reel-name"),
        pytest.param("A001", None, None, "ambiguous", None, None, id="two-files-one-name"),
        pytest.param("nothing", "file:///x/nothing.mov", None, "missing", None, None, id="missing"),
        pytest.param("notes", None, None, "missing", None, None, id="non-media-ignored"),
    ],
)
def test_link_rules(media_tree, clip, url, reel, status, rule, found):
    relinker = Relinker(str(media_tree / "timeline" / "t.otio"), [str(media_tree / "roots" / "a"), str(media_tree / "roots" / "b")])
    link = relinker.link(clip, url, reel)
    assert (link.status, link.rule) == (status, rule)
    if found:
        assert link.path.replace("\\", "/").endswith(found)
    if status == "ambiguous":
        assert len(link.candidates) == 2


def _write_media(path, timecode, frames, rate=24):
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        container.metadata["timecode"] = timecode
        for _ in range(frames):
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_start_timecode_breaks_a_name_tie(tmp_path):
    (tmp_path / "day1").mkdir()
    (tmp_path / "day2").mkdir()
    _write_media(tmp_path / "day1" / "A001.mov", "01:00:00:00", 24)
    _write_media(tmp_path / "day2" / "A001.mov", "02:00:00:00", 24)
    relinker = Relinker(None, [str(tmp_path)])
    link = relinker.link("A001", None, None, TR(RT(2 * 86400 + 5, 24), RT(10, 24)))
    assert (link.status, link.rule) == ("linked", "start timecode")
    assert "day2" in link.path


def test_edl_rate_is_inferred_from_the_media_it_names(tmp_path):
    _write_media(tmp_path / "gen_0001.mov", "00:00:00:00", 5, rate=25)
    edl = "TITLE: t\n\n001  AX       V     C        00:00:00:00 00:00:00:05 00:00:00:00 00:00:00:05\n" \
          "* FROM CLIP NAME:  gen_0001\n"
    assert edl_rate_from_media(edl, str(tmp_path / "t.edl"), [str(tmp_path)]) == 25.0
    assert edl_rate_from_media(edl, str(tmp_path / "t.edl"), []) is None


@pytest.mark.parametrize("case", shared_files("bench", "cases"), ids=lambda p: p.name)
def test_every_bench_edl_clip_links_by_name(case):
    """The bench EDLs name media only through clip names; relinking must find all of them."""
    timeline_file = read_timeline(case / "timeline.edl", media_roots=[str(case / "media")])
    links = media_links(timeline_file.timeline, timeline_file.path, [str(case / "media")])
    assert links and all(link.status == "linked" for link in links)
    for link in links:
        assert link.path.endswith(f"{link.clip.strip()}.mp4")
