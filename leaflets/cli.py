"""Command line: arguments, exit codes, and what the user reads; nothing else."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import builder, report
from .errors import ContentError, LeafletError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Build multilingual patient leaflets (PDF) from YAML content blocks and Jinja templates.

commands:
  build   (default) validate the content, then render every edition to PDF
  check   validate the content and print the readability report; writes nothing
  test    run the test suite (python3 build.py test [pytest options])
"""

EPILOG = """\
exit codes: 0 success, 1 content or build errors (each printed as path:line:col: message),
2 wrong usage. Output layout: <output>/<lang>/<leaflet>.pdf and <output>/manifest.json."""


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check"],
                        help="what to do (default: build)")
    parser.add_argument("--content", type=Path, default=builder.Paths.content, metavar="DIR",
                        help="content folder: project.yaml, sources.yaml, leaflets/, blocks/ "
                             "(default: content/)")
    parser.add_argument("--output", type=Path, default=builder.Paths.output, metavar="DIR",
                        help="where PDFs and manifest.json are written (default: output/)")
    parser.add_argument("--locales", type=Path, default=builder.Paths.locales, metavar="DIR",
                        help="gettext catalogs of the template strings (default: locales/)")
    parser.add_argument("--lang", type=_list, default=(), metavar="CODES",
                        help="only these languages, comma-separated, e.g. fr,en "
                             "(default: every language of the project)")
    parser.add_argument("--leaflet", type=_list, default=(), metavar="IDS",
                        help="only these leaflets, comma-separated (default: all)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (e.g. readability below target) as errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on bad usage, 0 on --help
        return int(exit_.code or 0)
    paths = builder.Paths(content=arguments.content, output=arguments.output,
                          locales=arguments.locales)
    selection = builder.Selection(languages=arguments.lang, leaflets=arguments.leaflet)
    try:
        if arguments.command == "check":
            return check(paths, selection, arguments.strict)
        return build(paths, selection)
    except UsageError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except LeafletError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED


def check(paths: builder.Paths, selection: builder.Selection, strict: bool) -> int:
    prepared = builder.prepare(paths, selection)
    warnings = report.readability(prepared.library, prepared.editions)
    print(report.readability_table(prepared.library, prepared.editions))
    for warning in warnings:
        print(f"{'error' if strict else 'warning'}: {warning}", file=sys.stderr)
    if strict and warnings:
        raise ContentError(warnings)
    print(f"content is valid: {len(prepared.editions)} editions checked")
    return EXIT_OK


def build(paths: builder.Paths, selection: builder.Selection) -> int:
    started = time.monotonic()

    def progress(built: builder.Built) -> None:
        print(f"built {built.path} ({built.pages} pages, {built.bytes // 1024} KiB, "
              f"{built.approval})", flush=True)

    written = builder.build(paths, selection, progress)
    print(f"{len(written)} PDFs written to {paths.output} in "
          f"{time.monotonic() - started:.1f} s")
    return EXIT_OK
