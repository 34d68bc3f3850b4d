"""CMX3600 EDLs as Avid, Premiere, Resolve and Nucoda write them: ``otio_tools.formats.edl``."""

from otio_tools.formats.edl import read_from_string, write_to_file, write_to_string

__all__ = ["read_from_string", "write_to_file", "write_to_string"]
