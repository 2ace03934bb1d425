"""The side-by-side review of one leaflet in one language: each block's source text beside
its translation, field by field, with the block's status as ``status`` reports it and,
for a stale translation, what changed in the source since it was translated.

The fields are the translation units the interchange cuts (``interchange.units``), the
status is ``approvals.verdict``, the diff is ``status.diff_since`` (the source then is
recovered from git history): the view shows what those already compute, nothing of its
own.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from ..approvals import STATES, Verdict, verdict
from ..interchange.units import Unit, block_units
from ..languages import language
from ..model import Library
from ..sources import KeyPath
from ..status import diff_since

FROM, NOW = "translated from", "now"   # the two sides of a stale block's diff


@dataclass(frozen=True)
class Side:
    """A language as the page marks its passages."""

    code: str
    name: str         # in English, as the preview's own words are
    direction: str


def side(code: str) -> Side:
    return Side(code, Locale.parse(code).get_display_name("en"), language(code).direction)


@dataclass(frozen=True)
class DiffLine:
    kind: str         # "removed", "added", "context" or "hunk"
    text: str


@dataclass(frozen=True)
class SourceDiff:
    """What changed in a stale translation's source, or why it cannot be shown."""

    heading: str
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True)
class Field:
    label: str        # where in the block: "questions › 2 › answer"
    source: str
    translation: str | None


@dataclass(frozen=True)
class BlockReview:
    id: str
    type: str
    state: str        # missing, stale, draft, reviewed or approved
    reason: str
    path: str | None  # the translation's file
    fields: tuple[Field, ...]
    diff: SourceDiff | None


@dataclass(frozen=True)
class Review:
    leaflet: str
    reference: str
    title: str
    source: Side
    target: Side
    blocks: tuple[BlockReview, ...]

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many blocks are in each state, from the least advanced."""
        states = [block.state for block in self.blocks]
        return [(state, states.count(state)) for state in STATES if state in states]


def reviewable(library: Library) -> list[tuple[str, str, list[Side]]]:
    """(leaflet, its title, the languages it can be reviewed in: every translation)."""
    source = library.project.source_language
    return [(leaflet_id, _title(library, leaflet_id, source),
             [side(code) for code in library.languages if code != source])
            for leaflet_id in sorted(library.leaflets)]


def review(library: Library, leaflet_id: str, code: str) -> Review | None:
    """The review of a leaflet in a translation; None if there is no such pair."""
    source = library.project.source_language
    if leaflet_id not in library.leaflets or code not in library.languages or code == source:
        return None
    leaflet = library.leaflets[leaflet_id].leaflet
    blocks = tuple(_block_review(library, block_id, code) for block_id in leaflet.blocks)
    return Review(leaflet_id, leaflet.reference, _title(library, leaflet_id, source),
                  side(source), side(code), blocks)


def _title(library: Library, leaflet_id: str, code: str) -> str:
    cover = library.leaflets[leaflet_id].leaflet.blocks[0]
    return library.blocks[cover][code].block.title


def _block_review(library: Library, block_id: str, code: str) -> BlockReview:
    found = verdict(library, block_id, code)
    units = block_units(library, block_id, code)
    block_file = found.block_file
    return BlockReview(block_id, units.type, found.state, _reason(found),
                       str(block_file.document.path) if block_file else None,
                       tuple(Field(_label(unit.key_path), unit.source, _target(unit))
                             for unit in units.units),
                       _source_diff(library, found) if found.state == "stale" else None)


def _target(unit: Unit) -> str | None:
    return unit.target if unit.target is not None and unit.target.strip() else None


def _reason(found: Verdict) -> str:
    """Why the block is in its state, in ``status``'s words; who approved it, and when."""
    if found.reason:
        return found.reason
    review = found.block_file.block.review if found.block_file else None
    if found.state == "approved" and review is not None:
        return f"by {review.by} on {review.on}"
    return "not translated yet" if found.state == "missing" else ""


def _label(key_path: KeyPath) -> str:
    """A field's place for a person: list positions count from 1."""
    return " › ".join(str(key + 1) if isinstance(key, int) else key for key in key_path)


def _source_diff(library: Library, found: Verdict) -> SourceDiff:
    """The source's changes since the fingerprint the translation records, as ``status``
    prints them."""
    record = found.block_file.block.translation
    source = library.blocks[found.block_file.id].get(record.from_)
    if source is None:
        return SourceDiff(f"it says it was translated from '{record.from_}', which has no "
                          "file for this block", ())
    heading, *lines = diff_since(f"{source.document.path} since fingerprint "
                                 f"{record.fingerprint}", source, record.fingerprint,
                                 FROM).split("\n")
    return SourceDiff(heading, tuple(_diff_line(line.removeprefix("    "))
                                     for line in lines
                                     if not line.lstrip().startswith(("--- ", "+++ "))))


def _diff_line(line: str) -> DiffLine:
    kinds = {"-": "removed", "+": "added", "@": "hunk"}
    return DiffLine(kinds.get(line[:1], "context"), line[1:] if line[:1] != "@" else line)
