"""Translation status: which block translations are missing, stale, draft, reviewed, approved.

A translation records the fingerprint of the source block it was made from. When
the source changes, the fingerprints differ and the translation is stale; the
source text it was made from is recovered from git history, so the translator
sees exactly what changed.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import sources
from .editions import Edition, printed_blocks
from .errors import UsageError
from .model import BLOCK_TYPES, Block, BlockFile, Library
from .outputs import atomic_write

STATES = ("missing", "stale", "draft", "reviewed", "approved")


@dataclass(frozen=True)
class Cell:
    state: str
    block_file: BlockFile | None = None

    @property
    def releasable(self) -> bool:
        return self.state == "approved"


def cell(library: Library, block_id: str, language: str) -> Cell:
    block_file = library.blocks.get(block_id, {}).get(language)
    if block_file is None:
        return Cell("missing")
    translation = block_file.block.translation
    if translation is not None:
        source = library.blocks[block_id].get(translation.from_)
        if source is None or source.block.fingerprint() != translation.fingerprint:
            return Cell("stale", block_file)
    return Cell(block_file.block.review.status, block_file)


def incomplete(library: Library, languages: list[str]) -> int:
    """How many translations used by a leaflet are missing or stale."""
    return sum(cell(library, block_id, language).state in ("missing", "stale")
               for leaflet_file in library.leaflets.values()
               for block_id in leaflet_file.leaflet.blocks
               for language in languages)


def unreleasable(library: Library, edition: Edition) -> list[str]:
    """Why an edition may not be released: the blocks it prints that are not approved
    and current."""
    reasons = []
    for block_id in printed_blocks(library, edition):
        entry = cell(library, block_id, edition.language)
        if not entry.releasable:
            reasons.append(f"{block_id} is {entry.state}")
    return reasons


def matrix(library: Library, languages: list[str]) -> str:
    """The status table: one row per leaflet and block, one column per language."""
    width = max(len(block_id) for block_id in library.blocks) + 2
    header = "status".ljust(width) + "".join(f"{language:>10}" for language in languages)
    lines = [header, "-" * len(header)]
    counts = dict.fromkeys(STATES, 0)
    for leaflet_id in library.leaflets:
        lines.append(leaflet_id)
        for block_id in library.leaflets[leaflet_id].leaflet.blocks:
            cells = [cell(library, block_id, language) for language in languages]
            for entry in cells:
                counts[entry.state] += 1
            lines.append(("  " + block_id).ljust(width)
                         + "".join(f"{entry.state:>10}" for entry in cells))
    lines.append(", ".join(f"{count} {state}" for state, count in counts.items()))
    return "\n".join(lines)


def stale_details(library: Library, languages: list[str]) -> list[str]:
    """For each stale translation, what changed in its source since it was translated."""
    details = []
    for block_id in sorted(library.blocks):
        for language in languages:
            entry = cell(library, block_id, language)
            if entry.state != "stale":
                continue
            translation = entry.block_file.block.translation
            source = library.blocks[block_id].get(translation.from_)
            if source is None:
                details.append(f"{entry.block_file.document.path}: stale — it says it was "
                               f"translated from '{translation.from_}', which has no file "
                               f"for this block")
                continue
            old = _source_at_fingerprint(source, translation.fingerprint)
            heading = (f"{entry.block_file.document.path}: stale — its source "
                       f"{source.document.path} changed since fingerprint "
                       f"{translation.fingerprint}")
            if old is None:
                details.append(f"{heading}; the translated version is not in git history, "
                               "so compare the whole source")
                continue
            diff = difflib.unified_diff(old.splitlines(), _content_text(source.block).splitlines(),
                                        "translated from", "source now", lineterm="", n=1)
            details.append(heading + "\n" + "\n".join("    " + line for line in diff))
    return details


def _content_text(block: Block) -> str:
    """The translatable fields of a block as YAML text, for diffs."""
    content = block.model_dump(mode="json", by_alias=True, exclude=block.NOT_TRANSLATED)
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=80)


def _source_at_fingerprint(source: BlockFile, fingerprint: str) -> str | None:
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
        if old_block is not None and old_block.fingerprint() == fingerprint:
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


def mark_current(library: Library, specs: list[str]) -> list[str]:
    """Record the current source fingerprint in the named translations.

    A spec is ``LANG:BLOCK`` (one translation) or ``LANG`` (every translation in
    that language). Only the fingerprint's text in the file changes, so comments
    and layout stay as the translator wrote them.
    """
    changed = []
    for spec in specs:
        language, _, block_id = spec.partition(":")
        if language not in library.languages or language == library.project.source_language:
            raise UsageError(f"'{spec}': expected LANG or LANG:BLOCK with LANG one of the "
                             f"translated languages")
        block_ids = [block_id] if block_id else sorted(library.blocks)
        for current_id in block_ids:
            block_file = library.blocks.get(current_id, {}).get(language)
            if block_file is None:
                if block_id:
                    raise UsageError(f"'{spec}': there is no {language} translation of "
                                     f"'{block_id}'")
                continue
            translation = block_file.block.translation
            new = library.blocks[current_id][translation.from_].block.fingerprint()
            if new == translation.fingerprint:
                continue
            _replace_value(block_file.document, ("translation", "fingerprint"),
                           translation.fingerprint, new)
            changed.append(f"{block_file.document.path}: fingerprint {translation.fingerprint} "
                           f"→ {new}")
    return changed


def _replace_value(document: sources.Document, key_path: tuple, old: str, new: str) -> None:
    where = document.where(key_path)
    path = Path(document.path)
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    index = where.line - 1
    pattern = re.compile(r"(['\"]?)" + re.escape(old) + r"\1")
    lines[index] = (lines[index][:where.column - 1]
                    + pattern.sub(f'"{new}"', lines[index][where.column - 1:], count=1))
    atomic_write(path, "".join(lines).encode(), keep_mode=True)
