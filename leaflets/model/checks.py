"""Checks across files, run once every file has been read against its schema: a leaflet's
blocks exist, a translation agrees with its source, a citation names a known source…

Each check yields its problems; a check only sees objects that are valid on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from babel import Locale

from ..errors import Problem
from ..files import asset_problem
from ..languages import language
from ..registry import URGENCY
from ..sources import Document
from .blocks import CoverBlock, KeyFiguresBlock, SourcesBlock
from .blocks_structured import FigureBlock, TableBlock
from .citations import citation_disagreement, sources_list_problems, unknown_citations
from .library import BlockFile, ClinicFile, LeafletFile
from .messages import suggest
from .schemas import IDENTIFIER, MARK_FAMILY, Project, known_locale

Blocks = dict[str, dict[str, BlockFile]]   # block id → language → block


# --- project settings ---------------------------------------------------------------
# The settings are one file, but these rules relate its sections (languages and the
# fonts that write them), and each points at one entry of a list.

def project_problems(project: Project, document: Document) -> Iterator[Problem]:
    yield from _language_problems(project, document)
    yield from _urgency_colour_problems(project, document)
    if MARK_FAMILY in project.fonts.families:
        yield document.problem(("fonts", "families", MARK_FAMILY), f"the font family name "
                               f"'{MARK_FAMILY}' is the DRAFT mark's own; choose another name")
    for script, families in project.fonts.scripts.items():
        for index, family in enumerate(families):
            if family not in project.fonts.families:
                yield document.problem(
                    ("fonts", "scripts", script, index),
                    f"unknown font family '{family}'; expected one of the families under "
                    f"fonts.families: {', '.join(project.fonts.families)}")
    if project.source_language not in project.languages:
        yield document.problem(
            ("source_language",), f"source language '{project.source_language}' must be one of "
                                  f"the languages: {', '.join(project.languages)}")
    if project.publisher_language is not None and not known_locale(project.publisher_language):
        yield document.problem(("publisher_language",), (
            f"unknown language '{project.publisher_language}': expected a language code "
            "such as en or fr"))
    for code in project.helplines:
        if code not in project.languages:
            yield document.problem(("helplines", code), (
                f"helplines for '{code}', which is not one of the languages: "
                f"{', '.join(project.languages)}"), key=True)


def helpline_problems(project: Project, document: Document,
                      source_ids: list[str]) -> Iterator[Problem]:
    """Every support line cites a source that sources.yaml has."""
    for code, lines in project.helplines.items():
        for index, line in enumerate(lines):
            for field in ("name", "about"):
                text = getattr(line, field)
                if "{clinic." in text or "[@" in text:
                    written = re.search(r"\{clinic\.[^}]*\}?|\[@[^\]]*\]?", text)[0]
                    yield document.problem(("helplines", code, index, field), (
                        f"'{written}': a support line is printed as written, the same in "
                        "every clinic's edition: no {clinic.…} placeholder (a clinic's "
                        "numbers go in its file), and no citation (its 'source' is cited)"))
            if line.source not in source_ids:
                yield document.problem(("helplines", code, index, "source"), (
                    f"unknown source '{line.source}'{suggest(line.source, source_ids)}; add "
                    f"it to content/sources.yaml or use one of: {', '.join(source_ids)}"))


def _language_problems(project: Project, document: Document) -> Iterator[Problem]:
    for index, code in enumerate(project.languages):
        if code in project.languages[:index]:
            yield document.problem(("languages", index), f"language '{code}' is listed twice; "
                                                         "list each language once")
            continue
        if not known_locale(code):
            yield document.problem(
                ("languages", index), f"unknown language '{code}': Babel has no locale data "
                                      "for it; use a code such as 'fr', 'en' or 'pt-BR'")
            continue
        script = language(code).script
        if script not in project.fonts.scripts:
            yield document.problem(
                ("languages", index), f"language '{code}' is written in the script {script}, "
                                      "which has no font stack; add "
                                      f"'{script}: [<font family>, …]' under fonts.scripts")
    yield from _in_progress_problems(project, document)
    yield from _locale_problems(project, document)


def _locale_problems(project: Project, document: Document) -> Iterator[Problem]:
    """A language's locale is a locale of that language ('en_GB' for 'en')."""
    for code, name in project.locales.items():
        where = ("locales", code)
        if code not in project.languages:
            yield document.problem(where, f"'{code}' has a locale but is not one of the "
                                          f"languages ({', '.join(project.languages)})")
        elif not known_locale(name):
            yield document.problem(where, f"unknown locale '{name}': Babel has no locale data "
                                          "for it; use a code such as 'en_GB' or 'pt_BR'")
        elif Locale.parse(name.replace("-", "_")).language != Locale.parse(
                code.replace("-", "_")).language:
            yield document.problem(where, f"the locale '{name}' is not of the language "
                                          f"'{code}'; expected a locale such as '{code}_…'")


