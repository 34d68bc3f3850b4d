"""Output files: names beside the input that never overwrite, and atomic writes."""

from __future__ import annotations

import contextlib
import os
import tempfile

__all__ = ["path_beside", "atomic_write_text"]


def path_beside(input_path: str | os.PathLike, suffix: str, companions: tuple[str, ...] = ()) -> str:
    """``NAME.otio-tools<suffix>`` beside *input_path*, numbered (``-2``, ``-3``...) when taken.

    A name is taken when the file exists, or any file that will be written
    beside it: the same stem with one of the *companions* suffixes.
    """
    input_path = os.fspath(input_path).rstrip("/")
    stem = os.path.splitext(os.path.basename(input_path))[0]
    directory = os.path.dirname(os.path.abspath(input_path))
    n = 1
    while True:
        base = os.path.join(directory, f"{stem}.otio-tools" + (f"-{n}" if n > 1 else ""))
        if not any(os.path.exists(base + s) for s in (suffix, *companions)):
            return base + suffix
        n += 1


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
