"""Integration: one bench case of real footage, decoded with PyAV, through analyse_timeline."""

import json

import numpy as np
import pytest

from otio_tools.analysers import AnalysisSettings, MediaInfo, ShotView, analyse_timeline, frame_needs
from otio_tools.analysers.colour import downscaled
from otio_tools.findings import Severity
from tests.conftest import shared_path

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def decoded(path, long_side):
    av = pytest.importorskip("av")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        media = MediaInfo(stream.codec_context.width, stream.codec_context.height, 1.0, float(stream.average_rate))
    return downscaled(np.stack(frames), long_side), media


def case_shots(folder):
    truth = json.loads((folder / "truth.json").read_text())
    settings = AnalysisSettings()
    edge = frame_needs(settings).edge_frames
    shots = []
    for clip in truth["clips"]:
        frames, media = decoded(folder / clip["media"], settings.long_side)
        used = frames[clip["source_start"] : clip["source_start"] + clip["duration"]]
        start = clip["record_start"]
        shots.append(ShotView(0, clip["name"], start, clip["duration"], truth["rate"], media, used[:edge], used[-edge:],
                              used, np.arange(start, start + clip["duration"])))
    return truth, shots


def test_bench_case_defects_found_and_controls_left_alone():
    folder = shared_path("bench", "cases", "public_04")
    truth, shots = case_shots(folder)
    findings, scores = analyse_timeline(shots)
    counted = [f for f in findings if f.severity >= Severity.WARNING]
    for item in truth["expect"]:
        lo, hi = item["start"] - 3, item["start"] + item["duration"] + 3
        hits = [f for f in counted if f.kind in item["accept"] and f.start < hi and f.end > lo]
        assert hits, f"missed {item['kind']} at {item['start']}"
    for control in truth["controls"]:
        assert not [f for f in counted if abs(f.start - control["start"]) <= 2], f"finding on the {control['kind']} at {control['start']}"
    assert any(r["analyser"] == "grade" for r in scores)
