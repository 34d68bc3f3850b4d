"""Advanced Authoring Format (Avid Media Composer, Premiere), through the stock ``AAF`` adapter.

The stock writer (otio-aaf-adapter 2.0) writes a composition of video and
audio tracks of clips, gaps and dissolves; :func:`write_to_file` adds the
clip markers, speed changes and mutes it leaves out. What is still not
written (sequence markers, Avid effects other than a plain speed change, data
tracks, nested compositions, collections of several timelines) makes the written file differ from the
timeline, and a verified write (``write_timeline``) refuses it naming the
first difference; those are not projected away here, because an AAF without
them is not the same edit.
"""

from __future__ import annotations

import copy
import fractions
import os
import uuid

import aaf2
import opentimelineio as otio
from aaf2.rational import AAFRational

from otio_tools.compare import nodes

__all__ = ["carried_facts", "write_to_file"]


def carried_facts(facts: dict) -> dict:
    """What an AAF round trip is judged on: the edit, not AAF's own bookkeeping.

    ============================  ================================================
    not compared                  why
    ============================  ================================================
    ``metadata["AAF"]``           the file's object model (mob ids, slot ids,
                                  creation times, data definitions), which the
                                  writer builds afresh
    track ``name`` and track      Avid slots carry no name the reader uses: it
    ``source_range``              names a track after the AAF class it found
                                  (``TimelineMobSlot``, ``Sequence``), and the
                                  pan operation below wraps a track in a range
    an unnamed ``Effect`` or      the writer wraps audio in an ``Audio Pan``
    ``Audio Pan`` on audio        operation, which reads back as an effect
    gap ``name``                  ``Filler`` or ``ScopeReference``: the AAF class
    timeline ``global_start``     the writer states a start (0) where the file
    when absent                   had none
    a track of gaps only, with    it holds no edit, and the writer writes no slot
    no markers                    for it
    a marker's ``comment`` and    an Avid marker holds one text, read as its
    ``metadata``                  name, and a colour
    a time warp's ``name``        Avid names every speed change ``Motion
                                  Control``
    ``file://`` on a media URL    a locator holds a URL: a plain path is written
                                  as a ``file://`` URL (an absolute path) or
                                  as it is, and the reader puts ``file://``
                                  before any URL without it; the path is kept
    ============================  ================================================
    """
    out = copy.deepcopy(facts)
    if out.get("global_start") is None:
        out["global_start"] = 0
    out["tracks"] = [track for track in out["tracks"] if not _is_empty(track)]
    for node in nodes(out):
        node.get("metadata", {}).pop("AAF", None)
        if node["type"] == "Track":
            node.pop("name", None)
            node.pop("source_range", None)
            node.pop("record", None)
            if node.get("kind") == "Audio":
                for item in [node, *node["children"]]:
                    if "effects" in item:
                        item["effects"] = [e for e in item["effects"] if not _is_pan(e)]
        elif node["type"] == "Gap":
            node.pop("name", None)
        elif node["type"] == "Marker":
            node.pop("comment", None)
            node.pop("metadata", None)
        elif node["type"] in ("LinearTimeWarp", "FreezeFrame"):
            node.pop("name", None)
        if node["type"] == "Clip" and node.get("media_url"):
            node["media_url"] = _without_file_scheme(node["media_url"])
    return out


def _without_file_scheme(url: str) -> str:
    """The path a media URL names, as the AAF reader's ``file://`` prefixing leaves it comparable."""
    if url.startswith("file://localhost/"):
        return url[len("file://localhost"):]
    return url[len("file://"):] if url.startswith("file://") else url


def _is_empty(track: dict) -> bool:
    return not track["markers"] and all(
        child["type"] == "Gap" and not child["markers"] for child in track["children"]
    )


