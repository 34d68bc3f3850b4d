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
