"""Write a reviewed timeline: the editor's own timeline with the findings as markers, CDLs, and sidecars.

The output is the input document (same format unless the output's suffix
names another) with one marker per finding in that format's dialect
(:mod:`otio_tools.rewrite.dialects`). It is written atomically, read back and
checked (:mod:`otio_tools.rewrite.verification`) before it replaces anything.
EDL and AAF outputs also get the marker sidecars (:mod:`otio_tools.rewrite.sidecars`):
an EDL's ``LOC`` lines carry no duration or comment, and an Avid marker holds
one text (our writer puts the marker's name there, on the picture track, as
Media Composer writes its markers), so the full messages travel beside them.
CDLs fitted for grade findings (:mod:`otio_tools.rewrite.grading`) go on
their clips (``metadata["cdl"]``, ``*ASC_SOP``/``*ASC_SAT`` in an EDL), into
the marker's comment with the measure before and after, and into ``.ccc`` and
``.cdl`` files beside the output, whatever its format. Trims suggested for
in-shot defects (:mod:`otio_tools.rewrite.trims`) go into their markers, and
with ``apply_trims`` into the timeline itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

import opentimelineio as otio

from otio_tools.cuts import TimelineCuts, timeline_cuts
from otio_tools.errors import TimelineWriteError
from otio_tools.findings import Finding
from otio_tools.formats import format_for_suffix, format_named
from otio_tools.outputs import atomic_write_text
from otio_tools.rewrite.cdl import CdlFit, colour_correction_collection, colour_decision_list
from otio_tools.rewrite.dialects import DIALECTS, dialect_for
from otio_tools.rewrite.grading import cdl_fits as fitted_cdls
from otio_tools.rewrite.grading import timeline_with_cdls
from otio_tools.rewrite.markers import finding_key, finding_markers, timeline_with_findings
from otio_tools.rewrite.takes import TakeSlot, take_slots, takes_only_timeline, timeline_with_take_slots
from otio_tools.rewrite.trims import Trim, record_frame_after, suggested_trims, timeline_with_trims
from otio_tools.rewrite.sidecars import (
    avid_marker_list,
    read_avid_marker_list,
    read_resolve_marker_edl,
    resolve_marker_edl,
)
from otio_tools.rewrite.verification import rewrite_differences
from otio_tools.timeline_io import TimelineFile, timeline_of, write_timeline

__all__ = ["Rewritten", "write_reviewed", "write_timeline_with_findings", "SIDECAR_FORMATS", "SIDECAR_SUFFIXES"]

SIDECAR_FORMATS = ("edl", "aaf")

SIDECAR_SUFFIXES = (".takes.edl", ".resolve-markers.edl", ".avid-markers.txt", ".ccc", ".cdl")
"""What files beside a reviewed timeline ``NAME.SUFFIX`` may be called: ``NAME`` plus one of these."""
"""Output formats that also get the Resolve marker EDL and the Avid marker list."""


@dataclass(frozen=True)
class Rewritten:
    """What was written: ``paths`` by role (``timeline``, ``resolve_markers``, ``avid_markers``), and notes."""

    paths: Mapping[str, str]
    markers: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    cdl_fits: tuple[CdlFit, ...] = ()
    trims: tuple[Trim, ...] = ()
    slots: tuple[TakeSlot, ...] = ()

    def summary(self) -> str:
        """One line per file written, one per CDL fitted and per trim, then the notes: what the CLI prints."""
        lines = [f"{role.replace('_', ' ')}: {path}" + (f" ({self.markers} review markers)" if role == "timeline" else "")
                 for role, path in self.paths.items()]
        return "\n".join([*lines, *(fit.summary() for fit in self.cdl_fits), *(t.summary() for t in self.trims),
                          *(slot.summary() for slot in self.slots), *self.notes])


def write_reviewed(result, output: str | os.PathLike, *, format: str | None = None, overwrite: bool = False,
                   merge: bool = False, cdl: bool = True, apply_trims: bool = False, takes: bool = True,
                   takes_dirs: Iterable[str] = (), settings=None, source=None,
                   cache_dir: str | None = None, use_cache: bool = True) -> Rewritten:
    """Write *result*'s timeline (a review's ``ReviewResult``) with its findings as markers to *output*.

    With *cdl*, a CDL is fitted for each grade finding, on frames read
    through *source* (default: the decoder behind the frame cache in
    *cache_dir*; not stored there unless *use_cache*) at the review's
    *settings* (``AnalysisSettings``). Trims
    are suggested for in-shot defects near a head or tail, and applied with
    *apply_trims* (see :mod:`otio_tools.rewrite.trims`). With *takes*, each
    shot with an error gets a slot on a takes track, holding its best
    alternate take found beside its media or in *takes_dirs* (see
    :mod:`otio_tools.rewrite.takes`).
    """
    frames = dict(settings=settings, source=source, cache_dir=cache_dir, use_cache=use_cache)
    fits = fitted_cdls(result, **frames) if cdl else []
    trims = suggested_trims(result.cuts, result.findings, media=result.media)
    slots = take_slots(result, takes_dirs, **frames) if takes else []
    return write_timeline_with_findings(result.timeline_file, result.findings, output, format=format,
                                        overwrite=overwrite, merge=merge, cuts=result.cuts, cdl_fits=fits,
                                        trims=trims, apply_trims=apply_trims, slots=slots)


def write_timeline_with_findings(
    timeline_file: TimelineFile,
    findings: Iterable[Finding],
    output: str | os.PathLike,
    *,
    format: str | None = None,
    overwrite: bool = False,
    merge: bool = False,
    cuts: TimelineCuts | None = None,
    cdl_fits: Iterable[CdlFit] = (),
    trims: Iterable[Trim] = (),
    apply_trims: bool = False,
    slots: Iterable[TakeSlot] = (),
) -> Rewritten:
    """Write *timeline_file* with *findings* as markers to *output*, verified; earlier review markers replaced.

    *format* defaults to the one *output*'s suffix names, else the input's.
    *cdl_fits*, *trims* and take *slots* are offered in the markers of their
    findings (the CDLs put on their clips, the slots on a takes track; an EDL,
    which holds one picture track, gets the takes track as ``NAME.takes.edl``);
    with *apply_trims* the trims are made, and markers, CDLs and slots sit
    where the trimmed timeline puts their frames.
    Raises ``TimelineWriteError`` when the format keeps no marker, when a file
    exists and not *overwrite*, or when what was written reads back different.
    """
    output = os.fspath(output)
    fmt = _output_format(output, format, timeline_file)
    cuts = cuts or timeline_cuts(timeline_file.timeline)
    findings, fits, trims, slots = tuple(findings), tuple(cdl_fits), tuple(trims), tuple(slots)
    notes: list[str] = []
    base = timeline_file.timeline
    if apply_trims and trims:
        base, trims = timeline_with_trims(base, trims, cuts.rate)
        notes += [f"{t.summary()} (a ripple moves only its own track: {t.clip}'s is not the only one with clips)"
                  for t in trims if not t.applied]
        moved = {finding_key(f): _moved(f, trims) for f in findings}
        findings = tuple(moved[finding_key(f)] for f in findings)
        fits = tuple(replace(fit, finding=moved.get(finding_key(fit.finding), fit.finding)) for fit in fits)
        trims = tuple(replace(t, findings=tuple(moved.get(finding_key(f), f) for f in t.findings)) for t in trims)
        slots = tuple(_moved_slot(slot, trims, moved) for slot in slots)
    fixes: dict[tuple, list] = {}
    for fit in fits:
        fixes.setdefault(finding_key(fit.finding), []).append((fit.summary(), {"cdl": fit.to_json()}))
    for trim in trims:
        for finding in trim.findings:
            fixes.setdefault(finding_key(finding), []).append((trim.summary(), {"trim": trim.to_json()}))
    for slot in slots:
        for finding in slot.findings:
            fixes.setdefault(finding_key(finding), []).append((slot.summary(), {"takes": slot.to_json()}))
    specs = finding_markers(findings, merge=merge, fixes=fixes)
    paths: dict[str, str] = {}
    if fmt in SIDECAR_FORMATS:
        paths.update(_write_sidecars(specs, output, cuts, overwrite))
    if fits:
        paths.update(_write_cdl_files(fits, output, overwrite))
    if slots and fmt in ("edl", "aaf"):
        takes_path = f"{os.path.splitext(output.rstrip('/'))[0]}.takes.edl"
        paths["takes"] = write_timeline(
            takes_only_timeline(base, slots, cuts.rate, os.path.dirname(os.path.abspath(output))), takes_path,
            format="edl", overwrite=overwrite, rate=timeline_file.rate or cuts.rate)
    dialect = dialect_for(fmt)
    if dialect is None:
        raise TimelineWriteError(
            f"{output}: review markers cannot be written as {fmt}; write one of: "
            f"{', '.join(DIALECTS)} (e.g. -o NAME.otio)"
        )
    on_track = () if fmt in ("edl", "aaf") else slots  # their takes go to NAME.takes.edl
    document = _document_with_findings(timeline_file, base, findings, cuts, dialect, merge, fixes, fits,
                                       on_track, os.path.dirname(os.path.abspath(output)))
    # What was meant to be written: the input plus the markers (the same edit in another
    # format when the output names one, judged on what that format carries).
    meant = timeline_of(document)

    def verify(written_document) -> None:
        differences = rewrite_differences(meant, timeline_of(written_document), specs, fmt, cuts.rate, fits,
                                          on_track)
        if differences:
            raise TimelineWriteError(
                f"{output}: the written {fmt} file is not the timeline plus its review markers, on what {fmt} "
                f"carries: {differences[0]}"
                + (f" (and {len(differences) - 1} more)" if len(differences) > 1 else "")
                + ("; write the input's own format" if fmt != timeline_file.format.name else "")
            )

    try:
        paths["timeline"] = write_timeline(document, output, format=fmt, overwrite=overwrite,
                                           rate=timeline_file.rate, verify=verify)
    except TimelineWriteError as exc:
        if fmt != "aaf":
            raise
        # Some Avid sequences hold what the AAF writer cannot write back (see the README's round-trip
        # table): nothing is written in their place, and the marker files carry the review instead.
        notes.append(
            f"{exc}; the markers are in {paths['avid_markers']} (Media Composer: Markers window, Import "
            f"Markers) and {paths['resolve_markers']} (Resolve: Timeline Markers from EDL)"
        )
    return Rewritten(paths, len(specs), tuple(notes), fits, trims, slots)


def _moved(finding: Finding, trims: tuple[Trim, ...]) -> Finding:
    """*finding* at the record frames the applied trims moved it to (at least one frame long)."""
    start = record_frame_after(trims, finding.start)
    end = record_frame_after(trims, finding.end)
    return replace(finding, start=start, duration=max(1, end - start))


def _output_format(output: str, format: str | None, timeline_file: TimelineFile) -> str:
    if format:
        return format_named(format).name
    by_suffix = format_for_suffix(os.path.splitext(output.rstrip("/"))[1])
    if by_suffix is not None:
        return by_suffix.name
    suffix = os.path.splitext(output)[1].lower()
    if suffix in timeline_file.format.suffixes:
        return timeline_file.format.name
    raise TimelineWriteError(f"{output}: cannot tell the format from the suffix; name it with --to or a suffix")


def _moved_slot(slot: TakeSlot, trims: tuple[Trim, ...], moved: dict) -> TakeSlot:
    start = record_frame_after(trims, slot.record_start)
    duration = max(1, record_frame_after(trims, slot.record_start + slot.duration - 1) + 1 - start)
    ranking = tuple(replace(t, frames=max(1, int(round(t.frames * duration / slot.duration)))) for t in slot.ranking)
    return replace(slot, record_start=start, duration=duration, ranking=ranking,
                   findings=tuple(moved.get(finding_key(f), f) for f in slot.findings))


def _document_with_findings(timeline_file, base, findings, cuts, dialect, merge, fixes, fits, slots, folder):
    timeline = timeline_with_findings(
        base, findings, rate=cuts.rate, on_clips=dialect.on_clips, merge=merge,
        timecode=cuts.timecode, dialect=dialect.adorn, fixes=fixes,
    )
    timeline = timeline_with_cdls(timeline, fits, cuts.rate)
    timeline = timeline_with_take_slots(timeline, slots, cuts.rate, folder)
    document = timeline_file.document
    if document is timeline_file.timeline:
        return timeline
    if isinstance(document, otio.schema.SerializableCollection):
        copied = document.deepcopy()
        for index, item in enumerate(copied):
            if isinstance(item, otio.schema.Timeline):
                copied[index] = timeline
                return copied
    raise TimelineWriteError(
        f"{timeline_file.path}: is a clip list, not a timeline; review markers need a timeline to sit on"
    )


def _write_sidecars(specs, output: str, cuts: TimelineCuts, overwrite: bool) -> dict[str, str]:
    stem = os.path.splitext(output.rstrip("/"))[0]
    texts = {
        "resolve_markers": (f"{stem}.resolve-markers.edl",
                            resolve_marker_edl(specs, cuts.name or os.path.basename(stem), cuts.timecode,
                                               cuts.drop_frame)),
        "avid_markers": (f"{stem}.avid-markers.txt", avid_marker_list(specs, cuts.timecode)),
    }
    readers = {"resolve_markers": read_resolve_marker_edl, "avid_markers": read_avid_marker_list}
    wanted = [cuts.timecode(spec.start) for spec in specs]
    for role, (path, text) in texts.items():
        read = [entry["timecode"] for entry in readers[role](text)]
        if read != wanted:
            raise TimelineWriteError(f"{path}: the {role.replace('_', ' ')} do not read back at the findings' timecodes")
        if os.path.exists(path) and not overwrite:
            raise TimelineWriteError(f"{path}: already exists; choose another output (-o) or remove it")
    return {role: atomic_write_text(path, text) for role, (path, text) in texts.items()}


def _write_cdl_files(fits: tuple[CdlFit, ...], output: str, overwrite: bool) -> dict[str, str]:
    """``NAME.ccc`` (one ColorCorrection per clip, id = clip name) and ``NAME.cdl`` beside *output*."""
    from xml.etree import ElementTree

    stem = os.path.splitext(output.rstrip("/"))[0]
    texts = {"ccc": (f"{stem}.ccc", colour_correction_collection(fits)),
             "cdl": (f"{stem}.cdl", colour_decision_list(fits))}
    for role, (path, text) in texts.items():
        ids = [e.get("id") for e in ElementTree.fromstring(text.encode("utf-8")).iter(
            "{urn:ASC:CDL:v1.01}ColorCorrection")]
        if ids != [fit.clip for fit in fits]:
            raise TimelineWriteError(f"{path}: the CDLs do not read back for clips {[fit.clip for fit in fits]}")
        if os.path.exists(path) and not overwrite:
            raise TimelineWriteError(f"{path}: already exists; choose another output (-o) or remove it")
    return {role: atomic_write_text(path, text) for role, (path, text) in texts.items()}
