"""Progress of long reviews on a terminal: per media file and overall, with an ETA."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

__all__ = ["TerminalProgress"]


class TerminalProgress:
    """A progress callback for ``review``: one self-rewriting line on a TTY, nothing otherwise.

    The ETA extrapolates the frames still to read at the rate seen so far.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.width = 0

    def __call__(self, state: dict) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        done, total = state["frames_done"], max(state["frames"], 1)
        eta = elapsed / done * (total - done) if done else 0.0
        name = os.path.basename(state["file"])
        line = (f"reviewing: file {state['files_done']}/{state['files']} ({name[:30]}), "
                f"frames {done}/{total} ({100 * done // total}%), ETA {eta:.0f} s")
        self.stream.write("\r" + line.ljust(self.width))
        self.width = len(line)
        if state["files_done"] == state["files"]:
            self.stream.write("\n")
        self.stream.flush()