def _in_progress_problems(project: Project, document: Document) -> Iterator[Problem]:
    """A language in progress is one of the languages, being translated from the source."""
    for index, code in enumerate(project.in_progress):
        where = ("in_progress", index)
        if code in project.in_progress[:index]:
            yield document.problem(where, f"language '{code}' is listed twice; list each "
                                          "language once")
        elif code not in project.languages:
            yield document.problem(where, f"language '{code}' is in progress but not one of "
                                          f"the languages ({', '.join(project.languages)}); "
                                          "add it to 'languages' too")
        elif code == project.source_language:
            yield document.problem(where, f"'{code}' is the source language: it is written, "
                                          "not translated, so it cannot be in progress")


def _urgency_colour_problems(project: Project, document: Document) -> Iterator[Problem]:
    """Symptoms are drawn in the colour of their urgency (registry.URGENCY), which every
    project's palette names, whether or not its leaflets have symptoms yet."""
    for level in URGENCY.values():
        if level.colour not in project.palette:
            yield document.problem(
                ("palette",), f"the palette needs '{level.colour}', the colour symptoms of "
                              f"urgency '{level.name}' are drawn in; add '{level.colour}: "
                              "{rgb: \"#rrggbb\", cmyk: [c, m, y, k]}' (cmyk from 0 to 1)")


# --- blocks -------------------------------------------------------------------------

def block_problems(block_file: BlockFile, project: Project, source_ids: list[str] | None,
                   source: BlockFile | None = None) -> Iterator[Problem]:
    """``source_ids``: the ids in sources.yaml, None when that file could not be read
    (its problems are reported, not again every citation of it); ``source``: the block's
    text in the source language, if it loaded."""
    yield from _translation_record_problems(block_file, project, source)
    yield from _table_shape_problems(block_file)
    if source_ids is not None:
        yield from unknown_citations(block_file, source_ids)


def _translation_record_problems(block_file: BlockFile, project: Project,
                                 source: BlockFile | None) -> Iterator[Problem]:
    """The source language's file is the source; every other file records what it
    translates."""
    translation, document = block_file.block.translation, block_file.document
    if block_file.language == project.source_language:
        if translation is not None:
            yield document.problem(
                ("translation",), f"the {project.source_language} file is the source of this "
                                  "block; remove its 'translation' field")
    elif translation is None:
        yield document.problem(
            (), "missing required field 'translation'; a translation records the source "
                f"text it was made from: {record_to_add(block_file, project, source)}")
    if translation is not None and translation.from_ not in project.languages:
        yield document.problem(
            ("translation", "from"), f"'from' must be one of the languages "
                                     f"{', '.join(project.languages)}; found "
                                     f"'{translation.from_}'")


def record_to_add(block_file: BlockFile, project: Project, source: BlockFile | None) -> str:
    """The exact record a translation lacks, and the command that writes it: the
    translator copies the one or runs the other."""
    command = (f"'python3 build.py status --mark-current {block_file.language}:"
               f"{block_file.id}' writes it")
    if source is None:   # its problems are reported: its fingerprint is not known yet
        return f"once the {project.source_language} text is valid, {command}"
    return (f"add 'translation: {{from: {project.source_language}, fingerprint: "
            f"\"{source.block.fingerprint()}\"}}' (the fingerprint of the "
            f"{project.source_language} text now), or {command}")


# What the schema says of a translation record without its fingerprint (messages.py);
# no other block field named 'fingerprint' is required.
MISSING_FINGERPRINT = "missing required field 'fingerprint'; add 'fingerprint: …'"


