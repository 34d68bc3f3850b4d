"""The HTML report of the demo, opened in headless Chromium: loads clean, not blank, one card per finding."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import cv2
import pytest

import otio_tools
from otio_tools.html_report import html_report

REPO = Path(__file__).resolve().parents[1]
# What earlier reviews of the samples wrote beside them: not part of the samples.
REVIEW_OUTPUTS = shutil.ignore_patterns("*.otio-tools*")
DEMO = REPO / "sample_timelines" / "ai_short"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


def _find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, installed on first use where the test runs as root with apt-get."""
    found = _find_chromium()
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
            try:
                subprocess.run(command, env=env, capture_output=True, timeout=900, check=False)
            except (OSError, subprocess.TimeoutExpired):
                break
        found = _find_chromium()
    if found is None:
        pytest.skip("Chromium is not installed and could not be installed with apt-get (needs root and network)")
    return found


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    shutil.copytree(DEMO, folder / "ai_short", ignore=REVIEW_OUTPUTS)
    result = otio_tools.review(folder / "ai_short" / "ai_short.otio", html_path=str(folder / "report.html"),
                               cache_dir=str(folder / "cache"))
    return result, folder / "report.html"


def _chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def test_report_is_self_contained(demo_report):
    result, path = demo_report
    page = path.read_text()
    assert not re.search(r"""(src|href)=["']https?://""", page), "the page must need no network"
    assert page.count("data:image/jpeg;base64,") >= len(result.findings)


def test_report_loads_in_chromium_with_one_card_per_finding(chromium, demo_report, tmp_path):
    result, path = demo_report
    assert result.findings
    run = _chromium(chromium, tmp_path / "profile", "--dump-dom", path.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    console_errors = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console_errors == []
    body = re.search(r"<body([^>]*)>", run.stdout).group(1)
    assert 'data-ready="1"' in body, "the page's script did not run to the end"
    assert f'data-cards="{len(result.findings)}"' in body
    assert len(re.findall(r'<article class="card ', run.stdout)) == len(result.findings)


def test_report_screenshot_is_not_blank(chromium, demo_report, tmp_path):
    _, path = demo_report
    shot = tmp_path / "shot.png"
    run = _chromium(chromium, tmp_path / "profile", "--window-size=1280,1600", f"--screenshot={shot}", path.as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[:2] == (1600, 1280)
    assert image.std() > 20, "the screenshot is blank"
    # Thumbnails are photographs: many distinct colours, unlike an empty page.
    assert len({tuple(p) for p in image[::8, ::8].reshape(-1, 3)}) > 500


def test_cards_group_the_pictures_each_kind_needs(demo_report):
    result, _ = demo_report
    page = html_report(result)
    cards = re.findall(r'<article class="card.*?</article>', page, re.S)
    assert len(cards) == len(result.findings)
    for finding, card in zip(result.findings, cards):
        figures = card.count("<figure>")
        if finding.level == "shot":
            assert figures == 3, finding.kind
        elif finding.clip is not None and finding.kind not in ("black_frames", "flash_frame"):
            assert figures == 2, finding.kind


def test_cards_show_the_cdl_preview_and_the_take_ranking(tmp_path):
    demo = tmp_path / "ai_short"
    shutil.copytree(DEMO, demo, ignore=REVIEW_OUTPUTS)
    (tmp_path / "takes").mkdir()
    shutil.copy(demo / "media" / "shot_060.mp4", tmp_path / "takes" / "shot_060_v002.mp4")
    result = otio_tools.review(demo / "ai_short.otio", output=str(tmp_path / "out.otio"),
                               takes_dirs=[str(tmp_path / "takes")], html_path=str(tmp_path / "r.html"),
                               cache_dir=str(tmp_path / "cache"))
    page = (tmp_path / "r.html").read_text()
    card = next(c for c in re.findall(r'<article class="card.*?</article>', page, re.S)
                if 'data-kind="colour_mismatch"' in c)
    assert "after the CDL" in card and "corrected" in card
    assert "shot_060_v002.mp4" in card and '<img class="thumb"' in card
    assert result.outputs["timeline"] == str(tmp_path / "out.otio")
