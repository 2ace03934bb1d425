"""The translation units of a library for a language: one per translatable field.

A unit's id is ``<block key>/<field path>`` (``tolerance/body``,
``response-figures/figures/0/label``, ``<clinic>/<block>/title`` for a clinic's own
version): readable, and stable as long as the block keeps its shape. Which fields are
prose is markup's rule (``NOT_PROSE``): never a type, an id, a review, a translation
record, a figure's value, style or source, an urgency or an asset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..markup import MARKDOWN_FIELDS, NOT_PROSE
from ..model import Block, BlockFile, Library
from ..model.library import split_block_key
from ..sources import KeyPath

NEW, STALE, CURRENT = "new", "stale", "current"


@dataclass(frozen=True)
class Unit:
    id: str
    block_key: str
    key_path: KeyPath
    source: str
    target: str | None
    markdown: bool
    notes: tuple[str, ...] = ()


@dataclass
class BlockUnits:
    """The units of one block, with the fingerprint of the source they were cut from."""

    key: str
    type: str
    fingerprint: str
    state: str                      # NEW, STALE or CURRENT
    units: list[Unit] = field(default_factory=list)
    notes: tuple[str, ...] = ()


def unit_id(block_key: str, key_path: KeyPath) -> str:
    return "/".join([block_key, *map(str, key_path)])


def prose_fields(data: object, key_path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """(key path, text) of every translatable field of a block's data, in file order."""
    items = (data.items() if isinstance(data, dict)
             else enumerate(data) if isinstance(data, list) else ())
    for key, value in items:
        if isinstance(key, str) and key in NOT_PROSE:
            continue
        if isinstance(value, str):
            yield (*key_path, key), value
        else:
            yield from prose_fields(value, (*key_path, key))


def _field_name(key_path: KeyPath) -> str:
    return next(key for key in reversed(key_path) if isinstance(key, str))


def value_at(data: object, key_path: KeyPath) -> object:
    for key in key_path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _context(block: Block, key_path: KeyPath) -> list[str]:
    """What a translator needs to know of a field: the figure a label belongs to."""
    if key_path[:1] == ("figures",) and len(key_path) == 3:
        figure = block.figures[key_path[1]]
        shown = f"{figure.value:.0%}" if figure.style == "percent" else f"{figure.value:g}"
        return [f"the label of figure {key_path[1] + 1}: {shown}, printed beside the number "
                f"(source: {figure.source})"]
    return []


def leaflets_printing(library: Library, block_key: str) -> list[str]:
    _, block_id = split_block_key(block_key)
    return [leaflet_id for leaflet_id, leaflet_file in sorted(library.leaflets.items())
            if block_id in leaflet_file.leaflet.blocks]


def block_state(library: Library, block_key: str, language: str) -> str:
    translations = library.blocks[block_key]
    target = translations.get(language)
    if target is None:
        return NEW
    source = translations[library.project.source_language]
    record = target.block.translation
    return CURRENT if record and record.fingerprint == source.block.fingerprint() else STALE


def block_units(library: Library, block_key: str, language: str,
                glossary_notes=None) -> BlockUnits:
    source_file: BlockFile = library.blocks[block_key][library.project.source_language]
    target_file = library.blocks[block_key].get(language)
    source_data = source_file.block.model_dump(by_alias=True)
    target_data = target_file.block.model_dump(by_alias=True) if target_file else None
    leaflets = leaflets_printing(library, block_key)
    kind = source_data["type"]
    found = BlockUnits(block_key, kind, source_file.block.fingerprint(),
                       block_state(library, block_key, language),
                       notes=(f"block type: {kind}",
                              f"printed in: {', '.join(leaflets) or 'no leaflet'}"))
    for key_path, text in prose_fields(source_data):
        target = value_at(target_data, key_path) if target_data is not None else None
        notes = _context(source_file.block, key_path)
        if glossary_notes is not None:
            notes += glossary_notes(text, language)
        found.units.append(Unit(unit_id(block_key, key_path), block_key, key_path, text,
                                target if isinstance(target, str) else None,
                                _field_name(key_path) in MARKDOWN_FIELDS, tuple(notes)))
    return found


def library_units(library: Library, language: str, *, stale_only: bool = False,
                  leaflets: tuple[str, ...] = (), glossary_notes=None) -> list[BlockUnits]:
    """The units of every block to translate into ``language`` (those of ``leaflets``
    only, if given; only those new or stale with ``stale_only``)."""
    source_language = library.project.source_language
    chosen = []
    for block_key in sorted(library.blocks):
        if source_language not in library.blocks[block_key]:
            continue
        printed_in = leaflets_printing(library, block_key)
        if leaflets and not set(leaflets) & set(printed_in):
            continue
        units = block_units(library, block_key, language, glossary_notes)
        if stale_only and units.state == CURRENT:
            continue
        chosen.append(units)
    return chosen
