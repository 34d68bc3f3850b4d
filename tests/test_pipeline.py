"""The pipeline surface: exit codes, config and presets, the analysers listing, progress, CSV, the example script."""

from __future__ import annotations

import csv
import io
import json
import runpy
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from otio_tools.analysers import AnalysisSettings
from otio_tools.cli import cli, main
from otio_tools.config import PRESETS, settings_for, settings_from_toml, settings_table
from otio_tools.errors import ConfigError
from otio_tools.progress import TerminalProgress

REPO = Path(__file__).resolve().parents[1]
# What earlier reviews of the samples wrote beside them: not part of the samples.
REVIEW_OUTPUTS = shutil.ignore_patterns("*.otio-tools*")
DEMO = REPO / "sample_timelines" / "ai_short"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO, folder / "ai_short", ignore=REVIEW_OUTPUTS)
    return folder / "ai_short"


def exit_code(*args) -> int:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    return info.value.code


@pytest.mark.parametrize(
    "args, expected",
    [
        pytest.param(["--fail-on", "never"], 0, id="never-fails"),
        pytest.param(["--fail-on", "error"], 1, id="errors-fail"),
        pytest.param(["--fail-on", "warning"], 1, id="warnings-fail"),
        pytest.param(["--preset", "nonsense"], 2, id="bad-preset-is-usage-error"),
        pytest.param(["--jobs", "0"], 2, id="bad-jobs-is-usage-error"),
    ],
)
def test_review_exit_codes(demo, tmp_path, args, expected):
    out = tmp_path / "out"
    assert exit_code("review", str(demo / "ai_short.otio"), "--report", str(out), "-q", *args) == expected


def test_review_of_a_missing_file_exits_2(tmp_path, capsys):
    assert exit_code("review", str(tmp_path / "nope.otio")) == 2
    assert "nope.otio" in capsys.readouterr().err


def test_report_folder_gets_json_html_and_metrics_csv(demo, tmp_path):
    result = CliRunner().invoke(cli, ["review", str(demo / "ai_short.otio"), "--report", str(tmp_path),
                                      "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ai_short.html", "ai_short.json", "ai_short.metrics.csv"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "ai_short.metrics.csv").read_text())))
    assert {"analyser", "track", "clip", "frame"} <= set(rows[0])
    assert {r["analyser"] for r in rows} >= {"flicker", "frozen_frames", "grade"}
    report = json.loads((tmp_path / "ai_short.json").read_text())
    assert report["summary"]["findings"] == len(report["findings"])


def test_existing_report_is_never_overwritten(demo, tmp_path):
    target = tmp_path / "r.json"
    target.write_text("keep")
    assert exit_code("review", str(demo / "ai_short.otio"), "--json", str(target), "-q") == 2
    assert target.read_text() == "keep"


def test_quiet_prints_nothing(demo, tmp_path):
    result = CliRunner().invoke(cli, ["review", str(demo / "ai_short.otio"), "--json", str(tmp_path / "r.json"),
                                      "-q", "--fail-on", "never"])
    assert result.exit_code == 0 and result.output == ""


@pytest.mark.parametrize(
    "toml, message",
    [
        pytest.param('[grade]\nexposure_floor = 500.0\n', "out of bounds", id="out-of-bounds"),
        pytest.param('[grades]\nx = 1\n', "unknown setting 'grades'", id="unknown-group"),
        pytest.param('[grade]\nexposure_floor = "high"\n', "should be a float", id="wrong-type"),
        pytest.param('[frozen_frames]\nmin_frames = 2.5\n', "whole number", id="float-for-int"),
        pytest.param('preset = "cinema"\n', "unknown preset 'cinema'", id="unknown-preset"),
        pytest.param('[grade\n', "not valid TOML", id="broken-toml"),
    ],
)
def test_bad_config_is_refused_with_the_key(tmp_path, toml, message):
    path = tmp_path / "qc.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message) as info:
        settings_from_toml(str(path))
    assert str(path) in str(info.value)


def test_config_file_overrides_a_preset(tmp_path):
    path = tmp_path / "qc.toml"
    path.write_text('preset = "broadcast"\nlong_side = 256\n[grade]\ngrade_floor = 5.0\n')
    settings = settings_from_toml(str(path))
    assert settings.long_side == 256 and settings.grade.grade_floor == 5.0
    assert settings.grade.exposure_floor == PRESETS["broadcast"]["grade"]["exposure_floor"]


def test_broadcast_preset_is_stricter_than_ai_film():
    ai, broadcast = settings_for("ai-film"), settings_for("broadcast")
    assert ai == AnalysisSettings()
    assert broadcast.grade.exposure_floor < ai.grade.exposure_floor
    assert broadcast.frozen_frames.min_frames < ai.frozen_frames.min_frames


def test_analysers_lists_every_setting_with_its_default():
    result = CliRunner().invoke(cli, ["analysers"])
    assert result.exit_code == 0
    for group, name, value, lo, hi, _ in settings_table():
        label = f"[{group}] {name}" if group else name
        line = next(line for line in result.output.splitlines() if line.startswith(label + " "))
        assert str(value) in line


def test_progress_writes_an_eta_line_on_a_terminal():
    stream = io.StringIO()
    progress = TerminalProgress(stream, enabled=True)
    progress({"file": "/m/a.mp4", "files_done": 1, "files": 2, "frames_done": 10, "frames": 40})
    progress({"file": "/m/b.mp4", "files_done": 2, "files": 2, "frames_done": 40, "frames": 40})
    text = stream.getvalue()
    assert "file 1/2 (a.mp4), frames 10/40 (25%), ETA" in text and text.endswith("\n")


def test_progress_is_silent_when_not_a_terminal():
    stream = io.StringIO()
    TerminalProgress(stream)({"file": "a", "files_done": 1, "files": 1, "frames_done": 1, "frames": 1})
    assert stream.getvalue() == ""


def test_example_pipeline_script_gates_on_severity(demo, tmp_path, monkeypatch, capsys):
    script = REPO / "examples" / "conform_pipeline.py"
    monkeypatch.setattr(sys, "argv", [str(script), str(demo / "ai_short.otio"), "--out", str(tmp_path / "qc")])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert info.value.code == 1
    assert "the cut goes back to editorial" in out and "flash_frame" in out
    assert (tmp_path / "qc" / "ai_short.html").exists()


def test_reviews_of_one_edit_in_two_formats_side_by_side_do_not_collide(demo, tmp_path):
    folder = tmp_path / "side"
    shutil.copytree(DEMO, folder, ignore=REVIEW_OUTPUTS)
    for name in ("ai_short.otio", "ai_short.xml"):
        assert exit_code("review", str(folder / name), "-q", "--fail-on", "never") == 0
    written = sorted(p.name for p in folder.iterdir() if "otio-tools" in p.name)
    assert "ai_short.otio-tools.otio" in written and "ai_short.otio-tools-2.xml" in written
    assert "ai_short.otio-tools.ccc" in written and "ai_short.otio-tools-2.ccc" in written
