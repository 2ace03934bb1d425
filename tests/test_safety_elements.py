"""What a clinician checks before signing (issue #19): every edition that tells patients
whom to call says how to reach someone at night and at weekends; support lines are given
per language, each with its source, and never invented where no source gives one; the
publisher's brand is set in its own language. Read back from the built PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflets.model import load_library

from .conftest import CONTENT
from .test_model import edit

NIGHT = "+33 1 99 00 00 10"   # the Clinique des Tilleuls' 24-hour line (content/clinics)


def text_of(pdf: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for character in "\u2066\u2067\u2068\u2069\u00ad":
        text = text.replace(character, "")
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _check(run, content: Path) -> tuple[int, str]:
    code, _, err = run("check", "--content", str(content))
    return code, err.replace(str(content.parent) + "/", "")


def test_a_clinic_without_a_night_line_cannot_print_a_leaflet_that_says_whom_to_call(
        run, content):
    edit(content / "clinics/clinique-des-tilleuls.yaml", "    always: true\n",
         '    hours:\n      - {days: [mon], opens: "08:00", closes: "09:00"}\n')
    code, err = _check(run, content)
    assert code == 1
    assert ("content/clinics/clinique-des-tilleuls.yaml:7:1: error: the clinic's editions of "
            "immunotherapy-basics, immunotherapy-response, immunotherapy-side-effects tell "
            "patients whom to call: give the number that answers at night, at weekends and "
            "on public holidays, a contact with 'always: true'") in err


def test_a_clinic_whose_leaflets_give_no_number_to_call_needs_no_night_line(run, content):
    for leaflet in ("immunotherapy-basics", "immunotherapy-response",
                    "immunotherapy-side-effects"):
        edit(content / f"leaflets/{leaflet}.yaml", "  - contact\n", "")
    edit(content / "leaflets/immunotherapy-side-effects.yaml", "  - alert-card\n", "")
    edit(content / "clinics/clinique-des-tilleuls.yaml", "    always: true\n",
         '    hours:\n      - {days: [mon], opens: "08:00", closes: "09:00"}\n')
    code, err = _check(run, content)
    assert "always: true" not in err, err


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_each_clinic_edition_prints_its_24_hour_line_in_the_contact_block_and_on_the_card(
        shipped_build, language):
    folder = shipped_build / "clinics/clinique-des-tilleuls" / language
    for leaflet in ("immunotherapy-basics", "immunotherapy-response"):
        assert NIGHT in text_of(folder / f"{leaflet}.pdf"), (language, leaflet)
    side_effects = text_of(folder / "immunotherapy-side-effects.pdf")
    assert side_effects.count(NIGHT) >= 2, "the contact block and the wallet card"


WRITE_IN = {"fr": ("En semaine, aux heures d’ouverture",
                   "La nuit, le week-end et les jours fériés"),
            "en": ("Weekdays, during opening hours", "At night, at weekends and on bank holidays"),
            "de": ("Werktags, zu den Öffnungszeiten", "Nachts, am Wochenende und an Feiertagen"),
            "tr": ("Hafta içi, çalışma saatlerinde", "Gece, hafta sonu ve resmi tatillerde")}


@pytest.mark.parametrize("language", sorted(WRITE_IN))
def test_the_generic_edition_keeps_a_line_for_each_of_the_two_numbers(shipped_build, language):
    text = text_of(shipped_build / language / "immunotherapy-side-effects.pdf")
    for label in WRITE_IN[language]:
        assert label in text, (language, label)


HELPLINES = {"fr": "0 800 940 939", "en": "0808 808 00 00", "de": "0800 420 30 40"}


@pytest.mark.parametrize("language", ["fr", "en", "de", "tr", "ar"])
def test_support_lines_are_the_reader_s_country_s_and_none_is_invented(shipped_build, language):
    text = text_of(shipped_build / language / "immunotherapy-basics.pdf")
    for code, number in HELPLINES.items():
        assert (number in text) == (code == language), (language, number)
    library = load_library(CONTENT)
    for line in library.project.helplines.get(language, []):
        assert library.sources[line.source].url, "a support line's source can be checked"


@pytest.mark.parametrize(("old", "new", "error"), [
    ("source: ligue-ecoute", "source: ligue-ecoutes",
     "content/project.yaml:75:15: error: unknown source 'ligue-ecoutes' (did you mean "
     "'ligue-ecoute'?)"),
    ("\n  de:\n    - name: Krebs", "\n  it:\n    - name: Krebs",
     "content/project.yaml:81:3: error: helplines for 'it', which is not one of the languages"),
], ids=["unknown source", "unknown language"])
def test_a_support_line_is_checked_where_it_is_written(run, content, old, new, error):
    edit(content / "project.yaml", old, new)
    code, err = _check(run, content)
    assert code == 1 and error in err, err


def test_the_brand_keeps_its_own_capitals_in_turkish(shipped_build):
    text = text_of(shipped_build / "tr" / "immunotherapy-basics.pdf")
    assert "OPEN PATIENT LEAFLETS" in text and "PATİENT" not in text
