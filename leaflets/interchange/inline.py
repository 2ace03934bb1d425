"""Markdown cut into prose and codes, so that a CAT tool protects the markup.

A field's text is cut into a sequence of pieces that, joined, give back the text byte for
byte: prose to translate, and codes that hold the Markdown as it is written. Emphasis,
strong emphasis and links are *paired* codes (XLIFF ``<pc>``): the translator moves them
with the words they wrap, and a CAT tool will not let one end be dropped without the
other. Citations, images, line breaks, paragraph breaks and list markers are *standalone* codes
(``<ph>``). Each code carries the Markdown it stands for, so nothing is re-rendered: what
comes back is what was written, with the prose translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One code's Markdown, in the order they are tried: a citation ([@source-id], which the
# translator places after the claim it supports), the start of an image or a link (its
# alt text or its words are translated), their end with the address, strong then simple
# emphasis (whether one opens or closes is told by what is around it, as CommonMark
# does), and the breaks between lines, paragraphs and list items (with the list marker
# that follows a break).
_CODE = re.compile(r"""
    (?P<citation>\[@[^\]\s]*\])
  | (?P<image>!\[)(?=[^\]\n]*\]\([^)\s]*\))
  | (?P<link>\[)(?=[^\]\n]*\]\([^)\s]*\))
  | (?P<close>\]\([^)\s]*\))
  | (?P<strong>\*\*|__)
  | (?P<emphasis>\*|_)
  | (?P<break>(?:\ {2,}|\\)?\n(?:[ \t]*\n)*(?:[ \t]*(?:[-*+]|\d+[.)])[ \t]+)?)
""", re.VERBOSE)
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
PAIRED = {"strong", "emphasis", "link", "image"}


@dataclass(frozen=True)
class Code:
    kind: str          # break, marker, citation, or a paired kind: strong, emphasis, link, image
    start: str         # the Markdown written where it starts (the whole of a standalone one)
    end: str = ""      # and where a paired code ends


@dataclass(frozen=True)
class Paired:
    code: Code
    content: tuple      # pieces: str and Code / Paired


def _raw_pieces(text: str) -> list[tuple[str, str]]:
    """(kind, Markdown) for each code and ("text", prose) between them."""
    pieces, position = [], 0
    marker = _LIST_MARKER.match(text)
    if marker:
        pieces.append(("marker", marker[0]))
        position = marker.end()
    for match in _CODE.finditer(text, position):
        if match.start() > position:
            pieces.append(("text", text[position:match.start()]))
        pieces.append((match.lastgroup, match[0]))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces


def _closes(kind: str, written: str, top: tuple, around: tuple[str, str]) -> bool:
    before, after = around
    if kind == "close":
        return top[0] in ("link", "image")
    # An underscore inside a word (snake_case) is a letter, as in CommonMark.
    inside_word = written.startswith("_") and after[:1].isalnum()
    return kind in ("strong", "emphasis") and top[:2] == (kind, written) and \
        not before[-1:].isspace() and not inside_word


def _opens(kind: str, written: str, around: tuple[str, str]) -> bool:
    before, after = around
    inside_word = written.startswith("_") and before[-1:].isalnum()
    return kind in PAIRED and after[:1] != "" and not after[:1].isspace() and not inside_word


def cut(text: str) -> tuple:
    """The pieces of ``text``: prose strings, standalone ``Code``s and ``Paired`` codes.
    An end without its start (a lone "*") stays prose."""
    stack: list[tuple[str, str, list]] = [("", "", [])]
    raw = _raw_pieces(text)
    for index, (kind, written) in enumerate(raw):
        before = raw[index - 1][1] if index else ""
        after = raw[index + 1][1] if index + 1 < len(raw) else ""
        if _closes(kind, written, stack[-1], (before, after)):
            opened_kind, opened, content = stack.pop()
            stack[-1][2].append(Paired(Code(opened_kind, opened, written), tuple(content)))
        elif _opens(kind, written, (before, after)):
            stack.append((kind, written, []))
        elif kind in ("break", "marker", "citation"):
            stack[-1][2].append(Code(kind, written))
        else:
            stack[-1][2].append(written)
    while len(stack) > 1:   # never closed: its start is prose
        _, opened, content = stack.pop()
        stack[-1][2].extend([opened, *content])
    return tuple(_merged(stack[0][2]))


def _merged(pieces: list) -> list:
    """Neighbouring prose strings as one."""
    merged: list = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def joined(pieces: tuple) -> str:
    """The Markdown the pieces were cut from."""
    return "".join(piece if isinstance(piece, str)
                   else piece.start if isinstance(piece, Code)
                   else piece.code.start + joined(piece.content) + piece.code.end
                   for piece in pieces)


def codes(pieces: tuple) -> list[Code]:
    """Every code of the pieces, in the order they start."""
    found = []
    for piece in pieces:
        if isinstance(piece, Code):
            found.append(piece)
        elif isinstance(piece, Paired):
            found.append(piece.code)
            found.extend(codes(piece.content))
    return found


def words(pieces: tuple) -> str:
    """The prose alone, codes left out (as a CAT tool counts it)."""
    return "".join(piece if isinstance(piece, str) else
                   words(piece.content) if isinstance(piece, Paired) else " "
                   for piece in pieces)
