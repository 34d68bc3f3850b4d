"""Recognising a timeline format from the content, whatever the suffix says."""

from __future__ import annotations

import zipfile

import pytest

from otio_tools.errors import TimelineReadError, UnknownFormatError
from otio_tools.formats.detect import detect_format

EDL = b"TITLE: cut\nFCM: NON-DROP FRAME\n\n001  AX       V     C        00:00:00:00 00:00:02:00 01:00:00:00 01:00:02:00\n"


@pytest.mark.parametrize(
    "name, content, format_name",
    [
        pytest.param("cut.otio", b'{"OTIO_SCHEMA": "Timeline.1"}', "otio", id="otio"),
        pytest.param("cut.json", b'\xef\xbb\xbf  {"OTIO_SCHEMA": "Timeline.1"}', "otio", id="otio-with-bom"),
        pytest.param("cut.xml", b'<?xml version="1.0"?>\n<!DOCTYPE xmeml>\n<xmeml version="4"/>', "fcp7xml",
                     id="fcp7-xml"),
        pytest.param("cut.xml", b'<?xml version="1.0"?>\n<fcpxml version="1.9"/>', "fcpxml", id="fcpxml-named-xml"),
        pytest.param("cut.kdenlive", b"<?xml version='1.0'?><mlt/>", "kdenlive", id="kdenlive"),
        pytest.param("cut.xges", b"<ges version='0.3'/>", "xges", id="xges"),
        pytest.param("cut.txt", EDL, "edl", id="edl-named-txt"),
        pytest.param("cut.edl", EDL.replace(b"\n", b"\r"), "edl", id="edl-cr-only"),
        pytest.param("cut.edl", b"001  AX       V     C        00:00:00:00 00:00:02:00 01:00:00:00 01:00:02:00\n", "edl",
                     id="edl-without-title"),
        pytest.param("cut.ale", b"Heading\nFIELD_DELIM\tTABS\n\nColumn\nName\n", "ale", id="ale"),
        pytest.param("cut.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "aaf", id="aaf-named-bin"),
        pytest.param("cut.edl", b'<?xml version="1.0"?>\n<xmeml version="5"/>', "fcp7xml", id="xml-named-edl"),
    ],
)
def test_format_from_content(tmp_path, name, content, format_name):
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_format(str(path)).name == format_name


def test_otioz_is_a_zip_holding_content_otio(tmp_path):
    path = tmp_path / "cut.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("content.otio", "{}")
    assert detect_format(str(path)).name == "otioz"


@pytest.mark.parametrize(
    "folder, inner, format_name",
    [
        pytest.param("cut.fcpxmld", "Info.fcpxml", "fcpxml", id="fcpxmld"),
        pytest.param("bundle", "Info.fcpxml", "fcpxml", id="fcpxmld-renamed"),
        pytest.param("cut.otiod", "content.otio", "otiod", id="otiod"),
    ],
)
def test_bundle_folders(tmp_path, folder, inner, format_name):
    (tmp_path / folder).mkdir()
    (tmp_path / folder / inner).write_text("x")
    assert detect_format(str(tmp_path / folder)).name == format_name


@pytest.mark.parametrize(
    "name, content, error, fragments",
    [
        pytest.param("cut.otio", b"", TimelineReadError, ["cut.otio", "empty", "export the timeline again"], id="empty"),
        pytest.param("cut.otio", b" \n\t\n", TimelineReadError, ["empty"], id="blank"),
        pytest.param("cut.aaf", b"hello world", UnknownFormatError,
                     ["cut.aaf", "although its suffix says aaf", "Export it from the NLE as OTIO"], id="suffix-lies"),
        pytest.param("cut.dat", b"hello world", UnknownFormatError, ["cut.dat", "not a timeline format"],
                     id="unknown-suffix"),
        pytest.param("cut.json", b'{"name": "no schema"}', UnknownFormatError, ["not a timeline format"],
                     id="json-without-otio-schema"),
        pytest.param("cut.xml", b'<?xml version="1.0"?>\n\n<svg/>', UnknownFormatError,
                     ["root element is <svg> (line 3)", "FCP7 XML starts with <xmeml>"], id="xml-of-something-else"),
        pytest.param("cut.otioz", b"PK\x03\x04 broken", UnknownFormatError, ["cut.otioz", "not a timeline format"],
                     id="broken-zip"),
    ],
)
def test_refusals_say_what_and_what_to_do(tmp_path, name, content, error, fragments):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as raised:
        detect_format(str(path))
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_a_missing_file(tmp_path):
    with pytest.raises(TimelineReadError, match=r"nowhere\.edl: no such file; check the path"):
        detect_format(str(tmp_path / "nowhere.edl"))


def test_a_folder_that_is_no_bundle(tmp_path):
    with pytest.raises(UnknownFormatError, match="neither an .fcpxmld nor an .otiod bundle"):
        detect_format(str(tmp_path))
