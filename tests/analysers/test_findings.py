"""Finding: validation, severity order, JSON form."""

import json
import math

import pytest

from otio_tools.findings import KINDS, Finding, Severity, worst_severity


def make(**over):
    fields = dict(kind="jump_cut", severity=Severity.WARNING, start=10, duration=1, track=0, clip="a",
                  score=3.0, threshold=2.0, message="m", suggestion=None)
    fields.update(over)
    return Finding(**fields)


def test_severities_order_info_warning_error():
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert worst_severity([Severity.WARNING, Severity.ERROR, Severity.INFO]) is Severity.ERROR
    assert worst_severity([]) is None


def test_severity_given_as_text_becomes_the_enum():
    assert make(severity="error").severity is Severity.ERROR


@pytest.mark.parametrize(
    "over, words",
    [
        pytest.param({"kind": "glitch"}, "unknown finding kind", id="unknown-kind"),
        pytest.param({"duration": 0}, "duration", id="zero-duration"),
        pytest.param({"start": -1}, "start", id="negative-start"),
    ],
)
def test_invalid_findings_are_refused(over, words):
    with pytest.raises(ValueError, match=words):
        make(**over)


def test_to_json_is_plain_json_with_every_field():
    f = make(score=float("nan"), suggestion={"action": "x", "delta": (1.23456, 2)})
    data = json.loads(json.dumps(f.to_json()))
    assert set(data) == {"kind", "severity", "start", "duration", "track", "clip", "score", "threshold", "message", "suggestion"}
    assert data["severity"] == "warning" and data["score"] is None
    assert data["suggestion"] == {"action": "x", "delta": [1.2346, 2]}


def test_levels_follow_the_kind():
    assert make(kind="morph").level == "shot" and make(kind="black_frames").level == "cut"
    assert len(set(KINDS)) == 11 and make(start=5, duration=3).end == 8


def test_findings_are_frozen():
    with pytest.raises(Exception):
        make().start = 3  # type: ignore[misc]
    assert not math.isnan(make().score)
