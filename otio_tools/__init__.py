"""otio-tools: QC for timelines cut from AI-generated shots.

Read the timeline an NLE exported, relink its media, map its cuts, and write
it back in the format it came in. The public API is re-exported here; the
modules behind it are private in all but name.
"""

__version__ = "0.1.0"

from otio_tools.errors import (
    ConfigError,
    MediaError,
    OtioToolsError,
    RateRequiredError,
    TimelineReadError,
    TimelineWriteError,
    UnknownFormatError,
)
from otio_tools.api import metrics_csv, review
from otio_tools.reviewing import ReviewResult, review_timeline
from otio_tools.timeline_io import TimelineFile, read_timeline, write_timeline

__all__ = [
    "__version__",
    "ConfigError",
    "MediaError",
    "OtioToolsError",
    "RateRequiredError",
    "ReviewResult",
    "TimelineFile",
    "TimelineReadError",
    "TimelineWriteError",
    "UnknownFormatError",
    "metrics_csv",
    "read_timeline",
    "review",
    "review_timeline",
    "write_timeline",
]