def write_to_file(document, path: str, adapter_name: str = "AAF") -> None:
    """Write *document* as AAF at *path* with the stock writer, then add its markers as Avid does.

    The stock writer takes one timeline only, needs an Avid mob id for every
    clip (one read from an AAF keeps its own, any other is given a new one),
    cannot rebuild a file's ``MultipleDescriptor`` (see
    :func:`_with_writable_descriptors`), requires media ranges at the
    sequence's rate (:func:`_with_media_at_sequence_rate` gives it them),
    writes no markers and plays every clip at its own speed. Speed changes
    and mutes are put in as Avid writes them (:func:`_mend_components`). Each
    track's clip and gap markers are added the way Media Composer writes them:
    one event slot per marked track, holding a ``DescriptiveMarker`` per marker
    that names the track it describes (``DescribedSlots``,
    ``PhysicalTrackNumber``), its text (``Comment``: the marker's name) and its
    colour (``_ATN_CRM_COLOR``).
    """
    if not isinstance(document, otio.schema.Timeline):
        names = [item.name for item in document if isinstance(item, otio.schema.Timeline)]
        raise ValueError(
            f"the AAF writer writes a single timeline, and this document holds {len(names)} "
            f"({', '.join(repr(n) for n in names)}); write the one you need, or write .otio"
        )
    document = _with_file_urls(_with_writable_descriptors(_with_dissolve_definitions(_with_media_at_sequence_rate(document))))
    # A clip read from an AAF keeps its mob id; any other gets a new one, as
    # an Avid import of a timeline from another system does.
    otio.adapters.write_to_file(document, path, adapter_name=adapter_name, use_empty_mob_ids=True)
    # The stock writer writes the tracks that hold something, in order.
    written = [track for track in document.tracks if len(track)]
    markers = [_track_markers(track) for track in written]
    mended = any(
        not getattr(item, "enabled", True) or _time_warp(item) is not None or isinstance(item, otio.schema.Stack)
        for track in written for item in track
    )
    if any(markers) or mended:
        _mend_written_file(path, written, markers)


