"""Advanced Authoring Format (Avid Media Composer, Premiere), through the stock ``AAF`` adapter.

The stock writer (otio-aaf-adapter 2.0) writes a composition of video and
audio tracks of clips, gaps and dissolves. What it does not write (markers,
speed effects, muted clips, data tracks, nested compositions, collections of
several timelines) makes the written file differ from the timeline, and a
verified write (``write_timeline``) refuses it naming the first difference;
those are not projected away here, because an AAF without them is not the
same edit.
"""

from __future__ import annotations

import copy

import opentimelineio as otio

from otio_tools.compare import nodes

__all__ = ["carried_facts", "write_to_file"]


def carried_facts(facts: dict) -> dict:
    """What an AAF round trip is judged on: the edit, not AAF's own bookkeeping.

    ============================  ================================================
    not compared                  why
    ============================  ================================================
    ``metadata["AAF"]``           the file's object model (mob ids, slot ids,
                                  creation times, data definitions), which the
                                  writer builds afresh
    track ``name`` and track      Avid slots carry no name the reader uses: it
    ``source_range``              names a track after the AAF class it found
                                  (``TimelineMobSlot``, ``Sequence``), and the
                                  pan operation below wraps a track in a range
    an unnamed ``Effect`` or      the writer wraps audio in an ``Audio Pan``
    ``Audio Pan`` on audio        operation, which reads back as an effect
    gap ``name``                  ``Filler`` or ``ScopeReference``: the AAF class
    timeline ``global_start``     the writer states a start (0) where the file
    when absent                   had none
    a track of gaps only, with    it holds no edit, and the writer writes no slot
    no markers                    for it
    ============================  ================================================
    """
    out = copy.deepcopy(facts)
    if out.get("global_start") is None:
        out["global_start"] = 0
    out["tracks"] = [track for track in out["tracks"] if not _is_empty(track)]
    for node in nodes(out):
        node.get("metadata", {}).pop("AAF", None)
        if node["type"] == "Track":
            node.pop("name", None)
            node.pop("source_range", None)
            node.pop("record", None)
            if node.get("kind") == "Audio":
                for item in [node, *node["children"]]:
                    if "effects" in item:
                        item["effects"] = [e for e in item["effects"] if not _is_pan(e)]
        elif node["type"] == "Gap":
            node.pop("name", None)
    return out


def _is_empty(track: dict) -> bool:
    return not track["markers"] and all(
        child["type"] == "Gap" and not child["markers"] for child in track["children"]
    )


def write_to_file(document, path: str, adapter_name: str = "AAF") -> None:
    """Write *document* as AAF at *path* with the stock writer, which takes one timeline only."""
    if not isinstance(document, otio.schema.Timeline):
        names = [item.name for item in document if isinstance(item, otio.schema.Timeline)]
        raise ValueError(
            f"the AAF writer writes a single timeline, and this document holds {len(names)} "
            f"({', '.join(repr(n) for n in names)}); write the one you need, or write .otio"
        )
    otio.adapters.write_to_file(document, path, adapter_name=adapter_name)


def _is_pan(effect: dict) -> bool:
    return effect["type"] == "Effect" and not effect["effect_name"] and effect["name"] in ("", "Audio Pan")
