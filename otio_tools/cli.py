"""The ``otio-tools`` command line.

Commands only parse options and call the library; :func:`main` is the one
place where errors become a one-line message and an exit code:
0 clean, 1 findings at or above ``--fail-on``, 2 usage or input errors.
Set ``OTIO_TOOLS_DEBUG=1`` to see the traceback as well.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from otio_tools.errors import OtioToolsError
from otio_tools.formats import FORMATS

__all__ = ["main", "cli"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="otio-tools")
@click.option("-v", "--verbose", count=True, help="Log what is done (-vv for debug).")
def cli(verbose: int) -> None:
    """QC for timelines cut from AI-generated shots."""
    level = logging.WARNING if not verbose else (logging.INFO if verbose == 1 else logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


rate_option = click.option(
    "--rate", type=float, default=None,
    help="Frame rate to read an EDL at (EDLs carry none), e.g. 24, 23.976, 25, 29.97.",
)
format_option = click.option(
    "--format", "input_format", default=None, help="Read the input as this format instead of detecting it.",
)


@cli.command()
@click.argument("timeline", type=click.Path(dir_okay=True))
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Where to write (default: beside the input, with a .otio-tools suffix).")
@click.option("--to", "to_format", default=None, help="Format to write (default: the input's).")
@click.option("--in-place", is_flag=True, help="Replace the input file (atomically, after verification).")
@rate_option
@format_option
def convert(timeline, output, to_format, in_place, rate, input_format):
    """Read TIMELINE and write it back, verified, in its own format or --to another."""
    from otio_tools.timeline_io import default_output_path, read_timeline, write_timeline

    loaded = read_timeline(timeline, rate=rate, format=input_format)
    if in_place:
        if output or to_format:
            raise click.UsageError("--in-place writes over the input: do not combine it with -o or --to")
        output = timeline
    fmt = to_format or loaded.format.name
    output = output or default_output_path(timeline, fmt)
    written = write_timeline(loaded.document, output, format=fmt, overwrite=in_place, rate=loaded.rate)
    click.echo(written)


media_option = click.option(
    "--media", "media_roots", multiple=True, type=click.Path(file_okay=False),
    help="A folder to look for media in (repeatable); matched on trailing path components, names and reels.",
)


@cli.command()
@click.argument("timeline", type=click.Path(dir_okay=True))
@media_option
@rate_option
@format_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of tables.")
def inspect(timeline, media_roots, rate, input_format, as_json):
    """Show TIMELINE's tracks, shots, cuts, transitions and media status."""
    import json

    from otio_tools.inspection import timeline_inspection
    from otio_tools.timeline_io import read_timeline

    loaded = read_timeline(timeline, rate=rate, format=input_format, media_roots=media_roots)
    data = timeline_inspection(loaded, media_roots)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(_inspection_text(data))


@cli.command()
@click.argument("timeline", type=click.Path(dir_okay=True))
@media_option
@rate_option
@format_option
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Write NAME.json, NAME.html and NAME.metrics.csv into this folder.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write the JSON report here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None, help="Write the HTML report here.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="Write every analyser's raw scores here (CSV), to tune thresholds from data.")
@click.option("--fail-on", type=click.Choice(["warning", "error", "never"]), default="error", show_default=True,
              help="Exit 1 when a finding reaches this severity.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="A TOML file of analyser settings (see `otio-tools analysers`).")
@click.option("--preset", type=click.Choice(["ai-film", "broadcast"]), default=None,
              help="Start from these settings (default ai-film).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Review this many media files at once, in separate processes.")
@click.option("--no-cache", is_flag=True, help="Decode everything afresh; do not read or write the frame cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Frame cache folder (default: $XDG_CACHE_HOME/otio-tools or ~/.cache/otio-tools).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", count=True, help="Log what is done (-vv for debug).")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write the reviewed timeline (findings as markers, CDLs, take slots) here; default: beside TIMELINE "
                   "as NAME.otio-tools.SUFFIX. Another suffix writes another format (see docs/markers.md).")
