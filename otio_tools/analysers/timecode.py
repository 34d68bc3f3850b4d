"""Record timecode of a frame number, for readable messages."""

from __future__ import annotations

__all__ = ["timecode"]


def timecode(frame: int, rate: float) -> str:
    """``HH:MM:SS:FF`` of record ``frame`` counted from 00:00:00:00 at ``rate`` (non-drop, rounded nominal rate)."""
    fps = max(1, round(rate))
    frame = max(0, int(frame))
    ff = frame % fps
    seconds = frame // fps
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{ff:02d}"
