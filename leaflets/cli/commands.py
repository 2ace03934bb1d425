"""The commands that read the library and report on it or record in it: check, status,
approve, translate, bundle."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date

from .. import builder, glossary, interchange, preflight, report, reviews, spelling, words
from .. import status as translation_status
from ..approvals import verdict
from ..editions import Selection, select
from ..errors import ContentError, UsageError
from ..kinds import Site
from ..kinds.bundle import Bundle
from ..model import Library, LibraryLoader, load_library
from ..outputs import Outputs, output_lock
from ..registry import VARIANTS
from ..render import press_profile
from .output import EXIT_FAILED, EXIT_OK, Console, problem_data


def check(paths: builder.Paths, selection: Selection, console: Console, strict: bool,
          today: date, as_json: bool = False) -> int:
    """Validate everything a build would read, and report what is valid but weak."""
    prepared = builder.prepare(paths, selection)
    for edition in prepared.editions:  # template errors show up here, not at build time
        builder.render_html(prepared.templates, prepared.library, edition)
    review_warnings, overdue = report.review_dates(prepared.library, today)
    warnings = (report.readability(prepared.library, prepared.editions) + review_warnings
                + report.approval_warnings(prepared.library, prepared.editions)
                + glossary.glossary_warnings(prepared.library, prepared.editions)
                + spelling.spelling_warnings(prepared.library, paths.locales))
    errors = overdue + (warnings if strict else [])
    warnings = [] if strict else warnings
    in_progress = translation_status.in_progress(prepared.library)
    if as_json:
        console.data({"errors": [problem_data(problem, "error") for problem in errors],
                      "warnings": [problem_data(problem, "warning") for problem in warnings],
                      "editions": len(prepared.editions), "in_progress": in_progress})
        return EXIT_FAILED if errors else EXIT_OK
    console.say(report.readability_table(prepared.library, prepared.editions))
    for warning in warnings:
        console.problem(warning, "warning")
    if errors:
        raise ContentError(errors)
    console.say(f"content is valid: {len(prepared.editions)} editions checked")
    for line in in_progress:
        console.say(line)
    return EXIT_OK


def preflight_press_files(paths: builder.Paths, console: Console) -> int:
    """Check every press PDF of the last build as a print shop's preflight would."""
    profile = press_profile(load_library(paths.content).project, paths.content)[0].data
    press_variants = {name for name, variant in VARIANTS.items() if variant.finished_for_press}
    try:
        files = preflight.press_files(paths.output, press_variants)
    except FileNotFoundError as error:
        console.error(str(error))
        return EXIT_FAILED
    if not files:
        console.error(f"{paths.output} has no press PDFs: build them with --variant press")
        return EXIT_FAILED
    problems = [problem for path in files for problem in preflight.preflight(path, profile)]
    for problem in problems:
        console.error(str(problem))
    if problems:
        console.error(f"preflight: {len(problems)} problems in {len(files)} press PDFs")
        return EXIT_FAILED
    console.say(f"preflight: {len(files)} press PDFs, no problems")
    return EXIT_OK


def status(paths: builder.Paths, selection: Selection, console: Console,
           arguments: argparse.Namespace) -> int:
    """The translation status matrix, what changed in stale translations, word counts."""
    if arguments.mark_current:
        # What it writes may be what the content lacks (a translation record): the
        # content is read again, strictly, once it is written.
        library, problems = LibraryLoader(paths.content).read()
        for change in reviews.mark_current(library, list(arguments.mark_current), problems):
            console.say(change)
    library = load_library(paths.content)
    # Every language, those in progress too: their missing blocks are what status is for.
    every = replace(selection, languages=selection.languages or tuple(library.languages))
    languages = list(dict.fromkeys(edition.language for edition in select(library, every)))
    details = (translation_status.stale_details(library, languages)
               + translation_status.approval_details(library, languages))
    in_progress = translation_status.in_progress(library, languages)
    incomplete = translation_status.incomplete(library, [
        code for code in languages if code not in library.project.in_progress])
    if arguments.format == "json":
        console.data({**status_data(library, languages), "details": details,
                      "in_progress": in_progress, "incomplete": incomplete})
    else:
        console.say(translation_status.matrix(library, languages))
        for detail in details + in_progress:
            console.say(detail)
        if arguments.words:
            console.say(words.word_table(library, languages))
    if arguments.strict and incomplete:
        console.error(f"{incomplete} translations are missing or stale")
        return EXIT_FAILED
    return EXIT_OK


def status_data(library: Library, languages: list[str]) -> dict[str, object]:
    """The status matrix as data: each leaflet's and each clinic's blocks, the state of
    each in each language (None where a clinic does not take the language)."""
    leaflets = {leaflet_id: {block_id: {language: verdict(
        library, block_id, language).state for language in languages}
        for block_id in leaflet_file.leaflet.blocks}
        for leaflet_id, leaflet_file in library.leaflets.items()}
    clinics = {clinic: {key: dict(zip(languages, [
        cell.state if cell else None
        for cell in translation_status.clinic_cells(library, key, languages)], strict=True))
        for key in keys} for clinic, keys in translation_status.clinic_versions(library).items()}
    return {"languages": languages, "leaflets": leaflets, "clinics": clinics}


def approve(paths: builder.Paths, console: Console, specs: list[str], by: str | None,
            on: date) -> int:
    """Record approvals with the fingerprints of what was approved."""
    if not by or not specs:
        raise UsageError("approve needs --by NAME and what is approved: LANG or LANG:BLOCK, "
                         "e.g. 'approve --by \"Dr Martin\" fr de:tolerance'")
    for line in reviews.approve(load_library(paths.content), specs, by, on):
        console.say(line)
    return EXIT_OK


def translate(paths: builder.Paths, console: Console, arguments: argparse.Namespace) -> int:
    """translate export --lang L [-o FILE] | translate import FILE | translate new CODE."""
    for line in interchange.command(load_library(paths.content),
                                    [arguments.action, *arguments.specs],
                                    arguments.lang, kind=arguments.format,
                                    stale_only=arguments.stale, leaflets=arguments.leaflet,
                                    to=arguments.to, locales=paths.locales):
        console.say(line)
    return EXIT_OK


def make_bundles(paths: builder.Paths, console: Console, clinics: tuple[str, ...],
                 waiting) -> int:
    library = load_library(paths.content)
    known = ", ".join(library.clinics)
    if not clinics:
        raise UsageError(f"bundle needs --clinic ID; clinics: {known}")
    unknown = [clinic for clinic in clinics if clinic not in library.clinics]
    if unknown:
        raise UsageError(f"unknown clinic {', '.join(map(repr, unknown))}; "
                         f"expected one of: {known}")
    with output_lock(paths.output, waiting):
        records = list(Outputs(paths.output).records.values())
        site = Site(paths.output, paths.roots, library, records)
        for clinic in clinics:
            for written in Bundle(clinic).finish(site):
                console.say(f"bundle: {written}")
    return EXIT_OK


def content_error_data(error: ContentError) -> dict[str, list[dict[str, object]]]:
    """Invalid content as --format json reports it."""
    return {"errors": [problem_data(problem, "error") for problem in error.problems],
            "warnings": []}


def message_data(message: str) -> dict[str, list[dict[str, object]]]:
    """A failure that names no place in the content (wrong usage, a missing library),
    as --format json reports it."""
    return {"errors": [{"path": None, "line": None, "column": None, "severity": "error",
                        "message": message}], "warnings": []}
