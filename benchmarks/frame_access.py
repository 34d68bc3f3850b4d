"""Benchmark: frames decoded, wall time and peak RSS of our frame access against PySceneDetect and the decode floor.

Generates (once, cached) a long edit over 1080p H.264 clips: ``--cuts`` cuts
between ``--cuts + 1`` clips totalling ``--minutes`` of media, each clip used
for a random 30-50 % of its length. Then, in this one invocation, runs each
configuration in its own child process (so each has its own peak RSS):

  a  cut windows: ``--window`` frames each side of every cut, read through a read plan
  b  cut windows plus every ``--stride``-th frame of each shot's used range
  c  PySceneDetect ContentDetector over every clip (its default OpenCV backend)
  d  decode floor: the same PyAV decoder, decoding as many frames as b needs
     from each file and nothing else (a linear run from the file's start,
     converted to the same analysis size)

and prints the figures and the ratios c/a, c/b and b/d.

Run:  python benchmarks/frame_access.py                 (30 min, 300 cuts)
      python benchmarks/frame_access.py --minutes 3 --cuts 30   (quick)
Needs scenedetect (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_media import ShotSpec, edit_timeline, ensure_media, shot_specs  # noqa: E402

from otio_tools.frames import Frame, FrameRequest, PyAVFrameSource, frames_for_plan, read_plan  # noqa: E402
from otio_tools.frames.colour import DEFAULT_LONG_SIDE  # noqa: E402


def cut_requests(shots: list[ShotSpec], window: int) -> list[FrameRequest]:
    """``window`` frames each side of each cut between consecutive shots."""
    requests = []
    for i, (out_shot, in_shot) in enumerate(zip(shots, shots[1:])):
        requests.append(FrameRequest.span(f"cut{i}-out", str(out_shot.path), out_shot.end - window, out_shot.end, purpose="cut"))
        requests.append(FrameRequest.span(f"cut{i}-in", str(in_shot.path), in_shot.start, in_shot.start + window, purpose="cut"))
    return requests


def shot_requests(shots: list[ShotSpec], stride: int) -> list[FrameRequest]:
    """Each shot's used range at ``stride``."""
    return [FrameRequest.span(f"shot{i}", str(s.path), s.start, s.end, stride, purpose="shot") for i, s in enumerate(shots)]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read_files(requests: list[FrameRequest], long_side: int, threads: int) -> dict:
    """Read a plan with the PyAV source in this process; touch every frame as an analyser would."""
    source = PyAVFrameSource(long_side=long_side, threads=threads)
    plan = read_plan(requests)
    delivered = undecodable = 0
    checksum = 0.0
    for item in frames_for_plan(plan, source):
        if isinstance(item, Frame):
            delivered += 1
            checksum += float(item.image[::8, ::8].mean())
        else:
            undecodable += len(item.frames)
    return {
        "frames_decoded": source.stats.frames_decoded,
        "frames_needed": plan.frame_count,
        "frames_delivered": delivered,
        "undecodable": undecodable,
        "seeks": source.stats.seeks,
        "peak_rss_mb": _peak_rss_mb(),
        "pid": os.getpid(),
    }


def _sum_results(parts: list[dict]) -> dict:
    total = {key: sum(p[key] for p in parts) for key in parts[0] if key not in ("peak_rss_mb", "pid")}
    # Workers are separate processes: the largest peak of one, and the sum of every worker's peak
    # (an upper bound of what they held together).
    per_process: dict[int, float] = {}
    for part in parts:
        per_process[part["pid"]] = max(per_process.get(part["pid"], 0.0), part["peak_rss_mb"])
    total["peak_rss_mb"] = max(per_process.values())
    total["workers_rss_mb"] = sum(per_process.values())
    return total


def _timed(function, tasks: list[tuple], jobs: int) -> dict:
    """``function(*task)`` for every task, in this process (``jobs`` 1) or over ``jobs`` worker processes,
    the results summed and timed as a whole."""
    start = time.perf_counter()
    if jobs <= 1:
        parts = [function(*task) for task in tasks]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(function, *zip(*tasks)))
    result = _sum_results(parts)
    result["wall_s"] = time.perf_counter() - start
    return result


