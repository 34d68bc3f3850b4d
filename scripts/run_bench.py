"""Review every QC bench case in each of its three formats and score the reports.

    python scripts/run_bench.py BENCH_DIR OUT_DIR

BENCH_DIR holds ``cases/`` and ``score.py``. Reports go to
``OUT_DIR/{otio,xml,edl}/<case>.json``; the scorer's output is printed per
format, followed by whether the three formats gave the same findings.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from otio_tools.reviewing import review_timeline
from otio_tools.timeline_io import read_timeline

FORMATS = {"otio": "timeline.otio", "xml": "timeline.xml", "edl": "timeline.edl"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    cases = sorted(p for p in (args.bench / "cases").iterdir() if (p / "truth.json").exists())
    signatures: dict[str, dict[str, list]] = {}
    for fmt, name in FORMATS.items():
        folder = args.out / fmt
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        for case in cases:
            media = [str(case / "media")]
            loaded = read_timeline(case / name, media_roots=media)
            result = review_timeline(loaded, media_roots=media, use_cache=not args.no_cache)
            report = result.report()
            (folder / f"{case.name}.json").write_text(json.dumps(report, indent=1))
            signatures.setdefault(case.name, {})[fmt] = sorted(
                (f["kind"], f["severity"], f["start"], f["duration"]) for f in report["findings"])
        print(f"== {fmt}: {len(cases)} cases in {time.perf_counter() - started:.1f} s")
        subprocess.run([sys.executable, str(args.bench / "score.py"), str(args.bench / "cases"), str(folder)],
                       check=False)
    differing = [case for case, by_fmt in signatures.items() if len({json.dumps(v) for v in by_fmt.values()}) > 1]
    print(f"same findings in all formats: {len(cases) - len(differing)}/{len(cases)} cases"
          + (f"; differ: {', '.join(differing)}" if differing else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
