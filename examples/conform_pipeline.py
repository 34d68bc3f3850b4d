"""A conform step for a studio pipeline: relink, review, write the reports, gate on severity.

    python examples/conform_pipeline.py TIMELINE --media DIR [--media DIR]... --out DIR [--fail-on error]

Exit code 0 when the cut passes, 1 when a finding reaches --fail-on, 2 when
the timeline or its media cannot be read. Media that cannot be found is
listed and does not stop the step: its shots are simply not reviewed.
"""

from __future__ import annotations

import argparse
import sys

import otio_tools


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Relink, review and gate a timeline.")
    parser.add_argument("timeline")
    parser.add_argument("--media", action="append", default=[], help="media folder (repeatable)")
    parser.add_argument("--rate", type=float, default=None, help="frame rate, for EDLs")
    parser.add_argument("--out", required=True, help="folder for the JSON, HTML and CSV reports")
    parser.add_argument("--fail-on", choices=["warning", "error"], default="error")
    args = parser.parse_args(argv)

    try:
        loaded = otio_tools.read_timeline(args.timeline, rate=args.rate, media_roots=args.media)
        result = otio_tools.review(loaded, media=args.media, report_dir=args.out)
    except otio_tools.OtioToolsError as exc:
        print(f"conform: {exc}", file=sys.stderr)
        return 2

    for item in result.media:
        if item.status != "linked":
            print(f"not reviewed: {item.shot.name} ({item.status}: {item.reason})")
    for finding in result.findings:
        print(f"{result.cuts.timecode(finding.start)}  {finding.severity.value:7}  {finding.kind:20}  {finding.message}")
    for kind, path in result.outputs.items():
        print(f"{kind} report: {path}")
    if result.failed(args.fail_on):
        print(f"conform: findings at {args.fail_on} level or worse; the cut goes back to editorial")
        return 1
    print("conform: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
