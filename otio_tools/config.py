"""Analysis settings from presets and TOML config files, validated.

A config file names a preset and overrides settings per analyser group; the
groups and fields are those of :class:`otio_tools.analysers.AnalysisSettings`
(the single source of defaults and bounds)::

    preset = "broadcast"          # optional: start from a preset
    long_side = 320               # top-level settings

    [grade]                       # one table per settings group
    exposure_floor = 5.0

    [photosensitive_flash]
    max_flashes = 3

Unknown groups or fields, wrong types and out-of-bounds values are refused
with a message naming the file, the key and the valid choices.
"""

from __future__ import annotations

import dataclasses
import tomllib
from typing import Any, Iterator, Mapping

from otio_tools.errors import ConfigError

__all__ = ["PRESETS", "settings_for", "settings_from_toml", "settings_table"]

# Overrides of the defaults, per preset. ``ai-film`` is the defaults: tuned for
# cuts made of generated shots. ``broadcast`` is stricter on what a
# broadcaster's QC rejects: smaller grade and exposure differences, shorter
# freezes, any flash frame, and black over one frame reported in full.
PRESETS: dict[str, dict[str, Any]] = {
    "ai-film": {},
    "broadcast": {
        "grade": {"exposure_floor": 4.0, "grade_floor": 3.0},
        "frozen_frames": {"min_frames": 2, "error_seconds": 0.25},
        "morph": {"factor": 3.0},
        "interruption": {"max_black_seconds": 0.5},
    },
}


def _default_settings():
    from otio_tools.analysers import AnalysisSettings

    return AnalysisSettings()


def _merged(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in base.items()}
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out


def _applied(settings, overrides: Mapping[str, Any], where: str):
    fields = {f.name: f for f in dataclasses.fields(settings)}
    changes = {}
    for key, value in overrides.items():
        if key not in fields:
            raise ConfigError(f"{where}: unknown setting {key!r}; valid: {', '.join(sorted(fields))}")
        current = getattr(settings, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}: [{key}] must be a table of settings")
            changes[key] = _applied(current, value, f"{where} [{key}]")
            continue
        if isinstance(current, bool) or not isinstance(value, (int, float)) or isinstance(value, bool):
            if type(value) is not type(current) and not (isinstance(current, tuple) and isinstance(value, list)):
                raise ConfigError(f"{where}: {key} = {value!r} should be a {type(current).__name__}")
        if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, float):
            raise ConfigError(f"{where}: {key} = {value!r} should be a whole number")
        changes[key] = tuple(value) if isinstance(current, tuple) else value
    try:
        return dataclasses.replace(settings, **changes)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def settings_for(preset: str | None = None, overrides: Mapping[str, Any] | None = None, where: str = "settings"):
    """AnalysisSettings for a preset (default ``ai-film``) with *overrides* applied and validated."""
    preset = preset or "ai-film"
    if preset not in PRESETS:
        raise ConfigError(f"{where}: unknown preset {preset!r}; valid: {', '.join(PRESETS)}")
    return _applied(_default_settings(), _merged(PRESETS[preset], overrides or {}), where)


def settings_from_toml(path: str, preset: str | None = None):
    """AnalysisSettings from a TOML config file; *preset* overrides the file's ``preset`` key."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    file_preset = data.pop("preset", None)
    return settings_for(preset or file_preset, data, where=path)


def settings_table(settings=None) -> Iterator[tuple[str, str, Any, Any, Any, str]]:
    """(group, field, default, min, max, meaning) for every setting, from the dataclasses themselves."""
    settings = settings or _default_settings()

    def walk(obj, group):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if dataclasses.is_dataclass(value):
                yield from walk(value, f.name)
            else:
                yield (group, f.name, value, f.metadata.get("min"), f.metadata.get("max"), f.metadata.get("doc", ""))

    yield from walk(settings, "")
