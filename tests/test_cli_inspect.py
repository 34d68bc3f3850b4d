"""``otio-tools inspect`` in-process: tables, JSON, media status, errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

import pytest

from otio_tools.cli import cli
from tests.conftest import shared_files, shared_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("case", shared_files("bench", "cases"), ids=lambda p: p.name)
def test_inspect_json_links_every_bench_edl_clip(case):
    truth = json.loads((case / "truth.json").read_text())
    result = run("inspect", str(case / "timeline.edl"), "--media", str(case / "media"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert abs(data["rate"] - truth["rate"]) < 1e-6
    shots = data["picture"]["shots"]
    assert [s["name"].strip() for s in shots] == [c["name"] for c in truth["clips"]]
    assert [s["record_start"] for s in shots] == [c["record_start"] for c in truth["clips"]]
    assert all(s["media"]["status"] == "linked" for s in shots)
    for shot, clip in zip(shots, truth["clips"]):
        if "media_rate" not in clip:  # handles of same-rate media count in the clip's own frames
            assert shot["handle_before"] == clip["source_start"]
            assert shot["handle_after"] == clip["media_frames"] - clip["source_start"] - clip["duration"]


def test_inspect_table_lists_shots_transitions_and_missing_media():
    path = shared_path("corpus", "timelines", "fcp7xml", "premiere_example.xml")
    result = run("inspect", str(path))
    assert result.exit_code == 0
    assert "sc01_sh020_anim.mov" in result.output
    assert "transition SMPTE_Dissolve at 00:00:38:24 (frame 1164): 12 frames before, 13 after" in result.output
    assert "missing: sc01_sh010_anim.mov (file://localhost/D%3a/media/sc01_sh010_anim.mov)" in result.output


def test_inspect_edl_without_rate_or_media_says_to_pass_rate(tmp_path):
    edl = tmp_path / "cut.edl"
    edl.write_text("TITLE: cut\n\n001  A001 V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n")
    from otio_tools.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["inspect", str(edl)])
    assert exit_info.value.code == 2


def test_inspect_edl_without_rate_error_message(tmp_path, capsys):
    edl = tmp_path / "cut.edl"
    edl.write_text("TITLE: cut\n\n001  A001 V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n")
    from otio_tools.cli import main

    with pytest.raises(SystemExit):
        main(["inspect", str(edl)])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cut.edl" in err and "--rate" in err and "Traceback" not in err
