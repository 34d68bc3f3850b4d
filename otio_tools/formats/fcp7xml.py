"""Final Cut Pro 7 XML (xmeml, as Premiere and Resolve write it), through the stock ``fcp_xml`` adapter.

:func:`write_to_file` mends seven things the stock writer loses although
xmeml carries them:

- ``<link>`` elements (which audio and video clip items belong together):
  the reader keeps them in ``metadata["fcp_xml"]["link"]``, the writer skips
  them; they are put back on the clip item with the same id.
- track names of a timeline that did not come from xmeml: the writer writes
  ``<name>`` only from the reader's metadata; it is put there.
- marker comments: the reader leaves ``<comment>`` in the marker's metadata
  and the writer writes only that; :func:`with_marker_comments` (on read)
  and :func:`write_to_file` keep it in ``Marker.comment`` as well.
- carriage returns in titles and effect names: written raw, XML parsers read
  them back as line feeds; they are written as ``&#13;``.
- markers of a nested sequence: written on its clip item and again inside
  it, they read back twice; they are kept on the clip item only.
- file timecodes at rates SMPTE has no timecode for (14, 29, 59 fps, as
  some exports state them): the writer cannot spell them and fails; they are
  spelled at the nearest whole rate, the exact frame number beside them.
- source ranges of clips whose media is one file used with different
  timecodes: the writer writes one ``<file>`` per path (with the first use's
  timecode) but computes each clip's ``<in>`` from its own; every use of a
  path is given the first use's available range before writing (or, where
  no use has one, which the writer cannot take, the span the uses cover).
"""

from __future__ import annotations

import contextlib
import copy
import types
from xml.etree import ElementTree

import opentimelineio as otio

from otio_tools.compare import nodes

__all__ = ["carried_facts", "write_to_file", "with_marker_comments", "METADATA_NAMESPACE"]

_NAMESPACE = METADATA_NAMESPACE = "fcp_xml"


def carried_facts(facts: dict) -> dict:
    """What an FCP7 XML round trip keeps: everything but element ids and defaults.

    ===================================  ==========================================
    not carried                          why
    ===================================  ==========================================
    ``metadata["fcp_xml"]["@id"]``       element ids are the file's own
                                         cross-references: the writer keeps a
                                         clip item's id, renumbers the sequence
                                         (``sequence-1``) and numbers items that
                                         had none
    ``@frameBlend`` ``"FALSE"``          FCP7's default, which the writer states
                                         on every clip item: absent and
                                         ``FALSE`` mean the same
    an empty ``<media>`` of a sequence   the writer adds ``<media><video><format/>``
                                         to a sequence that had none
    marker ``color``                     xmeml markers have no colour: every
                                         marker reads back ``RED``
    a marker's ``metadata["fcp_xml"]``   it mirrors ``Marker.comment``, which is
    ``["comment"]``                      compared instead
    ``metadata["fcp_xml"]`` on an        the reader's own bookkeeping, on objects that
    object that had none                 had no ``fcp_xml`` metadata when written (see
                                         ``compare.format_differences``)
    ===================================  ==========================================
    """
    out = copy.deepcopy(facts)
    for node in nodes(out):
        if node["type"] == "Marker":
            node.pop("color", None)
        meta = node.get("metadata", {}).get(_NAMESPACE)
        if not isinstance(meta, dict):
            continue
        meta.pop("@id", None)
        if node["type"] == "Marker":
            meta.pop("comment", None)
        if meta.get("@frameBlend") == "FALSE":
            del meta["@frameBlend"]
        if node["type"] == "Timeline" and meta.get("media") in (None, {"video": {"format": None}}):
            meta.pop("media", None)
    return out


# Stands in for a carriage return while the writer, which normalises line
# endings in text, runs; a private-use character no NLE writes.
_CR = "\ue00d"


def write_to_file(document, path: str, adapter_name: str = "fcp_xml") -> None:
    """Write *document* as FCP7 XML at *path*, links, line breaks and file timecodes kept."""
    prepared = copy.deepcopy(document)
    _share_file_ranges(prepared)
    _comments_to_elements(prepared)
    _names_to_track_elements(prepared)
    _mark_carriage_returns(prepared)
    module = otio.adapters.from_name(adapter_name).module()
    with _timecodes_at_any_rate(module):
        text = module.write_to_string(prepared)
    text = _mended(text, _links_by_id(prepared), module)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(_CR, "&#13;"))


