"""Command line: arguments, exit codes, and what the user reads; nothing else."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from . import builder, glossary, interchange, preflight, report, reviews, serve, spelling, words
from . import status as translation_status
from .editions import GENERIC, Selection, select
from .errors import ContentError, LeafletError, UsageError
from .kinds import Site
from .kinds.bundle import Bundle
from .model import LibraryLoader, load_library
from .outputs import Outputs, output_lock
from .registry import FORMATS, VARIANTS
from .render import harfbuzz_subsetter_available, press_profile
from .workers import Execution, default_jobs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Build multilingual patient leaflets (PDF) from YAML content blocks and Jinja templates.

commands:
  build   (default) validate the content, then render every edition to PDF
  check   validate the content and print the readability report; writes nothing
          (check --preflight: preflight the press PDFs already built)
  status  translation status of every block: missing, stale (with what changed), draft,
          reviewed, approved (and why an approval no longer holds, with the diff);
          --mark-current records that translations are up to date; --words counts
          the words to translate (new, stale) per language and leaflet, for a quote
  approve record approvals bound to the text: approve --by NAME [--on DATE] LANG[:BLOCK]…
  watch   build, then rebuild what changed each time a file is saved (Ctrl-C to stop)
  serve   preview in a browser at http://127.0.0.1:8000/: pages follow each save, the PDFs
          after; the review of each translation at /__leaflets/ (--port, --host, --public)
  bundle  zip a clinic's PDFs, catalogue page and checksums: bundle --clinic ID
  translate  content for translators: translate export --lang de [--stale] [--format po]
          -o de.xlf (XLIFF 2.0 or PO); translate import de.xlf; translate new es (a language)
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
    parser.add_argument("command", nargs="?", default="build",
                        choices=["build", "check", "status", "approve", "watch", "serve",
                                 "bundle", "translate"],
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
    parser.add_argument("--variant", type=_list, default=Selection.variants, metavar="NAMES",
                        help="which variants to build, comma-separated: " + ", ".join(
                            f"{name} ({variant.help})" for name, variant in VARIANTS.items()))
    parser.add_argument("--format", metavar="NAME",
                        help="build every leaflet in this format instead of its own: "
                             + ", ".join(FORMATS))
    parser.add_argument("--clinic", type=_list, default=(), metavar="IDS",
                        help=f"only these clinics' editions, comma-separated; '{GENERIC}' for "
                             "the editions without a clinic (default: generic and every clinic)")
    parser.add_argument("--jobs", "-j", type=int, default=default_jobs(), metavar="N",
                        help="render N PDFs at a time in worker processes "
                             "(default: the cores this process may use, a container's CPU "
                             "quota included; here %(default)s)")
    parser.add_argument("--executor", choices=["local", "dask"], default="local",
                        help="where render jobs run: local processes, or a Dask cluster "
                             "(needs --scheduler and the 'dask' extra)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="address of the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings as errors: readability below target (check), "
                             "missing or stale translations (status)")
    parser.add_argument("--release", action="store_true",
                        help="build only editions whose blocks are all approved and current; "
                             "list the others and exit 1")
    parser.add_argument("--preview", action="store_true",
                        help="with build and --lang: a preview of a translation, blocks not "
                             "yet translated shown in the source language in a frame; "
                             "written as <lang>/<leaflet>.preview.pdf, never released, "
                             "catalogued or bundled")
    parser.add_argument("--preflight", action="store_true",
                        help="with check: preflight the press PDFs of the output folder "
                             "(colours, boxes, fonts, output intent, image resolution)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        metavar="YYYY-MM-DD",
                        help="with check: the date review dates are checked against "
                             "(default: today)")
    parser.add_argument("specs", nargs="*", metavar="LANG[:BLOCK]",
                        help="with approve: what you approve, e.g. fr (every French block) or "
                             "de:tolerance")
    parser.add_argument("--by", metavar="NAME",
                        help="with approve: the reviewer's name (required)")
    parser.add_argument("--on", type=date.fromisoformat, default=date.today(),
                        metavar="YYYY-MM-DD", help="with approve: the date of the approval "
                                                   "(default: today)")
    parser.add_argument("--stale", action="store_true",
                        help="with translate export: only blocks not translated yet or stale")
    parser.add_argument("-o", "--to", type=Path, metavar="FILE",
                        help="with translate export: the file to write (XLIFF, or PO with "
                             "--format po)")
    parser.add_argument("--mark-current", type=_list, default=(), metavar="SPECS",
                        help="with status: record that these translations match their source "
                             "now, e.g. de:tolerance or de (every block in German)")
    parser.add_argument("--words", action="store_true",
                        help="with status: the words to translate per language and leaflet "
                             "(new, stale, total), as CAT tools count them, for a quote")
    parser.add_argument("--port", type=int, default=8000, metavar="N",
                        help="with serve: the port to listen on (default: 8000)")
    parser.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                        help="with serve: the interface to listen on (default 127.0.0.1: this "
                             "machine only; another one needs --public)")
    parser.add_argument("--public", action="store_true",
                        help="with serve: let --host be an interface others reach")
    return parser


def usage_problem(arguments: argparse.Namespace) -> str | None:
    """What is wrong with a combination of options that argparse cannot see."""
    if (arguments.executor == "dask") != bool(arguments.scheduler):
        return "--executor dask and --scheduler ADDRESS go together"
    if arguments.jobs < 1:
        return f"--jobs must be at least 1, found {arguments.jobs}"
    if arguments.specs and arguments.command not in ("approve", "translate"):
        return (f"unexpected {' '.join(arguments.specs)!r}: only 'approve' takes LANG[:BLOCK] "
                "arguments; options start with --")
    if arguments.by and arguments.command != "approve":
        return "--by goes with 'approve'"
    if arguments.preflight and arguments.command != "check":
        return "--preflight goes with 'check'"
    if arguments.words and arguments.command != "status":
        return "--words goes with 'status'"
    if arguments.command == "serve":
        return serve.address_problem(arguments.host, arguments.port, arguments.public)
    return _preview_problem(arguments)


def _preview_problem(arguments: argparse.Namespace) -> str | None:
    if not arguments.preview:
        return None
    if arguments.command not in ("build", "watch"):
        return "--preview goes with 'build' (or 'watch')"
    if arguments.release:
        return "--preview and --release exclude each other: a preview is never released"
    if not arguments.lang:
        return "--preview needs --lang CODES: the languages to preview, e.g. --lang it"
    return None


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = parser().parse_intermixed_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on bad usage, 0 on --help
        return int(exit_.code or 0)
    wrong = usage_problem(arguments)
    if wrong:
        print(f"build.py: error: {wrong}", file=sys.stderr)
        return EXIT_USAGE
    paths = builder.Paths(content=arguments.content, output=arguments.output,
                          locales=arguments.locales)
    execution = Execution(jobs=arguments.jobs, scheduler=arguments.scheduler)
    selection = Selection(languages=arguments.lang, leaflets=arguments.leaflet,
                          variants=arguments.variant, format=arguments.format,
                          clinics=arguments.clinic, preview=arguments.preview)
    try:
        if arguments.command == "check" and arguments.preflight:
            return preflight_press_files(paths)
        if arguments.command == "check":
            return check(paths, selection, arguments.strict, arguments.today)
        if arguments.command == "status":
            return status(paths, selection, arguments.strict, arguments.mark_current,
                          arguments.words)
        if arguments.command == "approve":
            return approve(paths, arguments.specs, arguments.by, arguments.on)
        if arguments.command == "translate":
            return translate(paths, arguments)
        if arguments.command == "bundle":
            return make_bundles(paths, arguments.clinic)
        if arguments.command == "watch":
            return serve.watch(paths, lambda: build(paths, selection, execution))
        if arguments.command == "serve":
            return serve.serve(paths, selection, arguments.jobs, arguments.host, arguments.port,
                               arguments.public)
        return build(paths, selection, execution, arguments.release)
    except UsageError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except LeafletError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:   # the output folder cannot be written: full, read-only…
        print(f"build.py: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED


def check(paths: builder.Paths, selection: Selection, strict: bool, today: date) -> int:
    prepared = builder.prepare(paths, selection)
    for edition in prepared.editions:  # template errors show up here, not at build time
        builder.render_html(prepared.templates, prepared.library, edition)
    print(report.readability_table(prepared.library, prepared.editions))
    review_warnings, overdue = report.review_dates(prepared.library, today)
    warnings = (report.readability(prepared.library, prepared.editions) + review_warnings
                + report.approval_warnings(prepared.library, prepared.editions)
                + glossary.glossary_warnings(prepared.library, prepared.editions)
                + spelling.spelling_warnings(prepared.library, paths.locales))
    for warning in warnings:
        print(f"{'error' if strict else 'warning'}: {warning}", file=sys.stderr)
    if overdue or (strict and warnings):
        raise ContentError(overdue + (warnings if strict else []))
    print(f"content is valid: {len(prepared.editions)} editions checked")
    for line in translation_status.in_progress(prepared.library):
        print(line)
    return EXIT_OK


def preflight_press_files(paths: builder.Paths) -> int:
    """Check every press PDF of the last build as a print shop's preflight would."""
    profile = press_profile(load_library(paths.content).project, paths.content)[0].data
    press_variants = {name for name, variant in VARIANTS.items() if variant.finished_for_press}
    try:
        files = preflight.press_files(paths.output, press_variants)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not files:
        print(f"error: {paths.output} has no press PDFs: build them with --variant press",
              file=sys.stderr)
        return EXIT_FAILED
    problems = [problem for path in files for problem in preflight.preflight(path, profile)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"preflight: {len(problems)} problems in {len(files)} press PDFs", file=sys.stderr)
        return EXIT_FAILED
    print(f"preflight: {len(files)} press PDFs, no problems")
    return EXIT_OK