def _with_media_at_sequence_rate(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """*timeline*, or a copy whose media ranges are in the sequence's rate, which the writer requires.

    Media at 24 fps in a 23.976 sequence is ordinary in Avid; the range is
    the same span of the media, counted in the sequence's frames.
    """
    rate = timeline.duration().rate

    def elsewhere(clip: otio.schema.Clip) -> bool:
        available = clip.media_reference.available_range
        return available is not None and (available.start_time.rate, available.duration.rate) != (rate, rate)

    if not any(elsewhere(clip) for clip in timeline.find_clips()):
        return timeline
    timeline = copy.deepcopy(timeline)
    for clip in timeline.find_clips():
        if elsewhere(clip):
            available = clip.media_reference.available_range
            clip.media_reference.available_range = otio.opentime.TimeRange(
                available.start_time.rescaled_to(rate), available.duration.rescaled_to(rate)
            )
    return timeline


# Media Composer's dissolve, for transitions whose AAF metadata lacks what the writer requires.
_DISSOLVE_OPERATION = {
    "Identification": "89d9b67e-5584-302d-9abd-8bd330c46841", "Name": "VideoDissolve_2", "Description": "",
    "IsTimeWarp": False, "Bypass": 1, "NumberInputs": 2, "OperationCategory": "OperationCategory_Effect",
}
_DISSOLVE_LEVELS = [{"Time": 0.0, "Value": 0.0}, {"Time": 1.0, "Value": 100.0}]


def _with_dissolve_definitions(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """*timeline*, or a copy whose dissolves carry the definition the writer requires of each.

    The writer copies a transition's operation, level curve (``PointList``)
    and cut point from ``metadata["AAF"]``, and fails where one is missing;
    missing parts are those of Media Composer's dissolve, cut in the middle.
    """
    def lacking(transition) -> bool:
        metadata = transition.metadata.get("AAF", {})
        operation = metadata.get("OperationGroup", {}).get("Operation", {})
        return not ("PointList" in metadata and "CutPoint" in metadata
                    and all(key in operation for key in _DISSOLVE_OPERATION))

    dissolves = otio.schema.Transition
    if not any(lacking(t) for t in timeline.find_children(descended_from_type=dissolves)):
        return timeline
    timeline = copy.deepcopy(timeline)
    for transition in timeline.find_children(descended_from_type=dissolves):
        if not lacking(transition):
            continue
        metadata = _as_plain(transition.metadata.get("AAF", {}))
        metadata.setdefault("PointList", _DISSOLVE_LEVELS)
        metadata.setdefault("CutPoint", round(transition.in_offset.value))
        operation = metadata.setdefault("OperationGroup", {}).setdefault("Operation", {})
        for key, value in _DISSOLVE_OPERATION.items():
            operation.setdefault(key, value)
        operation.setdefault("DataDefinition", {}).setdefault("Name", "Picture")
        transition.metadata["AAF"] = metadata
    return timeline


def _with_writable_descriptors(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """*timeline*, or a copy without the media descriptions the writer cannot rebuild.

    The writer rebuilds a file's essence descriptor from the class named in
    its metadata, and fails on a ``MultipleDescriptor`` (a file of picture
    and sound, as Premiere writes): such media is described with the
    writer's default descriptor instead.
    """
    def multiple(clip: otio.schema.Clip) -> bool:
        description = clip.media_reference.metadata.get("AAF", {}).get("EssenceDescription", {})
        return description.get("ClassName") == "MultipleDescriptor"

    if not any(multiple(clip) for clip in timeline.find_clips()):
        return timeline
    timeline = copy.deepcopy(timeline)
    for clip in timeline.find_clips():
        if multiple(clip):
            metadata = _as_plain(clip.media_reference.metadata["AAF"])
            del metadata["EssenceDescription"]["ClassName"]
            clip.media_reference.metadata["AAF"] = metadata
    return timeline


def _with_file_urls(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """*timeline*, or a copy whose absolute media paths are ``file://`` URLs, which is what an AAF locator holds."""
    def plain_absolute(clip: otio.schema.Clip) -> bool:
        url = getattr(clip.media_reference, "target_url", None) or ""
        return "://" not in url and os.path.isabs(url)

    if not any(plain_absolute(clip) for clip in timeline.find_clips()):
        return timeline
    timeline = copy.deepcopy(timeline)
    for clip in timeline.find_clips():
        if plain_absolute(clip):
            clip.media_reference.target_url = otio.url_utils.url_from_filepath(clip.media_reference.target_url)
    return timeline


def _as_plain(value):
    """OTIO metadata as plain dicts and lists, which can be edited in place."""
    if isinstance(value, (dict, otio._otio.AnyDictionary)):
        return {key: _as_plain(item) for key, item in value.items()}
    if isinstance(value, (list, otio._otio.AnyVector)):
        return [_as_plain(item) for item in value]
    return value


def _track_markers(track: otio.schema.Track) -> list[tuple[otio.opentime.RationalTime, otio.schema.Marker]]:
    """The markers of *track*'s items, each with its start in the track's time."""
    found = []
    for item in track:
        if isinstance(item, otio.schema.Transition):
            continue
        offset = item.range_in_parent().start_time - item.trimmed_range().start_time
        found.extend((marker.marked_range.start_time + offset, marker) for marker in item.markers)
    return found


def _mend_written_file(path: str, tracks: list, markers: list) -> None:
    """Add *markers* (per written track), speeds and mutes to the AAF the stock writer wrote."""
    with aaf2.open(path, "rw") as f:
        mob = next(iter(f.content.toplevel()))
        slots = [slot for slot in mob.slots if slot.media_kind in ("Picture", "Sound")]
        if [s.media_kind for s in slots] != [_MEDIA_KIND[t.kind] for t in tracks]:
            return  # not the layout expected: the written file is verified and refused instead
        for slot, track in zip(slots, tracks):
            _mend_components(f, slot, track)
        numbers: dict[str, int] = {}
        for slot in slots:
            numbers[slot.media_kind] = numbers.get(slot.media_kind, 0) + 1
            if slot["PhysicalTrackNumber"].value is None:
                slot["PhysicalTrackNumber"].value = numbers[slot.media_kind]
        slot_id = max(slot.slot_id for slot in mob.slots)
        for slot, found in zip(slots, markers):
            if found:
                slot_id += 1
                mob.slots.append(_event_slot(f, slot, slot_id, found))


def _mend_components(f, slot, track: otio.schema.Track) -> None:
    """Give *track*'s items the speed, mute and trim the stock writer left out, the way Avid writes them.

    A clip whose only effect is a time warp becomes a ``Motion Control``
    operation over its source clip; a disabled clip a ``Selector`` that
    selects a ``Filler`` over it; a nested stack its own length.
    """
    sequence = slot.segment
    if not isinstance(sequence, aaf2.components.Sequence):
        sequence = sequence.segments[0]  # audio: the writer's pan OperationGroup holds the sequence
    components = list(sequence.components)
    if len(components) != len(track):
        return  # not one component per item: verification names what differs
    for item, component in zip(track, components):
        _trim_nested(sequence, item, component)
    changes = [
        (_time_warp(item) if slot.media_kind == "Picture" else None, not getattr(item, "enabled", True))
        if isinstance(component, aaf2.components.SourceClip) else (None, False)
        for item, component in zip(track, components)
    ]
    if not any(warp is not None or mute for warp, mute in changes):
        return
    sequence["Components"].value = []  # detach them all, to attach the mended ones inside their wrappers
    mended = []
    for component, (warp, mute) in zip(components, changes):
        if warp is not None:
            component = _motion_control(f, component, warp.time_scalar)
        if mute:
            selector = f.create.Selector(media_kind=component.media_kind)
            selector["Selected"].value = f.create.Filler(component.media_kind, component.length)
            selector["Alternates"].value = [component]
            component = selector
        mended.append(component)
    sequence["Components"].value = mended


def _trim_nested(sequence, item, component) -> None:
    """Give a nested stack's operation group the stack's length.

    The writer adds up the lengths of the stack's tracks as if they played
    one after another. The length that is stated is the stack's trimmed one;
    a trim of its start cannot be (the reader starts a nested stack at 0).
    """
    if not (isinstance(item, otio.schema.Stack) and isinstance(component, aaf2.components.OperationGroup)):
        return
    shown = item.trimmed_range()
    if shown.start_time.value != 0:
        return
    length = round(shown.duration.value)
    if length != component.length:
        sequence.length += length - component.length
        component.length = length


def _time_warp(item) -> otio.schema.LinearTimeWarp | None:
    """*item*'s speed when a time warp (or freeze frame) is its only effect."""
    effects = list(getattr(item, "effects", []))
    if len(effects) == 1 and isinstance(effects[0], otio.schema.LinearTimeWarp):
        return effects[0]
    return None


# Media Composer's definitions of a speed change ("Motion Control").
_MOTION_CONTROL = uuid.UUID("9d2ea890-0968-11d3-8a38-0050040ef7d2")
_SPEED_RATIO = uuid.UUID("72559a80-24d7-11d3-8a50-0050040ef7d2")
_SPEED_OFFSET_MAP = uuid.UUID("8d56827d-847e-11d5-935a-50f857c10000")


def _motion_control(f, source_clip, time_scalar: float):
    """A ``Motion Control`` operation playing *source_clip* at *time_scalar* over its current length.

    Its speed is stated as Avid does: ``SpeedRatio`` (record frames per
    source frame) and the offset map ``PARAM_SPEED_OFFSET_MAP_U`` from
    (0, 0) to (length, source frames used); the source clip is cut to the
    source frames used (one, for a freeze frame).
    """
    operation, ratio, offset_map, linear = _motion_control_definitions(f)
    length = source_clip.length
    speed = fractions.Fraction(time_scalar).limit_denominator(100000)
    group = f.create.OperationGroup(operation, length)
    group["DataDefinition"].value = f.dictionary.lookup_datadef(source_clip.media_kind)
    constant = f.create.ConstantValue()
    constant.parameterdef = ratio
    constant.value = AAFRational(1 / speed if speed else length)
    varying = f.create.VaryingValue()
    varying.parameterdef = offset_map
    varying["Interpolation"].value = linear
    for time, value in ((0, 0), (length, length * speed)):
        point = f.create.ControlPoint()
        point["EditHint"].value = "RelativeFixed"
        point["Time"].value = AAFRational(time)
        point.value = value
        varying["PointList"].append(point)
    group["Parameters"].append(constant)
    group["Parameters"].append(varying)
    source_clip.length = max(1, round(length * speed))
    group.segments.append(source_clip)
    return group


def _motion_control_definitions(f):
    """The operation, parameter and interpolation definitions of a speed change, registered once."""
    dictionary = f.dictionary
    rational = dictionary.lookup_typedef("Rational")
    ratio = _defined(dictionary.lookup_parameterdef, _SPEED_RATIO)
    if ratio is None:
        ratio = f.create.ParameterDef(_SPEED_RATIO, "SpeedRatio", "", rational)
        dictionary.register_def(ratio)
    offset_map = _defined(dictionary.lookup_parameterdef, _SPEED_OFFSET_MAP)
    if offset_map is None:
        offset_map = f.create.ParameterDef(_SPEED_OFFSET_MAP, "PARAM_SPEED_OFFSET_MAP_U", "", rational)
        dictionary.register_def(offset_map)
    linear = _defined(dictionary.lookup_interperlationdef, "LinearInterp")
    if linear is None:
        linear = f.create.InterpolationDef(aaf2.misc.LinearInterp, "LinearInterp", "Linear keyframe interpolation")
        dictionary.register_def(linear)
    operation = _defined(dictionary.lookup_operationdef, _MOTION_CONTROL)
    if operation is None:
        operation = f.create.OperationDef(_MOTION_CONTROL, "Motion Control")
        dictionary.register_def(operation)
        operation.media_kind = "picture"
        operation["IsTimeWarp"].value = True
        operation["Bypass"].value = 0
        operation["NumberInputs"].value = 1
        operation["OperationCategory"].value = "OperationCategory_Effect"
        operation["DataDefinition"].value = dictionary.lookup_datadef("picture")
        operation["ParametersDefined"].extend([ratio])
    return operation, ratio, offset_map, linear


def _defined(lookup, key):
    """What *lookup* finds for *key*, or None (pyaaf2 raises or returns None for an unknown one)."""
    try:
        return lookup(key)
    except Exception:
        return None


def _event_slot(f, described_slot, slot_id: int, found: list):
    """An event slot of a ``DescriptiveMarker`` per marker, describing *described_slot*."""
    event = f.create.EventMobSlot()
    event["SlotID"].value = slot_id
    event["EditRate"].value = described_slot.edit_rate
    event["PhysicalTrackNumber"].value = described_slot["PhysicalTrackNumber"].value
    sequence = f.create.Sequence(media_kind="DescriptiveMetadata")
    sequence["Components"].value = []
    rate = float(described_slot.edit_rate)
    for start, marker in found:
        described = f.create.DescriptiveMarker()
        described["Position"].value = round(start.rescaled_to(rate).value)
        described["Length"].value = round(marker.marked_range.duration.rescaled_to(rate).value)
        described["Comment"].value = marker.name
        described["DescribedSlots"].value = {described_slot.slot_id}
        described["CommentMarkerAttributeList"].value = [
            f.create.TaggedValue("_ATN_CRM_COLOR", str(marker.color).title())
        ]
        sequence.components.append(described)
    event.segment = sequence
    return event


_MEDIA_KIND = {otio.schema.TrackKind.Video: "Picture", otio.schema.TrackKind.Audio: "Sound"}


def _is_pan(effect: dict) -> bool:
    return effect["type"] == "Effect" and not effect["effect_name"] and effect["name"] in ("", "Audio Pan")