@click.option("--apply-trims", is_flag=True,
              help="In the -o timeline, make the trims suggested for defects near a shot's head or tail (slip or ripple).")
@click.option("--takes", "takes_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder of alternate generations (repeatable); the best of each failed shot goes in its -o slot.")
def review(timeline, media_roots, rate, input_format, report_dir, json_path, html_path, csv_path, fail_on,
           config_path, preset, jobs, no_cache, cache_dir, quiet, verbose, output, apply_trims, takes_dirs):
    """Relink TIMELINE, analyse every cut and shot of its picture, and report what is wrong.

    With no output named, the reviewed timeline and the JSON and HTML
    reports are written beside TIMELINE as NAME.otio-tools.SUFFIX,
    NAME.otio-tools.json and NAME.otio-tools.html (numbered, never
    overwriting). Exit code 0 when clean, 1 when a finding reaches --fail-on,
    2 on a usage or input error.
    """
    from otio_tools.api import review as run_review
    from otio_tools.formats.detect import detect_format
    from otio_tools.outputs import path_beside
    from otio_tools.progress import TerminalProgress
    from otio_tools.rewrite import DIALECTS
    from otio_tools.rewrite.writing import SIDECAR_SUFFIXES

    if verbose:
        logging.getLogger().setLevel(logging.INFO if verbose == 1 else logging.DEBUG)
    if not (report_dir or json_path or html_path or csv_path):
        json_path, html_path = path_beside(timeline, ".json"), path_beside(timeline, ".html")
    note = None
    if output is None:
        fmt = FORMATS[input_format] if input_format in FORMATS else detect_format(timeline)
        if fmt.name in DIALECTS or fmt.name == "aaf":
            output = path_beside(timeline, fmt.suffixes[0], SIDECAR_SUFFIXES)
        else:
            note = (f"no reviewed timeline written: {fmt.name} keeps no markers; "
                    "pass -o with an .otio, .xml, .fcpxml or .edl name to write one")
    result = run_review(
        timeline, media=media_roots, rate=rate, format=input_format, config=config_path, preset=preset,
        json_path=json_path, html_path=html_path, csv_path=csv_path, report_dir=report_dir, output=output,
        apply_trims=apply_trims, takes_dirs=takes_dirs, jobs=jobs, use_cache=not no_cache, cache_dir=cache_dir,
        progress=None if quiet else TerminalProgress(),
    )
    if not quiet:
        click.echo(_review_text(result))
        if note:
            click.echo(note)
    if result.failed(fail_on):
        raise SystemExit(EXIT_FINDINGS)


@cli.command()
@click.option("--preset", type=click.Choice(["ai-film", "broadcast"]), default=None,
              help="Show the values of this preset instead of the defaults.")
def analysers(preset):
    """List every analyser and setting with its default, bounds and meaning."""
    from otio_tools.analysers import CUT_ANALYSERS, SHOT_ANALYSERS
    from otio_tools.config import settings_for, settings_table

    click.echo("cut analysers:  " + ", ".join(CUT_ANALYSERS))
    click.echo("shot analysers: " + ", ".join(SHOT_ANALYSERS))
    rows = []
    for group, name, value, lo, hi, doc in settings_table(settings_for(preset)):
        bounds = "" if lo is None and hi is None else f"{lo} .. {hi}"
        rows.append([f"[{group}] {name}" if group else name, value, bounds, doc])
    click.echo(_table(rows, ["setting", "value", "bounds", "meaning"]))


