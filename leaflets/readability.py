"""Readability scores of block text, with each language's own formula.

Every formula has the shape ``a - b × words per sentence - c × syllables per word``:
Flesch reading ease (English), Kandel–Moles (French), Amstad (German) and
Ateşman (Turkish). A language without a formula is reported as not scored.
Syllables come from Pyphen's hyphenation dictionaries; Pyphen has no Turkish
one, and a Turkish word has as many syllables as vowels, so those are counted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pyphen

TARGET = 60.0


@dataclass(frozen=True)
class Formula:
    name: str
    base: float
    per_sentence_word: float
    per_word_syllable: float


FORMULAS = {
    "en": Formula("Flesch reading ease", 206.835, 1.015, 84.6),
    "fr": Formula("Kandel–Moles", 207.0, 1.015, 73.6),
    "de": Formula("Amstad", 180.0, 1.0, 58.5),
    "tr": Formula("Ateşman", 198.825, 2.610, 40.175),
}
_TURKISH_VOWELS = set("aâeıiîoöuüûAÂEIİÎOÖUÜÛ")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Score:
    formula: str
    value: float
    sentences: int
    words: int
    syllables: int

    @property
    def shortfall(self) -> float:
        return max(0.0, TARGET - self.value)


@cache
def _dictionary(language: str) -> pyphen.Pyphen | None:
    if language not in pyphen.LANGUAGES and not any(
            name.split("_")[0] == language for name in pyphen.LANGUAGES):
        return None
    # left/right of 1 lets Pyphen split off one-letter syllables, as counting wants.
    return pyphen.Pyphen(lang=language, left=1, right=1)


def _has_vowel(piece: str) -> bool:
    return any(unicodedata.normalize("NFD", letter)[0].lower() in "aeiouy" for letter in piece)


def syllables(word: str, language: str) -> int:
    if language == "tr":
        return max(1, sum(letter in _TURKISH_VOWELS for letter in word))
    dictionary = _dictionary(language)
    if dictionary is None:
        raise ValueError(f"no syllable dictionary for '{language}'")
    # Hyphenation points split a word into pieces; a piece without a vowel
    # ("A-rz-t") is not a syllable of its own.
    pieces = dictionary.inserted(word, hyphen="\0").split("\0")
    return max(1, sum(_has_vowel(piece) for piece in pieces))


def score(passages: list[str], language: str) -> Score | None:
    """Score prose passages (a heading, a paragraph, a list item each); None if unscored.

    A passage without final punctuation (a heading, a label) counts as one sentence.
    """
    formula = FORMULAS.get(language)
    if formula is None:
        return None
    sentence_count = word_count = syllable_count = 0
    for passage in passages:
        for sentence in _SENTENCE_END.split(passage.strip()):
            words = _WORD.findall(sentence)
            if not words:
                continue
            sentence_count += 1
            word_count += len(words)
            syllable_count += sum(syllables(word, language) for word in words)
    if word_count == 0:
        return None
    value = (formula.base
             - formula.per_sentence_word * word_count / sentence_count
             - formula.per_word_syllable * syllable_count / word_count)
    return Score(formula.name, round(value, 1), sentence_count, word_count, syllable_count)
