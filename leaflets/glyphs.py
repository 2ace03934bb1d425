"""Glyph coverage: every character of an edition must be in a font of its language's stack.

Without this check a missing glyph is silently drawn from some other font the
host happens to have, or as an empty box on paper.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.support import Translations
from fontTools.ttLib import TTFont

from .editions import Edition, printed_blocks
from .errors import Location, Problem, shown
from .fonts import font_faces
from .i18n import typography
from .languages import language
from .markup import located_passages
from .model import Library
from .sources import Document, KeyPath

# Characters that are never drawn: controls, bidi marks and isolates, zero-width joiners.
# Other spaces (no-break, narrow no-break) are drawn from a font, so they are checked.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


@cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def coverage(library: Library) -> dict[str, frozenset[int]]:
    """Font family → the code points its regular face draws."""
    faces = font_faces(library.project, library.root)
    return {face.family: _cmap(face.path) for face in faces
            if face.weight == "normal" and face.style == "normal"}


@dataclass(frozen=True)
class Text:
    """Some text that will be printed, the value it is written in, and its language."""

    text: str
    document: Document
    key_path: KeyPath
    language: str


def _strings(value: object, key_path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every text in a dumped model, with its key path."""
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*key_path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*key_path, index))


def _block_texts(library: Library, editions: list[Edition]) -> Iterator[Text]:
    used = sorted({(block_id, edition.language) for edition in editions
                   for block_id in printed_blocks(library, edition)})
    for block_id, code in used:
        block_file = library.blocks.get(block_id, {}).get(code)
        if block_file is None:
            continue
        lang = language(code)
        for key_path, passage in located_passages(block_file.block):
            yield Text(typography(passage, lang), block_file.document, key_path, code)


def _leaflet_texts(library: Library, editions: list[Edition]) -> Iterator[Text]:
    for leaflet_id, code in sorted({(edition.leaflet, edition.language) for edition in editions}):
        leaflet_file = library.leaflets[leaflet_id]
        for field in ("reference", "version"):
            yield Text(getattr(leaflet_file.leaflet, field), leaflet_file.document, (field,),
                       code)


def _source_texts(library: Library) -> Iterator[Text]:
    for source_id, source in library.sources.items():
        for key_path, text in _strings(source.model_dump(by_alias=True), (source_id,)):
            yield Text(text, library.sources_document, key_path, source.language)


def _clinic_texts(library: Library, editions: list[Edition]) -> Iterator[Text]:
    for clinic_id, code in sorted({(edition.clinic, edition.language) for edition in editions
                                   if edition.clinic}):
        clinic_file = library.clinics[clinic_id]
        for key_path, text in _strings(clinic_file.clinic.model_dump(by_alias=True), ()):
            yield Text(text, clinic_file.document, key_path, code)


def printed_texts(library: Library, editions: list[Edition]) -> list[Text]:
    """Everything the editions print that comes from content, value by value: blocks in
    their language, leaflet references, sources (in their own language) and clinic details."""
    return [*_block_texts(library, editions), *_leaflet_texts(library, editions),
            *_source_texts(library), *_clinic_texts(library, editions)]


def _undrawable(text: str, drawn: frozenset[int]) -> list[str]:
    """The characters of ``text`` that would be printed and that no font draws, in order."""
    return sorted({character for character in text
                   if ord(character) not in drawn and character not in " \n\t"
                   and unicodedata.category(character) not in _INVISIBLE_CATEGORIES})


def _drawn(library: Library, covered: dict[str, frozenset[int]], code: str
           ) -> tuple[list[str], frozenset[int]]:
    """A language's font stack, and every code point one of its fonts draws."""
    stack = library.project.fonts.scripts[language(code).script]
    return stack, frozenset().union(*(covered[family] for family in stack))


def _no_glyph(character: str, stack: list[str]) -> str:
    return (f"U+{ord(character):04X} '{character}' "
            f"({unicodedata.name(character, 'unnamed character')}) has no glyph in "
            f"{', '.join(stack)}")


def unprintable(library: Library, code: str, text: str) -> str:
    """Why some text in a language cannot be printed: the characters no font of its stack
    draws ('' if every one is drawn)."""
    stack, drawn = _drawn(library, coverage(library), code)
    return "; ".join(_no_glyph(character, stack) for character in _undrawable(text, drawn))


def missing_glyphs(library: Library, editions: list[Edition]) -> list[Problem]:
    """One problem per character that no font of its language's stack covers, in each
    value it is written in."""
    covered = coverage(library)
    problems = []
    for printed in printed_texts(library, editions):
        stack, drawn = _drawn(library, covered, printed.language)
        script = language(printed.language).script
        for character in _undrawable(printed.text, drawn):
            problems.append(Problem(
                printed.document.locate(printed.key_path, character),
                f"{_no_glyph(character, stack)}; use another character or add a font that "
                f"has it to fonts.scripts.{script} in project.yaml"))
    return sorted(set(problems))


def catalog_glyphs(library: Library, catalogs: dict[str, Translations]) -> list[Problem]:
    """The same for the catalogs' strings, which are printed too (the DRAFT mark, "Page 2
    of 4"): one problem per entry with a character its language's fonts cannot draw."""
    covered = coverage(library)
    problems = []
    for code, translations in catalogs.items():
        stack, drawn = _drawn(library, covered, code)
        for message in translations.catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            missing = _undrawable("".join(string or "" for string in strings), drawn)
            if message.id and missing:
                where = Location(shown(translations.origins[message.id]), message.lineno or 1)
                problems.append(Problem(where, f"{_no_glyph(missing[0], stack)}; use another "
                                               "character in this translation"))
    return problems
