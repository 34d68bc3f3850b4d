"""Read OTIO JSON written by newer OpenTimelineIO releases.

OTIO after 0.18 writes ``Marker.3`` (a ``Color`` object instead of a colour
name); 0.18 refuses it as "unsupported schema version". Resolve and Premiere builds that export OTIO
track OTIO main, so we step those objects down to the schema 0.18 knows. The
marker's exact RGBA is kept in its metadata under ``otio_tools`` so nothing
the file carried is dropped.
"""

from __future__ import annotations

import json
import re
from typing import Any

import opentimelineio as otio

__all__ = ["read_from_string", "write_to_string", "downgraded_to_supported_schemas", "carried_facts"]

# Marker colour names OTIO 0.18 knows, with the RGB each stands for.
_NAMED_COLOURS = {
    "PINK": (1.0, 0.75, 0.8), "RED": (1.0, 0.0, 0.0), "ORANGE": (1.0, 0.5, 0.0),
    "YELLOW": (1.0, 1.0, 0.0), "GREEN": (0.0, 1.0, 0.0), "CYAN": (0.0, 1.0, 1.0),
    "BLUE": (0.0, 0.0, 1.0), "PURPLE": (0.5, 0.0, 0.5), "MAGENTA": (1.0, 0.0, 1.0),
    "BLACK": (0.0, 0.0, 0.0), "WHITE": (1.0, 1.0, 1.0),
}


# Deeper than any timeline nests, far below what overflows OTIO's parser.
MAX_NESTING = 1000
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def read_from_string(input_str: str) -> otio.core.SerializableObject:
    """Deserialize OTIO JSON, stepping newer schema versions down where needed.

    JSON nested deeper than :data:`MAX_NESTING` is refused first: OTIO's
    parser recurses on the C stack and takes the whole process down.
    """
    depth = _nesting(input_str)
    if depth > MAX_NESTING:
        raise ValueError(f"JSON nested {depth} levels deep, more than the {MAX_NESTING} a timeline can need")
    try:
        return otio.adapters.read_from_string(input_str, adapter_name="otio_json")
    except otio.exceptions.UnsupportedSchemaError:
        data = json.loads(input_str)
        return otio.adapters.read_from_string(
            json.dumps(downgraded_to_supported_schemas(data)), adapter_name="otio_json"
        )


def _nesting(text: str) -> int:
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def downgraded_to_supported_schemas(node: Any) -> Any:
    """A copy of parsed OTIO JSON with ``Marker.3`` stepped down for OTIO 0.18."""
    if isinstance(node, list):
        return [downgraded_to_supported_schemas(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: downgraded_to_supported_schemas(value) for key, value in node.items()}
    schema = node.get("OTIO_SCHEMA")
    if schema == "Marker.3":
        node = _marker_3_to_2(node)
    return node


def _marker_3_to_2(node: dict) -> dict:
    node["OTIO_SCHEMA"] = "Marker.2"
    colour = node.get("color")
    if isinstance(colour, dict):
        rgba = [float(colour.get(c, 0.0)) for c in ("r", "g", "b", "a")]
        node["color"] = _nearest_named_colour(colour.get("name"), rgba[:3])
        metadata = node.setdefault("metadata", {})
        metadata.setdefault("otio_tools", {})["marker_color_rgba"] = rgba
    return node


def _nearest_named_colour(name: str | None, rgb: list[float]) -> str:
    if name and name.upper() in _NAMED_COLOURS:
        return name.upper()
    return min(
        _NAMED_COLOURS,
        key=lambda n: sum((a - b) ** 2 for a, b in zip(_NAMED_COLOURS[n], rgb)),
    )


def write_to_string(input_otio, indent: int = 4) -> str:
    """OTIO adapter entry point: plain OTIO JSON at the schema versions of the installed OTIO."""
    return otio.adapters.write_to_string(input_otio, adapter_name="otio_json", indent=indent)


def carried_facts(facts: dict) -> dict:
    """What an ``.otio`` round trip keeps: everything.

    OTIO JSON is the data model itself, so no fact is projected out; a file
    read with a newer schema (``Marker.3``) is written at the 0.18 schema with
    its exact colour kept in the marker's metadata, which reads back the same.
    """
    return facts
