"""Exceptions raised by otio-tools.

Every error the library raises is an :class:`OtioToolsError`, itself an
OpenTimelineIO ``OTIOError``, so a pipeline can catch either family::

    OTIOError                      (opentimelineio.exceptions)
     └── OtioToolsError
          ├── TimelineReadError    the file is not a timeline we can read
          │    ├── UnknownFormatError   no reader for the suffix or the content
          │    └── RateRequiredError    an EDL with no rate to read it at
          ├── TimelineWriteError   writing failed, or the file did not read back the same
          ├── MediaError           media missing, unreadable or undecodable
          └── ConfigError          a setting or config file is out of bounds

Messages are one line: the file, the place in it (line, element, clip,
timecode) and what to do about it. ``cli.main`` turns them into exit code 2.
"""

from __future__ import annotations

from opentimelineio.exceptions import OTIOError

__all__ = [
    "OtioToolsError",
    "TimelineReadError",
    "UnknownFormatError",
    "RateRequiredError",
    "TimelineWriteError",
    "MediaError",
    "ConfigError",
]


class OtioToolsError(OTIOError):
    """Base class of every error otio-tools raises."""


class TimelineReadError(OtioToolsError):
    """A timeline file could not be read."""


class UnknownFormatError(TimelineReadError):
    """Neither the suffix nor the content names a format we read."""


class RateRequiredError(TimelineReadError):
    """The timeline carries no frame rate (an EDL) and none could be inferred."""


class TimelineWriteError(OtioToolsError):
    """A timeline could not be written, or it read back different."""


class MediaError(OtioToolsError):
    """Media is missing, unreadable or cannot be decoded."""


class ConfigError(OtioToolsError):
    """A setting, preset or config file is invalid."""
