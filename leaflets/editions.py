"""Editions: what a build can make, and one answer to each question asked of an edition.

An edition is a leaflet in a language, a format, a variant and (optionally) a
clinic's details. Every check and every output asks the functions here which
blocks an edition prints, what it is approved as and where it goes; none
computes it again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .approvals import STATES, source_chain, verdict
from .errors import Problem, UsageError
from .model import BlockFile, Library
from .model.library import clinic_block_key, split_block_key
from .registry import DEFAULT_VARIANT, FORMATS, VARIANTS

GENERIC = "generic"   # --clinic generic: the editions without a clinic
PREVIEW = "preview"   # a preview's approval, and the part of its file name that says so


@dataclass(frozen=True)
class Edition:
    """One document to make: a leaflet in a language, in a format and a variant."""

    leaflet: str
    language: str
    format: str
    variant: str = DEFAULT_VARIANT
    clinic: str | None = None   # None: the generic edition
    # A translation's preview: blocks not yet translated are shown in the source language,
    # framed. Never released, catalogued or bundled.
    preview: bool = False

    def __str__(self) -> str:
        extra = "" if VARIANTS[self.variant].default else f", {self.variant}"
        extra += f", {PREVIEW}" if self.preview else ""
        clinic = f" for {self.clinic}" if self.clinic else ""
        return f"{self.leaflet} ({self.language}, {self.format}{extra}){clinic}"


@dataclass(frozen=True)
class Selection:
    """Which editions a command is about; an empty tuple means all of them."""

    languages: tuple[str, ...] = ()
    leaflets: tuple[str, ...] = ()
    variants: tuple[str, ...] = (DEFAULT_VARIANT,)
    format: str | None = None         # instead of each leaflet's own format
    clinics: tuple[str, ...] = ()     # empty: the generic editions and every clinic's;
                                      # GENERIC names the generic editions
    preview: bool = False             # previews of the languages asked for (--preview)


def default_languages(library: Library) -> list[str]:
    """The languages a command is about when none is asked for: all but those in progress."""
    return [code for code in library.languages if code not in library.project.in_progress]


def _check_known(library: Library, selection: Selection) -> None:
    """Every name asked for exists; all unknown ones are reported at once."""
    axes = ((selection.languages, library.languages, "language"),
            (selection.leaflets, list(library.leaflets), "leaflet"),
            (selection.variants, list(VARIANTS), "variant"),
            ((selection.format,) if selection.format else (), list(FORMATS), "format"),
            (selection.clinics, [GENERIC, *library.clinics], "clinic"))
    wrong = []
    for asked, known, what in axes:
        unknown = [item for item in asked if item not in known]
        if unknown:
            wrong.append(f"unknown {what} {', '.join(map(repr, unknown))}; "
                         f"expected one of: {', '.join(known)}")
    if wrong:
        raise UsageError("; ".join(wrong))


def select(library: Library, selection: Selection) -> list[Edition]:
    """The editions a selection names, in a stable order."""
    _check_known(library, selection)
    languages = selection.languages or tuple(default_languages(library))
    leaflets = selection.leaflets or tuple(library.leaflets)
    clinics = [None if clinic == GENERIC else clinic
               for clinic in selection.clinics or (GENERIC, *library.clinics)]
    return [Edition(leaflet, language, edition_format(library, leaflet, variant, selection.format),
                    variant, clinic, selection.preview)
            for clinic in clinics for leaflet in leaflets for language in languages
            for variant in selection.variants
            if library.leaflets[leaflet].leaflet.withdrawn is None
            and (clinic is None or library.clinics[clinic].takes(leaflet, language))]


def edition_format(library: Library, leaflet: str, variant: str, chosen: str | None = None) -> str:
    """The variant's own format if it has one, else the one chosen on the command line,
    else the leaflet's."""
    return VARIANTS[variant].format or chosen or library.format_of(leaflet)


