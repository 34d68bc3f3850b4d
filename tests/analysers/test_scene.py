"""Same-scene estimate: a grade or a new framing keeps the scene, another place does not."""

import numpy as np
import pytest

from otio_tools.analysers.scene import (
    SceneSettings,
    orientation_histogram,
    scene_match,
    scene_number,
    structure_similarity,
)
from otio_tools.errors import ConfigError
from tests.analysers.synth import graded, pan, scene

STREET = scene("street", 1)
OUT = pan(STREET, 6)


@pytest.mark.parametrize(
    "incoming, same",
    [
        pytest.param(pan(STREET, 6, start=40), True, id="same-take-later"),
        pytest.param(pan(STREET, 6, start=30, zoom=1.4), True, id="same-take-closer"),
        pytest.param(graded(pan(STREET, 6, start=40), (1.15, 1.0, 0.8)), True, id="same-take-warmer-grade"),
        pytest.param(graded(pan(STREET, 6, start=40), (0.6, 0.6, 0.6)), True, id="same-take-darker"),
        pytest.param(pan(scene("field", 2), 6), False, id="another-place"),
        pytest.param(graded(pan(scene("field", 2), 6), (1.2, 1.2, 1.2)), False, id="another-place-brighter"),
    ],
)
def test_scene_match(incoming, same):
    match = scene_match(OUT, incoming)
    assert match.same_scene is same, match


def test_same_framing_gives_an_identity_transform():
    match = scene_match(OUT, pan(STREET, 6, start=12))
    assert match.inliers >= 20
    assert abs(match.scale - 1) < 0.05 and match.shift < 0.05


def test_closer_framing_gives_its_zoom():
    match = scene_match(OUT, pan(STREET, 6, start=0, zoom=1.5))
    assert match.scale == pytest.approx(1.5, rel=0.1)


@pytest.mark.parametrize(
    "name, number",
    [
        pytest.param("sc012_sh030_v2", 12, id="sc"),
        pytest.param("Scene 3 take 2", 3, id="scene-word"),
        pytest.param("S02_SH010", 2, id="s-sh"),
        pytest.param("gen_0007", None, id="no-scene"),
    ],
)
def test_scene_number(name, number):
    assert scene_number(name) == number


def test_scene_numbers_in_names_tip_a_close_call():
    incoming = pan(STREET, 6, start=30, zoom=1.4)
    plain = scene_match(OUT, incoming)
    agree = scene_match(OUT, incoming, "sc01_sh010", "sc01_sh020")
    differ = scene_match(OUT, incoming, "sc01_sh010", "sc02_sh010")
    assert agree.score > plain.score > differ.score
    assert agree.name_hint == 1 and differ.name_hint == -1


def test_structure_similarity_is_grade_invariant():
    a = OUT[0, ..., 1].astype(np.float32)
    assert structure_similarity(a, a * 0.5 + 40) > 0.95
    assert structure_similarity(a, pan(scene("field", 2), 1)[0, ..., 1]) < 0.4


def test_orientation_histogram_sums_to_one_and_sees_direction():
    vertical = np.tile((np.arange(64) % 8 < 4).astype(np.float32) * 255, (64, 1))
    h = orientation_histogram(vertical)
    assert h.sum() == pytest.approx(1.0)
    assert np.argmax(h) == 0  # gradients of vertical stripes point along x


def test_out_of_bounds_setting_is_a_config_error():
    with pytest.raises(ConfigError, match="structure_unit"):
        SceneSettings(structure_unit=0.0)


def test_empty_frames_are_refused():
    with pytest.raises(ValueError):
        scene_match(OUT[:0], OUT)
