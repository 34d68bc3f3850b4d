"""GStreamer Editing Services projects (``.xges``, Pitivi), through the stock ``xges`` adapter."""

from __future__ import annotations

import copy
import re

from otio_tools.compare import nodes

__all__ = ["carried_facts", "METADATA_NAMESPACE"]

METADATA_NAMESPACE = "XGES"

_RENAMED = re.compile(r"_\d+$")


def carried_facts(facts: dict) -> dict:
    """What an xges round trip keeps: everything but names GES does not have or keep.

    =============================  ===============================================
    not carried                    why
    =============================  ===============================================
    timeline ``name``              a GES project has none: the reader leaves it
                                   empty, and what is written reads back as the
                                   stack's name (``tracks``)
    track ``name``                 GES layers have no name
    a ``_N`` suffix on clip        GES clip names are unique in a project; the
    names                          writer renames a repeated name ``NAME_1``...
    the ``name`` field of a        it mirrors the clip's or nested timeline's
    ``metadata["XGES"]`` structure name, which the writer sets (see above)
    which item holds a marker,     the adapter keeps markers on the timeline
    a marker's length, comment     only, each a point with a colour and a name:
    and metadata                   a clip's marker is compared as a timeline
                                   marker at its record frame, a marker with a
                                   length as two points, at its start and end
    ``metadata["XGES"]`` on an     the reader's own bookkeeping, on objects that
    object that had none           had no ``XGES`` metadata when written (see
                                   ``compare.format_differences``)
    =============================  ===============================================
    """
    out = copy.deepcopy(facts)
    out.pop("name", None)
    points = [point for marker in out["markers"] for point in _points(marker, 0)]
    for node in nodes(out):
        if node["type"] not in ("Timeline", "Marker") and node.get("markers"):
            record, source = node.get("record"), node.get("source_range")
            offset = record[0] - (source[0] if source else 0) if record else 0
            points.extend(point for marker in node["markers"] for point in _points(marker, offset))
            node["markers"] = []
        if node["type"] == "Track":
            node.pop("name", None)
        if node["type"] == "Clip":
            node["name"] = _RENAMED.sub("", node["name"])
        _drop_structure_names(node.get("metadata", {}).get("XGES"))
    out["markers"] = sorted(points, key=lambda point: (point["at"], point["name"], str(point["color"])))
    return out


def _points(marker: dict, offset: int) -> list[dict]:
    """*marker* as the timeline points xges keeps: its start, and its end when it has a length."""
    start, length = marker["range"] if marker["range"] else (0, 0)
    at = [start + offset] + ([start + offset + length] if length else [])
    return [{"type": "Marker", "name": marker["name"], "color": marker["color"], "at": frame} for frame in at]


def _drop_structure_names(value) -> None:
    if isinstance(value, dict):
        if value.get("OTIO_SCHEMA", "").startswith("GstStructure"):
            value.get("fields", {}).pop("name", None)
        for child in value.values():
            _drop_structure_names(child)
    elif isinstance(value, list):
        for child in value:
            _drop_structure_names(child)
