"""Shared fixtures: where the shared corpus is, and skipping cleanly without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OTIO_TOOLS_SHARED", REPO.parent / "shared")).resolve()


def shared_path(*parts: str) -> Path:
    """A path under the shared corpus; skips the calling test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (set OTIO_TOOLS_SHARED to its folder)")
    return path


def shared_files(*parts: str, pattern: str = "*") -> list[Path]:
    """Files under a shared folder, for parametrising; empty (tests then skip) without the corpus."""
    folder = SHARED.joinpath(*parts)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.name not in ("INDEX.md", "manifest.json"))


@pytest.fixture
def shared_dir() -> Path:
    """The shared corpus folder (skips without it)."""
    return shared_path()
