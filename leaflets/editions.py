"""Editions: what a build can make, and one answer to each question asked of an edition.

An edition is a leaflet in a language, a format, a variant and (optionally) a
clinic's details. Every check and every output asks the functions here which
blocks an edition prints, what it is approved as and where it goes; none
computes it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from .approvals import STATES, source_chain, verdict
from .errors import Problem, UsageError
from .model import BlockFile, Library
from .registry import DEFAULT_VARIANT, FORMATS, VARIANTS

GENERIC = "generic"   # --clinic generic: the editions without a clinic


@dataclass(frozen=True)
class Edition:
    """One document to make: a leaflet in a language, in a format and a variant."""

    leaflet: str
    language: str
    format: str
    variant: str = DEFAULT_VARIANT
    clinic: str | None = None   # None: the generic edition

    def __str__(self) -> str:
        extra = "" if VARIANTS[self.variant].default else f", {self.variant}"
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
    languages = selection.languages or tuple(library.languages)
    leaflets = selection.leaflets or tuple(library.leaflets)
    clinics = [None if clinic == GENERIC else clinic
               for clinic in selection.clinics or (GENERIC, *library.clinics)]
    return [Edition(leaflet, language, edition_format(library, leaflet, variant, selection.format),
                    variant, clinic)
            for clinic in clinics for leaflet in leaflets for language in languages
            for variant in selection.variants
            if library.leaflets[leaflet].leaflet.withdrawn is None
            and (clinic is None or library.clinics[clinic].takes(leaflet, language))]


def edition_format(library: Library, leaflet: str, variant: str, chosen: str | None = None) -> str:
    """The variant's own format if it has one, else the one chosen on the command line,
    else the leaflet's."""
    return VARIANTS[variant].format or chosen or library.format_of(leaflet)


def printed_blocks(library: Library, edition: Edition) -> list[str]:
    """The ids of the blocks an edition prints, in order: the leaflet's blocks less those
    it leaves out in the edition's format. Every check and output asks this."""
    return library.leaflets[edition.leaflet].leaflet.blocks_in(edition.format)


def printed_block_files(library: Library, edition: Edition) -> list[BlockFile]:
    """The printed blocks in the edition's language (each must exist: see
    ``missing_translations``)."""
    return [library.blocks[block_id][edition.language]
            for block_id in printed_blocks(library, edition)]


def content_files(library: Library, edition: Edition) -> list[str]:
    """The content files an edition is made from, relative to the content folder (the
    images it shows are recorded by the renderer, which reads them)."""
    files = ["project.yaml", "sources.yaml", f"leaflets/{edition.leaflet}.yaml"]
    for block_id in printed_blocks(library, edition):
        # A translation's sources decide whether it is approved, so whether it says DRAFT.
        files += [f"blocks/{block_id}/{language}.yaml"
                  for language in (edition.language, *source_chain(library, block_id,
                                                                   edition.language))]
    if edition.clinic:
        files.append(f"clinics/{edition.clinic}.yaml")
    return files


def missing_translations(library: Library, editions: list[Edition]) -> list[Problem]:
    """Every block an edition prints must exist in its language: no fallback to another."""
    problems = []
    for edition in editions:
        leaflet_file = library.leaflets[edition.leaflet]
        blocks = leaflet_file.leaflet.blocks
        folder = library.root / "blocks"
        source = library.project.source_language
        for block_id in printed_blocks(library, edition):
            # A file that is there but did not load, an unknown block and a block without
            # its source text have their own problems already.
            if (edition.language not in library.blocks.get(block_id, {})
                    and not (folder / block_id / f"{edition.language}.yaml").exists()
                    and (folder / block_id / f"{source}.yaml").exists()):
                problems.append(leaflet_file.document.problem(
                    ("blocks", blocks.index(block_id)),
                    f"block '{block_id}' has no '{edition.language}' translation: expected "
                    f"content/blocks/{block_id}/{edition.language}.yaml (or leave "
                    f"'{edition.language}' out with --lang)"))
    return problems


def approval(library: Library, edition: Edition) -> str:
    """What the edition is, as its manifest entry and catalogue card say: draft, reviewed
    or approved — the least advanced of the blocks it prints, where a stale translation or
    a voided approval counts as a draft."""
    states = [verdict(library, block_id, edition.language).state
              for block_id in printed_blocks(library, edition)]
    least = min(states, key=STATES.index)
    return "draft" if least in ("missing", "stale") else least


def unreleasable(library: Library, edition: Edition) -> list[str]:
    """Why an edition may not be released: each printed block that is not approved and
    current, with what it is and why."""
    verdicts = [(block_id, verdict(library, block_id, edition.language))
                for block_id in printed_blocks(library, edition)]
    return [f"{block_id} is {found}" for block_id, found in verdicts if not found.releasable]


def is_draft(library: Library, edition: Edition) -> bool:
    return approval(library, edition) != "approved"


def output_name(library: Library, edition: Edition, *parts: str) -> str:
    """Where an edition's file goes, relative to the output folder, without its extension:
    ``[clinics/<clinic>/]<lang>/<leaflet>[.<format>][.<variant>][.<part>…]``, where the
    format is named only when it is not the edition's own, the variant unless it is the
    default one."""
    names = [edition.leaflet]
    if edition.format != edition_format(library, edition.leaflet, edition.variant):
        names.append(edition.format)
    suffix = VARIANTS[edition.variant].suffix
    if suffix:
        names.append(suffix)
    names.extend(parts)
    folder = f"clinics/{edition.clinic}/" if edition.clinic else ""
    return f"{folder}{edition.language}/{'.'.join(names)}"
