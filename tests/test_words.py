"""Word counts for an agency's quote: `status --words`, counted as CAT tools count."""

from __future__ import annotations

from pathlib import Path

from leaflets.words import count_words

# 20 words by hand: "Bien toléré" (2); "L’immunothérapie est souvent mieux tolérée voir le
# guide de l’INCa ou écrire à" (13: the bold marks, the link's address and the e-mail
# address are not words); "25 des patients" (3: the number is a word, "%" is not);
# "la pseudo-progression" (2: a hyphenated word is one).
TWENTY_WORDS = """\
type: text
review: {status: draft}
title: Bien toléré
body: |
  L’immunothérapie est **souvent** mieux tolérée : voir
  [le guide de l’INCa](https://www.e-cancer.fr/guide) ou écrire à info@example.org.

  - 25 % des patients ;
  - la pseudo-progression.
"""
FIVE_WORDS = "type: text\nreview: {status: draft}\ntitle: Un mot\nbody: Deux mots ici.\n"


def test_a_passage_is_counted_as_a_cat_tool_counts_it():
    assert count_words("Les anti PD-1 et les anti PD-L1 ;") == 7
    assert count_words("Voir https://example.org/a?b=1 ou écrire à a@b.fr") == 4
    assert count_words("25 % des patients, soit 3,5 sur 10") == 7
    assert count_words("aujourd’hui la pseudo-progression") == 3
    # Short vowels are part of their word, not word breaks.
    assert count_words("معدِّلات المناعة") == 2


def _row(out: str, language: str, name: str) -> tuple[int, int, int]:
    """(new, stale, total) of a row of the word table, in a language's section."""
    lines = out[out.index("words to translate"):].splitlines()
    section = lines[lines.index(language) + 1:]
    line = next(line for line in section if line.rsplit(None, 3)[0].strip() == name)
    return tuple(int(cell) for cell in line.split()[-3:])


def test_status_words_counts_new_and_stale_words_and_shared_blocks_once(content: Path, run):
    # what-is-immunotherapy is printed by all three leaflets; tolerance by one.
    (content / "blocks/what-is-immunotherapy/fr.yaml").write_text(FIVE_WORDS)
    (content / "blocks/what-is-immunotherapy/en.yaml").unlink()
    (content / "blocks/tolerance/fr.yaml").write_text(TWENTY_WORDS)
    code, out, err = run("status", "--words", "--content", str(content))
    assert code == 0, err
    assert _row(out, "en", "immunotherapy-basics") == (5, 0, 5)
    assert _row(out, "en", "immunotherapy-response") == (5, 0, 5)
    assert _row(out, "en", "immunotherapy-side-effects") == (5, 20, 25)
    # The shared block is counted once in the language's total, not three times.
    assert _row(out, "en", "en total") == (5, 20, 25)
    assert _row(out, "de", "immunotherapy-side-effects") == (0, 25, 25)
    assert _row(out, "de", "de total") == (0, 25, 25)
    assert "once in its language's total" in out
    assert "numbers are words" in out


def test_words_goes_with_status_only(run):
    code, _, err = run("check", "--words")
    assert code == 2
    assert "'--words' does not apply to 'check' (it goes with status)" in err