def printed_blocks(library: Library, edition: Edition) -> list[str]:
    """The keys in ``library.blocks`` of the blocks an edition prints, in order: the
    leaflet's blocks less those it leaves out in the edition's format, each in the
    clinic's own version where the edition's clinic has one ("<clinic>/<block>"). Every
    check and output asks this."""
    return [clinic_version(library, edition.clinic, block_id)
            for block_id in library.leaflets[edition.leaflet].leaflet.blocks_in(edition.format)]


def clinic_version(library: Library, clinic: str | None, block_id: str) -> str:
    """The key of the block a clinic's editions print for ``block_id``: its own version if
    it has one, in any language (a language it lacks is missing, never the generic text)."""
    key = clinic_block_key(clinic, block_id) if clinic else block_id
    return key if key in library.blocks else block_id


def block_path(key: str, language: str) -> str:
    """Where a block's text in a language is, relative to the content folder."""
    clinic, block_id = split_block_key(key)
    folder = f"clinics/{clinic}/blocks" if clinic else "blocks"
    return f"{folder}/{block_id}/{language}.yaml"


def printed_block_files(library: Library, edition: Edition) -> list[BlockFile]:
    """The printed blocks in the edition's language (each must exist: see
    ``missing_translations``); in a preview, a block not yet translated is its source
    text (a stale translation is a translation, and is printed)."""
    files = []
    for block_id in printed_blocks(library, edition):
        translations = library.blocks[block_id]
        if edition.preview and edition.language not in translations:
            files.append(translations[library.project.source_language])
        else:
            files.append(translations[edition.language])
    return files


def stand_in_files(library: Library, edition: Edition) -> dict[str, str | None]:
    """The files of a preview's blocks shown in the source language, relative to the
    content folder, with their hashes: the source text it read, and the translation it
    lacks (None), which a translator adds."""
    files: dict[str, str | None] = {}
    for block_file in printed_block_files(library, edition):
        if block_file.language != edition.language:
            name = Path(block_file.document.path).resolve().relative_to(
                library.root.resolve()).as_posix()
            files[name] = library.digests[name]
            files[f"{name.removesuffix(f'{block_file.language}.yaml')}"
                  f"{edition.language}.yaml"] = None
    return files


def content_files(library: Library, edition: Edition) -> list[str]:
    """The content files an edition is made from, relative to the content folder (the
    images it shows are recorded by the renderer, which reads them)."""
    files = ["project.yaml", "sources.yaml", f"leaflets/{edition.leaflet}.yaml"]
    for key in printed_blocks(library, edition):
        # A translation's sources decide whether it is approved, so whether it says DRAFT.
        files += [block_path(key, language)
                  for language in (edition.language, *source_chain(library, key,
                                                                   edition.language))]
    if edition.clinic:
        files.append(f"clinics/{edition.clinic}.yaml")
        # A version of a block the clinic adds later changes what the edition prints:
        # the file it does not have yet is an input too, recorded as absent.
        files += [block_path(clinic_block_key(edition.clinic, block_id), edition.language)
                  for block_id in printed_blocks(library, edition)
                  if split_block_key(block_id)[0] is None]
    return files


def missing_translations(library: Library, editions: list[Edition]) -> list[Problem]:
    """Every block an edition prints must exist in its language: no fallback to another,
    but in a preview. A language in progress gets one problem, that lists its blocks."""
    missing: dict[str, list[tuple[Edition, str]]] = {}
    for edition in editions:
        if not edition.preview:
            missing.setdefault(edition.language, []).extend(
                (edition, block_id) for block_id in _untranslated(library, edition))
    problems = []
    for code, blocks in missing.items():
        if code in library.project.in_progress and blocks:
            problems.append(_in_progress_problem(library, code, blocks))
            continue
        for edition, block_id in blocks:
            document = library.leaflets[edition.leaflet].document
            problems.append(document.problem(
                ("blocks", library.leaflets[edition.leaflet].leaflet.blocks.index(
                    split_block_key(block_id)[1])),
                f"block '{block_id}' has no '{code}' translation: expected "
                f"content/{block_path(block_id, code)} (or leave '{code}' out with --lang, "
                "or build a preview with --preview, which shows the source text instead)"))
    return problems


