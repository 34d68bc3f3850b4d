"""On-disk cache of per-frame data, shared safely by several processes, bounded in size.

Entries are numpy arrays keyed by media identity (resolved path, size, mtime),
frame number, a ``kind`` and a ``variant``. :class:`CachedFrameSource` stores
analysis frames under kind ``"rgb"`` with the source's ``cache_key`` (analysis
size and decoder) as variant, so a second review of an unchanged timeline
decodes nothing; analysers can store their own per-frame results under their
own kind. A changed file has a new identity, so stale entries are never read;
they age out.

The store is one SQLite database in WAL mode: readers and writers in several
processes do not corrupt it and wait for each other briefly. When it grows
past ``max_bytes`` the least recently used entries are deleted.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from otio_tools.errors import MediaError
from otio_tools.frames.source import Frame, FrameSource, Undecodable, ascending_frames

__all__ = ["FrameCache", "CachedFrameSource", "media_identity", "DEFAULT_CACHE_BYTES"]

DEFAULT_CACHE_BYTES = 2 * 1024**3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    media TEXT NOT NULL, frame INTEGER NOT NULL, kind TEXT NOT NULL, variant TEXT NOT NULL,
    dtype TEXT NOT NULL, shape TEXT NOT NULL, data BLOB NOT NULL, size INTEGER NOT NULL,
    used REAL NOT NULL,
    PRIMARY KEY (media, kind, variant, frame)
);
CREATE INDEX IF NOT EXISTS entries_used ON entries (used);
"""


def media_identity(path: str | Path) -> str:
    """A key that changes when the file does: hash of resolved path, size and modification time (ns)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise MediaError(f"{path}: cannot be read ({exc.strerror}); relink the clip or check the path") from exc
    text = f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


class FrameCache:
    """Per-frame arrays on disk in ``folder/frames.sqlite``; see the module docstring."""

    def __init__(self, folder: str | Path, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        if max_bytes <= 0:
            raise MediaError(f"frame cache size {max_bytes} bytes is invalid; use a positive size")
        self.folder = Path(folder).expanduser()
        self.max_bytes = max_bytes
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.folder / "frames.sqlite", timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise MediaError(f"{self.folder}: frame cache cannot be opened ({exc}); choose a writable cache folder") from exc

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def frames_present(self, media_key: str, kind: str, variant: str) -> set[int]:
        """Frame numbers stored for this media identity, kind and variant."""
        rows = self._db.execute(
            "SELECT frame FROM entries WHERE media=? AND kind=? AND variant=?", (media_key, kind, variant)
        )
        return {r[0] for r in rows}

    def get(self, media_key: str, frame: int, kind: str, variant: str) -> np.ndarray | None:
        """The stored array, read-only, or None."""
        row = self._db.execute(
            "SELECT dtype, shape, data FROM entries WHERE media=? AND kind=? AND variant=? AND frame=?",
            (media_key, kind, variant, frame),
        ).fetchone()
        if row is None:
            return None
        self._db.execute(
            "UPDATE entries SET used=? WHERE media=? AND kind=? AND variant=? AND frame=?",
            (time.time(), media_key, kind, variant, frame),
        )
        shape = tuple(int(s) for s in row[1].split(",") if s)
        return np.frombuffer(row[2], dtype=np.dtype(row[0])).reshape(shape)

    def put_many(self, media_key: str, kind: str, variant: str, items: Sequence[tuple[int, np.ndarray]]) -> None:
        """Store ``(frame, array)`` pairs in one transaction, then evict if over the size bound."""
        if not items:
            return
        now = time.time()
        rows = []
        for frame, array in items:
            array = np.ascontiguousarray(array)
            rows.append((media_key, int(frame), kind, variant, array.dtype.str, ",".join(map(str, array.shape)),
                         array.tobytes(), array.nbytes, now))
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?,?,?,?,?,?,?,?,?)", rows)
        self._evict()

    def total_bytes(self) -> int:
        """Bytes of array data stored."""
        return int(self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0])

    def _transaction(self):
        db = self._db

        class _Tx:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind, value, tb):
                db.execute("COMMIT" if kind is None else "ROLLBACK")

        return _Tx()

    def _evict(self) -> None:
        total = self.total_bytes()
        if total <= self.max_bytes:
            return
        excess = total - int(self.max_bytes * 0.9)
        with self._transaction():
            rows = self._db.execute("SELECT rowid, size FROM entries ORDER BY used").fetchall()
            sizes = np.cumsum([r[1] for r in rows])
            count = int(np.searchsorted(sizes, excess)) + 1
            self._db.executemany("DELETE FROM entries WHERE rowid=?", [(r[0],) for r in rows[:count]])


class CachedFrameSource(FrameSource):
    """Wraps a source: frames in the cache are served from it, the rest are decoded by ``inner`` and stored."""

    name = "cached"

    def __init__(self, inner: FrameSource, cache: FrameCache, batch: int = 64) -> None:
        super().__init__(inner.long_side)
        self.inner = inner
        self.cache = cache
        self.batch = batch
        self.frames_from_cache = 0

    @property
    def cache_key(self) -> str:
        return self.inner.cache_key

    def read(self, media: str, frames: Sequence[int]) -> Iterator[Frame | Undecodable]:
        media = str(media)
        wanted = ascending_frames(frames, media)
        try:
            key = media_identity(media)
        except MediaError as exc:
            if wanted:
                yield Undecodable(media, tuple(wanted), str(exc))
            return
        variant = self.inner.cache_key
        present = self.cache.frames_present(key, "rgb", variant)
        missing = [f for f in wanted if f not in present]
        decoded = self._decode_and_store(media, key, variant, missing)
        pending = next(decoded, None)
        evicted = []
        for number in wanted:
            if number in present:
                image = self.cache.get(key, number, "rgb", variant)
                if image is not None:
                    self.frames_from_cache += 1
                    yield Frame(media, number, image)
                else:
                    evicted.append(number)  # deleted by another process since frames_present
                continue
            while pending is not None and _first_frame(pending) <= number:
                yield pending
                pending = next(decoded, None)
        while pending is not None:
            yield pending
            pending = next(decoded, None)
        if evicted:
            yield from self._decode_and_store(media, key, variant, evicted)

    def _decode_and_store(self, media: str, key: str, variant: str, frames: list[int]):
        batch: list[tuple[int, np.ndarray]] = []
        for item in self.inner.read(media, frames):
            if isinstance(item, Frame):
                batch.append((item.number, item.image))
                if len(batch) >= self.batch:
                    self.cache.put_many(key, "rgb", variant, batch)
                    batch = []
            yield item
        self.cache.put_many(key, "rgb", variant, batch)


def _first_frame(item: Frame | Undecodable) -> int:
    return item.number if isinstance(item, Frame) else min(item.frames, default=-1)
