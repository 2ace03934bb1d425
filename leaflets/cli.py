"""Command line: arguments, exit codes, and what the user reads; nothing else."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import builder, report
from . import status as translation_status
from .errors import ContentError, LeafletError, UsageError
from .model import load_library

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Build multilingual patient leaflets (PDF) from YAML content blocks and Jinja templates.

commands:
  build   (default) validate the content, then render every edition to PDF
  check   validate the content and print the readability report; writes nothing
  status  translation status of every block: missing, stale (with what changed), draft,
          reviewed, approved; --mark-current records that translations are up to date
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
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check", "status"],
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
                        help="treat warnings as errors: readability below target (check), "
                             "missing or stale translations (status)")
    parser.add_argument("--release", action="store_true",
                        help="build only editions whose blocks are all approved and current; "
                             "list the others and exit 1")
    parser.add_argument("--mark-current", type=_list, default=(), metavar="SPECS",
                        help="with status: record that these translations match their source "
                             "now, e.g. de:tolerance or de (every block in German)")
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
        if arguments.command == "status":
            return status(paths, selection, arguments.strict, arguments.mark_current)
        return build(paths, selection, arguments.release)
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


def status(paths: builder.Paths, selection: builder.Selection, strict: bool,
           mark_current: tuple[str, ...]) -> int:
    library = load_library(paths.content)
    if mark_current:
        for change in translation_status.mark_current(library, list(mark_current)):
            print(change)
        library = load_library(paths.content)
    languages = [edition.language for edition in builder.select(library, selection)]
    languages = list(dict.fromkeys(languages))
    print(translation_status.matrix(library, languages))
    details = translation_status.stale_details(library, languages)
    for detail in details:
        print(detail)
    incomplete = translation_status.incomplete(library, languages)
    if strict and incomplete:
        print(f"error: {incomplete} translations are missing or stale", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def build(paths: builder.Paths, selection: builder.Selection, release: bool) -> int:
    started = time.monotonic()

    def progress(built: builder.Built) -> None:
        print(f"built {built.path} ({built.pages} pages, {built.bytes // 1024} KiB, "
              f"{built.approval})", flush=True)

    written, refused = builder.build(paths, selection, progress, release=release)
    print(f"{len(written)} PDFs written to {paths.output} in "
          f"{time.monotonic() - started:.1f} s")
    if refused:
        print(f"refused {len(refused)} editions for release:", file=sys.stderr)
        for reason in refused:
            print(f"  {reason}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
