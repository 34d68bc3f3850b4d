"""False warnings per minute on clean real footage: each file reviewed as a one-shot timeline.

    python scripts/clean_footage_rate.py FILE [FILE...]

Every warning or error on footage with no defect is a false alarm; the last
line gives their rate per minute of footage.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import opentimelineio as otio

from otio_tools.frames import probe_media
from otio_tools.reviewing import review_timeline


def one_shot_timeline(path: Path, fps: float, frames: int) -> otio.schema.Timeline:
    """A timeline of one clip that plays all of *path*."""
    clip = otio.schema.Clip(
        name=path.stem,
        media_reference=otio.schema.ExternalReference(target_url=str(path.resolve())),
        source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(frames, fps)),
    )
    timeline = otio.schema.Timeline(name=path.stem)
    timeline.tracks.append(otio.schema.Track(kind=otio.schema.TrackKind.Video, children=[clip]))
    return timeline


def main(paths: list[str]) -> int:
    total_minutes, total_false = 0.0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in paths:
            path = Path(name)
            info = probe_media(path)
            fps = float(info.fps)
            timeline_path = Path(tmp) / f"{path.stem}.otio"
            otio.adapters.write_to_file(one_shot_timeline(path, fps, info.frame_count), str(timeline_path))
            result = review_timeline(timeline_path)
            alarms = [f for f in result.findings if f.severity.value != "info"]
            minutes = info.frame_count / fps / 60
            total_minutes += minutes
            total_false += len(alarms)
            print(f"{path.name}: {minutes * 60:.1f} s, {len(alarms)} warnings/errors"
                  + "".join(f"\n  {f.kind} {f.severity.value} at {f.start}: {f.message}" for f in alarms))
    print(f"clean footage: {total_false} false warnings in {total_minutes:.2f} min = "
          f"{total_false / max(total_minutes, 1e-9):.2f} per minute")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
