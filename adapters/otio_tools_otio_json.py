"""OTIO JSON from newer OTIO releases, stepped down to 0.18: ``otio_tools.formats.otio_json``."""

from otio_tools.formats.otio_json import read_from_string, write_to_string

__all__ = ["read_from_string", "write_to_string"]