def status(paths: builder.Paths, selection: Selection, strict: bool,
           mark_current: tuple[str, ...], word_counts: bool = False) -> int:
    if mark_current:
        # What it writes may be what the content lacks (a translation record): the
        # content is read again, strictly, once it is written.
        library, problems = LibraryLoader(paths.content).read()
        for change in reviews.mark_current(library, list(mark_current), problems):
            print(change)
    library = load_library(paths.content)
    # Every language, those in progress too: their missing blocks are what status is for.
    every = replace(selection, languages=selection.languages or tuple(library.languages))
    languages = list(dict.fromkeys(edition.language for edition in select(library, every)))
    print(translation_status.matrix(library, languages))
    details = (translation_status.stale_details(library, languages)
               + translation_status.approval_details(library, languages))
    for detail in details + translation_status.in_progress(library, languages):
        print(detail)
    if word_counts:
        print(words.word_table(library, languages))
    incomplete = translation_status.incomplete(library, [
        code for code in languages if code not in library.project.in_progress])
    if strict and incomplete:
        print(f"error: {incomplete} translations are missing or stale", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def approve(paths: builder.Paths, specs: list[str], by: str | None, on: date) -> int:
    """Record approvals with the fingerprints of what was approved."""
    if not by or not specs:
        raise UsageError("approve needs --by NAME and what is approved: LANG or LANG:BLOCK, "
                         "e.g. 'approve --by \"Dr Martin\" fr de:tolerance'")
    for line in reviews.approve(load_library(paths.content), specs, by, on):
        print(line)
    return EXIT_OK


def build(paths: builder.Paths, selection: Selection, execution: Execution,
          release: bool = False) -> int:
    started = time.monotonic()
    if not harfbuzz_subsetter_available():
        print("warning: HarfBuzz's font subsetter is missing, so WeasyPrint falls back to "
              "fontTools, about 15 times slower; install it with: "
              "sudo apt-get install libharfbuzz-subset0", file=sys.stderr)
    with progress_display() as progress:
        result = builder.Builder(paths, selection, execution, release=release,
                                 progress=progress, waiting=waiting).build()
    for path in result.removed:
        print(f"removed {path} (this build makes no such edition)")
    print(summary(result, time.monotonic() - started, paths.output))
    print("catalogue: " + ", ".join(str(page) for page in result.site_files))
    failed = [outcome.error for outcome in result.outcomes if outcome.error]
    failed += result.site_errors
    for error in failed:
        print(f"failed: {error}", file=sys.stderr)
    if result.refused:
        print(f"refused {len(result.refused)} editions for release:", file=sys.stderr)
        for reason in result.refused:
            print(f"  {reason}", file=sys.stderr)
    return EXIT_FAILED if failed or result.refused else EXIT_OK


def waiting(lock: Path) -> None:
    print(f"waiting for another build into the same folder to finish (it holds {lock})",
          file=sys.stderr, flush=True)


@contextmanager
def progress_display():
    """A progress bar with ETA on a terminal; one plain line per PDF otherwise."""
    if not sys.stderr.isatty():
        def log(outcome: builder.Outcome, total: int) -> None:
            if outcome.error:
                print(f"failed  {outcome.edition}", flush=True)
            elif not outcome.skipped:
                record = outcome.record
                print(f"built   {record.path} ({record.pages} pages, "
                      f"{record.bytes // 1024} KiB, {record.approval})", flush=True)
        yield log
        return
    from tqdm import tqdm

    with tqdm(unit="pdf", desc="building", file=sys.stderr) as bar:
        def advance(outcome: builder.Outcome, total: int) -> None:
            bar.total = total
            bar.set_postfix_str(str(outcome.edition), refresh=False)
            bar.update()
        yield advance


def summary(result: builder.Build, seconds: float, output: Path) -> str:
    rows = {"built": [], "skipped": [], "failed": []}
    for outcome in result.outcomes:
        kind = "failed" if outcome.error else "skipped" if outcome.skipped else "built"
        rows[kind].append(outcome.record)
    lines = [f"{'':8}{'PDFs':>6}{'pages':>7}{'size':>10}"]
    for kind, records in rows.items():
        pages = sum(record.pages for record in records if record)
        size = sum(record.bytes for record in records if record)
        lines.append(f"{kind:8}{len(records):>6}{pages:>7}{size / 1024:>8.0f} K")
    lines.append(f"output: {output}  time: {seconds:.1f} s")
    return "\n".join(lines)


def translate(paths: builder.Paths, arguments: argparse.Namespace) -> int:
    """translate export --lang L [-o FILE] | translate import FILE."""
    for line in interchange.command(load_library(paths.content), arguments.specs,
                                    arguments.lang, kind=arguments.format,
                                    stale_only=arguments.stale, leaflets=arguments.leaflet,
                                    to=arguments.to, locales=paths.locales):
        print(line)
    return EXIT_OK


def make_bundles(paths: builder.Paths, clinics: tuple[str, ...]) -> int:
    library = load_library(paths.content)
    if not clinics:
        raise UsageError(f"bundle needs --clinic ID; clinics: {', '.join(library.clinics)}")
    with output_lock(paths.output, waiting):
        records = list(Outputs(paths.output).records.values())
        site = Site(paths.output, paths.roots, library, records)
        for clinic in clinics:
            for written in Bundle(clinic).finish(site):
                print(f"bundle: {written}")
    return EXIT_OK

