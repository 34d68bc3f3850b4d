"""Bad input: one line that names the file, the place and what to do, and exit code 2.

The CLI is run in-process through ``otio_tools.cli.main``, the single error
boundary. The readers are then fuzzed with mutated corpus files: whatever the
bytes, reading raises ``OtioToolsError`` or succeeds, and never hangs.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import zipfile
from pathlib import Path

import opentimelineio as otio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otio_tools.cli import main
from otio_tools.compare import timeline_facts
from otio_tools.errors import OtioToolsError, RateRequiredError, TimelineReadError
from otio_tools.timeline_io import read_timeline, write_timeline
from tests.conftest import SHARED


def _timeline() -> otio.schema.Timeline:
    rate = 24
    timeline = otio.schema.Timeline(name="cut", tracks=[otio.schema.Track(name="V1")])
    for i, name in enumerate(("shot_a", "shot_b")):
        timeline.tracks[0].append(
            otio.schema.Clip(
                name=name,
                media_reference=otio.schema.ExternalReference(
                    target_url=f"file:///media/{name}.mov",
                    available_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(1000, rate)
                    ),
                ),
                source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(i * 100, rate), otio.opentime.RationalTime(48, rate)
                ),
            )
        )
    return timeline


def _otio_text() -> str:
    return otio.adapters.write_to_string(_timeline(), adapter_name="otio_json")


def _fcp7_text() -> str:
    return otio.adapters.write_to_string(_timeline(), adapter_name="fcp_xml")


EDL = "TITLE: cut\nFCM: NON-DROP FRAME\n\n001  AX       V     C        00:00:00:00 00:00:02:00 01:00:00:00 01:00:02:00\n"


def _zip_without_content(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "not a bundle")


def _damaged_otioz(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("content.otio", _otio_text())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


# (id, file name, content or writer, CLI arguments after the file, what stderr must say)
CASES = [
    ("empty-otio", "cut.otio", b"", [], ["cut.otio", "empty", "export the timeline again"]),
    ("blank-edl", "cut.edl", b"\n  \n", [], ["cut.edl", "empty"]),
    ("truncated-otio", "cut.otio", lambda: _otio_text()[:300].encode(), [],
     ["cut.otio", "not a valid OpenTimelineIO JSON file", "line", "column", "export it again"]),
    ("truncated-fcp7-xml", "cut.xml", lambda: _fcp7_text()[:700].encode(), [],
     ["cut.xml", "Final Cut Pro 7 XML", "malformed XML", "at line", "column", "export it again"]),
    ("garbage-xml", "cut.xml", b"<?xml version='1.0'?>\n<xmeml><sequence><<<>", [],
     ["cut.xml", "malformed XML", "at line 2"]),
    ("garbage-bytes-as-aaf", "cut.aaf", bytes(range(256)) * 4, [],
     ["cut.aaf", "not a timeline format", "suffix says aaf", "Export it from the NLE"]),
    ("truncated-aaf", "cut.aaf", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, [],
     ["cut.aaf", "not a valid Advanced Authoring Format", "export it again"]),
    ("video-file", "cut.mp4", b"\0\0\0\x18ftypmp42" + b"\0" * 64, [],
     ["cut.mp4", "not a timeline format", "Export it from the NLE as OTIO, FCP7 XML, FCPXML, EDL or AAF"]),
    ("zip-that-is-no-bundle", "cut.otioz", _zip_without_content, [], ["cut.otioz", "not a timeline format"]),
    ("damaged-otioz", "cut.otioz", _damaged_otioz, [], ["cut.otioz"]),
    ("xml-of-no-timeline", "cut.xml", b"<?xml version='1.0'?>\n<filter><effect/></filter>\n", [],
     ["cut.xml", "root element is <filter> (line 2)", "holds no timeline", "export the sequence"]),
    ("otio-of-a-clip", "cut.otio",
     lambda: otio.adapters.write_to_string(otio.schema.Clip(name="c"), adapter_name="otio_json").encode(), [],
     ["cut.otio", "holds a Clip, not a timeline"]),
    ("edl-without-rate", "cut.edl", EDL.encode(), [], ["cut.edl", "no frame rate", "pass --rate"]),
    ("ale-row-too-long", "cut.ale",
     b"Heading\nFIELD_DELIM\tTABS\nFPS\t24\n\nColumn\nName\tStart\tEnd\n\nData\n"
     b"a\t01:00:00:00\t01:00:01:00\nc\t1\t2\t3\t4\n", [],
     ["cut.ale", "Avid Log Exchange", "at line 10", "Too many values on row", "export it again"]),
    ("unknown-format-name", "cut.otio", lambda: _otio_text().encode(), ["--format", "avi"],
     ["unknown format 'avi'", "choose one of", "otio, otioz"]),
    ("missing-file", None, None, [], ["nowhere.otio", "no such file", "check the path"]),
    ("folder-that-is-no-bundle", "cut.folder", "folder", [], ["cut.folder", "neither an .fcpxmld nor an .otiod"]),
]


def _make(tmp_path: Path, name: str | None, content) -> Path:
    if name is None:
        return tmp_path / "nowhere.otio"
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif callable(content):
        result = content() if content.__code__.co_argcount == 0 else content(path)
        if result is not None:
            path.write_bytes(result)
    else:
        path.write_bytes(content)
    return path


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.parametrize("name, content, extra, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_convert_refuses_bad_input_in_one_line(tmp_path, capsys, monkeypatch, name, content, extra, expected):
    monkeypatch.delenv("OTIO_TOOLS_DEBUG", raising=False)
    path = _make(tmp_path, name, content)
    code, out, err = _run(["convert", str(path), *extra], capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("otio-tools: error: ")
    for fragment in expected:
        assert fragment in lines[0]
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name] if path.exists() else [])


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("OTIO_TOOLS_DEBUG", "1")
    path = tmp_path / "cut.otio"
    path.write_bytes(b"")
    with pytest.raises(TimelineReadError, match="empty"):
        main(["convert", str(path)])


def test_edl_with_rate_converts(tmp_path, capsys):
    path = tmp_path / "cut.edl"
    path.write_text(EDL)
    code, out, err = _run(["convert", str(path), "--rate", "24"], capsys)
    assert (code, err) == (0, "")
    assert Path(out.strip()).name == "cut.otio-tools.edl"


@pytest.mark.parametrize(
    "name, content, format_name, clips",
    [
        pytest.param("cut.edl", _fcp7_text, "fcp7xml", 2, id="fcp7-xml-named-edl"),
        pytest.param("cut.xml", _otio_text, "otio", 2, id="otio-named-xml"),
        pytest.param("cut.txt", lambda: EDL, "edl", 1, id="edl-named-txt"),
    ],
)
def test_wrong_suffix_is_read_by_content(tmp_path, name, content, format_name, clips):
    path = tmp_path / name
    path.write_text(content())
    loaded = read_timeline(path, rate=24)
    assert loaded.format.name == format_name
    assert len(list(loaded.timeline.find_clips())) == clips


def test_edl_without_rate_is_a_rate_error(tmp_path):
    path = tmp_path / "cut.edl"
    path.write_text(EDL)
    with pytest.raises(RateRequiredError, match=r"cut\.edl.*pass --rate"):
        read_timeline(path)


# --- fuzzing -----------------------------------------------------------------

FUZZ_SEEDS = [
    "otio/simple_cut.otio",
    "fcp7xml/hiero_xml_export.xml",
    "fcpxml/60fps-rubric-clips.fcpxml",
    "edl/screening_example.edl",
    "ale/sample.ale",
    "kdenlive/kdenlive_example_v221170.kdenlive",
    "xges/xges_timing_example.xges",
    "aaf/one_clip.aaf",
]
PER_EXAMPLE_SECONDS = 10


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: int):
    """Fail an example that takes longer than *seconds* (a hang), where the platform has alarms."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def _raise(*_):
        raise _Hang(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def _mutated(draw, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete", "repeat"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "truncate":
            del out[at:]
        elif kind == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            out[at:at + len(chunk)] = chunk
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del out[at:at + draw(st.integers(1, 256))]
        else:
            out[at:at] = out[at:at + draw(st.integers(1, 512))]
    return bytes(out)


def _fuzz_reading(data: bytes, target: Path) -> None:
    """Read mutations of *data* written to *target*: an ``OtioToolsError`` of one line, or a timeline."""

    @settings(max_examples=25, deadline=5000, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(_mutated(data))
    def read_mutated(mutated: bytes):
        target.write_bytes(mutated)
        with _time_limit(PER_EXAMPLE_SECONDS):
            try:
                loaded = read_timeline(target, rate=24)
            except OtioToolsError as exc:
                message = str(exc)
                assert str(target) in message or target.name in message
                assert "\n" not in message
            else:
                # What every tool does next: reduce it to facts in whole frames.
                assert timeline_facts(loaded.timeline)["type"] == "Timeline"

    read_mutated()


@pytest.mark.corpus
@pytest.mark.parametrize("seed", FUZZ_SEEDS)
def test_mutated_corpus_files_raise_only_otio_tools_errors(seed, tmp_path_factory):
    source = SHARED / "corpus" / "timelines" / seed
    if not source.is_file():
        pytest.skip(f"shared corpus not found at {source}")
    folder = tmp_path_factory.mktemp("fuzz")
    _fuzz_reading(source.read_bytes(), folder / f"mutated{source.suffix}")


def test_mutated_otioz_bundles_raise_only_otio_tools_errors(tmp_path):
    bundle = tmp_path / "cut.otioz"
    write_timeline(_timeline(), bundle)
    _fuzz_reading(bundle.read_bytes(), tmp_path / "mutated.otioz")


_ODD_NUMBERS = ["0", "-1", "-0.5", "1e-300", "1e300", "123456789012", "NaN", "Infinity", "-Infinity"]


@pytest.mark.corpus
@pytest.mark.parametrize("seed", ["otio/transition.otio", "otio/nested_example.otio"])
def test_odd_numbers_in_otio_json_are_refused_or_written_back(seed, tmp_path_factory):
    """Rates, values and offsets replaced by zero, negatives, huge, tiny or non-finite numbers."""
    source = SHARED / "corpus" / "timelines" / seed
    if not source.is_file():
        pytest.skip(f"shared corpus not found at {source}")
    text = source.read_text()
    spans = [m.span() for m in re.finditer(r"(?<=: )-?\d+(?:\.\d+)?(?=[,\n])", text)]
    folder = tmp_path_factory.mktemp("numbers")

    @settings(max_examples=60, deadline=5000, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(st.sampled_from(spans), st.sampled_from(_ODD_NUMBERS), min_size=1, max_size=3))
    def read_and_write(changes):
        mutated = text
        for (start, end), value in sorted(changes.items(), reverse=True):
            mutated = mutated[:start] + value + mutated[end:]
        path = folder / "mutated.otio"
        path.write_text(mutated)
        out = folder / "written.otio"
        if out.exists():
            out.unlink()
        with _time_limit(PER_EXAMPLE_SECONDS):
            try:
                loaded = read_timeline(path)
                timeline_facts(loaded.timeline)
                write_timeline(loaded.document, out)
            except OtioToolsError as exc:
                assert "\n" not in str(exc)

    read_and_write()


def test_fuzz_seeds_cover_every_readable_format():
    covered = {seed.split("/")[0] for seed in FUZZ_SEEDS}
    assert covered == {"otio", "fcp7xml", "fcpxml", "edl", "ale", "kdenlive", "xges", "aaf"}


def test_deeply_nested_json_is_refused_not_crashed(tmp_path):
    path = tmp_path / "deep.otio"
    path.write_text('{"OTIO_SCHEMA": "Timeline.1", "metadata": ' + "[" * 100000 + "]" * 100000 + "}")
    with pytest.raises(TimelineReadError, match="deep.otio"):
        read_timeline(path)


@pytest.mark.parametrize(
    "rate, duration, says",
    [
        pytest.param("0", "10", "at rate 0", id="rate-zero"),
        pytest.param("24", "NaN", "nan at rate 24", id="duration-nan"),
        pytest.param("Infinity", "10", "at rate inf", id="rate-infinite"),
    ],
)
def test_times_without_a_usable_rate_are_refused_naming_the_clip(tmp_path, rate, duration, says):
    text = _otio_text()
    data = json.loads(text)
    source_range = data["tracks"]["children"][0]["children"][1]["source_range"]
    source_range["duration"]["rate"] = "@RATE@"
    source_range["duration"]["value"] = "@DURATION@"
    text = json.dumps(data).replace('"@RATE@"', rate).replace('"@DURATION@"', duration)
    path = tmp_path / "cut.otio"
    path.write_text(text)
    with pytest.raises(TimelineReadError, match=rf"cut\.otio: clip 'shot_b': source_range .*{says}.*export the timeline again"):
        read_timeline(path)


def test_json_that_is_no_otio_is_refused(tmp_path):
    path = tmp_path / "cut.otio"
    path.write_text(json.dumps({"OTIO_SCHEMA": "Timeline.1", "tracks": 5}))
    with pytest.raises(TimelineReadError, match=r"cut\.otio: not a valid OpenTimelineIO JSON file.*line 1"):
        read_timeline(path)
