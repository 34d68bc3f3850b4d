"""Replacement-take slots: finding alternate generations, ranking them, and the track that holds them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from click.testing import CliRunner

from otio_tools.cli import cli
from otio_tools.cuts import timeline_cuts
from otio_tools.rewrite import review_markers
from otio_tools.rewrite.takes import (
    SLOT_PREFIX,
    TAKES_TRACK,
    best_start,
    continuity_neighbours,
    is_takes_track,
    plays,
    take_candidates,
)
from otio_tools.timeline_io import read_timeline
from tests.conftest import shared_path

FILES = ["media/shot_010_v002.mp4", "media/shot_010.mp4", "media/shot_010_v003.mov", "media/shot_0100.mp4",
         "media/shot_020.mp4", "takes/shot_010_take2.mov", "takes/shot_010-3.mp4", "takes/shot_010_v003.txt",
         "takes/shot_020_v1.mp4", "media/gen_0007.mp4", "media/gen_0006.mp4", "takes/gen_0007_1.mp4",
         "takes/gen_0007_take2.mp4", "takes/gen_00071.mp4"]


@pytest.mark.parametrize(
    "shot, media, expected",
    [
        ("shot_010", "media/shot_010_v002.mp4",
         ["media/shot_010.mp4", "media/shot_010_v003.mov", "takes/shot_010-3.mp4", "takes/shot_010_take2.mov"]),
        ("gen_0007", "media/gen_0007.mp4", ["takes/gen_0007_1.mp4", "takes/gen_0007_take2.mp4"]),
        ("shot_020", None, ["takes/shot_020_v1.mp4"]),
    ],
    ids=["versioned media", "numbered generator output", "missing media"],
)
def test_alternate_generations_are_found_by_name(shot, media, expected, tmp_path):
    for name in FILES:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    found = take_candidates(shot, str(tmp_path / media) if media else None, [tmp_path / "takes"])
    assert [os.path.relpath(p, tmp_path) for p in found] == expected


@pytest.mark.parametrize("side", ["before", "after", "both"])
def test_a_take_beside_a_gap_is_judged_on_the_cut_it_has(side):
    from otio_tools.analysers import AnalysisSettings
    from otio_tools.rewrite.takes import _colour_cost

    grade = AnalysisSettings().grade
    grey = np.full((3, 24, 32, 3), 120, np.uint8)
    warm = grey.copy()
    warm[..., 0] = 170  # a redder take
    neighbour = None if side == "both" else grey
    before, after = (None, neighbour) if side == "before" else (neighbour, None)
    cost_same = _colour_cost(before, grey, grey, after, grade)
    cost_warm = _colour_cost(before, warm, warm, after, grade)
    assert cost_same == pytest.approx(0.0, abs=1e-6)
    assert (cost_warm > cost_same) if side != "both" else cost_warm == 0.0


@pytest.mark.parametrize("costs, in_point, expected", [
    ({0: 2.0, 10: 2.3, 20: 3.0}, 10, (2.3, 10)),      # within half a floor: the shot's own moment
    ({0: 2.0, 10: 2.6, 20: 3.0}, 10, (2.0, 0)),       # visibly worse: the best match
    ({0: 2.0, 10: 2.0, 20: 3.0}, None, (2.0, 0)),     # no in point (missing media): the earliest best
    ({0: 0.0, 10: 0.4}, 10, (0.4, 10)),
], ids=["in-point-as-good", "in-point-worse", "no-in-point", "near-zero"])
def test_a_take_starts_at_the_shot_s_own_moment_unless_another_matches_visibly_better(costs, in_point, expected):
    assert best_start(costs, in_point) == pytest.approx(expected)


def test_flash_frames_are_looked_past_for_a_take_s_neighbours():
    from types import SimpleNamespace as NS

    def item(name, start, end, linked=True):
        return NS(shot=NS(name=name, record_start=start, record_end=end), status="linked" if linked else "missing",
                  frames=[1, 2, 3] if linked else [])

    a, b, flash, c, d = item("a", 0, 10), item("b", 10, 20), item("f", 20, 22), item("c", 22, 30), item("d", 30, 40,
                                                                                                         linked=False)
    shots = [a, b, flash, c, d]
    assert continuity_neighbours(shots, b, {(20, "f")}) == (a, c)
    assert continuity_neighbours(shots, b) == (a, flash)
    assert continuity_neighbours(shots, c, {(20, "f")}) == (b, None)  # d's media is missing
    assert continuity_neighbours(shots, a) == (None, b)


@pytest.fixture
def takes_dir(tmp_path) -> Path:
    """Two alternates of public_03's first shot (which flickers): a clean one and the same flickering one.

    Links, not copies: the frame cache knows the files they resolve to.
    """
    media = shared_path("bench", "cases", "public_03", "media")
    folder = tmp_path / "takes"
    folder.mkdir()
    (folder / "gen_0001_v002.mp4").symlink_to(media / "gen_0002.mp4")
    (folder / "gen_0001_take3.mp4").symlink_to(media / "gen_0001.mp4")
    return folder


@pytest.mark.parametrize("suffix", [".otio", ".xml"])
def test_the_best_take_of_a_failed_shot_is_lined_up_on_a_track_that_does_not_play(suffix, takes_dir, tmp_path):
    case = shared_path("bench", "cases", "public_03")
    out = tmp_path / f"reviewed{suffix}"
    result = CliRunner().invoke(cli, ["review", str(case / f"timeline{suffix}"), "--json", str(tmp_path / "r.json"),
                                      "-o", str(out), "--takes", str(takes_dir), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert "takes for gen_0001, best first" in result.output
    written = read_timeline(out).timeline
    original = read_timeline(case / f"timeline{suffix}").timeline
    tracks = [t for t in written.tracks if is_takes_track(t)]
    assert len(tracks) == 1 and len(written.tracks) == len(original.tracks) + 1
    track = tracks[0]
    assert not plays(track) and not any(plays(c) for c in track.find_clips())
    if suffix == ".xml":
        assert out.read_text().count("<enabled>FALSE</enabled>") == len(track.find_clips()) + 1
    slots = {int(c.range_in_parent().start_time.value): c for c in track.find_clips()}
    first = timeline_cuts(original).picture.shots[0]
    best = slots[first.record_start]
    assert best.name == f"{SLOT_PREFIX} gen_0001_v002 for gen_0001"
    assert round(best.trimmed_range().duration.rescaled_to(timeline_cuts(original).rate).value) == \
        first.record_duration
    assert all(c.name.startswith(f"{SLOT_PREFIX} none for ") for s, c in slots.items() if s != first.record_start)
    marker = next(m for f, m in review_markers(written, timeline_cuts(written).rate)
                  if first.record_start <= f < first.record_end and "gen_0001_v002.mp4" in m.comment)
    assert marker.comment.index("gen_0001_v002.mp4") < marker.comment.index("gen_0001_take3.mp4")
    if suffix == ".otio":
        ranking = marker.metadata["otio_tools"]["fixes"][0]["takes"]["ranking"]
        assert [Path(r["path"]).name for r in ranking] == ["gen_0001_v002.mp4", "gen_0001_take3.mp4"]
        assert ranking[0]["score"] < ranking[1]["score"] and "flicker" in ranking[1]["findings"]


def test_an_edl_gets_its_takes_track_as_a_sidecar_edl(tmp_path):
    case = shared_path("bench", "cases", "public_03")
    out = tmp_path / "reviewed.edl"
    result = CliRunner().invoke(cli, ["review", str(case / "timeline.edl"), "--media", str(case / "media"),
                                      "--rate", "23.976", "--json", str(tmp_path / "r.json"), "-o", str(out),
                                      "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    main = read_timeline(out, rate=23.976).timeline
    assert not any(is_takes_track(t) for t in main.tracks)
    takes = read_timeline(tmp_path / "reviewed.takes.edl", rate=23.976).timeline
    clips = takes.find_clips()
    assert clips and all(c.name.startswith(SLOT_PREFIX) for c in clips)
    errors = {c.name for c in main.find_clips()}
    assert {c.name.rsplit(" for ", 1)[1] for c in clips} <= errors


def test_a_takes_track_is_recognised_and_replaced_on_a_second_review(tmp_path):
    case = shared_path("bench", "cases", "public_03")
    first, second = tmp_path / "once.otio", tmp_path / "twice.otio"
    for source, out in ((case / "timeline.otio", first), (first, second)):
        result = CliRunner().invoke(cli, ["review", str(source), "--media", str(case / "media"),
                                          "--json", str(tmp_path / f"{out.stem}.json"), "-o", str(out),
                                          "--fail-on", "never"])
        assert result.exit_code == 0, result.output
    tracks = read_timeline(second).timeline.tracks
    assert [t.name for t in tracks].count(TAKES_TRACK) == 1
    assert not is_takes_track(otio.schema.Track(name="V2", children=[otio.schema.Clip(name="shot_010")]))
