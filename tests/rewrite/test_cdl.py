"""ASC CDLs: the transform, fits on frames built here, checks by measuring again, and where each format keeps them."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import numpy as np
import pytest

from otio_tools.analysers.grade import GradeSettings, cut_colour
from otio_tools.findings import Finding, Severity
from otio_tools.rewrite import review_markers, write_timeline_with_findings
from otio_tools.rewrite.cdl import (
    CDL,
    CdlFit,
    cdl_applied,
    cdl_fit_for,
    colour_correction_collection,
    colour_decision_list,
    fitted_cdl,
)
from otio_tools.cuts import timeline_cuts
from otio_tools.timeline_io import read_timeline
from tests.conftest import shared_path

NS = "{urn:ASC:CDL:v1.01}"


def _scene(seed: int = 1, n: int = 3) -> np.ndarray:
    """Frames of a coloured scene: smooth gradients and blocks of saturated and neutral colour."""
    rng = np.random.default_rng(seed)
    h, w = 72, 128
    y, x = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    base = np.stack([0.2 + 0.6 * x, 0.3 + 0.4 * y, 0.5 - 0.3 * x * y], axis=-1)
    for _ in range(6):
        r, c = rng.integers(0, h - 20), rng.integers(0, w - 30)
        base[r:r + 20, c:c + 30] = rng.uniform(0.05, 0.95, 3)
    frames = [np.clip(base + rng.normal(0, 0.01, base.shape), 0, 1) for _ in range(n)]
    return (np.stack(frames) * 255).round().astype(np.uint8)


@pytest.mark.parametrize(
    "cdl, value, expected",
    [
        (CDL(), (0.3, 0.5, 0.7), (0.3, 0.5, 0.7)),
        (CDL(slope=(2, 2, 2), offset=(-0.1, -0.1, -0.1), power=(2, 2, 2)), (0.3, 0.3, 0.3), (0.25, 0.25, 0.25)),
        (CDL(offset=(-0.5, 0, 0.6)), (0.3, 0.5, 0.7), (0.0, 0.5, 1.0)),  # clamped before power
        (CDL(saturation=0.0), (1.0, 0.0, 0.0), (0.2126, 0.2126, 0.2126)),  # Rec.709 luma
    ],
    ids=["identity", "slope offset power", "clamped", "saturation zero is luma"],
)
def test_the_cdl_transform_follows_the_asc_formula(cdl, value, expected):
    got = cdl_applied(cdl, np.array([[value]], dtype=np.float32))
    assert np.allclose(got[0, 0], expected, atol=1e-4)


@pytest.mark.parametrize(
    "graded_by",
    [CDL(offset=(0.06, -0.02, -0.08)), CDL(slope=(1.15, 1.0, 0.85)), CDL(slope=(1.1, 0.95, 0.9), power=(1.1, 1.0, 0.9))],
    ids=["warm lift", "gain tint", "gain and gamma tint"],
)
def test_a_fitted_cdl_brings_a_regraded_shot_back_to_its_reference(graded_by):
    reference = _scene()
    incoming = (cdl_applied(graded_by, reference) * 255).round().astype(np.uint8)
    before = cut_colour(reference, incoming).grade
    fit = fitted_cdl(incoming, reference)
    after = cut_colour(reference, cdl_applied(fit, incoming)).grade
    assert before > 4.0 > after


def test_an_exposure_fit_changes_brightness_only():
    reference = _scene()
    incoming = (np.clip(reference.astype(np.float32) * 1.4, 0, 255)).astype(np.uint8)
    fit = fitted_cdl(incoming, reference, luma_only=True)
    assert len(set(fit.slope)) == len(set(fit.offset)) == len(set(fit.power)) == 1 and fit.saturation == 1
    assert abs(cut_colour(reference, cdl_applied(fit, incoming)).exposure) < 1.0


def _finding(kind: str, threshold: float) -> Finding:
    return Finding(kind, Severity.ERROR, 24, 30, 0, "shot_b", 9.0, threshold, "x")


def test_a_fit_is_measured_again_with_the_grade_analysers_own_measure():
    reference = _scene(2)
    incoming = (cdl_applied(CDL(offset=(0.08, 0.0, -0.07)), reference) * 255).round().astype(np.uint8)
    fit = cdl_fit_for(_finding("colour_mismatch", 4.0), reference, incoming, "shot_a", GradeSettings())
    assert fit.before == pytest.approx(cut_colour(reference, incoming).grade, rel=1e-6)
    assert fit.after == pytest.approx(cut_colour(reference, cdl_applied(fit.cdl, incoming)).grade, rel=1e-6)
    assert fit.before > fit.threshold > fit.after and fit.corrected
    assert "corrected" in fit.summary() and "shot_a" in fit.summary()
    # the simplest correction that works: offsets alone for a lift
    assert fit.cdl.slope == (1.0, 1.0, 1.0) and fit.cdl.power == (1.0, 1.0, 1.0)


def test_a_fit_that_does_not_get_below_the_threshold_says_so():
    reference = _scene(3)
    incoming = (cdl_applied(CDL(offset=(0.1, 0.0, -0.1)), reference) * 255).round().astype(np.uint8)
    fit = cdl_fit_for(_finding("colour_mismatch", 0.0001), reference, incoming, "shot_a", GradeSettings())
    assert not fit.corrected and "not corrected" in fit.summary()


def _fit(clip: str, start: int, kind: str = "colour_mismatch") -> CdlFit:
    finding = Finding(kind, Severity.ERROR, start, 10, 0, clip, 8.0, 4.0, "grade")
    return CdlFit(finding, clip, "ref", CDL((1.1, 1.0, 0.9), (0.01, -0.02, 0.03), (1.0, 1.05, 0.95), 0.9), 8.0, 1.5, 4.0)


def test_ccc_and_cdl_files_hold_one_correction_per_clip():
    fits = [_fit("gen_0007", 244), _fit("gen_0003", 60)]
    for text in (colour_correction_collection(fits), colour_decision_list(fits)):
        root = ElementTree.fromstring(text.encode())
        corrections = list(root.iter(f"{NS}ColorCorrection"))
        assert [c.get("id") for c in corrections] == ["gen_0007", "gen_0003"]
        first = corrections[0]
        assert [float(v) for v in first.find(f"{NS}SOPNode/{NS}Slope").text.split()] == [1.1, 1.0, 0.9]
        assert [float(v) for v in first.find(f"{NS}SOPNode/{NS}Power").text.split()] == [1.0, 1.05, 0.95]
        assert float(first.find(f"{NS}SatNode/{NS}Saturation").text) == 0.9
    assert ElementTree.fromstring(colour_decision_list(fits).encode()).tag == f"{NS}ColorDecisionList"


@pytest.mark.parametrize("fmt, suffix", [("otio", ".otio"), ("edl", ".edl"), ("fcp7xml", ".xml")])
def test_cdls_land_where_each_format_keeps_them(fmt, suffix, tmp_path):
    case = "public_03"
    truth = json.loads(shared_path("bench", "cases", case, "truth.json").read_text())
    source = {"otio": "timeline.otio", "edl": "timeline.edl", "fcp7xml": "timeline.xml"}[fmt]
    loaded = read_timeline(shared_path("bench", "cases", case, source), rate=truth["rate"] if fmt == "edl" else None)
    grade = next(e for e in truth["expect"] if e["kind"] == "colour_mismatch")
    fit = _fit(grade["clip"], grade["start"])
    findings = [fit.finding]
    out = tmp_path / f"out{suffix}"
    result = write_timeline_with_findings(loaded, findings, out, cdl_fits=[fit])
    written = read_timeline(out, rate=truth["rate"] if fmt == "edl" else None).timeline
    clip = next(c for c in written.find_clips() if c.name == grade["clip"])
    if fmt == "fcp7xml":
        assert "cdl" not in clip.metadata  # xmeml has no CDL: the .ccc/.cdl files carry it
    else:
        cdl = clip.metadata["cdl"]
        assert list(cdl["asc_sop"]["slope"]) == [1.1, 1.0, 0.9] and cdl["asc_sat"] == 0.9
    if fmt == "edl":
        assert "*ASC_SOP (1.1 1.0 0.9) (0.01 -0.02 0.03) (1.0 1.05 0.95)" in out.read_text()
    rate = timeline_cuts(written).rate
    (frame, marker), = review_markers(written, rate)
    assert frame == grade["start"]
    if fmt != "edl":
        assert "8.0 -> 1.5" in marker.comment
    assert {"ccc", "cdl"} <= set(result.paths)
    # reviewing the written timeline again replaces our CDL rather than stacking a second one
    again = read_timeline(out, rate=truth["rate"] if fmt == "edl" else None)
    second = tmp_path / f"again{suffix}"
    write_timeline_with_findings(again, findings, second, cdl_fits=[_fit(grade["clip"], grade["start"])])
    if fmt == "edl":
        assert second.read_text().count("*ASC_SOP") == 1
    elif fmt == "otio":
        clip = next(c for c in read_timeline(second).timeline.find_clips() if c.name == grade["clip"])
        assert clip.metadata["otio_tools"]["cdl"]["in_clip_metadata"] is True


@pytest.mark.parametrize("case", ["public_00", "public_03"])
def test_cdls_fitted_on_a_real_review_bring_grade_and_exposure_findings_under_their_thresholds(case):
    from otio_tools.reviewing import review_timeline
    from otio_tools.rewrite.grading import cdl_fits

    result = review_timeline(shared_path("bench", "cases", case, "timeline.otio"))
    fits = cdl_fits(result)
    graded = [f for f in result.findings if f.kind in ("colour_mismatch", "exposure_jump")]
    assert graded and len([f for f in fits if f.finding in graded]) == len(graded)
    for fit in fits:
        assert fit.before >= fit.threshold
        if fit.finding.kind != "subject_colour_shift":
            assert fit.corrected, fit.summary()
