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