@contextlib.contextmanager
def _timecodes_at_any_rate(module):
    """Let the writer spell a timecode at a rate SMPTE has none for (14, 29, 59 fps files exist).

    It spells every ``<timecode>``'s ``<string>`` with OTIO's SMPTE-only
    ``to_timecode`` and fails on such a rate; the reader takes the exact
    ``<frame>`` number, so the string is spelled at the nearest whole rate.
    The writer module's own name for ``opentime`` is swapped while it runs.
    """
    real = module.opentime

    def to_timecode(time, rate=None, drop_frame=None):
        try:
            return real.to_timecode(time, rate, drop_frame)
        except ValueError:
            fps = max(1, round(rate or time.rate))
            frames = int(round(time.value_rescaled_to(rate) if rate else time.value))
            sign, frames = ("-" if frames < 0 else ""), abs(frames)
            return (f"{sign}{frames // (3600 * fps):02d}:{frames // (60 * fps) % 60:02d}:"
                    f"{frames // fps % 60:02d}:{frames % fps:02d}")

    proxy = types.SimpleNamespace(**{name: getattr(real, name) for name in dir(real) if not name.startswith("__")})
    proxy.to_timecode = to_timecode
    module.opentime = proxy
    try:
        yield
    finally:
        module.opentime = real


def _mark_carriage_returns(document) -> None:
    for item in [document, *document.find_children()]:
        item.name = item.name.replace("\r", _CR)
        _mark_in_metadata(item.metadata)
        for child in [*getattr(item, "effects", []), *getattr(item, "markers", [])]:
            child.name = child.name.replace("\r", _CR)
            _mark_in_metadata(child.metadata)


def _mark_in_metadata(metadata) -> None:
    items = metadata.items() if hasattr(metadata, "items") else enumerate(metadata)
    for key, value in list(items):
        if isinstance(value, str) and "\r" in value:
            metadata[key] = value.replace("\r", _CR)
        elif isinstance(value, (dict, list, otio._otio.AnyDictionary, otio._otio.AnyVector)):
            _mark_in_metadata(value)


def with_marker_comments(document):
    """*document* with each marker's ``comment`` taken from its ``<comment>`` element.

    The stock reader keeps the element only in ``metadata["fcp_xml"]``; the
    marker's own comment is what the tools read and write. Edits in place and
    returns *document*.
    """
    for marker in _markers(document):
        meta = marker.metadata.get(_NAMESPACE, {})
        if "comment" in meta and not marker.comment:
            marker.comment = meta["comment"] or ""
    return document


def _markers(document):
    for item in [document, *document.find_children()]:
        tracks = getattr(item, "tracks", None)
        if tracks is not None:
            yield from tracks.markers
        yield from getattr(item, "markers", [])


def _comments_to_elements(document) -> None:
    for marker in _markers(document):
        if marker.comment:
            marker.metadata.setdefault(_NAMESPACE, {})["comment"] = marker.comment


def _names_to_track_elements(document) -> None:
    # The writer writes a track's <name> only from the metadata the reader keeps.
    for track in document.find_children():
        if isinstance(track, otio.schema.Track) and track.name:
            meta = track.metadata.setdefault(_NAMESPACE, {})
            if "name" not in meta:
                meta["name"] = track.name


def _share_file_ranges(document) -> None:
    """Give every use of a media path one available range: the first use's, or all uses' span."""
    clips_by_url: dict[str, list] = {}
    for clip in document.find_clips():
        if isinstance(clip.media_reference, otio.schema.ExternalReference):
            clips_by_url.setdefault(clip.media_reference.target_url, []).append(clip)
    for clips in clips_by_url.values():
        available = next(
            (c.media_reference.available_range for c in clips if c.media_reference.available_range), None
        )
        if available is None:
            # FCP7 needs a file duration; without one, the span the clips use stands in.
            ranges = [c.source_range for c in clips if c.source_range is not None]
            if not ranges:
                continue
            available = ranges[0]
            for extra in ranges[1:]:
                available = available.extended_by(extra)
        for clip in clips:
            if clip.media_reference.available_range != available:
                clip.media_reference.available_range = available


def _links_by_id(document) -> dict[str, object]:
    links = {}
    for item in document.find_children():
        meta = item.metadata.get(_NAMESPACE, {})
        if "link" in meta and "@id" in meta:
            links[meta["@id"]] = meta["link"]
    return links


def _mended(text: str, links: dict[str, object], module) -> str:
    """The writer's *text* with links put back and nested sequences' markers written once.

    The writer writes a nested sequence's markers on its clip item and again
    on the sequence inside it; the reader gathers both, doubling them.
    """
    root = ElementTree.fromstring(text.encode("utf-8"))
    changed = False
    for item in root.iter("clipitem"):
        value = links.get(item.get("id"))
        if value is not None and item.find("link") is None:
            for link in value if isinstance(value, (list, otio._otio.AnyVector)) else [value]:
                item.append(module._dict_to_xml_tree(link, "link"))
            changed = True
        sequence = item.find("sequence")
        if sequence is not None and item.find("marker") is not None:
            for marker in sequence.findall("marker"):
                sequence.remove(marker)
                changed = True
    return module._make_pretty_string(root) if changed else text
