"""OTIO loads this checkout's plugin through the entry point, and its adapters work."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["otio_tools_cmx_3600", "otio_tools_fcpxml", "otio_tools_otio_json"])
def test_otio_loaded_this_checkouts_plugin(name):
    adapter = otio.adapters.from_name(name)
    assert Path(adapter.module_abs_path()).resolve().parent == REPO / "adapters"
    manifest_paths = [Path(p).resolve() for p in otio.plugins.ActiveManifest().source_files]
    assert REPO / "adapters" / "plugin_manifest.json" in manifest_paths


def test_every_plugin_name_is_prefixed_so_none_shadows_a_builtin():
    ours = [a for a in otio.plugins.ActiveManifest().adapters
            if Path(a.module_abs_path()).resolve().parent == REPO / "adapters"]
    assert ours and all(a.name.startswith("otio_tools_") for a in ours)


def test_plugin_edl_adapter_reads_through_otio():
    edl = "TITLE: t\n\n001  A001 V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n"
    timeline = otio.adapters.read_from_string(edl, adapter_name="otio_tools_cmx_3600", rate=25)
    (clip,) = timeline.find_clips()
    assert clip.source_range.duration == otio.opentime.RationalTime(25, 25)


def test_plugin_writes_an_edl_file_through_the_repaired_writer(tmp_path):
    edl = "TITLE: t\nFCM: NON-DROP FRAME\n\n001  A001 V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n" \
          "* FROM CLIP NAME:  Shot One\n* LOC: 01:00:00:12 RED     Keep this\n"
    timeline = otio.adapters.read_from_string(edl, adapter_name="otio_tools_cmx_3600", rate=24)
    path = tmp_path / "out.edl"
    otio.adapters.write_to_file(timeline, str(path), adapter_name="otio_tools_cmx_3600")
    text = path.read_text()
    assert "01:00:00:00 01:00:01:00" in text and "Keep this" in text  # marker case kept
    again = otio.adapters.read_from_file(str(path), adapter_name="otio_tools_cmx_3600", rate=24)
    (clip,) = again.find_clips()
    assert clip.name == "Shot One" and clip.markers[0].color == "RED"
