"""The HTML report: one self-contained page an editor decides from by looking.

A summary (counts by kind and severity, a strip of the timeline with every
finding placed on it), then one card per finding: the outgoing and incoming
frames side by side for a cut, the affected frames for an in-shot defect,
colour swatches with their CIEDE2000 difference, a small plot of the in-shot
metric over the shot, record and source timecodes, and the suggestion. Images
are embedded as JPEG data URLs and the page needs no network. Filters by kind
and severity are plain checkboxes driving a few lines of script.
"""

from __future__ import annotations

import base64
import html
import json
import os
from typing import Sequence

import cv2
import numpy as np

from otio_tools.findings import CUT_KINDS, Finding
from otio_tools.reviewing import ReviewResult, ShotMedia

__all__ = ["html_report", "finding_frames", "SEVERITY_COLOURS"]

SEVERITY_COLOURS = {"error": "#d64541", "warning": "#e8a33d", "info": "#5b8def"}

# The per-frame measure each in-shot analyser exports, plotted on its cards.
_SHOT_METRICS = {
    "flicker": ("flicker", "step"),
    "frozen_frames": ("frozen_frames", "difference"),
    "morph": ("morph", "change"),
    "photosensitive_flash": ("photosensitive_flash", "transition"),
}
_COLOUR_KINDS = ("colour_mismatch", "exposure_jump", "subject_colour_shift")


def _jpeg_data_url(image: np.ndarray, quality: int = 82) -> str:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode a thumbnail")
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def _shot_at(media: Sequence[ShotMedia], record_frame: int) -> ShotMedia | None:
    for item in media:
        if item.shot.record_start <= record_frame < item.shot.record_end:
            return item
    return None


def _media_frame(item: ShotMedia, record_frame: int) -> int | None:
    if item.status != "linked" or not item.frames:
        return None
    offset = min(max(record_frame - item.shot.record_start, 0), len(item.frames) - 1)
    return item.frames[offset]


