"""docs/analysers.md states every setting with the default and bounds the settings dataclasses hold."""

import dataclasses
from pathlib import Path

from otio_tools.analysers import AnalysisSettings
from otio_tools.analysers.base import settings_fields

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysers.md"


def _text(value):
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value) or "()"
    return str(value)


def settings_tables(settings=None) -> str:
    """The markdown tables of all analyser settings, as docs/analysers.md must carry them."""
    settings = settings or AnalysisSettings()
    groups = [("AnalysisSettings", settings)] + [
        (f"AnalysisSettings.{f.name}", getattr(settings, f.name))
        for f in dataclasses.fields(settings)
        if dataclasses.is_dataclass(getattr(settings, f.name))
    ]
    out = []
    for title, group in groups:
        out.append(f"#### `{title}` ({type(group).__name__})\n")
        out.append("| setting | default | range | meaning |\n|---|---|---|---|")
        for name, value, lo, hi, doc in settings_fields(group):
            bounds = "" if lo is None and hi is None else f"{_text(lo)} to {_text(hi)}"
            out.append(f"| `{name}` | {_text(value)} | {bounds} | {doc} |")
        out.append("")
    return "\n".join(out)


def test_doc_tables_match_the_settings():
    assert settings_tables() in DOC.read_text(encoding="utf-8")


def test_every_kind_is_documented():
    text = DOC.read_text(encoding="utf-8")
    from otio_tools.findings import KINDS

    assert all(f"`{kind}`" in text for kind in KINDS)
