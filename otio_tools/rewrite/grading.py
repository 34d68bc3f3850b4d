"""A review's grade findings as CDLs: fitted on the frames the grade analyser measured, put on the clips.

For each ``colour_mismatch``, ``exposure_jump`` and ``subject_colour_shift``
finding, the last frames of the reference (outgoing) shot and the first frames
of the incoming shot are read again through a frame source (by default the
review's own: the PyAV decoder at the analysis size behind the on-disk cache,
so frames the review decoded are not decoded twice), and a CDL is fitted and
checked (:func:`otio_tools.rewrite.cdl.cdl_fit_for`).

:func:`timeline_with_cdls` puts each fit on its clip as ``metadata["cdl"]``,
the key OTIO's EDL adapter reads ``*ASC_SOP``/``*ASC_SAT`` into and writes
them from (so an EDL carries it, and OTIO-reading tools find it where they
look), with the fit's figures under ``metadata["otio_tools"]["cdl"]``. A clip
that already carries a CDL of its own keeps it: the fitted one is then only
in the figures and the ``.ccc``/``.cdl`` files.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

import opentimelineio as otio

from otio_tools.rewrite.cdl import CDL_KINDS, CdlFit, cdl_fit_for
from otio_tools.rewrite.markers import clip_at

__all__ = ["analysis_frame_source", "cdl_fits", "timeline_with_cdls", "timeline_without_cdls", "remove_cdls"]


def analysis_frame_source(long_side: int, cache_dir: str | None, use_cache: bool = True):
    """The review's default frame source at *long_side*, and the cache to close (None without one)."""
    from otio_tools.reviewing import default_frame_source

    source, _, cache = default_frame_source(long_side, use_cache, cache_dir)
    return source, cache


def _frames(source, item, offsets: Sequence[int]) -> np.ndarray:
    wanted = [item.frames[o] for o in offsets if item.frames[o] not in item.undecodable]
    images = {f.number: f.image for f in source.read(item.link.path, wanted) if hasattr(f, "image")}
    return np.stack([images[n] for n in wanted if n in images]) if images else np.zeros((0, 1, 1, 3), np.uint8)


def cdl_fits(result, *, settings=None, source=None, cache_dir: str | None = None,
             use_cache: bool = True) -> list[CdlFit]:
    """A CDL fit for every grade finding of *result* (a ``ReviewResult``) whose two shots' media is linked.

    *settings* are the review's ``AnalysisSettings`` (default: the defaults);
    *source* a ``FrameSource`` at the analysis size (default: the PyAV
    decoder behind the frame cache in *cache_dir*, or without it unless
    *use_cache*).
    """
    from otio_tools.analysers import AnalysisSettings

    settings = settings or AnalysisSettings()
    grade = settings.grade
    findings = [f for f in result.findings if f.kind in CDL_KINDS]
    if not findings:
        return []
    cache = None
    if source is None:
        source, cache = analysis_frame_source(settings.long_side, cache_dir, use_cache)
    linked = [m for m in result.media if m.status == "linked" and m.frames]
    fits = []
    try:
        for finding in findings:
            incoming = next((m for m in linked if m.shot.record_start == finding.start
                             and (finding.clip is None or m.shot.name == finding.clip)), None)
            outgoing = next((m for m in linked if m.shot.record_end == finding.start), None)
            if incoming is None or outgoing is None:
                continue
            n = grade.edge_frames
            tail = range(max(0, len(outgoing.frames) - n), len(outgoing.frames))
            before, after = _frames(source, outgoing, tail), _frames(source, incoming, range(min(n, len(incoming.frames))))
            if len(before) and len(after):
                fits.append(cdl_fit_for(finding, before, after, outgoing.shot.name, grade))
    finally:
        if cache is not None:
            cache.close()
    return fits


def timeline_with_cdls(timeline: otio.schema.Timeline, fits: Sequence[CdlFit], rate: float) -> otio.schema.Timeline:
    """A copy of *timeline* with each fit's CDL on the clip it corrects (see the module docstring)."""
    copied = timeline_without_cdls(timeline)
    for fit in fits:
        clip = clip_at(copied, fit.finding.start, rate)
        if clip is None or clip.name != fit.clip:
            continue
        own = "cdl" in clip.metadata
        if not own:
            clip.metadata["cdl"] = fit.cdl.to_metadata()
        ours = dict(clip.metadata.get("otio_tools") or {})
        ours["cdl"] = {**fit.to_json(), "in_clip_metadata": not own}
        clip.metadata["otio_tools"] = ours
    return copied


def timeline_without_cdls(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of *timeline* without the CDLs an earlier review put on its clips."""
    copied = timeline.deepcopy()
    remove_cdls(copied)
    return copied


def remove_cdls(timeline: otio.schema.Timeline) -> None:
    """Remove, in place, the CDLs and CDL figures a review put on *timeline*'s clips."""
    for clip in timeline.find_clips():
        ours = clip.metadata.get("otio_tools")
        if not hasattr(ours, "get") or "cdl" not in ours:
            continue
        if ours["cdl"].get("in_clip_metadata"):
            clip.metadata.pop("cdl", None)
        rest = {k: v for k, v in ours.items() if k != "cdl"}
        if rest:
            clip.metadata["otio_tools"] = rest
        else:
            del clip.metadata["otio_tools"]
