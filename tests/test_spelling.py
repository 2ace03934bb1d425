"""Spelling: blocks and catalog strings checked with Debian's Hunspell dictionaries and the
project's word list, each unknown word reported at its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leaflets.errors import ContentError
from leaflets.model import load_library
from leaflets.spelling import DICTIONARY_FOLDER, dictionary_name, spelling_warnings, words

LOCALES = Path(__file__).resolve().parent.parent / "locales"
SHIPPED = ("fr", "en_GB", "de_DE", "tr_TR", "ar")

pytestmark = pytest.mark.skipif(
    not all((DICTIONARY_FOLDER / f"{name}.dic").exists() for name in SHIPPED),
    reason="the hunspell-* packages of bootstrap.SYSTEM_PACKAGES are not installed")


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Each test keeps its verdicts in its own cache, so that no other run's cache decides."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def warned(content: Path, locales: Path = LOCALES) -> list[str]:
    shown = str(content.parent) + "/"
    return [str(warning).replace(shown, "")
            for warning in spelling_warnings(load_library(content), locales)]


def test_a_misspelled_french_word_is_reported_at_its_line_and_column(content):
    edit(content / "blocks/tolerance/fr.yaml", "l’immunothérapie est", "l’immunothrapie est")
    # Line 7 is "  En général, l’immunothrapie …": the word after the elision, column 17.
    assert warned(content) == [
        "content/blocks/tolerance/fr.yaml:7:17: 'immunothrapie' is not in the fr dictionary "
        "(Hunspell fr) nor in the project's word list; correct it or add it to "
        "content/words.yaml"]


def test_a_misspelled_word_in_a_german_catalog_string_is_reported_at_its_po_line(
        content, locales):
    edit(locales / "de/LC_MESSAGES/messages.po", 'msgstr "Seite %(page)s von',
         'msgstr "Seiet %(page)s von')
    assert warned(content, locales) == [
        "locales/de/LC_MESSAGES/messages.po:83:9: 'Seiet' is not in the de dictionary "
        "(Hunspell de_DE) nor in the project's word list; correct it or add it to "
        "locales/words.yaml"]


def test_a_word_of_the_word_list_is_not_reported(content):
    edit(content / "blocks/tolerance/fr.yaml", "l’immunothérapie est", "l’Opdivozumab est")
    assert [warning for warning in warned(content) if "'Opdivozumab'" in warning]
    edit(content / "words.yaml", "all: [Hodgkin,", "all: [Hodgkin, opdivozumab,")
    assert warned(content) == []


@pytest.mark.parametrize(("text", "checked"), [
    ("PD-L1, CTLA-4 et IMM-01 : 42 %, 3e cycle, 0,25", ["et", "cycle"]),
    ("https://www.esmo.org/guidelines/immunotherapie et www.exemple.fr/chemin", ["et"]),
    ("Écrivez à contact.clinique@hopital-exemple.fr", ["Écrivez"]),
    ("Appelez le {clinic.phone} ; %(count)s pages, %s", ["Appelez", "le", "pages"]),
])
def test_identifiers_numbers_addresses_and_placeholders_are_not_checked(text, checked):
    assert [word for _, word in words("fr", text)] == checked


def test_nothing_but_the_misspelling_is_reported_in_a_block_full_of_skipped_words(content):
    edit(content / "blocks/tolerance/fr.yaml", "Un effet secondaire est",
         "Le PD-L1 (https://exemple.org/xqzt) ou {clinic.name} : 25 %, IMM-01, unn effet "
         "secondaire est")
    found = warned(content)
    assert len(found) == 1 and "'unn'" in found[0]


def test_french_elisions_and_hyphenated_words_are_judged_by_their_words():
    assert list(words("fr", "qu’il d’une lui-même")) == [(3, "il"), (8, "une"),
                                                         (12, "lui-même")]
    assert list(words("tr", "ESMO’nun önerisi")) == [(0, "ESMO"), (9, "önerisi")]


def test_turkish_and_arabic_are_checked(content):
    edit(content / "blocks/tolerance/tr.yaml", "kolay kaldırılır", "kolay kaldrılır")
    edit(content / "blocks/tolerance/ar.yaml", "علاج للسرطان بالأدوية", "علاج للسرطان بالأدويتت")
    found = warned(content)
    assert len(found) == 2, found
    assert found[0].startswith("content/blocks/tolerance/ar.yaml:10:") and "'بالأدويتت'" in found[0]
    assert "(Hunspell ar)" in found[0]
    assert found[1].startswith("content/blocks/tolerance/tr.yaml:10:") and "'kaldrılır'" in found[1]
    assert "(Hunspell tr_TR)" in found[1]


def test_a_language_without_a_dictionary_is_one_warning_not_a_crash(content, tmp_path):
    (tmp_path / "dictionaries").mkdir()
    library = load_library(content)   # its locales: en is en_GB
    assert dictionary_name("en", tmp_path / "dictionaries") is None
    assert dictionary_name("en") == "en_GB"
    found = [str(warning) for warning in spelling_warnings(
        library, LOCALES, tmp_path / "dictionaries")]
    assert len(found) == 5
    # Each at its own entry of 'languages' (fr is the first: project.yaml line 6, column 13).
    assert found[0].endswith("content/project.yaml:6:13: no Hunspell dictionary for 'fr' "
                             "(on Debian, the package hunspell-fr may have it): its spelling "
                             "is not checked")
    assert "content/project.yaml:6:29: no Hunspell dictionary for 'ar'" in found[4]


def test_a_malformed_word_list_is_a_located_error(content):
    (content / "words.yaml").write_text("all: [Hodgkin]\nfrr: [mot]\nde: Wort\n")
    with pytest.raises(ContentError) as raised:
        warned(content)
    message = str(raised.value).replace(str(content.parent) + "/", "")
    assert "content/words.yaml:2:1: unknown language 'frr'" in message
    assert "content/words.yaml:3:5: expected a list of words (text)" in message


def test_verdicts_are_cached_and_the_cache_gives_the_same_report(content, tmp_path):
    edit(content / "blocks/tolerance/fr.yaml", "l’immunothérapie est", "l’immunothrapie est")
    first = warned(content)
    cached = list((tmp_path / "cache/leaflets").glob("spelling-*.json"))
    assert len(cached) == 5
    assert warned(content) == first and len(first) == 1


def test_the_shipped_library_has_no_spelling_warnings(content):
    assert warned(content) == []
