"""Compare timelines on what an editor cares about, format by format.

:func:`timeline_facts` reduces a timeline to plain data: every track, item,
source range, record position, transition, speed effect, marker and metadata
entry, with times in whole frames. :func:`format_differences` compares two
timelines' facts after dropping what a format cannot carry
(each format's ``carried_facts``), so a round trip through an EDL is judged
on what an EDL can hold, and nothing else is allowed to change.

The facts are nested dicts; every node that stands for an OTIO object has a
``type`` (``Timeline``, ``Track``, ``Clip``, ``Gap``, ``Transition``,
``Marker``, or an effect's class name), and :func:`nodes` walks them.
"""

from __future__ import annotations

import importlib
import json
import math
from typing import Any, Callable, Iterator

import opentimelineio as otio

__all__ = [
    "timeline_facts",
    "facts_differences",
    "format_differences",
    "carried_facts_for",
    "all_carried",
    "nodes",
]


def _frames(t: otio.opentime.RationalTime | None, rate: float) -> int | None:
    if t is None:
        return None
    return int(math.floor(t.rescaled_to(rate).value + 0.5))


def _range(r: otio.opentime.TimeRange | None, rate: float) -> list[int] | None:
    if r is None:
        return None
    return [_frames(r.start_time, rate), _frames(r.duration, rate)]


def _plain(value: Any) -> Any:
    """Metadata as JSON-like data (AnyDictionary/AnyVector become dict/list)."""
    if isinstance(value, (dict, otio._otio.AnyDictionary)):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, otio._otio.AnyVector)):
        return [_plain(v) for v in value]
    if isinstance(value, otio.opentime.RationalTime):
        return {"value": value.value, "rate": value.rate}
    if isinstance(value, otio.opentime.TimeRange):
        return {"start": _plain(value.start_time), "duration": _plain(value.duration)}
    if isinstance(value, otio.core.SerializableObject):
        return _plain(json.loads(otio.core.serialize_json_to_string(value)))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _marker_facts(markers, rate: float) -> list[dict]:
    return [
        {
            "type": "Marker",
            "name": m.name,
            "color": m.color,
            "comment": getattr(m, "comment", ""),
            "range": _range(m.marked_range, rate),
            "metadata": _plain(m.metadata),
        }
        for m in markers
    ]


def _effect_facts(effects) -> list[dict]:
    out = []
    for e in effects:
        fact = {"type": type(e).__name__, "name": e.name, "effect_name": e.effect_name}
        if isinstance(e, otio.schema.LinearTimeWarp):
            fact["time_scalar"] = round(e.time_scalar, 6)
        out.append(fact)
    return out


def _media_url(clip: otio.schema.Clip) -> str | None:
    ref = clip.media_reference
    if isinstance(ref, otio.schema.ExternalReference):
        return ref.target_url
    if isinstance(ref, otio.schema.ImageSequenceReference):
        return ref.target_url_base + ref.name_prefix
    return None


def _item_facts(item, rate: float) -> dict:
    fact: dict[str, Any] = {"type": type(item).__name__, "name": item.name}
    if isinstance(item, otio.schema.Transition):
        fact.update(
            transition_type=item.transition_type,
            in_offset=_frames(item.in_offset, rate),
            out_offset=_frames(item.out_offset, rate),
            metadata=_plain(item.metadata),
        )
        return fact
    fact["record"] = _range(item.range_in_parent(), rate)
    if not isinstance(item, otio.schema.Gap):
        # A gap's source start means nothing; its record range says it all.
        fact["source_range"] = _range(item.source_range, rate)
    fact["enabled"] = item.enabled
    fact["effects"] = _effect_facts(item.effects)
    fact["markers"] = _marker_facts(item.markers, rate)
    fact["metadata"] = _plain(item.metadata)
    if isinstance(item, otio.schema.Clip):
        fact["trimmed_range"] = _range(item.trimmed_range(), rate)
        fact["media_url"] = _media_url(item)
        fact["media_type"] = type(item.media_reference).__name__
    if isinstance(item, (otio.schema.Stack, otio.schema.Track)):
        fact["children"] = [_item_facts(child, rate) for child in item]
        if isinstance(item, otio.schema.Track):
            fact["kind"] = item.kind
    return fact


def timeline_facts(timeline: otio.schema.Timeline, rate: float | None = None) -> dict:
    """Everything an editor would miss if it changed, as plain data in whole frames."""
    if rate is None:
        rate = _timeline_rate(timeline)
    return {
        "type": "Timeline",
        "name": timeline.name,
        "global_start": _frames(timeline.global_start_time, rate),
        "metadata": _plain(timeline.metadata),
        "markers": _marker_facts(timeline.tracks.markers, rate),
        "tracks": [_item_facts(track, rate) for track in timeline.tracks],
    }


def _timeline_rate(timeline: otio.schema.Timeline) -> float:
    if timeline.global_start_time is not None:
        return timeline.global_start_time.rate
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return clip.source_range.duration.rate
    return 24.0


