"""jump_cut: same framing, a few frames missing."""

import pytest

from otio_tools.analysers import cut_contexts
from otio_tools.analysers.jump_cut import JumpCutAnalyser, picture_change
from tests.analysers.synth import pan, scene, timeline

STREET = scene("street", 1)


@pytest.mark.parametrize(
    "incoming, found",
    [
        pytest.param(pan(STREET, 24, start=24 * 2 + 16), True, id="eight-frames-skipped"),
        pytest.param(pan(STREET, 24, start=24 * 2), False, id="continuous-through-edit"),
        pytest.param(pan(STREET, 24, start=64, zoom=1.5), False, id="closer-framing"),
        pytest.param(pan(scene("field", 2), 24), False, id="another-scene"),
    ],
)
def test_jump_cut(incoming, found):
    shots = timeline(("a", pan(STREET, 24)), ("b", incoming))
    result = JumpCutAnalyser().analyse(cut_contexts(shots))
    assert [f.start for f in result.findings] == ([24] if found else [])
    assert len(result.scores) == 1


def test_picture_change_shape():
    frames = pan(STREET, 5)
    assert picture_change(frames).shape == (4,)
    with pytest.raises(ValueError):
        picture_change(frames[0])