def _decoder_threads(jobs: int) -> int:
    """Decoder threads per worker: the cores shared out (0, one per core, when in one process)."""
    return 0 if jobs <= 1 else max(1, (os.cpu_count() or 1) // jobs)


def run_plan(requests: list[FrameRequest], long_side: int, jobs: int = 1) -> dict:
    """Read a plan: in this process (``jobs`` 1) or one media file per task over ``jobs`` worker processes."""
    if jobs <= 1:
        groups = [requests]
    else:
        groups = [list(f.requests) for f in read_plan(requests).files]
    return _timed(_read_files, [(g, long_side, _decoder_threads(jobs)) for g in groups], jobs)


def _scenedetect_file(path: Path) -> dict:
    from scenedetect import ContentDetector, SceneManager, open_video

    video = open_video(str(path))
    manager = SceneManager()
    manager.add_detector(ContentDetector())
    frames = manager.detect_scenes(video)
    return {"frames_decoded": frames, "cuts_found": max(0, len(manager.get_scene_list()) - 1),
            "peak_rss_mb": _peak_rss_mb(), "pid": os.getpid()}


def run_scenedetect(paths: list[Path], jobs: int = 1) -> dict:
    """PySceneDetect's ContentDetector over each whole file: as its users run it (``jobs`` 1), or one file per worker."""
    return _timed(_scenedetect_file, [(path,) for path in paths], jobs)


def _floor_file(path: str, count: int, long_side: int, threads: int) -> dict:
    import av
    from av.video.reformatter import VideoReformatter

    from otio_tools.frames.colour import rgb_for_analysis

    reformatter = VideoReformatter()
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.codec_context.thread_type = "AUTO"
        stream.codec_context.thread_count = threads
        done = 0
        for frame in container.decode(stream):
            rgb_for_analysis(frame, stream.sample_aspect_ratio, long_side, reformatter)
            done += 1
            if done >= count:
                break
    return {"frames_decoded": done, "peak_rss_mb": _peak_rss_mb(), "pid": os.getpid()}


def run_floor(counts: dict[str, int], long_side: int, jobs: int = 1) -> dict:
    """Decode exactly ``counts[path]`` frames from each file (from its start) and convert them like the source does."""
    return _timed(_floor_file, [(path, n, long_side, _decoder_threads(jobs)) for path, n in counts.items()], jobs)


def _child(queue, name, function, args):
    result = function(*args)
    result["peak_rss_mb"] = max(result.get("peak_rss_mb", 0.0), _peak_rss_mb())
    queue.put((name, result))


def in_child(name: str, function, *args) -> dict:
    """Run one configuration in a fresh process so that its peak RSS is its own."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(queue, name, function, args))
    process.start()
    _, result = queue.get()
    process.join()
    print(f"  {name}: {result['frames_decoded']} frames decoded in {result['wall_s']:.1f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0, help="total length of the generated media (default 30)")
    parser.add_argument("--cuts", type=int, default=300, help="cuts in the edit (default 300)")
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--gop", type=int, default=24, help="keyframe interval of the generated H.264 in frames (default 24)")
    parser.add_argument("--window", type=int, default=4, help="frames each side of a cut (default 4)")
    parser.add_argument("--stride", type=int, default=1, help="in-shot stride for configuration b (default 1)")
    parser.add_argument("--long-side", type=int, default=DEFAULT_LONG_SIDE, help="analysis size in pixels")
    parser.add_argument("--media-dir", type=Path, default=Path(tempfile.gettempdir()) / "otio-tools-bench")
    parser.add_argument("--only", default="abcd",
                        help="configurations to run, e.g. 'ab' (default abcd); 'p' adds PySceneDetect run one file per "
                             "worker over --jobs workers, the peer at the same parallelism")
    parser.add_argument("--rss-growth", action="store_true", help="also run b on a quarter and half of the edit")
    parser.add_argument("--write-timeline", type=Path, metavar="FILE.otio",
                        help="also write the edit (or its first --timeline-cuts cuts) as an OTIO timeline, e.g. for "
                             "scripts/analysis_cost.py")
    parser.add_argument("--timeline-cuts", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes for a, b and d, one media file per task (default 1: in one process)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    clips = ensure_media(args.media_dir, args.minutes, args.cuts, args.fps, args.gop, workers=os.cpu_count() or 2)
    shots = shot_specs(clips)
    media_frames = sum(c.frames for c in clips)
    print(f"media: {len(clips)} clips, {media_frames} frames ({media_frames / args.fps / 60:.1f} min) of 1920x1080 H.264, "
          f"GOP {args.gop}, in {args.media_dir} (ready in {time.perf_counter() - start:.0f} s)")
    print(f"edit: {len(shots) - 1} cuts, {sum(s.end - s.start for s in shots)} frames used; window {args.window}, "
          f"in-shot stride {args.stride}, analysis long side {args.long_side}")

    if args.write_timeline:
        import opentimelineio as otio

        part = shots if args.timeline_cuts is None else shots[: args.timeline_cuts + 1]
        otio.adapters.write_to_file(edit_timeline(part, args.fps), str(args.write_timeline))
        print(f"wrote {args.write_timeline}: {len(part) - 1} cuts")
    cuts = cut_requests(shots, args.window)
    both = cuts + shot_requests(shots, args.stride)
    results = {}
    if "a" in args.only:
        results["a"] = in_child("a", run_plan, cuts, args.long_side, args.jobs)
    if "b" in args.only:
        results["b"] = in_child("b", run_plan, both, args.long_side, args.jobs)
    if "d" in args.only:
        counts = {f.media: len(f.frames) for f in read_plan(both).files}
        results["d"] = in_child("d", run_floor, counts, args.long_side, args.jobs)
    if args.rss_growth:
        for share in (4, 2):
            part = shots[: len(shots) // share]
            results[f"b/{share}"] = in_child("b", run_plan, cut_requests(part, args.window) + shot_requests(part, args.stride), args.long_side, args.jobs)
    if "p" in args.only:
        results["p"] = in_child("p", run_scenedetect, [c.path for c in clips], args.jobs)
    if "c" in args.only:
        results["c"] = in_child("c", run_scenedetect, [c.path for c in clips])

    print(f"machine: {os.cpu_count()} cores; a, b and d over {args.jobs} worker process(es)")
    names = {"a": "a cut windows", "b": "b cuts + in-shot", "c": "c PySceneDetect", "d": "d decode floor",
             "p": f"p PySceneDetect x{args.jobs}",
             "b/4": "b on 1/4 of the edit", "b/2": "b on 1/2 of the edit"}
    print(f"{'configuration':24} {'decoded':>9} {'needed':>8} {'wall s':>8} {'peak RSS MB':>12} {'all workers MB':>15}")
    for key, r in results.items():
        print(f"{names[key]:24} {r['frames_decoded']:>9} {r.get('frames_needed', ''):>8} {r['wall_s']:>8.1f} "
              f"{r['peak_rss_mb']:>12.0f} {r.get('workers_rss_mb', r['peak_rss_mb']):>15.0f}", flush=True)
    for key in ("a", "b"):
        if key in results and results[key].get("undecodable"):
            print(f"warning: {key} reported {results[key]['undecodable']} undecodable frames")
    ratios = [("c/a (a faster than c, target >= 20)", "c", "a"), ("c/b (b faster than c, target >= 3)", "c", "b"),
              ("b/d (b over the floor, target <= 1.5)", "b", "d"),
              ("p/a (a against the peer at the same parallelism)", "p", "a"),
              ("p/b (b against the peer at the same parallelism)", "p", "b")]
    for label, num, den in ratios:
        if num in results and den in results:
            print(f"{label}: {results[num]['wall_s'] / results[den]['wall_s']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
