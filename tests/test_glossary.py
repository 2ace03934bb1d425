"""The glossary: approved terms per language, matched with each language's endings and
prefixes, and `check` warning where a translation lacks every approved form."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflets.editions import Selection, select
from leaflets.glossary import glossary_terms, glossary_warnings, uses
from leaflets.model import load_library

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("language", "forms", "text"), [
    ("de", ["Checkpoint-Inhibitor"], "Die Checkpoint-Inhibitoren wirken."),   # ending
    ("de", ["Chemotherapie"], "Bei der CHEMOTHERAPIE"),                      # case
    ("tr", ["bağışıklık sistemi"], "İşi bağışıklık sisteminiz yapar."),       # suffix
    ("tr", ["immünoterapi"], "İMMÜNOTERAPİ sırasında"),                       # dotted İ
    ("ar", ["العلاج المناعي"], "ولا يهاجم بالعلاجِ المناعيِّ"),               # ب + article, vowels
    ("ar", ["الجهاز المناعي"], "دور جهازك المناعي هو"),                       # no article
    ("ar", ["مثبطات نقاط التفتيش"], "«مثبطات نقاط التفتيش»"),
    ("en", ["immunotherapy", "immunotherapies"], "Immunotherapies differ."),
    ("fr", ["immunothérapie"], "l’immunothérapie"),                           # elision
])
def test_a_form_is_found_with_the_language_s_endings_and_prefixes(language, forms, text):
    assert uses(language, forms, [text])


@pytest.mark.parametrize(("language", "forms", "text"), [
    ("de", ["Checkpoint-Inhibitor"], "Die Checkpoint-Hemmer wirken."),
    ("de", ["Immunsystem"], "Das macht Ihre Abwehr aktiver."),
    ("tr", ["kontrol noktası inhibitörleri"], "kontrol inhibitörleri noktası"),   # order
    ("ar", ["العلاج المناعي"], "العلاج الكيميائي"),
    ("en", ["immunotherapy"], "Immunotherapies differ."),   # "y" → "ies" must be listed
    ("fr", ["inhibiteurs de points de contrôle"], "inhibiteurs de"),   # cut by the passage
])
def test_a_form_is_not_found_where_the_text_does_not_use_it(language, forms, text):
    assert not uses(language, forms, [text])


def test_the_shipped_glossary_holds_the_leaflets_terms_in_every_language():
    library = load_library(ROOT / "content")
    for term in ("immunothérapie", "inhibiteurs de points de contrôle", "pseudo-progression",
                 "biomarqueur", "système immunitaire", "chimiothérapie", "effets secondaires"):
        entry = library.glossary.terms[term]
        assert all(entry.forms(code) for code in ("en", "de", "tr", "ar")), term
    warned = {str(warning) for warning in glossary_warnings(library, select(library, Selection()))}
    # The translations of "inhibiteurs de points de contrôle", "pseudo-progression" and
    # "biomarqueur" are each found in every language's text.
    for term in ("inhibiteurs de points de contrôle", "pseudo-progression", "biomarqueur"):
        assert not any(f"says '{term}'" in warning for warning in warned), warned


def test_glossary_terms_gives_a_source_text_s_terms_with_their_forms_in_a_language():
    library = load_library(ROOT / "content")
    found = glossary_terms(library, "de", "Les inhibiteurs de points de contrôle et la "
                                          "chimiothérapie.")
    assert found == [("chimiothérapie", ["Chemotherapie", "Chemo-"]),
                     ("inhibiteurs de points de contrôle", ["Checkpoint-Inhibitor"])]
    assert glossary_terms(library, "de", "Rien de tout cela.") == []


def test_check_warns_at_the_translation_field_that_lacks_every_approved_form(content, run):
    german = content / "blocks/checkpoint-inhibitors/de.yaml"
    german.write_text(german.read_text().replace("Checkpoint-Inhibitor", "Kontrollpunkt-Blocker"))
    code, _, err = run("check", "--lang", "de", "--content", str(content), "--output",
                       str(content.parent / "output"))
    assert code == 0, err
    # The title (line 6, its value at column 8) is the first field whose French says it.
    assert ("content/blocks/checkpoint-inhibitors/de.yaml:6:8: warning: the source (fr) says "
            "'inhibiteurs de points de contrôle' here, which the glossary translates as "
            "'Checkpoint-Inhibitor'; this translation uses none of "
            "them") in err.replace(str(content.parent) + "/", "")
    code, _, err = run("check", "--strict", "--lang", "de", "--content", str(content),
                       "--output", str(content.parent / "output"))
    assert code == 1
    assert "error: " in err and "says 'inhibiteurs de points de contrôle'" in err


def test_every_glossary_problem_is_told_at_once_with_its_place(content, run):
    (content / "glossary.yaml").write_text(
        "immunothérapie:\n"
        "  dee: Immuntherapie\n"        # line 2: not a language of the project
        "  en: [immunotherapy, 3]\n"    # line 3: a number among the forms
        "biomarqueur:\n"
        "  tr: ''\n")                   # line 5: an empty form
    code, _, err = run("check", "--content", str(content), "--output",
                       str(content.parent / "output"))
    assert code == 1
    shown = err.replace(str(content.parent) + "/", "")
    assert "content/glossary.yaml:2:3: error: 'dee' is not one of the project's languages " \
           "(did you mean 'de'?)" in shown
    assert "content/glossary.yaml:3:23:" in shown
    assert "content/glossary.yaml:5:7:" in shown
    assert "Traceback" not in err


def test_an_exception_silences_a_block_and_is_told_when_no_longer_needed(content):
    glossary = content / "glossary.yaml"
    glossary.write_text(glossary.read_text().replace(
        "  de: Immunsystem\n",
        "  de: Immunsystem\n  except:\n    de: [immunotherapy-vs-chemotherapy, "
        "what-is-immunotherapy]\n", 1))
    german = content / "blocks/immunotherapy-vs-chemotherapy/de.yaml"
    german.write_text(german.read_text().replace("Immunsystem", "Abwehrsystem"))
    library = load_library(content)
    warned = [str(warning) for warning in glossary_warnings(library, select(library, Selection()))]
    # immunotherapy-vs-chemotherapy's German now lacks "Immunsystem" (excepted: no
    # warning); what-is-immunotherapy's uses it, so its exception is needless.
    assert not any("immunotherapy-vs-chemotherapy/de.yaml" in warning for warning in warned)
    assert any("glossary.yaml" in warning and "'what-is-immunotherapy' now uses an approved "
               "form of 'système immunitaire'" in warning for warning in warned), warned


def test_the_printed_glossary_reuses_the_translation_glossary():
    """The leaflets' short glossary (the 'glossary' table block) explains terms of
    content/glossary.yaml: each French row names a term (or one of its French forms), and
    each translation's row names it with one of that language's approved forms — the
    word a reader looks up is the word the leaflet uses."""
    library = load_library(ROOT / "content")
    translations = library.blocks["glossary"]
    french_rows = translations["fr"].block.rows
    for index, row in enumerate(french_rows):
        term = next((term for term, entry in library.glossary.terms.items()
                     if uses("fr", [term, *entry.forms("fr")], [row[0]])), None)
        assert term is not None, f"'{row[0]}' is not a term of content/glossary.yaml"
        for language, block_file in translations.items():
            if language == "fr":
                continue
            forms = library.glossary.terms[term].forms(language)
            assert forms, f"content/glossary.yaml gives '{term}' no {language} form"
            assert uses(language, forms, [block_file.block.rows[index][0]]), (
                language, row[0], block_file.block.rows[index][0], forms)