def finding_frames(result: ReviewResult, finding: Finding) -> list[tuple[str, ShotMedia, int]]:
    """The (label, shot, record frame) pictures a finding's card shows.

    A cut: the last frame before it and the first after it. An in-shot
    defect: its first, middle and last affected frames.
    """
    picks: list[tuple[str, int]]
    if finding.kind in CUT_KINDS:
        before = finding.start - 1
        after = finding.start + finding.duration if finding.kind in ("black_frames", "flash_frame") else finding.start
        picks = [("outgoing", before), ("incoming", after)]
        if finding.kind in ("black_frames", "flash_frame"):
            picks.insert(1, (finding.kind.replace("_", " "), finding.start))
    else:
        last = finding.start + finding.duration - 1
        picks = [("first", finding.start), ("middle", (finding.start + last) // 2), ("last", last)]
    out = []
    for label, frame in picks:
        item = _shot_at(result.media, frame)
        if item is not None and _media_frame(item, frame) is not None:
            out.append((label, item, frame))
    return out


def _read_images(result: ReviewResult, wanted, source) -> dict[tuple[str, int], np.ndarray]:
    by_file: dict[str, set[int]] = {}
    for item, frame in wanted:
        by_file.setdefault(item.link.path, set()).add(_media_frame(item, frame))
    images = {}
    for path, frames in by_file.items():
        for delivered in source.read(path, sorted(frames)):
            if hasattr(delivered, "image"):
                images[(path, delivered.number)] = delivered.image
    return images


def _mean_lab(image: np.ndarray) -> np.ndarray:
    from otio_tools.analysers.colour import srgb_to_lab

    return srgb_to_lab(image[None].astype(np.float32) / 255.0).reshape(-1, 3).mean(axis=0)


def _swatches(images: list[np.ndarray]) -> str:
    from otio_tools.analysers.colour import ciede2000

    if len(images) < 2:
        return ""
    a, b = images[0], images[-1]
    lab_a, lab_b = _mean_lab(a), _mean_lab(b)
    delta = float(ciede2000(lab_a[None], lab_b[None])[0])
    chips = "".join(
        f'<span class="chip" style="background:rgb({r},{g},{bl})" title="mean {label}: L*{lab[0]:.1f} a*{lab[1]:.1f} b*{lab[2]:.1f}"></span>'
        for label, image, lab in (("outgoing", a, lab_a), ("incoming", b, lab_b))
        for r, g, bl in [tuple(int(v) for v in image.reshape(-1, 3).mean(axis=0))]
    )
    return f'<div class="swatches">{chips}<span>mean colour ΔE2000 {delta:.1f}</span></div>'


def _plot(result: ReviewResult, finding: Finding) -> str:
    analyser, key = _SHOT_METRICS.get(finding.kind, (None, None))
    if analyser is None:
        return ""
    rows = [r for r in result.scores
            if r.get("analyser") == analyser and r.get("clip") == finding.clip and key in r
            and isinstance(r.get("frame"), (int, np.integer))]
    if len(rows) < 2:
        return ""
    frames = np.array([r["frame"] for r in rows], float)
    values = np.array([float(r[key]) for r in rows], float)
    w, h, pad = 320.0, 80.0, 4.0
    x0, x1 = frames.min(), max(frames.max(), frames.min() + 1)
    vmax = max(values.max(), 1e-9)
    xs = pad + (frames - x0) / (x1 - x0) * (w - 2 * pad)
    ys = h - pad - values / vmax * (h - 2 * pad)
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    fx0 = pad + (finding.start - x0) / (x1 - x0) * (w - 2 * pad)
    fx1 = pad + (finding.start + finding.duration - x0) / (x1 - x0) * (w - 2 * pad)
    return (
        f'<svg class="plot" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}" role="img" '
        f'aria-label="{html.escape(key)} per frame">'
        f'<rect x="{fx0:.1f}" y="0" width="{max(fx1 - fx0, 1):.1f}" height="{h:.0f}" class="range"/>'
        f'<polyline points="{points}" class="line"/>'
        f'<text x="{w - pad:.0f}" y="12" text-anchor="end">{html.escape(key)} (max {vmax:.3g})</text></svg>'
    )


def _source_timecode(item: ShotMedia, record_frame: int) -> str:
    import opentimelineio as otio

    shot = item.shot
    source = shot.source_time_at(record_frame - shot.record_start)
    try:
        return otio.opentime.to_timecode(otio.opentime.RationalTime(round(source), shot.source_rate))
    except ValueError:
        return f"frame {round(source)}"


def _same_finding(a: Finding, b: Finding) -> bool:
    return (a.kind, a.start, a.clip, a.track) == (b.kind, b.start, b.clip, b.track)


def _fixes(result: ReviewResult, finding: Finding, shown: list[np.ndarray], source) -> str:
    """The rewrite's offers for *finding*: the CDL with a before/after preview, trims, the take ranking."""
    rewritten = result.rewritten
    if rewritten is None:
        return ""
    parts = []
    for fit in rewritten.cdl_fits:
        if _same_finding(fit.finding, finding) and shown:
            from otio_tools.rewrite.cdl import cdl_applied

            incoming = shown[-1]
            corrected = (np.clip(cdl_applied(fit.cdl, incoming.astype(np.float32) / 255.0), 0, 1) * 255).astype(np.uint8)
            parts.append(
                f'<div class="fix"><b>CDL</b> {html.escape(fit.summary())}<div class="frames">'
                f'<figure><img src="{_jpeg_data_url(incoming)}" alt="before"><figcaption>before</figcaption></figure>'
                f'<figure><img src="{_jpeg_data_url(corrected)}" alt="after"><figcaption>after the CDL</figcaption></figure>'
                f'</div></div>')
    for trim in rewritten.trims:
        if any(_same_finding(f, finding) for f in trim.findings):
            parts.append(f'<div class="fix"><b>trim</b> {html.escape(trim.summary())}</div>')
    for slot in rewritten.slots:
        if any(_same_finding(f, finding) for f in slot.findings):
            if not slot.ranking:
                parts.append(f'<div class="fix"><b>takes</b> {html.escape(slot.summary())}</div>')
                continue
            rows = []
            for rank, take in enumerate(slot.ranking, 1):
                thumb = ""
                for delivered in source.read(take.path, [take.source_start]):
                    if hasattr(delivered, "image"):
                        thumb = f'<img class="thumb" src="{_jpeg_data_url(delivered.image)}" alt="take {rank}">'
                rows.append(f"<tr><td>{rank}</td><td>{thumb}</td><td>{html.escape(os.path.basename(take.path))}</td>"
                            f"<td>{take.score:.2f}</td><td>{html.escape(', '.join(take.findings) or '-')}</td></tr>")
            parts.append(f'<div class="fix"><b>takes</b> {html.escape(slot.summary())}<table class="takes">'
                         f"<tr><th>#</th><th></th><th>take</th><th>cost</th><th>in-shot findings</th></tr>"
                         f'{"".join(rows)}</table></div>')
    return "".join(parts)


def _card(result: ReviewResult, index: int, finding: Finding, pictures, images, source) -> str:
    cuts = result.cuts
    severity = finding.severity.value
    figures = []
    shown = []
    for label, item, frame in pictures:
        image = images.get((item.link.path, _media_frame(item, frame)))
        if image is None:
            continue
        shown.append(image)
        figures.append(
            f'<figure><img src="{_jpeg_data_url(image)}" alt="{html.escape(label)} frame {frame}">'
            f'<figcaption>{html.escape(label)} · {html.escape(item.shot.name)}<br>rec {cuts.timecode(frame)} '
            f'(frame {frame}) · src {_source_timecode(item, frame)}</figcaption></figure>'
        )
    swatches = _swatches(shown) if finding.kind in _COLOUR_KINDS else ""
    suggestion = ""
    if finding.suggestion:
        suggestion = ('<details open><summary>suggestion</summary><pre>'
                      + html.escape(json.dumps(finding.suggestion, indent=1, ensure_ascii=False)) + "</pre></details>")
    score = "" if finding.score is None else f"score {finding.score:.3g} / threshold {finding.threshold:.3g}"
    return (
        f'<article class="card {severity}" id="finding-{index}" data-kind="{finding.kind}" data-severity="{severity}">'
        f'<header><span class="badge {severity}">{severity}</span> <b>{html.escape(finding.kind)}</b> '
        f'at {cuts.timecode(finding.start)} (frame {finding.start}, {finding.duration} frames) '
        f'· {html.escape(finding.clip or "gap")} · <small>{score}</small></header>'
        f'<p>{html.escape(finding.message)}</p>'
        f'<div class="frames">{"".join(figures) or "<em>no frames: media not available</em>"}</div>'
        f'{swatches}{_plot(result, finding)}{_fixes(result, finding, shown, source)}{suggestion}</article>'
    )


def _strip(result: ReviewResult) -> str:
    total = max(result.cuts.duration, 1)
    shots = "".join(
        f'<rect x="{s.record_start / total * 1000:.2f}" y="18" width="{max(s.record_duration / total * 1000, 0.5):.2f}" '
        f'height="24" class="shot s{i % 2}"><title>{html.escape(s.name)} {result.cuts.timecode(s.record_start)}</title></rect>'
        for i, s in enumerate(result.cuts.picture.shots)
    )
    marks = "".join(
        f'<a href="#finding-{i}"><rect x="{f.start / total * 1000:.2f}" y="{2 + (i % 2) * 6}" '
        f'width="{max(f.duration / total * 1000, 3):.2f}" height="12" fill="{SEVERITY_COLOURS[f.severity.value]}" '
        f'class="mark" data-kind="{f.kind}" data-severity="{f.severity.value}"><title>{html.escape(f.kind)} '
        f'{result.cuts.timecode(f.start)}</title></rect></a>'
        for i, f in enumerate(result.findings)
    )
    return f'<svg class="strip" viewBox="0 0 1000 46" preserveAspectRatio="none">{shots}{marks}</svg>'


def _counts(findings: Sequence[Finding], attr) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        key = attr(f)
        counts[key] = counts.get(key, 0) + 1
    return counts


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#1d1f21;color:#e6e6e6}
main{max-width:1100px;margin:auto;padding:16px}
h1{font-size:20px;margin:4px 0}
.summary{display:flex;gap:24px;flex-wrap:wrap}
.summary table{border-collapse:collapse}.summary td{padding:2px 8px}
.strip{width:100%;height:60px;background:#111;margin:12px 0}
.shot.s0{fill:#3a3f44}.shot.s1{fill:#50565c}
.filters label{margin-right:10px;white-space:nowrap}
.card{background:#26292c;border-left:6px solid #888;margin:12px 0;padding:8px 12px;border-radius:4px}
.card.error{border-color:#d64541}.card.warning{border-color:#e8a33d}.card.info{border-color:#5b8def}
.badge{padding:1px 6px;border-radius:3px;color:#111;font-weight:bold}
.badge.error{background:#d64541}.badge.warning{background:#e8a33d}.badge.info{background:#5b8def}
.frames{display:flex;gap:8px;flex-wrap:wrap}
figure{margin:0}figure img{display:block;max-width:320px;max-height:200px}
figcaption{font-size:12px;color:#aaa}
.swatches{margin:6px 0}.chip{display:inline-block;width:40px;height:20px;margin-right:4px;border:1px solid #000;vertical-align:middle}
.plot{background:#111;display:block;margin:6px 0}.plot .line{fill:none;stroke:#7fd1ff;stroke-width:1.5}
.plot .range{fill:#e8a33d;opacity:.25}.plot text{fill:#aaa;font-size:10px}
pre{background:#111;padding:6px;overflow:auto}
.fix{margin:6px 0;padding:6px;background:#202326;border-radius:3px}
.takes td{padding:2px 6px;vertical-align:middle}.thumb{max-width:96px;max-height:60px;display:block}
.hidden{display:none}
"""

_SCRIPT = """
(function(){
  var boxes=document.querySelectorAll('.filters input');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.dataset.group+':'+b.value]=b.checked;});
    var shown=0;
    document.querySelectorAll('.card,.mark').forEach(function(el){
      var visible=on['kind:'+el.dataset.kind]!==false&&on['severity:'+el.dataset.severity]!==false;
      el.classList.toggle('hidden',!visible);
      if(visible&&el.classList.contains('card'))shown++;
    });
    document.getElementById('shown').textContent=shown;
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  apply();
  document.body.dataset.cards=String(document.querySelectorAll('.card').length);
  document.body.dataset.ready='1';
})();
"""


def html_report(result: ReviewResult, source=None, title: str | None = None) -> str:
    """The self-contained HTML page for *result*; *source* decodes the thumbnails.

    Without *source*, frames are read with the default decoder and cache.
    """
    if source is None:
        from otio_tools.frames import PyAVFrameSource

        source = PyAVFrameSource(long_side=320)
    pictures = [finding_frames(result, f) for f in result.findings]
    images = _read_images(result, [(item, frame) for pics in pictures for _, item, frame in pics], source)
    tf = result.timeline_file
    cuts = result.cuts
    by_kind = _counts(result.findings, lambda f: f.kind)
    by_severity = _counts(result.findings, lambda f: f.severity.value)
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{n}</td></tr>" for k, n in sorted(by_kind.items()))
    sev_rows = "".join(f'<tr><td><span class="badge {k}">{k}</span></td><td>{by_severity[k]}</td></tr>'
                       for k in ("error", "warning", "info") if k in by_severity)
    filters = "".join(
        f'<label><input type="checkbox" checked data-group="severity" value="{k}"> {k}</label>'
        for k in ("error", "warning", "info") if k in by_severity
    ) + "<br>" + "".join(
        f'<label><input type="checkbox" checked data-group="kind" value="{k}"> {k}</label>' for k in sorted(by_kind)
    )
    skipped = "".join(
        f"<li>{html.escape(m.shot.name)} at {cuts.timecode(m.shot.record_start)}: {html.escape(m.status)}"
        f" ({html.escape(m.reason or '')})</li>" for m in result.media if m.status != "linked"
    )
    cards = "".join(_card(result, i, f, pictures[i], images, source) for i, f in enumerate(result.findings))
    name = title or tf.timeline.name or tf.path
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>otio-tools review: {html.escape(name)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{html.escape(name)}</h1>"
        f"<p title=\"{html.escape(tf.path)}\">{html.escape(os.path.basename(tf.path.rstrip('/')))} · {tf.format.name} · {cuts.rate:g} fps · starts {cuts.timecode(0)} · "
        f"{len(cuts.picture.shots)} shots · {cuts.duration} frames · {result.frames_decoded} frames decoded in "
        f"{result.seconds:.1f} s</p>"
        f'<div class="summary"><table><tr><th>kind</th><th>findings</th></tr>{rows}</table>'
        f"<table><tr><th>severity</th><th>findings</th></tr>{sev_rows}</table></div>"
        + (f"<p>Skipped shots:</p><ul>{skipped}</ul>" if skipped else "")
        + f"{_strip(result)}"
        f'<div class="filters">{filters}</div><p><span id="shown">{len(result.findings)}</span> of '
        f"{len(result.findings)} findings shown</p>{cards}</main><script>{_SCRIPT}</script></body></html>"
    )
