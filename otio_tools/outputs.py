"""Output files: names beside the input that never overwrite, and atomic writes."""

from __future__ import annotations

import contextlib
import os
import tempfile

__all__ = ["path_beside", "atomic_write_text"]


def path_beside(input_path: str | os.PathLike, suffix: str) -> str:
    """``NAME.otio-tools<suffix>`` beside *input_path*, numbered (``-2``, ``-3``...) when taken."""
    input_path = os.fspath(input_path).rstrip("/")
    stem = os.path.splitext(os.path.basename(input_path))[0]
    directory = os.path.dirname(os.path.abspath(input_path))
    candidate = os.path.join(directory, f"{stem}.otio-tools{suffix}")
    n = 2
    while os.path.exists(candidate):
        candidate = os.path.join(directory, f"{stem}.otio-tools-{n}{suffix}")
        n += 1
    return candidate


def atomic_write_text(path: str | os.PathLike, text: str) -> str:
    """Write *text* to a temporary file beside *path*, then rename it into place."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path