def facts_differences(expected: Any, got: Any, where: str = "timeline") -> list[str]:
    """Readable paths where *got* differs from *expected* (both plain data)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = []
        for key in [*expected, *(key for key in got if key not in expected)]:
            if key not in got:
                out.append(f"{where}.{key} missing")
            elif key not in expected:
                out.append(f"{where}.{key} added ({_short(got[key])})")
            else:
                out.extend(facts_differences(expected[key], got[key], _child(where, key, expected)))
        return out
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{where}: {len(expected)} entries became {len(got)}"]
        out = []
        for i, (a, b) in enumerate(zip(expected, got)):
            label = f"{where}[{i}]"
            if isinstance(a, dict) and a.get("name"):
                label = f"{where}[{i} {a['name']!r}]"
            out.extend(facts_differences(a, b, label))
        return out
    if isinstance(expected, float) or isinstance(got, float):
        try:
            if math.isnan(float(expected)) and math.isnan(float(got)):
                return []
            if math.isclose(float(expected), float(got), rel_tol=1e-6, abs_tol=1e-9):
                return []
        except (TypeError, ValueError):
            pass
    return [] if expected == got else [f"{where}: {_short(expected)} became {_short(got)}"]


def _child(where: str, key: str, parent: dict) -> str:
    return f"{where}.{key}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def nodes(facts: Any) -> Iterator[dict]:
    """Every fact node in *facts* (timeline, track, clip, gap, transition, marker, effect), depth first.

    Each node is a dict with a ``type`` (``Timeline``, ``Track``, ``Clip``,
    ``Marker``, ``LinearTimeWarp``...). Projections copy the facts once, then
    edit the nodes this yields.
    """
    if isinstance(facts, dict):
        if "type" in facts:
            yield facts
        for key, value in facts.items():
            if key != "metadata":
                yield from nodes(value)
    elif isinstance(facts, list):
        for value in facts:
            yield from nodes(value)


def all_carried(facts: dict) -> dict:
    """The projection of a format that carries every fact: *facts* unchanged."""
    return facts


def carried_facts_for(format_name: str) -> Callable[[dict], dict]:
    """The ``carried_facts(facts) -> facts`` projection of *format_name*.

    Each format's module (``Format.module``) defines ``carried_facts``, a pure
    function whose docstring lists what the format cannot carry. A module that
    does not define one yet is compared on everything.
    """
    return getattr(_format_module(format_name), "carried_facts", all_carried)


def format_differences(expected_doc, got_doc, format_name: str) -> list[str]:
    """Differences between two documents on what *format_name* carries.

    Every timeline of a document is compared (a file may hold several; a clip
    list is compared as the timeline it is laid out on). Each is reduced to
    facts at the rate of the expected timeline and projected through the
    format's ``carried_facts``. Metadata in the format's own namespace (its
    module's ``METADATA_NAMESPACE``, e.g. ``fcp_xml``) that the reader put on
    an object that had none is the format's bookkeeping, not a change, and is
    left out; inside a namespace the timeline had, every key counts.
    """
    expected_timelines = _timelines_in(expected_doc)
    got_timelines = _timelines_in(got_doc)
    if len(expected_timelines) != len(got_timelines):
        return [f"document: {len(expected_timelines)} timelines became {len(got_timelines)}"]
    namespace = getattr(_format_module(format_name), "METADATA_NAMESPACE", None)
    carried = carried_facts_for(format_name)
    differences = []
    for index, (expected, got) in enumerate(zip(expected_timelines, got_timelines)):
        rate = _timeline_rate(expected)
        expected_facts = timeline_facts(expected, rate)
        got_facts = timeline_facts(got, rate)
        if namespace:
            _drop_added_namespace(expected_facts, got_facts, namespace)
        where = "timeline" if len(expected_timelines) == 1 else f"timeline[{index} {expected.name!r}]"
        differences.extend(facts_differences(carried(expected_facts), carried(got_facts), where))
    return differences


def _timelines_in(document) -> list[otio.schema.Timeline]:
    """Every timeline *document* holds, or the one its clip list is laid out on."""
    from otio_tools.timeline_io import timeline_of

    if isinstance(document, otio.schema.SerializableCollection):
        timelines = [item for item in document if isinstance(item, otio.schema.Timeline)]
        if timelines:
            return timelines
    return [timeline_of(document)]


def _format_module(format_name: str):
    from otio_tools.formats import format_named

    return importlib.import_module(format_named(format_name).module)


def _drop_added_namespace(expected: Any, got: Any, namespace: str) -> None:
    """Remove from *got* (in place) the *namespace* metadata of nodes whose twin in *expected* has none."""
    if isinstance(expected, dict) and isinstance(got, dict):
        if isinstance(expected.get("metadata"), dict) and isinstance(got.get("metadata"), dict):
            if namespace not in expected["metadata"]:
                got["metadata"].pop(namespace, None)
        for key in expected.keys() & got.keys():
            if key != "metadata":
                _drop_added_namespace(expected[key], got[key], namespace)
    elif isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        for a, b in zip(expected, got):
            _drop_added_namespace(a, b, namespace)
