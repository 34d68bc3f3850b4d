"""The one-call API for scripted conform steps: :func:`review`.

::

    import otio_tools

    result = otio_tools.review("cut.xml", media=["/mnt/show"], report_dir="qc/")
    if result.failed("error"):
        raise SystemExit(1)

It reads the timeline, relinks, reviews and writes whichever outputs are asked
for (JSON report, HTML report, metrics CSV), each atomically and never over an
existing file. Errors are :class:`~otio_tools.errors.OtioToolsError`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from typing import Any, Callable, Iterable, Mapping, Sequence

from otio_tools.errors import OtioToolsError
from otio_tools.outputs import atomic_write_text
from otio_tools.reviewing import ReviewResult, review_timeline
from otio_tools.timeline_io import TimelineFile, read_timeline

__all__ = ["review", "metrics_csv"]


def metrics_csv(scores: Sequence[Mapping[str, Any]]) -> str:
    """Every analyser's raw per-cut and per-frame scores as CSV (one row each, columns the union of keys)."""
    columns: list[str] = []
    for row in scores:
        for key in row:
            if key not in columns:
                columns.append(key)
    lead = [c for c in ("analyser", "track", "clip", "frame") if c in columns]
    columns = lead + [c for c in columns if c not in lead]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in scores:
        writer.writerow({k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()})
    return out.getvalue()


def _fresh(path: str) -> str:
    if os.path.exists(path):
        raise OtioToolsError(f"{path}: already exists; choose another output path or remove it first")
    return path


def review(
    timeline: str | os.PathLike | TimelineFile,
    *,
    media: Iterable[str] = (),
    rate: float | None = None,
    format: str | None = None,
    settings=None,
    config: str | None = None,
    preset: str | None = None,
    json_path: str | None = None,
    html_path: str | None = None,
    csv_path: str | None = None,
    report_dir: str | None = None,
    output: str | os.PathLike | None = None,
    apply_trims: bool = False,
    takes_dirs: Iterable[str] = (),
    jobs: int = 1,
    use_cache: bool = True,
    cache_dir: str | None = None,
    progress: Callable[[dict], None] | None = None,
) -> ReviewResult:
    """Read, relink and review *timeline*, then write the reports asked for.

    *settings* (an ``AnalysisSettings``) wins over *config* (a TOML file) and
    *preset*. *output* writes the reviewed timeline there: the input with
    the findings as markers in its format's dialect, CDLs, suggested (or,
    with *apply_trims*, applied) trims and replacement-take slots filled from
    *takes_dirs* (see :func:`otio_tools.rewrite.write_reviewed`; what it wrote
    is ``result.rewritten``). *report_dir* writes ``NAME.json``,
    ``NAME.html`` and ``NAME.metrics.csv`` there, NAME being the timeline's
    file stem; the ``*_path`` arguments name single outputs. Every path
    written is in ``result.outputs``.
    """
    from otio_tools.config import settings_for, settings_from_toml

    media = list(media)
    if settings is None:
        settings = settings_from_toml(config, preset) if config else settings_for(preset)
    loaded = timeline if isinstance(timeline, TimelineFile) else read_timeline(
        timeline, rate=rate, format=format, media_roots=media)
    result = review_timeline(loaded, media_roots=media, settings=settings, jobs=jobs, use_cache=use_cache,
                             cache_dir=cache_dir, progress=progress)
    if report_dir:
        os.makedirs(report_dir, exist_ok=True)
        stem = os.path.splitext(os.path.basename(os.fspath(loaded.path).rstrip("/")))[0]
        json_path = json_path or os.path.join(report_dir, f"{stem}.json")
        html_path = html_path or os.path.join(report_dir, f"{stem}.html")
        csv_path = csv_path or os.path.join(report_dir, f"{stem}.metrics.csv")
    outputs: dict[str, str] = {}
    for key, path in (("json", json_path), ("html", html_path), ("csv", csv_path)):
        if path:
            outputs[key] = _fresh(os.fspath(path))
    rewritten = None
    if output is not None:
        from otio_tools.rewrite import write_reviewed

        rewritten = write_reviewed(result, output, apply_trims=apply_trims, takes_dirs=list(takes_dirs),
                                   settings=settings, cache_dir=cache_dir, use_cache=use_cache)
        outputs.update(rewritten.paths)
    result = dataclasses.replace(result, outputs=outputs, rewritten=rewritten)
    if "csv" in outputs:
        atomic_write_text(outputs["csv"], metrics_csv(result.scores))
    if "html" in outputs:
        from otio_tools.html_report import html_report

        from otio_tools.reviewing import default_frame_source

        source, _, cache = default_frame_source(320, use_cache, cache_dir)
        try:
            atomic_write_text(outputs["html"], html_report(result, source))
        finally:
            if cache is not None:
                cache.close()
    if "json" in outputs:
        atomic_write_text(outputs["json"], json.dumps(result.report(), indent=2, ensure_ascii=False) + "\n")
    return result
