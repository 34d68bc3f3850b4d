"""The review end to end: real footage, the JSON report and its schema, skipped media, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import numpy as np
import opentimelineio as otio
import pytest
from click.testing import CliRunner

from otio_tools.cli import cli, main
from otio_tools.reviewing import review_timeline
from otio_tools.timeline_io import read_timeline
from tests.conftest import shared_path

REPO = Path(__file__).resolve().parents[1]
# What earlier reviews of the samples wrote beside them: not part of the samples.
REVIEW_OUTPUTS = shutil.ignore_patterns("*.otio-tools*")
DEMO = REPO / "sample_timelines" / "ai_short"
SCHEMA = json.loads((REPO / "otio_tools" / "schemas" / "report-1.schema.json").read_text())


@pytest.fixture
def demo(tmp_path):
    """A copy of the demo, so reports land in a temporary folder."""
    target = tmp_path / "ai_short"
    shutil.copytree(DEMO, target, ignore=REVIEW_OUTPUTS)
    return target


def test_demo_review_writes_a_valid_report_and_fails_on_errors(demo, tmp_path):
    report_path = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli, ["review", str(demo / "ai_short.otio"), "--json", str(report_path), "--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 1, result.output  # the demo has error-level defects
    report = json.loads(report_path.read_text())
    jsonschema.validate(report, SCHEMA)
    assert report["summary"]["findings"] == len(report["findings"]) > 0
    truth = json.loads((demo / "truth.json").read_text())
    found = {(f["kind"], f["start"]) for f in report["findings"] if f["severity"] != "info"}
    for kind in ("black_frames", "flash_frame", "format_mismatch"):
        expected = next(e for e in truth["expect"] if e["kind"] == kind)
        assert any(k == kind and abs(s - expected["start"]) <= 2 for k, s in found), kind


def test_report_defaults_beside_the_timeline_and_never_overwrites(demo, tmp_path):
    args = ["review", str(demo / "ai_short.otio"), "--fail-on", "never", "-q", "--no-cache"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert sorted(p.name for p in demo.glob("*.json") if "otio-tools" in p.name) == [
        "ai_short.otio-tools-2.json", "ai_short.otio-tools.json"]


def test_the_same_findings_from_every_format_of_a_bench_case(tmp_path):
    case = shared_path("bench", "cases", "public_03")
    media = [str(case / "media")]
    signatures = []
    for name in ("timeline.otio", "timeline.xml", "timeline.edl"):
        result = review_timeline(read_timeline(case / name, media_roots=media), media_roots=media,
                                 cache_dir=str(tmp_path / "cache"))
        signatures.append([(f.kind, f.severity, f.start, f.duration) for f in result.findings])
    assert signatures[0] and signatures[0] == signatures[1] == signatures[2]


def test_second_review_decodes_nothing(tmp_path):
    case = shared_path("bench", "cases", "public_00")
    first = review_timeline(case / "timeline.otio", cache_dir=str(tmp_path / "cache"))
    second = review_timeline(case / "timeline.otio", cache_dir=str(tmp_path / "cache"))
    assert first.frames_decoded > 0 and second.frames_decoded == 0
    assert [f.to_json() for f in first.findings] == [f.to_json() for f in second.findings]


def _timeline(*clips, rate=24):
    t = otio.schema.Timeline(name="t")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    for name, url, length in clips:
        track.append(otio.schema.Clip(
            name=name, media_reference=otio.schema.ExternalReference(target_url=url),
            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate),
                                                 otio.opentime.RationalTime(length, rate))))
    t.tracks.append(track)
    return t


def _encode(path, frames, rate=24):
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=rate)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt, stream.options = "yuv420p", {"qscale": "2"}
        for image in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_missing_media_is_skipped_and_no_cut_is_judged_across_it(tmp_path):
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(_timeline(("a", "a.mp4", 24), ("gone", "gone.mp4", 24), ("b", "b.mp4", 24)), str(path))
    rng = np.random.default_rng(1)
    texture = (rng.random((72, 128, 3)) * 160).astype(np.uint8)
    _encode(tmp_path / "a.mp4", np.stack([np.roll(texture, i, axis=1) for i in range(24)]))
    _encode(tmp_path / "b.mp4", np.stack([np.roll(texture + 90, i, axis=1) for i in range(24)]))
    result = review_timeline(path, use_cache=False)
    assert [m.status for m in result.media] == ["linked", "missing", "linked"]
    assert result.frames_decoded > 0
    assert not any(f.kind in ("exposure_jump", "colour_mismatch", "black_frames") for f in result.findings)
    assert result.report()["media"][1]["status"] == "missing"


def test_unreadable_timeline_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "cut.xml"
    bad.write_bytes(b"\x00\x01garbage")
    with pytest.raises(SystemExit) as info:
        main(["review", str(bad)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cut.xml" in err


def test_damaged_media_is_reported_with_its_frames_and_the_review_goes_on(tmp_path):
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(_timeline(("a", "a.mp4", 48), ("b", "b.mkv", 48), ("c", "c.mp4", 48)), str(path))
    rng = np.random.default_rng(2)
    texture = (rng.random((72, 128, 3)) * 200).astype(np.uint8)
    _encode(tmp_path / "a.mp4", np.stack([np.roll(texture, i, axis=1) for i in range(48)]))
    _encode(tmp_path / "b.mkv", np.stack([np.roll(texture, -i, axis=0) for i in range(48)]))
    data = (tmp_path / "b.mkv").read_bytes()
    (tmp_path / "b.mkv").write_bytes(data[: len(data) // 2])  # truncated: the tail of b is gone
    _encode(tmp_path / "c.mp4", np.stack([np.roll(texture, 2 * i, axis=1) for i in range(48)]))
    (tmp_path / "c.mp4").write_bytes((tmp_path / "c.mp4").read_bytes()[:2000])  # cut before its index
    result = review_timeline(path, use_cache=False)
    a, b, c = result.media
    assert a.status == "linked" and not a.undecodable
    assert b.status == "linked" and b.undecodable and max(b.undecodable) == 47 and min(b.undecodable) > 0
    assert result.report()["media"][1]["undecodable_frames"] == list(b.undecodable)
    assert c.status == "unreadable" and "c.mp4" in c.reason and "replace the file" in c.reason
    assert result.frames_decoded > 48  # all of a and the part of b that survives
