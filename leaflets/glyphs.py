"""Glyph coverage: every character of an edition must be in a font of its language's stack.

Without this check a missing glyph is silently drawn from some other font the
host happens to have, or as an empty box on paper.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .errors import Location, Problem
from .i18n import language, typography
from .markup import passages
from .model import BlockFile, Library
from .render import font_faces

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
    """Line and column of the first occurrence of ``character`` in a file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        return 1, 1
    index = text.find(character)
    if index < 0:
        return 1, 1
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def missing_glyphs(library: Library, block_files: list[BlockFile]) -> list[Problem]:
    """One problem per character (per file) that no font of the block's stack covers."""
    covered = coverage(library)
    problems = []
    for block_file in block_files:
        lang = language(block_file.language)
        stack = library.project.fonts.scripts[lang.script]
        drawn = frozenset().union(*(covered[family] for family in stack))
        text = typography(" ".join(passages(block_file.block)), lang)
        for character in sorted(set(text)):
            if (ord(character) in drawn or character in " \n\t"
                    or unicodedata.category(character) in _INVISIBLE_CATEGORIES):
                continue
            line, column = _position(Path(block_file.document.path), character)
            name = unicodedata.name(character, "unnamed character")
            problems.append(Problem(
                Location(block_file.document.path, line, column),
                f"U+{ord(character):04X} '{character}' ({name}) has no glyph in "
                f"{', '.join(stack)}; use another character or add a font that has it "
                f"to fonts.scripts.{lang.script} in project.yaml"))
    return problems
