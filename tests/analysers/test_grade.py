"""Grade continuity: colour_mismatch, exposure_jump and subject_colour_shift at same-scene cuts only."""

import pytest

from otio_tools.analysers import GradeSettings, cut_contexts
from otio_tools.analysers.grade import GradeAnalyser, cut_colour, relative_threshold
from otio_tools.findings import Severity
from tests.analysers.synth import graded, pan, scene, timeline, with_subject

STREET = scene("street", 1)
FIELD = scene("field", 2)


NEUTRAL = scene("street", 4, grey=True)
YELLOW_BOX = with_subject(NEUTRAL, (230, 190, 20))
GREEN_BOX = with_subject(NEUTRAL, (40, 200, 60))


def kinds_at(shots, frame):
    cuts = cut_contexts(shots)
    result = GradeAnalyser().analyse(cuts)
    return sorted(f.kind for f in result.findings if f.start == frame and f.severity >= Severity.WARNING), result


def story(incoming, canvas=STREET):
    """A continuity cut at frame 24 from ``canvas`` into ``incoming``, then a clean cut to a wider framing at 48."""
    return timeline(("a", pan(canvas, 24)), ("b", incoming), ("c", pan(canvas, 24, start=100, zoom=0.8)))


@pytest.mark.parametrize(
    "canvas, incoming, expected",
    [
        pytest.param(STREET, pan(STREET, 24, start=60), [], id="clean-continuity"),
        pytest.param(STREET, graded(pan(STREET, 24, start=60), (1.2, 1.0, 0.75)), ["colour_mismatch"], id="warmer-grade"),
        pytest.param(STREET, graded(pan(STREET, 24, start=60), (0.8, 1.0, 1.25)), ["colour_mismatch"], id="cooler-grade"),
        pytest.param(STREET, graded(pan(STREET, 24, start=60), (1.45, 1.45, 1.45)), ["exposure_jump"], id="brighter"),
        pytest.param(STREET, graded(pan(STREET, 24, start=60), (0.6, 0.6, 0.6)), ["exposure_jump"], id="darker"),
        pytest.param(STREET, graded(pan(FIELD, 24), (1.2, 1.0, 0.75)), [], id="scene-change-with-new-grade"),
        pytest.param(YELLOW_BOX, pan(GREEN_BOX, 24, start=60), ["subject_colour_shift"], id="subject-recoloured"),
        pytest.param(YELLOW_BOX, pan(YELLOW_BOX, 24, start=40, zoom=1.3), [], id="subject-reframed"),
        pytest.param(YELLOW_BOX, graded(pan(YELLOW_BOX, 24, start=60), (0.8, 1.0, 1.3)), ["colour_mismatch"], id="subject-and-background-regraded"),
    ],
)
def test_grade_findings_at_the_cut(canvas, incoming, expected):
    kinds, _ = kinds_at(story(incoming, canvas), 24)
    assert kinds == expected


def test_scores_are_exported_for_every_cut():
    shots = timeline(("a", pan(STREET, 24)), ("b", pan(STREET, 24, start=60)),
                     ("c", graded(pan(STREET, 24, start=120), (1.2, 1.0, 0.75))))
    _, result = kinds_at(shots, 48)
    rows = [r for r in result.scores if r["analyser"] == "grade"]
    assert [r["frame"] for r in rows] == [24, 48]
    assert rows[0]["grade"] < rows[0]["grade_threshold"]
    assert rows[1]["grade"] > rows[1]["grade_threshold"] > 0


def test_finding_message_names_the_numbers_and_suggests_the_correction():
    _, result = kinds_at(story(graded(pan(STREET, 24, start=60), (1.45, 1.45, 1.45))), 24)
    f = next(f for f in result.findings if f.kind == "exposure_jump")
    assert "L*" in f.message and "00:00:01:00" in f.message and "brighter" in f.message
    assert f.suggestion["delta_l"] < 0 and f.duration == 24 and f.clip == "b"


def test_subject_shift_points_at_the_subject():
    _, result = kinds_at(story(pan(GREEN_BOX, 24, start=0), YELLOW_BOX), 24)
    f = next(f for f in result.findings if f.kind == "subject_colour_shift")
    x0, y0, x1, y1 = f.suggestion["region"]
    # the box spans the middle of the canvas: about x 27-73 %, y 24-76 % of the frame
    assert 0.15 < x0 < 0.4 and 0.6 < x1 < 0.85 and 0.1 < y0 < 0.4 and 0.6 < y1 < 0.9
    assert "x " in f.message and "%" in f.message


def test_cut_colour_measures():
    a = pan(STREET, 3)
    m = cut_colour(a, graded(a, (1.3, 1.3, 1.3)))
    assert m.exposure > 5 and m.grade < 3
    m = cut_colour(a, graded(a, (1.2, 1.0, 0.75)))
    assert m.grade > 4 and m.neutral > 2.5
    with pytest.raises(ValueError):
        cut_colour(a[0], a)


@pytest.mark.parametrize(
    "others, expected",
    [
        pytest.param([], 4.0, id="no-neighbours-floor"),
        pytest.param([1.0, 1.2, 0.8], 4.0, id="quiet-neighbours-floor"),
        pytest.param([5.0, 6.0, 7.0, 6.0], 6.0 + 3 * 1.4826 * 0.5, id="busy-neighbours-raise-it"),
        pytest.param([5.0, float("nan"), 7.0], 4.0, id="nan-dropped-too-few"),
    ],
)
def test_relative_threshold(others, expected):
    assert relative_threshold(4.0, others, 3.0, 3) == pytest.approx(expected)


def test_settings_bounds():
    from otio_tools.errors import ConfigError

    with pytest.raises(ConfigError, match="grade_floor"):
        GradeSettings(grade_floor=0.0)