def with_fingerprint(problem: Problem, source: BlockFile) -> Problem:
    """A translation record that lacks its fingerprint is told the one to write."""
    if problem.message != MISSING_FINGERPRINT:
        return problem
    return Problem(problem.location, (
        f"missing required field 'fingerprint'; add 'fingerprint: "
        f"\"{source.block.fingerprint()}\"' (the fingerprint of {source.language}.yaml now)"))


def _table_shape_problems(block_file: BlockFile) -> Iterator[Problem]:
    """Every row of a table has a cell per column, and units are given per column."""
    table, document = block_file.block, block_file.document
    if not isinstance(table, TableBlock):
        return
    columns = len(table.columns)
    if table.units is not None and len(table.units) != columns:
        yield document.problem(("units",), f"'units' gives one unit per column (null for none): "
                                           f"expected {columns}, found {len(table.units)}")
    for index, row in enumerate(table.rows):
        if len(row) != columns:
            yield document.problem(("rows", index), (
                f"row {index + 1} has {len(row)} cell{'s' if len(row) != 1 else ''}; every row "
                f"has one cell per column: expected {columns} ({', '.join(table.columns)})"))


def figure_problems(blocks: Blocks, content_root: Path) -> Iterator[Problem]:
    """A figure's picture is a file under content/assets/, as Markdown images are."""
    for translations in blocks.values():
        for block_file in translations.values():
            block = block_file.block
            reason = isinstance(block, FigureBlock) and asset_problem(
                content_root, block.asset, "figure")
            if reason:
                yield block_file.document.problem(("asset",), reason)


def translation_problems(blocks: Blocks, source_language: str) -> Iterator[Problem]:
    """A translation keeps the type of its source block, its figures and its sources, and
    is made from the source text (directly or through other translations)."""
    for translations in blocks.values():
        source = translations.get(source_language)
        if source is None:
            continue
        for block_file in translations.values():
            problem = (_disagreement(block_file, source, source_language)
                       or _circular_source(block_file, translations, source_language))
            if problem is not None:
                yield problem


def _circular_source(block_file: BlockFile, translations: dict[str, BlockFile],
                     source_language: str) -> Problem | None:
    """A translation whose 'from' names itself, or a circle of translations: each would
    match its recorded fingerprint forever, never stale however the source text changes."""
    chain, current = [block_file.language], block_file
    while current.language != source_language and current.block.translation is not None:
        origin = current.block.translation.from_
        if origin in chain:
            return block_file.document.problem(
                ("translation", "from"),
                f"'from: {block_file.block.translation.from_}' never leads to the "
                f"{source_language} text ({' → '.join([*chain, origin])}); translate from "
                f"{source_language}, or from a translation of it")
        chain.append(origin)
        current = translations.get(origin)
        if current is None:   # a source without a file: status says it is stale
            break
    return None


def _disagreement(block_file: BlockFile, source: BlockFile,
                  source_language: str) -> Problem | None:
    block, document = block_file.block, block_file.document
    if block.type != source.block.type:
        return document.problem(
            ("type",), f"a translation has the type of its source: "
                       f"{source_language}.yaml says '{source.block.type}', found '{block.type}'")
    problem = (_figure_disagreement(block_file, source, source_language)
               if isinstance(block, KeyFiguresBlock)
               else _fact_disagreement(block_file, source, source_language)
               if hasattr(block, "facts") else None)
    return problem or citation_disagreement(block_file, source, source_language)


def _figure_disagreement(block_file: BlockFile, source: BlockFile,
                         source_language: str) -> Problem | None:
    expected = [figure.fact() for figure in source.block.figures]
    found = [figure.fact() for figure in block_file.block.figures]
    if found == expected:
        return None
    # The counts may differ: then the first figure one of them lacks is the difference.
    index = next((i for i, (a, b) in enumerate(zip(expected, found, strict=False))
                  if a != b), min(len(expected), len(found)))
    return block_file.document.problem(
        ("figures", index), "a translation keeps every figure of its source "
        f"(value, style, display, source), in order: {source_language}.yaml has "
        f"{len(expected)} figures; figure {index + 1} differs here")


def _fact_disagreement(block_file: BlockFile, source: BlockFile,
                       source_language: str) -> Problem | None:
    """The first fact of a structured block (its shape, its urgencies, its picture) that
    a translation changed."""
    pairs = zip(source.block.facts(), block_file.block.facts(), strict=False)
    for (key_path, what, expected), (_, _, found) in pairs:
        if expected != found:
            return block_file.document.problem(key_path, (
                f"a translation keeps {what} of its source: {source_language}.yaml has "
                f"{expected!r}, found {found!r}"))
    return None


