"""Words to translate, for an agency's quote: per language and leaflet, the source words
of the blocks not translated yet (new) and of those whose source changed (stale).

Counted as CAT tools (Trados, memoQ) count: the words of the source text only, as the
reader sees it: Markdown's codes (emphasis, link targets, list marks) and addresses
(URLs, e-mail addresses) are not words; a number is a word ("25 %" is one word); a word
joined by hyphens or apostrophes is one ("pseudo-progression", "aujourd’hui"). A stale
block counts whole: the translator rereads all of it (a CAT tool's translation memory
then discounts what did not change).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .approvals import source_of, verdict
from .markup import passages
from .model import Library
from .status import clinic_versions

_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+")
# A number with its separators ("1 000", "3,5"), or letters joined by hyphens and
# apostrophes; "_" is not a letter.
_WORD = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*|[^\W\d_]+(?:[-'’‑][^\W_]+)*[^\W_]*")


def count_words(text: str) -> int:
    """The words of one passage of prose, as a CAT tool counts them."""
    # Marks (Arabic short vowels, a decomposed accent) are part of their word.
    text = "".join(character for character in _ADDRESS.sub(" ", text)
                   if unicodedata.category(character) != "Mn")
    return len(_WORD.findall(text))


def block_words(library: Library, key: str, language: str) -> int:
    """The words of a block's text in a language (0 if it has none)."""
    block_file = library.blocks.get(key, {}).get(language)
    return 0 if block_file is None else sum(map(count_words, passages(block_file.block)))


@dataclass(frozen=True)
class Count:
    new: int = 0     # words of the source of blocks not translated yet
    stale: int = 0   # words of the source of translations whose source changed

    @property
    def total(self) -> int:
        return self.new + self.stale


def to_translate(library: Library, keys: list[str], language: str) -> Count:
    """The source words of the blocks among ``keys`` that need translating into ``language``."""
    new = stale = 0
    for key in dict.fromkeys(keys):   # each block once
        state = verdict(library, key, language)
        if state.state == "missing":
            new += block_words(library, key, library.project.source_language)
        elif state.state == "stale":
            source = source_of(library, state.block_file)
            stale += block_words(library, key, source.language) if source else 0
    return Count(new, stale)


def _rows(library: Library, language: str) -> list[tuple[str, list[str]]]:
    """(row name, the block keys it needs) for each leaflet, and each clinic's own versions
    of blocks in the languages it takes."""
    rows = [(leaflet_id, list(leaflet_file.leaflet.blocks))
            for leaflet_id, leaflet_file in library.leaflets.items()
            if leaflet_file.leaflet.withdrawn is None]
    for clinic, keys in clinic_versions(library).items():
        taken = library.clinics[clinic].clinic.languages if clinic in library.clinics else []
        if taken is None or language in taken:
            rows.append((f"{clinic} (its own versions)", keys))
    return rows


def word_table(library: Library, languages: list[str]) -> str:
    """New, stale and total words per language and leaflet, and each language's total, in
    which a block several leaflets print is counted once."""
    source_language = library.project.source_language
    targets = [code for code in languages if code != source_language]
    rows_of = {code: _rows(library, code) for code in targets}
    width = max([len(name) + 2 for rows in rows_of.values() for name, _ in rows] + [24])
    header = "words to translate".ljust(width) + f"{'new':>8}{'stale':>8}{'total':>8}"
    lines = [header, "-" * len(header)]
    for code in targets:
        lines.append(code)
        every_key = []
        for name, keys in rows_of[code]:
            lines.append(_line("  " + name, to_translate(library, keys, code), width))
            every_key += keys
        lines.append(_line(f"  {code} total", to_translate(library, every_key, code), width))
    lines.append(
        f"words of the source text ({source_language}) as CAT tools count them: numbers are "
        "words, Markdown codes and addresses are not; a stale block counts whole; a block "
        "shared by several leaflets counts in each leaflet's row but once in its "
        "language's total")
    return "\n".join(lines)


def _line(name: str, count: Count, width: int) -> str:
    return name.ljust(width) + f"{count.new:>8}{count.stale:>8}{count.total:>8}"
