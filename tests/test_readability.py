"""Readability: each language's syllable counter against words counted by hand, and
each formula against a published worked example."""

from pathlib import Path

import pytest

from leaflets.readability import FORMULAS, _english_rule, _pronunciations, score, syllables

WORDS = Path(__file__).parent / "data" / "syllables"
# Every hand-counted word right but at most one in twenty: a score moves by under
# 0.1 point per miscounted word in a 100-word block, far less than its 60 target's margin.
THRESHOLD = 0.95


def counted(name: str) -> list[tuple[str, int]]:
    rows = (line.split("\t") for line in (WORDS / name).read_text().splitlines()
            if line and not line.startswith("#"))
    return [(word, int(count)) for word, count in rows]


@pytest.mark.parametrize("language", ["en", "fr", "de", "tr"])
def test_syllable_counter_agrees_with_hand_counts(language):
    words = counted(f"{language}.tsv")
    assert len(words) >= 50
    wrong = [(word, count, syllables(word, language)) for word, count in words
             if syllables(word, language) != count]
    assert 1 - len(wrong) / len(words) >= THRESHOLD, wrong


def test_english_syllables_are_not_hyphenation_points():
    # Pyphen made "you" and "your" two syllables, "chemotherapy" three.
    assert [syllables(word, "en") for word in ("you", "your", "chemotherapy")] == [1, 1, 5]


def test_english_rule_counts_words_the_dictionary_lacks():
    words = counted("en-rule.tsv")
    assert not [word for word, _ in words if word in _pronunciations()]
    wrong = [(word, count, _english_rule(word)) for word, count in words
             if _english_rule(word) != count]
    assert 1 - len(wrong) / len(words) >= THRESHOLD, wrong


def formula_value(language: str, words: int, sentences: int, syllable_count: int) -> float:
    formula = FORMULAS[language]
    return round(formula.base - formula.per_sentence_word * words / sentences
                 - formula.per_word_syllable * syllable_count / words, 1)


def test_flesch_matches_published_examples():
    # Wikipedia, "Flesch–Kincaid readability tests": "The Australian platypus is seemingly
    # a hybrid of a mammal and reptilian creature." — 13 words, 26 syllables, 24.4.
    assert formula_value("en", 13, 1, 26) == 24.4
    # Flesch's ceiling: sentences of two one-syllable words score about 120.
    assert formula_value("en", 2, 1, 2) == 120.2


@pytest.mark.parametrize("language, words, sentences, syllable_count, expected", [
    # 100 words in 5 sentences, 150 syllables (ASL 20, ASW 1.5), worked by hand from
    # each published formula: 207 − 1.015×20 − 73.6×1.5 (Kandel & Moles 1958);
    # 180 − 20 − 58.5×1.5 (Amstad 1978); 198.825 − 40.175×1.5 − 2.610×20 (Ateşman 1997).
    ("fr", 100, 5, 150, 76.3),
    ("de", 100, 5, 150, 72.2),
    ("tr", 100, 5, 150, 86.4),
])
def test_formulas_match_their_published_constants(language, words, sentences,
                                                 syllable_count, expected):
    assert formula_value(language, words, sentences, syllable_count) == expected


def test_score_counts_sentences_words_and_syllables():
    result = score(["You can call your team. They will help you."], "en")
    assert (result.sentences, result.words, result.syllables) == (2, 9, 9)
    assert result.value == round(206.835 - 1.015 * 4.5 - 84.6 * 1, 1)
    assert score(["Merci."], "ar") is None