# --- leaflets -----------------------------------------------------------------------

def leaflet_problems(leaflet_file: LeafletFile, blocks: Blocks,
                     present: dict[str, set[str]], project: Project) -> Iterator[Problem]:
    """``blocks``: the valid blocks; ``present``: every block folder and the languages
    it has a file for, valid or not (an invalid file is reported, not called missing)."""
    yield from _listed_block_problems(leaflet_file, present, project.source_language)
    yield from _omit_problems(leaflet_file, blocks, project.source_language)
    yield from sources_list_problems(leaflet_file, blocks, project.source_language,
                                     bool(project.helplines))
    leaflet, document = leaflet_file.leaflet, leaflet_file.document
    first = leaflet.blocks[0]
    cover = blocks.get(first, {}).get(project.source_language)
    if cover is not None and not isinstance(cover.block, CoverBlock):
        yield document.problem(
            ("blocks", 0), f"a leaflet starts with a 'cover' block, which gives it its title; "
                           f"'{first}' is a '{cover.block.type}' block")


def _listed_block_problems(leaflet_file: LeafletFile, present: dict[str, set[str]],
                           source_language: str) -> Iterator[Problem]:
    document = leaflet_file.document
    first_listed: dict[str, int] = {}
    for index, block_id in enumerate(leaflet_file.leaflet.blocks):
        if block_id in first_listed:
            line = document.where(("blocks", first_listed[block_id])).line
            yield document.problem(
                ("blocks", index), f"block '{block_id}' is listed twice (first on line {line}); "
                                   "list each block once")
            continue
        first_listed[block_id] = index
        if block_id not in present:
            valid = sorted(name for name in present if re.fullmatch(IDENTIFIER, name))
            yield document.problem(
                ("blocks", index), f"unknown block '{block_id}'{suggest(block_id, valid)}; "
                                   f"expected a folder content/blocks/{block_id}/ with one "
                                   "file per language")
        elif source_language not in present[block_id]:
            yield document.problem(
                ("blocks", index), f"block '{block_id}' has no source text: expected "
                                   f"content/blocks/{block_id}/{source_language}.yaml")


def _omit_problems(leaflet_file: LeafletFile, blocks: Blocks,
                   source_language: str) -> Iterator[Problem]:
    """Only a leaflet's own blocks can be left out, and never its cover or its sources."""
    leaflet, document = leaflet_file.leaflet, leaflet_file.document
    kept = {leaflet.blocks[0]} | {
        block_id for block_id, translations in blocks.items()
        if isinstance(getattr(translations.get(source_language), "block", None), SourcesBlock)}
    for format, omitted in leaflet.omit.items():
        for index, block_id in enumerate(omitted):
            if block_id not in leaflet.blocks:
                yield document.problem(
                    ("omit", format, index), f"'{block_id}' is not one of this leaflet's blocks; "
                                             f"expected one of: {', '.join(leaflet.blocks)}")
            elif block_id in kept:
                yield document.problem(
                    ("omit", format, index), f"'{block_id}' cannot be left out: every edition "
                                             "keeps its cover and its sources")


# --- clinics ------------------------------------------------------------------------

def clinic_problems(clinic_file: ClinicFile, leaflet_ids: list[str], project: Project,
                    root: Path) -> Iterator[Problem]:
    """``leaflet_ids``: every leaflet file's id, valid or not."""
    clinic, document = clinic_file.clinic, clinic_file.document
    for index, leaflet_id in enumerate(clinic.leaflets or ()):
        if leaflet_ids and leaflet_id not in leaflet_ids:
            yield document.problem(("leaflets", index), (
                f"unknown leaflet '{leaflet_id}'{suggest(leaflet_id, leaflet_ids)}; "
                f"expected one of: {', '.join(leaflet_ids)}"))
    for index, code in enumerate(clinic.languages or ()):
        if code not in project.languages:
            yield document.problem(("languages", index), (
                f"language '{code}' is not one of the project's languages "
                f"({', '.join(project.languages)})"))
    logo_problem = clinic.logo and asset_problem(root, clinic.logo, "logo")
    if logo_problem:
        yield document.problem(("logo",), logo_problem)
