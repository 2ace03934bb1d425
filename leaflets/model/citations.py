"""Citations: which sources a block cites, and the numbers an edition gives them.

A block cites a source in two ways: a key figure's ``source:``, and ``[@source-id]`` written
in its Markdown right after the claim it supports. An edition numbers the sources its
printed blocks cite in the order they are first cited; each citation prints that number,
linked to the entry of the edition's sources list, which lists those sources and no other.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..errors import Problem
from .blocks import SourcesBlock
from .messages import suggest

if TYPE_CHECKING:
    from .block_base import Block
    from .library import BlockFile, LeafletFile

KeyPath = tuple
# Fields that hold Markdown, at any depth (a question's answer); every other text field
# is plain text.
MARKDOWN_FIELDS = frozenset({"body", "intro", "note", "what_you_can_do", "answer", "text",
                             "statement"})
# "[@" and the id up to "]": an id the sources do not have is reported, not printed.
CITATION = re.compile(r"\[@([^\]\s]*)\]")



def sources_blocks(blocks, block_ids: list[str], source_language: str) -> list[int]:
    """Where a leaflet's list of blocks has a block of type 'sources' (its indexes)."""
    return [index for index, block_id in enumerate(block_ids)
            if isinstance(getattr(blocks.get(block_id, {}).get(source_language), "block", None),
                          SourcesBlock)]

def markdown_values(data: object, key_path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Every Markdown field of a block's data, at any depth (a question's answer)."""
    items = (data.items() if isinstance(data, dict)
             else enumerate(data) if isinstance(data, list) else ())
    for key, value in items:
        if isinstance(value, str) and key in MARKDOWN_FIELDS:
            yield (*key_path, key), value
        else:
            yield from markdown_values(value, (*key_path, key))


def written_citations(block: Block) -> list[tuple[KeyPath, str]]:
    """(key path of the field, source id) of every citation of a block, in reading order."""
    cited = [(("figures", index, "source"), figure.source)
             for index, figure in enumerate(getattr(block, "figures", ()))]
    for key_path, markdown in markdown_values(block.model_dump(by_alias=True)):
        cited.extend((key_path, match[1]) for match in CITATION.finditer(markdown))
    return sorted(cited, key=lambda item: _reading_order(block, item[0]))


def _reading_order(block: Block, key_path: KeyPath) -> int:
    """A field's place in the block as it is printed: its fields in the model's order."""
    fields = list(type(block).model_fields)
    return fields.index(key_path[0]) if key_path[0] in fields else len(fields)


def cited_sources(block: Block) -> list[str]:
    """The ids a block cites, in reading order, each once."""
    return list(dict.fromkeys(source_id for _, source_id in written_citations(block)))


def numbering(blocks: Iterable[Block], helplines: Iterable[str] = ()) -> dict[str, int]:
    """Each source the blocks cite, numbered from 1 in the order first cited;
    ``helplines``: the sources of the support lines a support block prints, after its
    intro."""
    numbers: dict[str, int] = {}
    for block in blocks:
        for source_id in _printed_order(block, list(helplines)):
            numbers.setdefault(source_id, len(numbers) + 1)
    return numbers


def _printed_order(block: Block, helplines: list[str]) -> list[str]:
    if block.type != "support":
        return cited_sources(block)
    cited = written_citations(block)
    return list(dict.fromkeys([*(source_id for key_path, source_id in cited
                                 if key_path[0] == "intro"), *helplines,
                               *(source_id for key_path, source_id in cited
                                 if key_path[0] != "intro")]))


def unknown_citations(block_file: BlockFile, source_ids: list[str]) -> Iterator[Problem]:
    """Each citation of an id that sources.yaml does not have, where it is written."""
    document = block_file.document
    seen: dict[tuple[KeyPath, str], int] = {}
    for key_path, source_id in written_citations(block_file.block):
        if source_id in source_ids:
            continue
        if key_path[0] == "figures":
            where = document.where(key_path)
        else:
            occurrence = seen.get((key_path, source_id), 0)
            seen[(key_path, source_id)] = occurrence + 1
            where = document.locate(key_path, f"[@{source_id}]", occurrence)
        yield Problem(where, (
            f"unknown source '{source_id}'{suggest(source_id, source_ids)}; add it to "
            f"content/sources.yaml or use one of: {', '.join(source_ids)}"))


def citation_disagreement(block_file: BlockFile, source: BlockFile,
                           source_language: str) -> Problem | None:
    """A translation made from the source text as it is now cites what it cites, as
    often: its sentences may come in another order, so the count of each source is
    compared, not the order. A stale translation is status's to report (its edition
    lists what it cites), so that a new citation in the source breaks no build."""
    record = block_file.block.translation
    if record is None or record.from_ != source_language or \
            record.fingerprint != source.block.fingerprint():
        return None
    written = written_citations(block_file.block)
    expected = Counter(source_id for _, source_id in written_citations(source.block))
    found = Counter(source_id for _, source_id in written)
    if found == expected:
        return None
    differences = [f"'{source_id}' {expected[source_id]} time(s), found {found[source_id]}"
                   for source_id in dict.fromkeys([*expected, *found])
                   if expected[source_id] != found[source_id]]
    # Where the translation cites one too often, or else its first field of Markdown.
    places = [key_path for key_path, source_id in written
              if found[source_id] > expected[source_id]] or [
        key_path for key_path, _ in markdown_values(block_file.block.model_dump(by_alias=True))]
    return block_file.document.problem(places[0] if places else (), (
        f"a translation cites the sources its source cites, as often ([@id] after the "
        f"claim): {source_language}.yaml cites {'; '.join(differences)}"))


def sources_list_problems(leaflet_file: LeafletFile, blocks: dict[str, dict[str, BlockFile]],
                          source_language: str, helplines: bool) -> Iterator[Problem]:
    """A leaflet whose text cites a source, in any language, prints a list of what it
    cites (every edition keeps it); a leaflet, or a format's shorter edition, whose source
    text cites nothing has no empty list. ``helplines``: the project has support lines,
    which a support block prints with their sources."""
    leaflet, document = leaflet_file.leaflet, leaflet_file.document

    def cites(block: Block) -> bool:
        return bool(cited_sources(block)) or (helplines and block.type == "support")

    def citing(block_ids: list[str], languages: list[str] | None) -> list[str]:
        """The blocks that cite in one of ``languages`` (None: in any)."""
        return [block_id for block_id in block_ids
                if any(cites(block_file.block)
                       for code, block_file in blocks.get(block_id, {}).items()
                       if languages is None or code in languages)]

    lists = sources_blocks(blocks, leaflet.blocks, source_language)
    anywhere = citing(leaflet.blocks, None)
    if anywhere and not lists:
        yield document.problem(("blocks",), (
            f"'{anywhere[0]}' cites sources, but the leaflet lists no block of type 'sources' "
            "to print them; add one (e.g. 'sources') to its blocks"))
    elif lists and not citing(leaflet.blocks, [source_language]):
        yield document.problem(("blocks", lists[0]), (
            f"'{leaflet.blocks[lists[0]]}' would list no source: no block of this leaflet "
            "cites one ([@id] after a claim, or a figure's 'source:'); cite them, or remove it"))
    elif lists:
        for format, omitted in leaflet.omit.items():
            kept = [block_id for block_id in leaflet.blocks if block_id not in omitted]
            if not citing(kept, [source_language]):
                yield document.problem(("omit", format), (
                    f"the {format} edition leaves out every block that cites a source, so "
                    "its sources list would be empty; keep one of them"))
