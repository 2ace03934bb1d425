"""Glyph coverage: every character of an edition must be in a font of its language's stack.

Without this check a missing glyph is silently drawn from some other font the
host happens to have, or as an empty box on paper.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .errors import Location, Problem, shown
from .i18n import language, typography
from .markup import passages
from .model import Library
from .render import font_faces
from .templates import Edition

# Characters that are never drawn: controls, bidi marks and isolates, zero-width joiners.
# Other spaces (no-break, narrow no-break) are drawn from a font, so they are checked.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


@cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def coverage(library: Library) -> dict[str, frozenset[int]]:
    """Font family → the code points its regular face draws."""
    faces = font_faces(library.project)
    return {face.family: _cmap(face.path) for face in faces
            if face.weight == "normal" and face.style == "normal"}


def _position(path: Path, character: str) -> tuple[int, int]:
    """Line and column of the first occurrence of ``character`` in a file, written as
    itself or as an HTML character reference (&#9731;, &#x2603;)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        return 1, 1
    pattern = f"{re.escape(character)}|&#{ord(character)};|&#x0*{ord(character):x};"
    match = re.search(pattern, text, re.IGNORECASE)
    if match is None:
        return 1, 1
    index = match.start()
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass(frozen=True)
class Text:
    """Some text that will be printed, the file it comes from, and its language."""

    text: str
    path: Path
    language: str


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def printed_texts(library: Library, editions: list[Edition]) -> list[Text]:
    """Everything the editions print that comes from content: blocks in their language,
    leaflet references, sources (in their own language) and clinic details."""
    texts = []
    used = sorted({(block_id, edition.language) for edition in editions
                   for block_id in library.leaflets[edition.leaflet].leaflet.blocks})
    for block_id, code in used:
        block_file = library.blocks.get(block_id, {}).get(code)
        if block_file is not None:
            lang = language(code)
            texts.append(Text(typography(" ".join(passages(block_file.block)), lang),
                              Path(block_file.document.path), code))
    for leaflet_id, code in sorted({(edition.leaflet, edition.language) for edition in editions}):
        leaflet = library.leaflets[leaflet_id]
        texts.append(Text(f"{leaflet.leaflet.reference} {leaflet.leaflet.version}",
                          Path(leaflet.document.path), code))
    sources_path = library.root / "sources.yaml"
    for source in library.sources.values():
        texts.append(Text(" ".join(_strings(source.model_dump())), sources_path, source.language))
    for clinic_id, code in sorted({(edition.clinic, edition.language) for edition in editions
                                   if edition.clinic}):
        clinic = library.clinics[clinic_id]
        texts.append(Text(" ".join(_strings(clinic.clinic.model_dump())),
                          Path(clinic.document.path), code))
    return texts


def missing_glyphs(library: Library, editions: list[Edition]) -> list[Problem]:
    """One problem per character (per file) that no font of its language's stack covers."""
    covered = coverage(library)
    problems = []
    for printed in printed_texts(library, editions):
        lang = language(printed.language)
        stack = library.project.fonts.scripts[lang.script]
        drawn = frozenset().union(*(covered[family] for family in stack))
        for character in sorted(set(printed.text)):
            if (ord(character) in drawn or character in " \n\t"
                    or unicodedata.category(character) in _INVISIBLE_CATEGORIES):
                continue
            line, column = _position(printed.path, character)
            name = unicodedata.name(character, "unnamed character")
            problems.append(Problem(
                Location(shown(printed.path), line, column),
                f"U+{ord(character):04X} '{character}' ({name}) has no glyph in "
                f"{', '.join(stack)}; use another character or add a font that has it "
                f"to fonts.scripts.{lang.script} in project.yaml"))
    return sorted(set(problems))
