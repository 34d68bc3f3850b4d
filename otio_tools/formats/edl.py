"""Read CMX3600 EDLs as Avid, Premiere, Resolve and Nucoda really write them.

The stock ``cmx_3600`` adapter parses clean lists. Real exports differ; this
module normalises the text (encoding, line endings) and then hands it to the
stock adapter.
"""

from __future__ import annotations

import opentimelineio as otio

__all__ = ["decoded_edl_text", "read_edl_text"]


def decoded_edl_text(data: bytes) -> tuple[str, list[str]]:
    """The EDL's text with ``\\n`` line endings, and notes on what was normalised.

    EDLs carry no declared encoding: UTF-8 first, then GBK (Premiere on Chinese
    systems), then Latin-1, which never fails.
    """
    notes: list[str] = []
    for encoding in ("utf-8-sig", "gbk", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if encoding not in ("utf-8-sig",):
        notes.append(f"decoded as {encoding}")
    if "\r" in text:
        if "\n" not in text:
            notes.append("CR-only line endings")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, notes


def read_edl_text(text: str, rate: float) -> tuple[otio.schema.Timeline, list[str]]:
    """Parse EDL *text* at *rate* frames per second; returns the timeline and repair notes."""
    adapter = otio.adapters.from_name("cmx_3600").module()
    return adapter.read_from_string(text, rate=rate), []


def read_from_string(input_str: str, rate: float = 24) -> otio.schema.Timeline:
    """OTIO adapter entry point: parse EDL text at *rate*, with every repair applied."""
    text, _ = decoded_edl_text(input_str.encode("utf-8"))
    return read_edl_text(text, rate)[0]


def write_to_string(input_otio, rate: float | None = None, style: str = "avid") -> str:
    """OTIO adapter entry point: the stock CMX3600 writer."""
    adapter = otio.adapters.from_name("cmx_3600").module()
    return adapter.write_to_string(input_otio, rate=rate, style=style)
