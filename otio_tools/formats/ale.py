"""Avid Log Exchange (ALE): a clip list, written back through the stock ``ale`` adapter.

The stock writer loses two things an ALE can hold, which :func:`write_to_file`
puts back: the clips' colour decisions (the reader moves ``ASC_SOP`` and
``ASC_SAT`` into ``metadata["cdl"]`` and the writer never writes them), and
exact timecodes at 23.976 fps (it converts at the header's rounded ``23.98``,
drifting a frame every few seconds). It also always adds a ``Source File``
column, which it writes first; the reader drops the empty first cell, so an
ALE without media paths would not read back.
"""

from __future__ import annotations

import copy

import opentimelineio as otio

from otio_tools.compare import nodes

__all__ = ["carried_facts", "write_to_file", "METADATA_NAMESPACE"]

METADATA_NAMESPACE = "ALE"


def carried_facts(facts: dict) -> dict:
    """What an ALE round trip keeps: the clips, their ranges, media and columns.

    ===============================  ==============================================
    not carried                      why
    ===============================  ==============================================
    an empty cell                    ``metadata["ALE"][column] == ""`` is the same
                                     as no cell: the writer fills ``Start``,
                                     ``End`` and ``Duration`` from the clip's
                                     range and leaves unused columns out
    timeline ``name``                an ALE names no timeline
    markers                          an ALE is a clip list: it has no markers
    ``metadata["ALE"]`` on an        the reader's own bookkeeping, on objects that
    object that had none             had no ``ALE`` metadata when written (see
                                     ``compare.format_differences``)
    ===============================  ==============================================
    """
    out = copy.deepcopy(facts)
    out.pop("name", None)
    for node in nodes(out):
        node.pop("markers", None)
        ale = node.get("metadata", {}).get("ALE")
        if node["type"] == "Clip" and isinstance(ale, dict):
            for column in [column for column, value in ale.items() if value == ""]:
                del ale[column]
    return out


def write_to_file(document, path: str, adapter_name: str = "ale") -> None:
    """Write *document* as an ALE at *path*, colour decisions and exact timecodes included."""
    prepared = copy.deepcopy(document)
    for clip in prepared.find_clips():
        _restore_cdl_columns(clip)
    header = dict(prepared.metadata.get("ALE", {}).get("header", {}))
    fps_text = header.get("FPS")
    fps = _smpte_rate(fps_text)
    adapter = otio.adapters.from_name(adapter_name).module()
    text = adapter.write_to_string(prepared, fps=fps)
    if fps is not None:
        # The writer puts the rate it was given in the header; keep the file's own spelling.
        text = text.replace(f"\nFPS\t{fps}\n", f"\nFPS\t{fps_text}\n", 1)
    text = _without_empty_columns(text, keep=prepared.metadata.get("ALE", {}).get("columns", []))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _smpte_rate(text: str | None) -> float | None:
    try:
        return otio.opentime.RationalTime.nearest_smpte_timecode_rate(float(text))
    except (TypeError, ValueError):
        return None


def _restore_cdl_columns(clip: otio.schema.Clip) -> None:
    cdl = clip.metadata.get("cdl")
    if not cdl:
        return
    ale = clip.metadata.setdefault("ALE", {})
    sop = cdl.get("asc_sop")
    if sop and not ale.get("ASC_SOP"):
        ale["ASC_SOP"] = "".join(
            "(" + " ".join(_decimal(v) for v in sop[part]) + ")" for part in ("slope", "offset", "power")
        )
    if "asc_sat" in cdl and not ale.get("ASC_SAT"):
        ale["ASC_SAT"] = _decimal(cdl["asc_sat"])
    del clip.metadata["cdl"]


def _decimal(value: float) -> str:
    # The reader only takes numbers written with a decimal point.
    text = f"{float(value):.10f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _without_empty_columns(text: str, keep: list[str]) -> str:
    """*text* without the columns the writer added that are empty on every row."""
    head, sep, data = text.partition("\nData\n")
    before, column_sep, column_block = head.partition("\nColumn\n")
    if not sep or not column_sep:
        return text
    columns = column_block.strip("\n").split("\t")
    rows = [row.split("\t") for row in data.splitlines() if row.strip()]
    drop = {
        i for i, name in enumerate(columns)
        if name not in keep and all(i >= len(row) or row[i] == "" for row in rows)
    }
    if not drop:
        return text

    def kept(cells: list[str]) -> str:
        return "\t".join(cell for i, cell in enumerate(cells) if i not in drop)

    body = "".join(kept(row) + "\n" for row in rows)
    return f"{before}\nColumn\n{kept(columns)}\n\nData\n{body}"
