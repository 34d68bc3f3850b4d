"""format_mismatch against the timeline format or the clips' most common one."""

import pytest

from otio_tools.analysers import MediaInfo
from otio_tools.analysers.format import format_differences, format_findings, reference_format
from otio_tools.findings import Severity
from tests.analysers.synth import pan, scene, shot

HD = MediaInfo(1920, 1080, 1.0, 24.0, "bt709", 8)
FRAMES = pan(scene("street", 1), 3)


def shots_with(odd: MediaInfo, rate: float = 24.0):
    medias = [HD, HD, odd, HD]
    return [shot(f"c{i}", i * 3, FRAMES, rate=rate, media=m) for i, m in enumerate(medias)]


@pytest.mark.parametrize(
    "odd, properties, severity",
    [
        pytest.param(MediaInfo(1280, 720, 1.0, 24.0, "bt709", 8), ["resolution"], Severity.WARNING, id="smaller-same-aspect"),
        pytest.param(MediaInfo(1440, 1080, 1.0, 24.0, "bt709", 8), ["aspect", "resolution"], Severity.ERROR, id="four-by-three"),
        pytest.param(MediaInfo(1440, 1080, 4 / 3, 24.0, "bt709", 8), ["resolution", "pixel_aspect"], Severity.WARNING, id="anamorphic-same-display-aspect"),
        pytest.param(MediaInfo(1920, 1080, 1.0, 25.0, "bt709", 8), ["frame_rate"], Severity.ERROR, id="other-rate"),
        pytest.param(MediaInfo(1920, 1080, 1.0, 24000 / 1001, "bt709", 8), ["frame_rate"], Severity.ERROR, id="ntsc-rate"),
        pytest.param(MediaInfo(1920, 1080, 1.0, 24.0, "bt601", 8), ["matrix"], Severity.WARNING, id="other-matrix"),
        pytest.param(MediaInfo(1920, 1080, 1.0, 24.0, "bt709", 10), ["bit_depth"], Severity.WARNING, id="ten-bit"),
        pytest.param(MediaInfo(1920, 1080, 1.0, 24.0, None, None), [], None, id="unknown-matrix-is-no-difference"),
    ],
)
def test_odd_clip(odd, properties, severity):
    result = format_findings(shots_with(odd))
    if severity is None:
        assert result.findings == ()
        return
    (f,) = result.findings
    assert (f.kind, f.start, f.clip, f.severity) == ("format_mismatch", 6, "c2", severity)
    assert f.suggestion["properties"] == properties


def test_timeline_format_wins_over_the_majority():
    sd = MediaInfo(720, 576, 1.0, 24.0)
    result = format_findings(shots_with(HD), reference=sd)
    assert len(result.findings) == 4


def test_reference_and_differences():
    assert reference_format(shots_with(MediaInfo(1280, 720, 1.0, 24.0))) == HD
    assert reference_format([shot("x", 0, FRAMES)]) is None
    assert format_differences(HD, HD, 24.0) == []
