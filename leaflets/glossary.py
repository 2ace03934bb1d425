"""Terminology: where a block's source text uses a glossary term, its translations must
use one of the forms the glossary approves for their language.

How a form is found in a text, in every language: both are cut into words (letters and
digits; hyphens, apostrophes and other signs separate words), compared without case;
the words of a form must follow each other in the text, and each text word must begin
with the form's word. The ending is free, as languages inflect at the end: "Checkpoint-
Inhibitor" finds "Checkpoint-Inhibitoren", "bağışıklık sistemi" finds "bağışıklık
sisteminiz", "immunothérapie" finds "immunothérapies". A form that changes inside the
word (English "therapy" → "therapies") is listed with its other forms. Turkish letters
are lowered the Turkish way (I → ı, İ → i). Arabic text is compared without its short
vowels and tatweel, with ا for أ إ آ, and a text word may carry the proclitics و ف ب ك ل
and the article ال before it ("والعلاج", "بالعلاج", "للعلاج" find "علاج"); a form is
written with its article or without, it is looked for without it.

A term's ``except`` lists, per language, the blocks whose translation may go without it
(a reviewed choice); an exception that a translation no longer needs is a warning too.
"""

from __future__ import annotations

import re
import unicodedata

from .editions import Edition, printed_blocks
from .errors import Problem
from .languages import folded
from .markup import located_passages
from .model import BlockFile, Library

_WORD = re.compile(r"\w+")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ـ": None})
# Longest first: "وبال" is tried before "و".
_ARABIC_PROCLITICS = ("وبال", "فبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال",
                      "و", "ف", "ب", "ك", "ل")
_SHORTEST_STEM = 2   # what is left of an Arabic word once a proclitic is taken off


def words(language: str, text: str) -> list[str]:
    """The words of a text as they are compared: lowered, Arabic letters normalised."""
    text = "".join(character for character in unicodedata.normalize("NFC", folded(language, text))
                   if unicodedata.category(character) != "Mn")
    if language == "ar":
        text = text.translate(_ARABIC_LETTERS)
    return _WORD.findall(text)


def _bare(word: str) -> str:
    """An Arabic form's word without its article."""
    return word[2:] if word.startswith("ال") and len(word) - 2 >= _SHORTEST_STEM else word


def _readings(language: str, word: str) -> list[str]:
    """A text word as itself and, in Arabic, without each proclitic it may carry."""
    if language != "ar":
        return [word]
    return [word] + [word[len(prefix):] for prefix in _ARABIC_PROCLITICS
                     if word.startswith(prefix) and len(word) - len(prefix) >= _SHORTEST_STEM]


def _found(language: str, form: list[str], text: list[list[str]]) -> bool:
    """Whether the words of a form follow each other in the text (its words' readings)."""
    if language == "ar":
        form = [_bare(word) for word in form]
    return any(all(any(reading.startswith(word) for reading in text[start + index])
                   for index, word in enumerate(form))
               for start in range(len(text) - len(form) + 1))


def uses(language: str, forms: list[str], passages: list[str]) -> bool:
    """Whether any passage uses any of the forms."""
    split_forms = [words(language, form) for form in forms]
    for passage in passages:
        text = [_readings(language, word) for word in words(language, passage)]
        if any(form and _found(language, form, text) for form in split_forms):
            return True
    return False


def source_forms(library: Library, term: str) -> list[str]:
    """The forms a source term is looked for in: itself, and those listed for the source."""
    return [term, *library.glossary.terms[term].forms(library.project.source_language)]


def glossary_terms(library: Library, language: str, text: str) -> list[tuple[str, list[str]]]:
    """(source term, its approved forms in ``language``) for each glossary term that a
    source-language text uses and that has forms in ``language``: what a translator of
    that text should use (the XLIFF export puts them in its notes)."""
    source = library.project.source_language
    return [(term, entry.forms(language)) for term, entry in library.glossary.terms.items()
            if entry.forms(language) and uses(source, source_forms(library, term), [text])]


def glossary_warnings(library: Library, editions: list[Edition]) -> list[Problem]:
    """A warning for each term a printed block's source uses whose translation in an
    edition's language uses none of the approved forms, located at the translation's
    field that holds what the source's term is in."""
    source_language = library.project.source_language
    warnings = []
    for key, language in _printed_translations(library, editions):
        translation = library.blocks[key].get(language)
        source = library.blocks[key].get(source_language)
        if translation is None or source is None:
            continue
        warnings.extend(_block_warnings(library, source, translation))
    return warnings


def _printed_translations(library: Library, editions: list[Edition]) -> list[tuple[str, str]]:
    """(block key, language) of each block the editions print, but in the source language."""
    pairs = {(key, edition.language): None for edition in editions
             if edition.language != library.project.source_language
             for key in printed_blocks(library, edition)}
    return sorted(pairs)


def _block_warnings(library: Library, source: BlockFile, translation: BlockFile
                    ) -> list[Problem]:
    language, source_language = translation.language, source.language
    translated = [passage for _, passage in located_passages(translation.block)]
    warnings = []
    for term, entry in library.glossary.terms.items():
        approved = entry.forms(language)
        if not approved:
            continue
        if translation.id in entry.exceptions.get(language, ()):
            if uses(language, approved, translated):
                warnings.append(_needless_exception(library, term, translation))
            continue
        if uses(language, approved, translated):
            continue
        place = next((key_path for key_path, passage in located_passages(source.block)
                      if uses(source_language, source_forms(library, term), [passage])), None)
        if place is None:
            continue
        listed = " or ".join(f"'{form}'" for form in approved)
        warnings.append(translation.document.problem(place, (
            f"the source ({source_language}) says '{term}' here, which the glossary "
            f"translates as {listed}; this translation uses none of them: use one, or, if "
            f"this translation's term is right, add it to the '{language}' forms of "
            f"'{term}' in content/glossary.yaml")))
    return warnings


def _needless_exception(library: Library, term: str, translation: BlockFile) -> Problem:
    document = library.glossary.document
    return document.problem((term, "except", translation.language), (
        f"the '{translation.language}' translation of '{translation.id}' now uses an approved "
        f"form of '{term}': remove '{translation.id}' from its exceptions"))
