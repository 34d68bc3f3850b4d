"""What the analysers cost on top of decoding, at the default analysis size.

    python scripts/analysis_cost.py BENCH_DIR           every case of the QC bench
    python scripts/analysis_cost.py TIMELINE [...]      these timelines (e.g. the frame access
                                                        benchmark's 1080p edit, --write-timeline)

For every case: the decode alone (the frames the review asks for, read
through the same decoder, nothing analysed), then the full review without the
cache. Prints the analysers' time against the decode time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from otio_tools.analysers import AnalysisSettings, frame_needs
from otio_tools.cuts import timeline_cuts
from otio_tools.frames import FrameRequest, PyAVFrameSource, frames_for_plan, probe_media, read_plan
from otio_tools.relink import Relinker
from otio_tools.reviewing import _wanted_offsets, review_timeline, shot_media
from otio_tools.timeline_io import read_timeline


def decode_seconds(timeline_path: Path, settings: AnalysisSettings) -> tuple[float, int]:
    """Seconds and frames to decode what a review of *timeline_path* reads, analysing nothing."""
    loaded = read_timeline(timeline_path)
    items = shot_media(timeline_cuts(loaded.timeline), Relinker(loaded.path), probe_media)
    needs = frame_needs(settings)
    requests = []
    for i, item in enumerate(items):
        if item.status == "linked":
            wanted = _wanted_offsets(item.shot.record_duration, needs.edge_frames, needs.body_stride)
            frames = sorted({item.frames[o] for part in wanted.values() for o in part} - set(item.undecodable))
            requests.append(FrameRequest(str(i), item.link.path, tuple(frames)))
    source = PyAVFrameSource(long_side=settings.long_side)
    started = time.perf_counter()
    for _ in frames_for_plan(read_plan(requests), source):
        pass
    return time.perf_counter() - started, source.stats.frames_decoded


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    if len(argv) == 1 and (Path(argv[0]) / "cases").is_dir():
        timelines = [case / "timeline.otio" for case in sorted((Path(argv[0]) / "cases").iterdir())
                     if (case / "timeline.otio").exists()]
    else:
        timelines = [Path(a) for a in argv]
    settings = AnalysisSettings()
    total_decode = total_analysis = total_review = 0.0
    for path in timelines:
        decode, frames = decode_seconds(path, settings)
        result = review_timeline(path, settings=settings, use_cache=False)
        total_decode += decode
        total_analysis += result.analysis_seconds
        total_review += result.seconds
        name = path.parent.name if path.name == "timeline.otio" else path.name
        print(f"{name}: {frames} frames, decode {decode:.2f} s, analysis {result.analysis_seconds:.2f} s "
              f"({100 * result.analysis_seconds / decode:.0f} %), whole review {result.seconds:.2f} s")
    print(f"all: decode {total_decode:.1f} s, analysis {total_analysis:.1f} s = "
          f"{100 * total_analysis / total_decode:.0f} % on top of decoding; whole reviews {total_review:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
