"""Accuracy and speed of frame access candidates: OpenCV seeking, PyAV seeking by time, our indexed PyAV source.

For each clip, frame N of a sequential decode by the same library is the
truth. Each candidate is asked for random single frames (a fresh random order
per clip, the same for every candidate) and scores a hit when the picture it
returns equals the truth for N. Prints per-clip and total accuracy and the mean
time per access.

Run:  python benchmarks/seek_candidates.py [CLIP ...]     (default: every clip in ../shared/corpus/video)
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

from otio_tools.frames import PyAVFrameSource
from otio_tools.frames.colour import rgb_for_analysis

SIZE = (64, 36)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "video"


def _small(bgr_or_rgb: np.ndarray) -> np.ndarray:
    return cv2.resize(bgr_or_rgb, SIZE, interpolation=cv2.INTER_AREA)


def opencv_truth(path: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        frames.append(_small(image))
    capture.release()
    return frames


def opencv_seek(path: Path, numbers: list[int]) -> list[np.ndarray | None]:
    """``CAP_PROP_POS_FRAMES`` then ``read()``, as most tools do."""
    capture = cv2.VideoCapture(str(path))
    out = []
    for n in numbers:
        capture.set(cv2.CAP_PROP_POS_FRAMES, n)
        ok, image = capture.read()
        out.append(_small(image) if ok else None)
    capture.release()
    return out


def pyav_truth(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [_small(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def pyav_time_seek(path: Path, numbers: list[int]) -> list[np.ndarray | None]:
    """Seek to ``N / fps`` and take the first frame at or after that time: PyAV without a frame index."""
    out = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = stream.guessed_rate or stream.average_rate
        start = stream.start_time or 0
        for n in numbers:
            target = start + int(round(n / fps / stream.time_base))
            container.seek(target, stream=stream, backward=True)
            image = None
            for frame in container.decode(stream):
                if frame.pts is not None and frame.pts >= target - 1:
                    image = _small(frame.to_ndarray(format="rgb24"))
                    break
            out.append(image)
    return out


def indexed_truth(path: Path) -> list[np.ndarray]:
    """A sequential decode converted exactly as our source converts (matrix, range, aspect, rotation)."""
    frames = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for f in container.decode(stream):
            frames.append(_small(rgb_for_analysis(f, stream.sample_aspect_ratio, 96)))
    return frames


def indexed_seek(path: Path, numbers: list[int]) -> list[np.ndarray | None]:
    source = PyAVFrameSource(long_side=96)
    out = []
    for n in numbers:
        items = list(source.read(str(path), [n]))
        out.append(_small(np.asarray(items[0].image)) if hasattr(items[0], "image") else None)
    return out


CANDIDATES = {
    "opencv CAP_PROP_POS_FRAMES": (opencv_truth, opencv_seek),
    "pyav seek by time": (pyav_truth, pyav_time_seek),
    "pyav frame index (ours)": (indexed_truth, indexed_seek),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="*", type=Path)
    parser.add_argument("--accesses", type=int, default=12, help="random frames per clip (default 12)")
    args = parser.parse_args(argv)
    clips = args.clips or sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".mp4", ".mov", ".mkv", ".webm", ".avi"))
    totals = {name: [0, 0, 0.0] for name in CANDIDATES}
    print(f"{'clip':46} " + " ".join(f"{name[:26]:>27}" for name in CANDIDATES))
    for clip in clips:
        cells = []
        for name, (truth_of, seek) in CANDIDATES.items():
            truth = truth_of(clip)
            if not truth:
                cells.append("cannot open")
                continue
            numbers = random.Random(clip.name).sample(range(len(truth)), min(args.accesses, len(truth)))
            start = time.perf_counter()
            got = seek(clip, numbers)
            spent = time.perf_counter() - start
            hits = sum(g is not None and np.array_equal(g, truth[n]) for n, g in zip(numbers, got))
            totals[name][0] += hits
            totals[name][1] += len(numbers)
            totals[name][2] += spent
            cells.append(f"{hits}/{len(numbers)} {1000 * spent / len(numbers):.0f} ms")
        print(f"{clip.parent.name + '/' + clip.name:46.46} " + " ".join(f"{c:>27}" for c in cells))
    print(f"{'total: accuracy, mean time per access':46} " + " ".join(
        f"{100 * h / max(n, 1):>13.1f}% {1000 * t / max(n, 1):>9.0f} ms" for h, n, t in totals.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
