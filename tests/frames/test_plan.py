"""Read plans: requests merged per file, seek-or-decode-through runs, streaming delivery."""

from __future__ import annotations

import numpy as np
import pytest

from otio_tools.errors import MediaError
from otio_tools.frames import (
    Frame,
    FrameRequest,
    InMemoryFrameSource,
    Undecodable,
    arrays_for_plan,
    frames_for_plan,
    read_plan,
    read_runs,
)


@pytest.mark.parametrize(
    "start, stop, stride, expected",
    [(10, 15, 1, (10, 11, 12, 13, 14)), (10, 20, 4, (10, 14, 18, 19)), (0, 9, 4, (0, 4, 8)), (5, 5, 2, ())],
    ids=["contiguous", "stride-keeps-last", "stride-lands-on-last", "empty"],
)
def test_span(start, stop, stride, expected):
    assert tuple(FrameRequest.span("r", "a.mov", start, stop, stride).frames) == expected


@pytest.mark.parametrize("make", [lambda: FrameRequest("r", "a", (3, -1)), lambda: FrameRequest.span("r", "a", 0, 9, 0)], ids=["negative", "stride0"])
def test_bad_requests_are_refused(make):
    with pytest.raises(MediaError):
        make()


def test_read_plan_merges_sorts_and_remembers_who_asked():
    plan = read_plan([
        FrameRequest("cut1-out", "a.mov", (98, 99), "cut"),
        FrameRequest("cut1-in", "b.mov", (10, 11), "cut"),
        FrameRequest("shotA", "a.mov", range(50, 100, 25), "shot"),
        FrameRequest("cut0-in", "a.mov", [50, 51], "cut"),
    ])
    assert [f.media for f in plan.files] == ["a.mov", "b.mov"]
    a = plan.files[0]
    assert a.frames.tolist() == [50, 51, 75, 98, 99]
    assert a.wanted_by[50] == ("shotA", "cut0-in") and a.wanted_by[75] == ("shotA",) and a.wanted_by[99] == ("cut1-out",)
    assert plan.frame_count == 7


@pytest.mark.parametrize(
    "frames, keyframes, seek_cost, expected",
    [
        ([5, 6, 7], [0, 100], 4, [[5, 6, 7]]),
        ([5, 150], [0, 100], 4, [[5], [150]]),
        ([5, 102], [0, 100], 4, [[5], [102]]),
        ([98, 102], [0, 100], 4, [[98, 102]]),
        ([5, 60], [0, 100], 4, [[5, 60]]),
        ([5, 30, 260], [0, 24, 48, 240], 4, [[5], [30], [260]]),
        ([5, 30], [0, 24, 48, 240], 30, [[5, 30]]),
        (list(range(10)), list(range(10)), 0, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]),
        ([], [0], 4, []),
    ],
    ids=["window", "far-keyframe", "near-keyframe-seeks", "keyframe-within-cost", "no-keyframe-between",
         "every-gop", "costly-seek", "all-intra", "nothing"],
)
def test_read_runs(frames, keyframes, seek_cost, expected):
    runs = read_runs(np.array(frames), np.array(keyframes), seek_cost)
    assert [r.tolist() for r in runs] == expected


def test_frames_for_plan_streams_each_frame_once_and_reports_missing_media():
    clip = np.zeros((100, 9, 16, 3), np.uint8)
    clip[..., 1] = np.arange(100)[:, None, None]
    source = InMemoryFrameSource({"a.mov": clip})
    plan = read_plan([
        FrameRequest("w1", "a.mov", (40, 41, 42)),
        FrameRequest("s", "a.mov", range(38, 44, 2)),
        FrameRequest("gone", "lost.mov", (1, 2)),
        FrameRequest("tail", "a.mov", (99, 100)),
    ])
    items = list(frames_for_plan(plan, source))
    frames = [i for i in items if isinstance(i, Frame)]
    assert [(f.number, f.requests) for f in frames] == [
        (38, ("s",)), (40, ("w1", "s")), (41, ("w1",)), (42, ("w1", "s")), (99, ("tail",))
    ]
    assert all(f.image[0, 0, 1] == f.number for f in frames)
    failures = {(i.media, i.frames, i.requests) for i in items if isinstance(i, Undecodable)}
    assert failures == {("a.mov", (100,), ("tail",)), ("lost.mov", (1, 2), ("gone",))}
    assert source.frames_decoded == 5


def test_arrays_for_plan_yields_each_request_when_complete():
    clip = np.zeros((50, 9, 16, 3), np.uint8)
    clip[..., 0] = np.arange(50)[:, None, None]
    source = InMemoryFrameSource({"a.mov": clip, "b.mov": clip[:10]})
    requests = [
        FrameRequest("shot", "a.mov", range(10, 40, 10)),
        FrameRequest("out", "a.mov", (38, 39)),
        FrameRequest("in", "b.mov", (8, 9, 10)),
        FrameRequest("lost", "c.mov", (0,)),
    ]
    results = {r.request.id: r for r in arrays_for_plan(read_plan(requests), source)}
    assert set(results) == {"shot", "out", "in", "lost"}
    assert results["shot"].numbers == (10, 20, 30) and results["shot"].images[:, 0, 0, 0].tolist() == [10, 20, 30]
    assert results["out"].images.shape == (2, 9, 16, 3)
    assert results["in"].numbers == (8, 9) and results["in"].undecodable == (10,)
    assert results["lost"].images.shape[0] == 0 and results["lost"].undecodable == (0,)