def _untranslated(library: Library, edition: Edition) -> list[str]:
    """The blocks an edition prints that have no text in its language. A file that is
    there but did not load, an unknown block and a block without its source text have
    their own problems already."""
    source = library.project.source_language
    return [block_id for block_id in printed_blocks(library, edition)
            if edition.language not in library.blocks.get(block_id, {})
            and not (library.root / block_path(block_id, edition.language)).exists()
            and (library.root / block_path(block_id, source)).exists()]


def _in_progress_problem(library: Library, code: str,
                         blocks: list[tuple[Edition, str]]) -> Problem:
    names = list(dict.fromkeys(block_id for _, block_id in blocks))
    return library.project_document.problem(
        ("in_progress", library.project.in_progress.index(code)),
        f"language '{code}' is in progress: {len(names)} blocks have no "
        f"'{code}' translation yet ({', '.join(names)}); build a preview, which shows them in "
        f"the source language, with '--lang {code} --preview', or translate them")


def approval(library: Library, edition: Edition) -> str:
    """What the edition is, as its manifest entry and catalogue card say: draft, reviewed
    or approved — the least advanced of the blocks it prints, where a stale translation or
    a voided approval counts as a draft; or a preview, whatever its blocks are; a language
    in progress is a draft however far its blocks are, as it is never released."""
    if edition.preview:
        return PREVIEW
    if edition.language in library.project.in_progress:
        return "draft"
    states = [verdict(library, block_id, edition.language).state
              for block_id in printed_blocks(library, edition)]
    least = min(states, key=STATES.index)
    return "draft" if least in ("missing", "stale") else least


def unreleasable(library: Library, edition: Edition) -> list[str]:
    """Why an edition may not be released: each printed block that is not approved and
    current, with what it is and why; a preview, and a language in progress, never are."""
    if edition.preview:
        return ["a preview is never released"]
    verdicts = [(block_id, verdict(library, block_id, edition.language))
                for block_id in printed_blocks(library, edition)]
    reasons = [f"{block_id} is {found}" for block_id, found in verdicts if not found.releasable]
    if edition.language in library.project.in_progress:
        reasons.insert(0, f"language '{edition.language}' is in progress: take it out of "
                          "'in_progress' in project.yaml to release it")
    return reasons


def is_draft(library: Library, edition: Edition) -> bool:
    return approval(library, edition) != "approved"


def output_name(library: Library, edition: Edition, *parts: str) -> str:
    """Where an edition's file goes, relative to the output folder, without its extension:
    ``[clinics/<clinic>/]<lang>/<leaflet>[.<format>][.<variant>][.preview][.<part>…]``,
    where the format is named only when it is not the edition's own, the variant unless it
    is the default one."""
    names = [edition.leaflet]
    if edition.format != edition_format(library, edition.leaflet, edition.variant):
        names.append(edition.format)
    suffix = VARIANTS[edition.variant].suffix
    if suffix:
        names.append(suffix)
    if edition.preview:   # never the name of a real edition
        names.append(PREVIEW)
    names.extend(parts)
    folder = f"clinics/{edition.clinic}/" if edition.clinic else ""
    return f"{folder}{edition.language}/{'.'.join(names)}"


def web_path(library: Library, edition: Edition) -> str:
    """Where the web edition of an edition's leaflet, language and clinic goes, relative to
    the output folder: one page, whatever format or variant the edition is in."""
    own = replace(edition, format=library.format_of(edition.leaflet), variant=DEFAULT_VARIANT)
    return f"{output_name(library, own)}.html"


def online_address(library: Library, edition: Edition) -> str:
    """Where a reader finds the edition online (its QR code): the project's own
    ``online_url`` if it sets one, else its web edition under ``site_url``."""
    project = library.project
    if project.online_url:
        return project.online_url.format(lang=edition.language, leaflet=edition.leaflet)
    return project.site_url + web_path(library, replace(edition, preview=False))


def edition_languages(library: Library, leaflet: str, clinic: str | None) -> list[str]:
    """The languages a leaflet is distributed in, generically or by a clinic: those not
    in progress, that the clinic takes."""
    return [code for code in default_languages(library)
            if clinic is None or library.clinics[clinic].takes(leaflet, code)]
