"""Recognise a timeline format from a file's content.

Suffixes lie: ``.xml`` is FCP7 xmeml or FCPXML, Premiere saves EDLs as
``.txt``, and users rename files. The content decides; the suffix only
breaks ties.
"""

from __future__ import annotations

import os
import re
import zipfile

from otio_tools.errors import TimelineReadError, UnknownFormatError
from otio_tools.formats import FORMATS, Format, format_for_suffix

__all__ = ["detect_format"]

_SNIFF_BYTES = 64 * 1024
_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z_][\w.-]*)")
_EDL_EVENT = re.compile(rb"^\s*\d{1,6}\s+\S+\s+\S+\s+[CDWK]", re.MULTILINE)
_EDL_TITLE = re.compile(rb"^\s*(TITLE|FCM)\s*:", re.MULTILINE | re.IGNORECASE)
_XML_ROOTS = {b"xmeml": "fcp7xml", b"fcpxml": "fcpxml", b"mlt": "kdenlive", b"ges": "xges"}


def detect_format(path: str) -> Format:
    """The format of the timeline at *path*, judged by its content.

    Raises ``TimelineReadError`` when the file cannot be opened or is empty, and
    ``UnknownFormatError`` when nothing in it looks like a timeline we read.
    """
    if os.path.isdir(path):
        if path.rstrip("/").lower().endswith(".fcpxmld") or os.path.exists(
            os.path.join(path, "Info.fcpxml")
        ):
            return FORMATS["fcpxml"]
        if os.path.exists(os.path.join(path, "content.otio")):
            return FORMATS["otiod"]
        raise UnknownFormatError(
            f"{path}: a folder that is neither an .fcpxmld nor an .otiod bundle; "
            "pass the timeline file inside it"
        )
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise TimelineReadError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise TimelineReadError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc
    if not head.strip():
        raise TimelineReadError(f"{path}: the file is empty; export the timeline again")

    found = _format_from_content(path, head)
    if found is not None:
        return FORMATS[found]
    by_suffix = format_for_suffix(os.path.splitext(path)[1])
    hint = f" although its suffix says {by_suffix.name}" if by_suffix else ""
    raise UnknownFormatError(
        f"{path}: not a timeline format otio-tools reads{hint}; the content is neither "
        f"{', '.join(FORMATS)}. Export it from the NLE as OTIO, FCP7 XML, FCPXML, EDL or AAF"
    )


def _format_from_content(path: str, head: bytes) -> str | None:
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "aaf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                if "content.otio" in zf.namelist():
                    return "otioz"
        except zipfile.BadZipFile:
            return None
        return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "otio" if b"OTIO_SCHEMA" in head else None
    if text.startswith(b"<"):
        match = _XML_ROOT.search(text)
        if match is None or match.group(1) in _XML_ROOTS:
            return _XML_ROOTS.get(match.group(1)) if match else None
        line = head[: len(head) - len(text) + match.start()].count(b"\n") + 1
        root = match.group(1).decode("ascii", "replace")
        raise UnknownFormatError(
            f"{path}: an XML document whose root element is <{root}> (line {line}) holds no "
            "timeline: FCP7 XML starts with <xmeml>, FCPXML with <fcpxml>, Kdenlive with <mlt>, "
            "xges with <ges>; export the sequence itself from the NLE"
        )
    if head.lstrip().lower().startswith(b"heading") and b"column" in head.lower():
        return "ale"
    lines = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if _EDL_TITLE.search(lines) or _EDL_EVENT.search(lines):
        return "edl"
    return None
