"""Translation status: which block translations are missing, stale, draft, reviewed, approved.

A translation records the fingerprint of the source block it was made from. When
the source changes, the fingerprints differ and the translation is stale; the
source text it was made from is recovered from git history, so the translator
sees exactly what changed.
"""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

from . import sources
from .approvals import STATES, Verdict, seal, source_of, verdict
from .model import BLOCK_TYPES, Block, BlockFile, Library
from .model.library import split_block_key


def incomplete(library: Library, languages: list[str]) -> int:
    """How many translations used by a leaflet, or by a clinic's own version of a block
    in a language the clinic takes, are missing or stale."""
    generic = sum(verdict(library, block_id, language).state in ("missing", "stale")
                  for leaflet_file in library.leaflets.values()
                  for block_id in leaflet_file.leaflet.blocks
                  for language in languages)
    return generic + sum(entry is not None and entry.state in ("missing", "stale")
                         for keys in clinic_versions(library).values() for key in keys
                         for entry in clinic_cells(library, key, languages))


def clinic_versions(library: Library) -> dict[str, list[str]]:
    """Each clinic's own versions of blocks (their keys in ``library.blocks``)."""
    versions: dict[str, list[str]] = {}
    for key in sorted(library.blocks):
        clinic, _ = split_block_key(key)
        if clinic is not None:
            versions.setdefault(clinic, []).append(key)
    return versions


def clinic_cells(library: Library, key: str, languages: list[str]) -> list[Verdict | None]:
    """A clinic's version in each language; None where the clinic does not take it."""
    clinic_file = library.clinics.get(split_block_key(key)[0])
    taken = clinic_file.clinic.languages if clinic_file is not None else []
    return [verdict(library, key, language) if taken is None or language in taken else None
            for language in languages]


def in_progress(library: Library, languages: list[str] | None = None) -> list[str]:
    """One line per language in progress (of ``languages``, default all): how far its
    translation is, and how to see it."""
    used = list(dict.fromkeys(block_id for leaflet_file in library.leaflets.values()
                              if leaflet_file.leaflet.withdrawn is None
                              for block_id in leaflet_file.leaflet.blocks))
    lines = []
    for code in library.project.in_progress:
        if languages is not None and code not in languages:
            continue
        translated = sum(code in library.blocks.get(block_id, {}) for block_id in used)
        lines.append(f"language '{code}' is in progress: {translated} of {len(used)} blocks "
                     f"translated; not built unless asked for (preview it with "
                     f"'python3 build.py --lang {code} --preview')")
    return lines


def matrix(library: Library, languages: list[str]) -> str:
    """The status table: one row per leaflet and block, one column per language."""
    width = max(len(block_id) for block_id in library.blocks) + 2
    header = "status".ljust(width) + "".join(f"{language:>10}" for language in languages)
    lines = [header, "-" * len(header)]
    counts = dict.fromkeys(STATES, 0)
    for leaflet_id in library.leaflets:
        lines.append(leaflet_id)
        for block_id in library.leaflets[leaflet_id].leaflet.blocks:
            cells = [verdict(library, block_id, language) for language in languages]
            for entry in cells:
                counts[entry.state] += 1
            lines.append(("  " + block_id).ljust(width)
                         + "".join(f"{entry.state:>10}" for entry in cells))
    for clinic, keys in clinic_versions(library).items():
        lines.append(f"{clinic} (its own versions; — where it does not take the language)")
        for key in keys:
            cells = clinic_cells(library, key, languages)
            for entry in cells:
                if entry is not None:
                    counts[entry.state] += 1
            lines.append(("  " + split_block_key(key)[1]).ljust(width) + "".join(
                f"{entry.state if entry else '—':>10}" for entry in cells))
    lines.append(", ".join(f"{count} {state}" for state, count in counts.items()))
    return "\n".join(lines)


def stale_details(library: Library, languages: list[str]) -> list[str]:
    """For each stale translation, what changed in its source since it was translated."""
    details = []
    for block_id in sorted(library.blocks):
        for language in languages:
            entry = verdict(library, block_id, language)
            if entry.state != "stale":
                continue
            translation = entry.block_file.block.translation
            source = library.blocks[block_id].get(translation.from_)
            if source is None:
                details.append(f"{entry.block_file.document.path}: stale — it says it was "
                               f"translated from '{translation.from_}', which has no file "
                               f"for this block")
                continue
            heading = (f"{entry.block_file.document.path}: stale — its source "
                       f"{source.document.path} changed since fingerprint "
                       f"{translation.fingerprint}")
            details.append(diff_since(heading, source, translation.fingerprint,
                                      "translated from"))
    return details


def approval_details(library: Library, languages: list[str]) -> list[str]:
    """For each block whose approval a change voided, what changed since it was approved:
    the reviewer reads only that."""
    details = []
    for block_id in sorted(library.blocks):
        for language in languages:
            block_file = library.blocks[block_id].get(language)
            if block_file is None or block_file.block.review.status != "approved":
                continue
            review, block = block_file.block.review, block_file.block
            source = source_of(library, block_file)
            heading = f"{block_file.document.path}: approval on {review.on} no longer holds"
            sealed = partial(seal, library)
            if review.fingerprint and review.fingerprint != sealed(block):
                details.append(diff_since(f"{heading} — its text or its sources changed",
                                          block_file, review.fingerprint, "approved", sealed))
            elif source and review.source and review.source != sealed(source.block):
                details.append(diff_since(f"{heading} — its source {source.document.path} "
                                          "changed", source, review.source, "approved against",
                                          sealed))
    return details


def diff_since(heading: str, block_file: BlockFile, fingerprint: str, then: str,
               fingerprint_of: Callable[[Block], str] = Block.fingerprint) -> str:
    """The changes to a block since the version whose fingerprint is ``fingerprint``
    (recovered from git history), under ``heading``."""
    old = _source_at_fingerprint(block_file, fingerprint, fingerprint_of)
    if old is None:
        return f"{heading}; that version is not in git history, so compare the whole text"
    diff = difflib.unified_diff(old.splitlines(), _content_text(block_file.block).splitlines(),
                                then, "now", lineterm="", n=1)
    return heading + "\n" + "\n".join("    " + line for line in diff)


def _content_text(block: Block) -> str:
    """The translatable fields of a block as YAML text, for diffs."""
    content = block.model_dump(mode="json", by_alias=True, exclude=block.NOT_TRANSLATED)
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=80)


def _source_at_fingerprint(source: BlockFile, fingerprint: str,
                           fingerprint_of: Callable[[Block], str]) -> str | None:
    """The source block's text as it was when its fingerprint was ``fingerprint``."""
    path = Path(source.document.path).resolve()
    try:
        commits = subprocess.run(
            ["git", "log", "--format=%H", "--", path.name], cwd=path.parent,
            capture_output=True, text=True, check=True).stdout.split()
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path.parent,
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    relative = path.relative_to(Path(top).resolve())
    for commit in commits:
        shown = subprocess.run(["git", "show", f"{commit}:{relative}"], cwd=top,
                               capture_output=True)
        if shown.returncode != 0:
            continue
        old_block = _parse_block(shown.stdout)
        if old_block is not None and fingerprint_of(old_block) == fingerprint:
            return _content_text(old_block)
    return None


def _parse_block(raw: bytes) -> Block | None:
    document = sources.parse(raw, Path("<git>"))
    data = document.data
    if document.problems or not isinstance(data, dict) or data.get("type") not in BLOCK_TYPES:
        return None
    try:
        return BLOCK_TYPES[data["type"]].model_validate(data)
    except ValueError:
        return None
