"""Formatting and typography per language, and the catalogs' rules."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from leaflets import i18n
from leaflets.errors import ContentError
from leaflets.languages import language
from leaflets.templates import css_counters

from .conftest import ROOT

FR, DE, TR, AR = (language(code) for code in ("fr", "de", "tr", "ar"))
NNBSP, FSI, PDI = "\u202f", "\u2068", "\u2069"


def test_direction_and_script_come_from_cldr():
    assert (AR.direction, AR.script) == ("rtl", "Arab")
    assert (TR.direction, TR.script) == ("ltr", "Latn")
    assert language("ru").script == "Cyrl"


@pytest.mark.parametrize("lang, value, style, expected", [
    (FR, 0.25, "percent", "25\xa0%"),
    (TR, 0.25, "percent", "%25"),
    (DE, 11640, "number", "11.640"),
    (FR, 11640, "number", "11\u202f640"),
])
def test_figures_are_formatted_per_locale(lang, value, style, expected):
    assert i18n.format_figure(value, style, lang) == expected


def test_dates_per_locale_and_partial_dates():
    assert i18n.format_day(date(2029, 11, 1), DE) == "1. November 2029"
    assert i18n.format_partial_date("2018-06", FR) == "juin 2018"
    assert i18n.format_partial_date("2020", TR) == "2020"


def test_french_spacing_and_quotation_marks():
    quotes = ("« ", " »")
    text = i18n.typography('Pourquoi ? Un "mot" : ici ; «  là  »', FR, quotes)
    assert text == f"Pourquoi{NNBSP}? Un «{NNBSP}mot{NNBSP}»{NNBSP}: ici{NNBSP}; «{NNBSP}là{NNBSP}»"


def test_german_quotation_marks_from_the_catalog():
    translations = i18n.load_catalog(ROOT / "locales", "de")
    quotes = i18n.quotation_marks(translations)
    assert quotes == ("„", "“")
    assert i18n.typography('ein "Wort"', DE, quotes) == "ein „Wort“"


def test_latin_runs_in_arabic_are_isolated():
    text = i18n.typography("مضادات PD-L1 و CTLA-4 عند 20% من المرضى", AR)
    assert f"{FSI}PD-L1{PDI}" in text and f"{FSI}CTLA-4{PDI}" in text and f"{FSI}20%{PDI}" in text


def test_page_counter_css():
    assert str(css_counters('Page {page} of "{pages}"')) == \
        '"Page " counter(page) " of \\"" counter(pages) "\\""'


def test_untranslated_and_fuzzy_catalog_entries_are_errors(tmp_path):
    catalog = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    text = (ROOT / "locales/de/LC_MESSAGES/messages.po").read_text()
    text = text.replace('msgstr "Referenz"', 'msgstr ""')
    text = text.replace('msgid "Status"', '#, fuzzy\nmsgid "Status"')
    catalog.write_text(text)
    with pytest.raises(ContentError) as raised:
        i18n.load_catalog(tmp_path, "de")
    messages = [problem.message for problem in raised.value.problems]
    assert sorted(messages) == ["'Reference' is not translated; fill in its msgstr",
                                "translation of 'Status' is marked fuzzy; check it and remove "
                                "the '#, fuzzy' flag"]


def test_the_message_template_is_up_to_date_with_the_templates_and_code():
    """A string added to a template must reach translators: messages.pot is re-extracted."""
    import tempfile

    from babel.messages.frontend import CommandLineInterface

    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "messages.pot"
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                                    "-o", str(fresh), "--no-location",
                                    "--add-comments=Translators:", str(ROOT)])
        with fresh.open("rb") as handle:
            extracted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "locales" / "messages.pot").open("rb") as handle:
        committed = {message.id for message in read_po(handle) if message.id}
    assert extracted == committed, "run the extract command in README, 'Translating'"


def test_a_string_missing_from_a_catalog_is_an_error(tmp_path):
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    catalog = tmp_path / "locales/de/LC_MESSAGES/messages.po"
    catalog.write_text(catalog.read_text().replace('msgid "Notes"\nmsgstr "Notizen"\n', ""))
    with pytest.raises(ContentError) as raised:
        i18n.load_catalog(tmp_path / "locales", "de")
    assert [problem.message for problem in raised.value.problems] == [
        "'Notes' is missing from the catalog; run 'pybabel update -i locales/messages.pot "
        "-d locales' and translate it"]


def test_numbers_and_dates_are_in_the_locales_own_digits():
    """CLDR's default numbering system: Persian digits in Persian, Latin ones in Arabic."""
    from leaflets.i18n import format_day, format_figure

    persian = language("fa")
    assert format_figure(11640, "number", persian) == "۱۱٬۶۴۰"
    assert format_figure(0.25, "percent", persian).startswith("۲۵")
    assert "۲۰۲۶" in format_day(date(2026, 11, 1), persian)
    assert format_figure(11640, "number", language("ar")) == "11,640"


def test_a_project_names_the_locale_of_a_language(tmp_path):
    """The shipped library writes British English: its dates read '1 November 2026'."""
    from leaflets.i18n import format_day
    from leaflets.languages import use_locales
    from leaflets.model import load_library

    load_library(ROOT / "content")
    assert format_day(date(2026, 11, 1), language("en")) == "1 November 2026"
    use_locales({})   # a project that names no locale: CLDR's own for "en"
    try:
        assert format_day(date(2026, 11, 1), language("en")) == "November 1, 2026"
    finally:
        load_library(ROOT / "content")