def _review_text(result) -> str:
    cuts = result.cuts
    tf = result.timeline_file
    lines = [f"{tf.path}  ({tf.format.name}, {cuts.rate:g} fps, {len(cuts.picture.shots)} shots, "
             f"{len(cuts.picture.edits)} edit points)"]
    skipped = [m for m in result.media if m.status != "linked"]
    for item in skipped:
        lines.append(f"  skipped {item.shot.name} at {cuts.timecode(item.shot.record_start)}: {item.status}"
                     f" ({item.reason})")
    rows = [[cuts.timecode(f.start), f.start, f.duration, f.severity.value, f.kind, f.clip or "-", f.message]
            for f in result.findings]
    if rows:
        lines.append(_table(rows, ["timecode", "frame", "frames", "severity", "kind", "clip", "message"]))
    counts = {}
    for f in result.findings:
        counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
    summary = ", ".join(f"{counts[k]} {k}" for k in ("error", "warning", "info") if k in counts) or "no findings"
    lines.append(f"{summary}; {result.frames_decoded} frames decoded in {result.seconds:.1f} s")
    if result.rewritten is not None:
        lines.append(result.rewritten.summary())
    lines += [f"{kind}: {path}" for kind, path in result.outputs.items() if kind in ("json", "html", "csv")]
    return "\n".join(lines)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _inspection_text(data: dict) -> str:
    out = [
        f"{data['file']}  ({data['format']})",
        f"  name {data['name']!r}, {data['rate']:g} fps{' drop-frame' if data['drop_frame'] else ''}, "
        f"starts {data['start_timecode']}, {data['duration']} frames, "
        f"{len(data['video_tracks'])} video / {data['audio_tracks']} audio tracks, {data['markers']} markers",
    ]
    out += [f"  note: {note}" for note in data["notes"]]
    status = ", ".join(f"{n} {k}" for k, n in sorted(data["media_status"].items())) or "no shots"
    out.append(f"  media of the picture's shots: {status}")
    for track in data["video_tracks"]:
        out.append("")
        out.append(f"V{track['index'] + 1} {track['name']!r}{'' if track['enabled'] else ' (disabled)'}: "
                   f"{len(track['shots'])} shots, {len(track['edits'])} edit points")
        rows = []
        for shot in track["shots"]:
            media = shot["media"]
            where = media["rule"] if media["status"] == "linked" else media["status"]
            handles = "-" if shot["handle_before"] is None else f"{shot['handle_before']}/{shot['handle_after']}"
            speed = "freeze" if shot["speed"] == 0 else ("" if shot["speed"] == 1 else f"{shot['speed'] * 100:g}%")
            rows.append([shot["index"] + 1, shot["name"][:40], shot["record_in"], shot["record_out"],
                         shot["record_duration"], shot["source_in"] or "", speed, handles, where])
        if rows:
            out.append(_table(rows, ["#", "clip", "rec in", "rec out", "frames", "src in", "speed", "handles", "media"]))
        transitions = [e for e in track["edits"] if e["transition"]]
        for edit in transitions:
            t = edit["transition"]
            out.append(f"  transition {t['type']} at {edit['timecode']} (frame {edit['record_frame']}): "
                       f"{t['in_offset']} frames before, {t['out_offset']} after; "
                       f"{edit['outgoing'] or 'black'} -> {edit['incoming'] or 'black'}")
    missing = [s for s in data["picture"]["shots"] if s["media"]["status"] != "linked"]
    for shot in missing:
        media = shot["media"]
        extra = f": {', '.join(media['candidates'])}" if media["candidates"] else ""
        out.append(f"  {media['status']}: {shot['name']} ({media['url'] or 'no URL'}){extra}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; the single boundary that turns errors into messages and exit codes."""
    debug = os.environ.get("OTIO_TOOLS_DEBUG") == "1"
    try:
        cli.main(args=argv, prog_name="otio-tools", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("otio-tools: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except OtioToolsError as exc:
        if debug:
            raise
        click.echo(f"otio-tools: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # an unexpected failure is still one line by default
        if debug:
            raise
        click.echo(
            f"otio-tools: internal error: {type(exc).__name__}: {exc} "
            "(run with OTIO_TOOLS_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)
