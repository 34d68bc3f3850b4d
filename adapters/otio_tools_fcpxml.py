"""FCPXML as Final Cut Pro writes it, bundles included: ``otio_tools.formats.fcpxml``."""

from otio_tools.formats.fcpxml import read_from_file, read_from_string, write_to_file, write_to_string

__all__ = ["read_from_file", "read_from_string", "write_to_file", "write_to_string"]
