"""Relinking: find each clip's media file on this machine.

The rules, tried in order (the first that finds exactly one file wins):

1. ``path``: the clip's ``target_url`` is a file that exists (``file://`` URLs,
   ``file://localhost/C:/...`` and ``/Volumes/...`` paths included).
2. ``relative``: the URL is relative and exists beside the timeline file.
3. ``media root``: under a ``--media`` root, the longest run of the URL's
   trailing path components (``Volumes/Show/reel1/A001.mov`` matches
   ``ROOT/reel1/A001.mov`` before ``ROOT/A001.mov``).
4. ``file name``: a file of the same name anywhere under a root.
5. ``clip name`` / ``reel name``: a file whose stem is the clip's name (EDL,
   AAF, ALE clips name their media this way) or its reel.
6. ``start timecode``: when a name matches several files, the one whose
   embedded start timecode and length contain the clip's source range.

Missing media is not an error: the link says ``missing`` and later stages
skip the clip and say so. Several equally good files make it ``ambiguous``,
with the candidates listed.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import opentimelineio as otio

__all__ = ["MediaLink", "Relinker", "media_links", "local_path_from_url", "edl_rate_from_media", "MEDIA_SUFFIXES"]

MEDIA_SUFFIXES = frozenset(
    ".mov .mp4 .m4v .mxf .avi .mkv .webm .mpg .mpeg .mts .m2ts .ts .wmv .flv .3gp .ogv .y4m .dv .r3d .braw".split()
)


@dataclass(frozen=True)
class MediaLink:
    """Where one clip's media was found.

    ``status`` is ``linked``, ``missing`` or ``ambiguous``; ``rule`` names the
    rule that linked it; ``candidates`` lists the files an ambiguous link
    could not choose between.
    """

    clip: str
    url: str | None
    status: str
    rule: str | None = None
    path: str | None = None
    candidates: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The link as plain data for reports."""
        return {
            "clip": self.clip,
            "url": self.url,
            "status": self.status,
            "rule": self.rule,
            "path": self.path,
            "candidates": list(self.candidates),
        }


_WINDOWS_DRIVE = re.compile(r"^/?([A-Za-z]):[/\\]")


def local_path_from_url(url: str | None) -> str | None:
    """A filesystem path from a media URL as NLEs write it, or None for non-file URLs.

    ``file:///a/b``, ``file://localhost/C:/x``, ``file:/Volumes/x`` and bare
    paths are accepted; percent-escapes are decoded; Windows paths keep their
    drive letter and use ``/``.
    """
    if not url:
        return None
    url = url.strip()
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme and parsed.scheme.lower() not in ("file",) and not _WINDOWS_DRIVE.match(url):
        return None
    path = urllib.parse.unquote(parsed.path if parsed.scheme.lower() == "file" else url)
    if parsed.scheme.lower() == "file" and parsed.netloc and parsed.netloc.lower() != "localhost":
        path = f"//{parsed.netloc}{path}"  # a UNC share: //server/share/...
    path = path.replace("\\", "/")
    drive = _WINDOWS_DRIVE.match(path)
    if drive:
        path = f"{drive.group(1)}:/{path[drive.end():]}"
    return path


def _components(path: str) -> list[str]:
    return [p for p in re.split(r"[/\\]+", path) if p and not re.fullmatch(r"[A-Za-z]:", p)]


