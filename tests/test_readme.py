"""Every example in the README runs as written (from a copy of the checkout's samples)."""

from __future__ import annotations

import re
import shlex
import shutil
import tomllib
from pathlib import Path

import pytest

from otio_tools.cli import main
from otio_tools.config import settings_for

REPO = Path(__file__).resolve().parents[1]
# What earlier reviews of the samples wrote beside them: not part of the samples.
REVIEW_OUTPUTS = shutil.ignore_patterns("*.otio-tools*")
README = (REPO / "README.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)


def _setup_block_index() -> int:
    return next(i for i, (lang, _) in enumerate(BLOCKS) if lang == "sh")


def _cli_examples() -> list[tuple[str, int]]:
    out = []
    for i, (lang, body) in enumerate(BLOCKS):
        if lang != "sh" or i == _setup_block_index():
            continue
        for line in body.splitlines():
            if line.startswith("otio-tools "):
                command, _, comment = line.partition("#")
                expected = int(re.search(r"exits (\d)", comment).group(1)) if "exits" in comment else 0
                out.append((command.strip(), expected))
    return out


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    shutil.copytree(REPO / "sample_timelines", tmp_path / "sample_timelines", ignore=REVIEW_OUTPUTS)
    (tmp_path / "qc").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_opens_with_the_two_setup_commands():
    lang, body = BLOCKS[0]
    lines = [l for l in body.strip().splitlines() if l.strip()]
    assert lang == "sh" and len(lines) == 2
    assert "otio-tools review sample_timelines/" in lines[0] and "pytest" in lines[1]
    assert README.lstrip().startswith("# otio-tools") and README.index("```") < README.index("\n## ")


@pytest.mark.parametrize("command, expected", _cli_examples(), ids=[c for c, _ in _cli_examples()])
def test_cli_example_runs(checkout, command, expected):
    args = shlex.split(command)[1:]
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == expected


def test_python_examples_run(checkout, capsys):
    blocks = [body for lang, body in BLOCKS if lang == "python"]
    assert blocks
    for body in blocks:
        exec(compile(body, "README.md", "exec"), {"__name__": "readme"})
    assert "failed:" in capsys.readouterr().out


def test_toml_example_is_a_valid_config():
    for lang, body in BLOCKS:
        if lang == "toml":
            data = tomllib.loads(body)
            settings_for(data.pop("preset", None), data)


def test_ci_runs_the_readmes_test_command():
    test_command = BLOCKS[0][1].strip().splitlines()[1].strip()
    assert test_command in (REPO / ".ci" / "run").read_text()
