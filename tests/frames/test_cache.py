"""FrameCache and CachedFrameSource: a second read decodes nothing; bounded; several processes at once."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from otio_tools.errors import MediaError
from otio_tools.frames import CachedFrameSource, FrameCache, InMemoryFrameSource, PyAVFrameSource, media_identity
from tests.frames.numbered import number_in


def test_second_read_of_the_same_frames_decodes_nothing(numbered_media, tmp_path):
    path, _ = numbered_media("h264-bframes-longgop")
    inner = PyAVFrameSource(long_side=96)
    source = CachedFrameSource(inner, FrameCache(tmp_path / "cache"))
    first = [(i.number, i.image.copy()) for i in source.read(str(path), [3, 70, 71, 140])]
    decoded = inner.stats.frames_decoded
    assert decoded > 0
    again = CachedFrameSource(PyAVFrameSource(long_side=96), FrameCache(tmp_path / "cache"))
    second = [(i.number, i.image) for i in again.read(str(path), [3, 70, 71, 140])]
    assert again.inner.stats.frames_decoded == 0 and again.frames_from_cache == 4
    assert [n for n, _ in second] == [3, 70, 71, 140]
    for (n, a), (_, b) in zip(first, second):
        np.testing.assert_array_equal(a, b)
        assert number_in(b) == n


def test_partly_cached_reads_merge_in_order(tmp_path):
    clip = np.zeros((20, 8, 8, 3), np.uint8)
    clip[..., 2] = np.arange(20)[:, None, None]
    inner = InMemoryFrameSource({"m": clip})
    (tmp_path / "m").write_bytes(b"x")  # media identity needs a file
    media = str(tmp_path / "m")
    inner._clips[media] = clip
    source = CachedFrameSource(inner, FrameCache(tmp_path / "c"))
    list(source.read(media, [2, 5]))
    items = list(source.read(media, [1, 2, 3, 5, 8]))
    assert [i.number for i in items] == [1, 2, 3, 5, 8]
    assert [int(i.image[0, 0, 2]) for i in items] == [1, 2, 3, 5, 8]
    assert inner.frames_decoded == 5 and source.frames_from_cache == 2


def test_changed_file_has_a_new_identity(tmp_path):
    media = tmp_path / "clip.mov"
    media.write_bytes(b"one")
    before = media_identity(media)
    media.write_bytes(b"two!")
    assert media_identity(media) != before
    with pytest.raises(MediaError, match="cannot be read"):
        media_identity(tmp_path / "missing.mov")


def test_cache_stays_under_its_bound_dropping_least_recently_used(tmp_path):
    cache = FrameCache(tmp_path, max_bytes=10_000)
    block = np.ones((10, 10, 10), np.uint8)  # 1000 bytes
    for frame in range(8):
        cache.put_many("m", "rgb", "v", [(frame, block * frame)])
    assert cache.get("m", 0, "rgb", "v") is not None  # touch frame 0: now the most recently used
    cache.put_many("m", "rgb", "v", [(f, block) for f in range(8, 14)])
    assert cache.total_bytes() <= 10_000
    assert cache.get("m", 0, "rgb", "v") is not None and cache.get("m", 1, "rgb", "v") is None


def _writer(folder, worker):
    cache = FrameCache(folder, max_bytes=50_000_000)
    for frame in range(40):
        cache.put_many(f"media{worker % 2}", "rgb", "v", [(frame, np.full((32, 32, 3), frame, np.uint8))])
        other = cache.get(f"media{(worker + 1) % 2}", frame // 2, "rgb", "v")
        if other is not None and int(other[0, 0, 0]) != frame // 2:
            raise SystemExit(3)  # a torn or mixed-up entry
    cache.close()


def test_several_processes_share_one_cache(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(tmp_path, w)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    cache = FrameCache(tmp_path)
    for media in ("media0", "media1"):
        assert cache.frames_present(media, "rgb", "v") == set(range(40))
        assert int(cache.get(media, 39, "rgb", "v")[0, 0, 0]) == 39


def test_unwritable_cache_folder_raises_media_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(MediaError, match="cache"):
        FrameCache(blocker / "sub")


@pytest.mark.parametrize("long_side", [256, 320])
def test_cache_keeps_analysis_sizes_apart(tmp_path, long_side):
    media = tmp_path / "m.mov"
    media.write_bytes(b"x")
    clip = np.zeros((3, 90, 160, 3), np.uint8)
    cache = FrameCache(tmp_path / "c")
    for size in (256, 320):
        list(CachedFrameSource(InMemoryFrameSource({str(media): clip}, long_side=size), cache).read(str(media), [1]))
    source = CachedFrameSource(InMemoryFrameSource({str(media): clip}, long_side=long_side), cache)
    (item,) = source.read(str(media), [1])
    assert max(item.image.shape[:2]) == long_side and source.frames_from_cache == 1
