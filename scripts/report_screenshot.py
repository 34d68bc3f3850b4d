"""Review the demo and take a screenshot of its HTML report with headless Chromium.

    python scripts/report_screenshot.py [OUT_PNG]   (default docs/report.png)

The README shows the picture this writes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import otio_tools

REPO = Path(__file__).resolve().parents[1]
# What earlier reviews of the samples wrote beside them: not part of the samples.
REVIEW_OUTPUTS = shutil.ignore_patterns("*.otio-tools*")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else REPO / "docs" / "report.png"
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if chromium is None:
        print("report_screenshot: Chromium is needed (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "ai_short"
        shutil.copytree(REPO / "sample_timelines" / "ai_short", demo, ignore=REVIEW_OUTPUTS)
        html = Path(tmp) / "report.html"
        otio_tools.review(demo / "ai_short.otio", html_path=str(html), output=str(demo / "reviewed.otio"),
                          use_cache=False)
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             f"--user-data-dir={Path(tmp) / 'profile'}", "--window-size=1200,1500", f"--screenshot={out}",
             html.as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
