"""``otio-tools review -o``: the demo reviewed and written back with its findings as markers, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from otio_tools.cli import cli
from otio_tools.rewrite import review_markers
from otio_tools.cuts import timeline_cuts
from otio_tools.timeline_io import read_timeline

DEMO = Path(__file__).resolve().parents[2] / "sample_timelines" / "ai_short"


@pytest.mark.parametrize("suffix", [".otio", ".xml", ".edl"])
def test_review_writes_the_timeline_with_a_marker_per_finding(suffix, tmp_path):
    report, out = tmp_path / "report.json", tmp_path / f"reviewed{suffix}"
    result = CliRunner().invoke(cli, ["review", str(DEMO / f"ai_short{suffix}"), "--rate", "24", "--json", str(report),
                                      "-o", str(out), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    findings = json.loads(report.read_text())["findings"]
    assert findings
    written = read_timeline(out, rate=24 if suffix == ".edl" else None).timeline
    marks = review_markers(written, timeline_cuts(written).rate)
    assert [frame for frame, _ in marks] == sorted(f["start"] for f in findings)
    assert f"timeline: {out} ({len(findings)} review markers)" in result.output
    if suffix == ".edl":
        assert (tmp_path / "reviewed.resolve-markers.edl").exists() and (tmp_path / "reviewed.avid-markers.txt").exists()


def test_review_refuses_to_overwrite_an_output(tmp_path):
    out = tmp_path / "reviewed.otio"
    out.write_text("mine")
    result = CliRunner().invoke(cli, ["review", str(DEMO / "ai_short.otio"), "--json", str(tmp_path / "r.json"),
                                      "-o", str(out), "--fail-on", "never"])
    assert result.exit_code != 0 and out.read_text() == "mine"