class Relinker:
    """Links clips to media files under a timeline's folder and the given roots.

    The roots are indexed once (file names and stems, case-insensitively);
    probing timecodes is done only to break ties.
    """

    def __init__(self, timeline_path: str | None = None, media_roots=()):
        self.base = os.path.dirname(os.path.abspath(timeline_path)) if timeline_path else None
        self.roots = [os.path.abspath(r) for r in media_roots]
        self._by_name: dict[str, list[str]] | None = None
        self._by_stem: dict[str, list[str]] | None = None

    def _index(self) -> None:
        if self._by_name is not None:
            return
        self._by_name, self._by_stem = {}, {}
        seen = set()
        for root in self.roots:
            for folder, dirs, files in os.walk(root, followlinks=True):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    path = os.path.join(folder, name)
                    stem, suffix = os.path.splitext(name)
                    if suffix.lower() not in MEDIA_SUFFIXES or path in seen:
                        continue
                    seen.add(path)
                    self._by_name.setdefault(name.lower(), []).append(path)
                    self._by_stem.setdefault(stem.lower(), []).append(path)

    def link(self, clip_name: str, url: str | None, reel: str | None = None,
             source_range: otio.opentime.TimeRange | None = None) -> MediaLink:
        """Find the media of one clip (see the module docstring for the rules)."""
        path = local_path_from_url(url)
        if path:
            if os.path.isabs(path) and os.path.isfile(path):
                return MediaLink(clip_name, url, "linked", "path", path)
            if not os.path.isabs(path) and not _WINDOWS_DRIVE.match(path) and self.base:
                candidate = os.path.normpath(os.path.join(self.base, path))
                if os.path.isfile(candidate):
                    return MediaLink(clip_name, url, "linked", "relative", candidate)
            found = self._by_trailing_components(path)
            if found:
                return MediaLink(clip_name, url, "linked", "media root", found)
        self._index()
        candidates: list[tuple[str, list[str]]] = []
        if path:
            candidates.append(("file name", self._by_name.get(os.path.basename(path).lower(), [])))
        for rule, name in (("clip name", clip_name), ("reel name", reel)):
            if name:
                key = name.strip().lower()
                hits = self._by_name.get(key, []) or self._by_stem.get(key, []) \
                    or self._by_stem.get(os.path.splitext(key)[0], [])
                candidates.append((rule, hits))
        ambiguous: list[str] = []
        for rule, hits in candidates:
            if len(hits) == 1:
                return MediaLink(clip_name, url, "linked", rule, hits[0])
            if len(hits) > 1 and not ambiguous:
                ambiguous = hits
        if ambiguous:
            chosen = self._by_timecode(ambiguous, source_range)
            if chosen:
                return MediaLink(clip_name, url, "linked", "start timecode", chosen)
            return MediaLink(clip_name, url, "ambiguous", None, None, tuple(ambiguous))
        return MediaLink(clip_name, url, "missing")

    def _by_trailing_components(self, path: str) -> str | None:
        parts = _components(path)
        for count in range(len(parts), 0, -1):
            for root in self.roots:
                candidate = os.path.join(root, *parts[-count:])
                if os.path.isfile(candidate):
                    return candidate
        return None

    @staticmethod
    def _by_timecode(paths: list[str], source_range) -> str | None:
        if source_range is None:
            return None
        start = source_range.start_time
        end = source_range.end_time_exclusive()
        fits = []
        for path in paths:
            extent = media_extent(path)
            if extent is None:
                continue
            if extent.start_time <= start and end <= extent.end_time_exclusive():
                fits.append(path)
        return fits[0] if len(fits) == 1 else None


@lru_cache(maxsize=4096)
def media_extent(path: str) -> otio.opentime.TimeRange | None:
    """The media's extent in its own time: embedded start timecode and length, at its frame rate."""
    try:
        import av

        with av.open(path) as container:
            stream = container.streams.video[0]
            rate = float(stream.average_rate or stream.guessed_rate or 0)
            if rate <= 0:
                return None
            tc = stream.metadata.get("timecode") or container.metadata.get("timecode")
            start = otio.opentime.from_timecode(tc.replace(";", ":") if tc else "00:00:00:00", rate) \
                if tc else otio.opentime.RationalTime(0, rate)
            frames = stream.frames or int(round(float(container.duration or 0) / 1e6 * rate))
            return otio.opentime.TimeRange(start, otio.opentime.RationalTime(frames, rate))
    except Exception:  # unreadable media cannot win a tie; it is reported when decoded
        return None


def media_links(timeline: otio.schema.Timeline, timeline_path: str | None = None, media_roots=()) -> list[MediaLink]:
    """A link for every clip of *timeline*, in timeline order (audio clips included)."""
    relinker = Relinker(timeline_path, media_roots)
    links = []
    for clip in timeline.find_clips():
        links.append(relinker.link(clip.name, _clip_url(clip), _clip_reel(clip), clip.source_range))
    return links


def _clip_url(clip: otio.schema.Clip) -> str | None:
    ref = clip.media_reference
    if isinstance(ref, otio.schema.ExternalReference):
        return ref.target_url
    return None


def _clip_reel(clip: otio.schema.Clip) -> str | None:
    from otio_tools.cuts import _reel

    return _reel(clip)


_EDL_NAME = re.compile(r"^\*\s*(?:FROM CLIP NAME|SOURCE FILE|FROM FILE)\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def edl_rate_from_media(text: str, edl_path: str, media_roots=()) -> float | None:
    """The frame rate most of the media an EDL names shares (more than half), or None."""
    names = {m.group(1) for m in _EDL_NAME.finditer(text)}
    if not names:
        return None
    relinker = Relinker(edl_path, media_roots)
    rates = Counter()
    for name in sorted(names):
        link = relinker.link(name, name if os.path.splitext(name)[1] else None)
        if link.status == "linked":
            extent = media_extent(link.path)
            if extent is not None:
                rates[round(extent.duration.rate, 3)] += 1
    if not rates:
        return None
    # A clip of another rate is a format mismatch to report, not a reason to
    # refuse: the rate most of the media shares is the timeline's.
    rate, count = rates.most_common(1)[0]
    if count * 2 <= sum(rates.values()):
        return None
    for exact in (24000 / 1001, 30000 / 1001, 60000 / 1001):
        if abs(rate - exact) < 0.01:
            return exact
    return float(rate)
