"""Kdenlive projects (``.kdenlive``, MLT XML), through the stock ``kdenlive`` adapter."""

from __future__ import annotations

import copy
from xml.etree import ElementTree

import opentimelineio as otio

from otio_tools.compare import nodes

__all__ = ["carried_facts", "write_to_file"]

# What the writer names a clip whose media it cannot write.
_PLACEHOLDER = "Placeholder: Unsupported clip type"


def carried_facts(facts: dict) -> dict:
    """What a Kdenlive round trip keeps: cuts, gaps and markers, not mixes.

    =============================  ===============================================
    not carried                    why
    =============================  ===============================================
    transitions (Kdenlive "mixes") the adapter reads same-track mixes as
                                   transitions and does not write them
    which timeline clip holds a    Kdenlive keeps clip markers on the bin clip
    clip marker                    (the media); the reader copies them to every
                                   use, :func:`write_to_file` writes them once
                                   per media. A round trip is judged on the
                                   markers of each media (``media_markers``)
    a marker's comment, duration   a Kdenlive marker is a position, a text (the
    and metadata                   marker's name) and one of nine colours
    the name of a clip with        the writer writes a placeholder named
    unsupported media              ``Placeholder: Unsupported clip type``
    timeline ``name``              a project has none: every timeline reads back
                                   as ``Kdenlive imported timeline``
    ``file://`` in media URLs      MLT names media by path: a ``file://`` URL
                                   reads back as its path, the same file
    =============================  ===============================================
    """
    out = copy.deepcopy(facts)
    out.pop("name", None)
    media_markers: dict[str, list] = {}
    for node in nodes(out):
        children = node.get("children")
        if children is not None:
            node["children"] = [child for child in children if child["type"] != "Transition"]
        if node["type"] == "Timeline":
            node["markers"] = [_kdenlive_marker(m) for m in node["markers"]]
        if node["type"] == "Clip":
            if node.get("media_url"):
                node["media_url"] = _as_path(node["media_url"])
            markers = [_kdenlive_marker(m) for m in node.pop("markers", [])]
            if markers:
                known = media_markers.setdefault(str(node.get("media_url")), [])
                known.extend(m for m in markers if m not in known)
            if node["name"] == _PLACEHOLDER:
                node["name"] = ""
    out["media_markers"] = media_markers
    return out


def _as_path(url: str) -> str:
    return otio.url_utils.filepath_from_url(url) if url.startswith("file:") else url


def _kdenlive_marker(marker: dict) -> dict:
    return {"type": "Marker", "name": marker["name"], "color": marker["color"], "start": marker["range"][0]}


def write_to_file(document, path: str, adapter_name: str = "kdenlive") -> None:
    """Write *document* as a Kdenlive project at *path*, clip markers included.

    The stock writer writes timeline markers but drops clip markers; they are
    added to the bin clip of each media, where Kdenlive keeps them.
    """
    module = otio.adapters.from_name(adapter_name).module()
    text = module.write_to_string(document)
    markers_by_resource: dict[str, list] = {}
    for clip in document.find_clips():
        ref = clip.media_reference
        if clip.markers and isinstance(ref, otio.schema.ExternalReference):
            resource = module._decode_media_reference_url(ref.target_url)
            markers_by_resource.setdefault(resource, list(clip.markers))
    if markers_by_resource:
        text = _with_bin_markers(text, markers_by_resource, module)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _with_bin_markers(text: str, markers_by_resource: dict[str, list], module) -> str:
    root = ElementTree.fromstring(text)
    producers = list(root.iter("producer"))
    ids_by_resource: dict[str, set[str]] = {}
    for producer in producers:
        resource = module.read_property(producer, "resource")
        if resource in markers_by_resource:
            ids_by_resource.setdefault(resource, set()).add(module.read_property(producer, "kdenlive:id"))
    for resource, ids in ids_by_resource.items():
        value = module.write_markers(markers_by_resource[resource])
        for producer in producers:
            if module.read_property(producer, "kdenlive:id") in ids and producer.find(
                "property[@name='kdenlive:markers']"
            ) is None:
                ElementTree.SubElement(producer, "property", {"name": "kdenlive:markers"}).text = value
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True)
