"""Timeline formats: what each is called, how to recognise it, which adapter reads it.

A *format* here is a short name (``edl``, ``fcp7xml``...) that the CLI's
``--to`` accepts. Each maps to the OTIO adapter that writes it and to the
adapter that reads it: for EDL, FCPXML and OTIO JSON the reader is this
project's plugin (``otio_tools_*``), which repairs what real NLE exports do
that the stock adapters do not expect, then hands over to the stock adapter.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Format", "FORMATS", "format_named", "format_for_suffix"]


@dataclass(frozen=True)
class Format:
    """One timeline format and the adapters behind it.

    *module* is the ``otio_tools.formats`` module that knows the format; its
    ``carried_facts(facts) -> facts`` says what a round trip can keep.
    """

    name: str
    description: str
    suffixes: tuple[str, ...]
    read_adapter: str
    write_adapter: str | None
    module: str
    needs_rate: bool = False


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("otio", "OpenTimelineIO JSON", (".otio",), "otio_tools_otio_json", "otio_json",
               "otio_tools.formats.otio_json"),
        Format("otioz", "OpenTimelineIO zip bundle", (".otioz",), "otioz", "otioz",
               "otio_tools.formats.otio_bundle"),
        Format("otiod", "OpenTimelineIO directory bundle", (".otiod",), "otiod", "otiod",
               "otio_tools.formats.otio_bundle"),
        Format("fcp7xml", "Final Cut Pro 7 XML (xmeml; Premiere, Resolve)", (".xml",),
               "fcp_xml", "fcp_xml", "otio_tools.formats.fcp7xml"),
        Format("fcpxml", "Final Cut Pro X XML", (".fcpxml", ".fcpxmld"),
               "otio_tools_fcpxml", "fcpx_xml", "otio_tools.formats.fcpxml"),
        Format("edl", "CMX3600 EDL (Avid, Premiere, Resolve, Nucoda)", (".edl", ".txt"),
               "otio_tools_cmx_3600", "cmx_3600", "otio_tools.formats.edl", needs_rate=True),
        Format("aaf", "Advanced Authoring Format (Avid, Premiere)", (".aaf",), "AAF", "AAF",
               "otio_tools.formats.aaf"),
        Format("ale", "Avid Log Exchange (clip list)", (".ale",), "ale", "ale",
               "otio_tools.formats.ale"),
        Format("kdenlive", "Kdenlive project", (".kdenlive",), "kdenlive", "kdenlive",
               "otio_tools.formats.kdenlive"),
        Format("xges", "GStreamer Editing Services / Pitivi project", (".xges",), "xges", "xges",
               "otio_tools.formats.xges"),
    )
}


def format_named(name: str) -> Format:
    """The format called *name*; raises ``UnknownFormatError`` listing the valid names."""
    from otio_tools.errors import UnknownFormatError

    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise UnknownFormatError(
            f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}"
        ) from None


def format_for_suffix(suffix: str) -> Format | None:
    """The format a file suffix usually means, or None (``.xml`` and ``.txt`` are checked by content)."""
    suffix = suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt
    return None
