"""Every block type, as a reader and a screen reader find it: the test library
(tests/library, French and Arabic, one or two of each block type) built once, approved,
in every format and variant; its PDFs read back with pikepdf, pypdf and pdfium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from leaflets import builder
from leaflets.cli import main
from leaflets.editions import Selection
from leaflets.model import BLOCK_TYPES, load_library
from leaflets.registry import FORMATS, URGENCY, VARIANTS
from leaflets.workers import Execution

from .conftest import ROOT
from .test_legibility import _words, joined_text, lines, page_of, read
from .test_model import edit
from .test_pdfua import findings, struct_elements

LIBRARY = ROOT / "tests" / "library"
LANGUAGES = ("fr", "ar")
# Each variant in each format it is made in (large print is always in its own).
BUILDS = [(format, variant) for format in FORMATS for variant, entry in VARIANTS.items()
          if entry.format in (None, format)]
SCREEN = [(format, variant) for format, variant in BUILDS
          if VARIANTS[variant].pdf_variant.startswith("pdf/ua")]


def approve(content: Path) -> None:
    assert main(["approve", "--content", str(content), "--by", "Test", "--on", "2026-12-01",
                 *LANGUAGES]) == 0


@pytest.fixture(scope="session")
def approved(tmp_path_factory) -> Path:
    """A copy of the test library with every block approved by the real command."""
    content = tmp_path_factory.mktemp("library") / "content"
    shutil.copytree(LIBRARY, content)
    approve(content)
    return content


@pytest.fixture(scope="session")
def built(approved, tmp_path_factory) -> dict[tuple[str, str], list]:
    """The approved test library built once in every format and variant: (format,
    variant) → [(path, record)] of its main files."""
    editions = {}
    for format in FORMATS:
        output = tmp_path_factory.mktemp(f"built-{format}")
        variants = tuple(variant for f, variant in BUILDS if f == format)
        result = builder.build(builder.Paths(content=approved, output=output),
                               Selection(variants=variants, format=format), Execution(jobs=2))
        assert not [outcome.error for outcome in result.outcomes if outcome.error]
        for outcome in result.outcomes:
            record = outcome.record
            editions.setdefault((format, record.variant), []).append(
                (output / record.path, record))
    return editions


def edition(built, format: str, variant: str, leaflet: str, lang: str,
            clinic: str | None = None) -> Path:
    return next(path for path, record in built[format, variant]
                if (record.leaflet, record.language, record.clinic) == (leaflet, lang, clinic))


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_the_library_uses_every_block_type_in_french_and_arabic():
    library = load_library(LIBRARY)
    assert tuple(library.languages) == LANGUAGES
    used = {block_file.block.type for translations in library.blocks.values()
            for block_file in translations.values()}
    assert used == set(BLOCK_TYPES)
    listed = {block_id for leaflet in library.leaflets.values()
              for block_id in leaflet.leaflet.blocks}
    assert listed == set(library.blocks)


def test_every_format_and_variant_is_built_in_both_languages_and_approved(built):
    assert set(built) == set(BUILDS)
    for records in built.values():
        assert {record.language for _, record in records} == set(LANGUAGES)
        assert {record.approval for _, record in records} == {"approved"}


@pytest.mark.parametrize("format, variant", SCREEN, ids=[f"{f}-{v}" for f, v in SCREEN])
def test_pdfua_finds_nothing_in_the_accessible_editions(built, format, variant):
    found = {str(path): problems for path, _ in built[format, variant]
             if (problems := findings(path))}
    assert not found


def elements(path: Path, kind: str) -> list:
    with pikepdf.open(path) as pdf:
        return [element for element in struct_elements(pdf) if element.S == kind]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_table_is_tagged_with_scoped_headers(built, lang):
    path = edition(built, *SCREEN[0], "every-block", lang)
    with pikepdf.open(path) as pdf:
        tables = [element for element in struct_elements(pdf) if element.S == "/Table"
                  and any(kid.get("/S") == "/Caption" for kid in element.K
                          if isinstance(kid, pikepdf.Dictionary))]
        assert len(tables) == 1   # the clinic details and document control have no caption
        rows = [element for element in struct_elements(pdf) if element.S == "/TR"
                and _inside(element, tables[0])]
        scopes = [[str(cell.A.Scope) if cell.S == "/TH" else "TD" for cell in row.K
                   if isinstance(cell, pikepdf.Dictionary)] for row in rows]
    header = ["/Column"] * 3
    body = [["/Row", "TD", "TD"]] * 3
    assert sorted(scopes) == sorted([header, *body])


def _inside(element, ancestor) -> bool:
    while "/P" in element:
        element = element.P
        if element.objgen == ancestor.objgen:
            return True
    return False


@pytest.mark.parametrize("lang", LANGUAGES)
def test_faq_questions_are_h3_under_the_faq_title(built, lang):
    path = edition(built, *SCREEN[0], "more-blocks", lang)
    library = load_library(LIBRARY)
    faq = library.blocks["faq"][lang].block
    with pikepdf.open(path) as pdf:
        headings = [element for element in struct_elements(pdf) if element.S == "/H3"]
        assert len(headings) == len(faq.questions)
        for heading in headings:   # inside the faq's section, with its H2
            section = heading.P.P
            assert "/H2" in [str(kid.S) for kid in section.K if isinstance(kid, pikepdf.Dictionary)]
    outline = [item.title for item in PdfReader(path).outline if not isinstance(item, list)]
    assert not any(question.question in outline for question in faq.questions)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_symptoms_print_the_urgency_word_beside_its_colour(built, lang):
    from leaflets.i18n import load_catalog

    catalog = load_catalog(ROOT / "locales", lang)
    text = " ".join(page_texts(edition(built, *SCREEN[0], "every-block", lang)))
    for level in URGENCY.values():
        assert catalog.gettext(level.label) in text


def entries(page) -> list[str]:
    """The text of each line that is not a heading, its pieces (cut at a leader's gap) in
    the order they are drawn, left to right: Arabic reads backwards in it."""
    rows: dict[float, list[str]] = {}
    for line in lines(page):
        if not line.bold:
            rows.setdefault(round(line.baseline), []).append(line.text)
    return [" ".join(pieces) for pieces in rows.values()]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_contents_gives_the_page_each_title_is_on(built, format, lang):
    """Each entry's number is the page its heading is printed on; a tri-fold has panels,
    not pages, and lists the titles alone."""
    library = load_library(LIBRARY)
    path = edition(built, format, SCREEN[0][1], "every-block", lang)
    blocks = [library.blocks[block_id][lang].block
              for block_id in library.leaflets["every-block"].leaflet.blocks_in(format)]
    listed = [block.title for block in blocks if block.type not in ("cover", "contents")]
    contents_page = page_of(path, _words(blocks[1].title), bold=True)
    for title in listed:   # each entry is a line: the title, a leader and its page
        [entry] = [entry for entry in entries(read(path)[contents_page - 1])
                   if _words(title) in _words(entry) + " " + _words(entry)[::-1]]
        number = re.findall(r"\d+", entry)
        if FORMATS[format].panels:
            assert not number, entry
        else:
            assert number == [str(page_of(path, _words(title), bold=True))], (entry, title)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_figure_shows_its_caption_and_credit(built, lang):
    figure = load_library(LIBRARY).blocks["picture"][lang].block
    for format, variant in BUILDS:
        path = edition(built, format, variant, "more-blocks", lang)
        text = _words(joined_text(path))
        assert _words(figure.caption) in text and _words(figure.credit) in text
        assert figure.licence in " ".join(page_texts(path))   # Latin: pdfium reverses it


def test_the_alert_card_shows_the_clinics_main_number(built):
    text = " ".join(page_texts(edition(built, *SCREEN[0], "more-blocks", "fr",
                                       "clinique-exemple")))
    assert "+33 1 99 00 00 00" in text


# --- bad content ----------------------------------------------------------------------------

@pytest.fixture
def library(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(LIBRARY, copy)
    return copy


BAD = {
    "table row length": ("schedule", '  - [Perfusion, "30", "3"]', '  - [Perfusion, "30"]',
                         r"blocks/schedule/fr\.yaml:12:5: error: row 2 has 2 cells; every row has "
                         r"one "
                         r"cell per column: expected 3"),
    "unknown urgency": ("symptoms", "urgency: soon", "urgency: later",
                        r"blocks/symptoms/fr\.yaml:14:14: error: 'urgency' must be one of "
                        r"'routine', "
                        r"'soon', 'emergency'; found 'later'"),
    "missing alt": ("picture", "alt: Trois cercles reliés par des flèches, de gauche à droite.\n",
                    "", r"blocks/picture/fr\.yaml:1:1: error: missing required field 'alt'"),
    "asset outside assets": ("picture", "asset: diagram.png", "asset: ../project.yaml",
                             r"blocks/picture/fr\.yaml:3:8: error: figure '\.\./project\.yaml' is "
                             r"outside content/assets/"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_block_is_a_located_error(library, run, tmp_path, case):
    block, old, new, expected = BAD[case]
    edit(library / "blocks" / block / "fr.yaml", old, new)
    code, out, err = run("check", "--content", str(library))
    assert code == 1 and "Traceback" not in err
    assert re.search(expected, err), err


def test_a_translation_keeps_the_urgency_of_each_symptom(library, run):
    edit(library / "blocks" / "symptoms" / "ar.yaml", "urgency: emergency", "urgency: soon")
    code, out, err = run("check", "--content", str(library))
    assert code == 1
    assert re.search(r"blocks/symptoms/ar\.yaml:\d+:\d+: error: a translation keeps the urgency of "
                     r"symptom 3 of its source: fr\.yaml has 'emergency', found 'soon'", err), err


def test_a_palette_without_the_urgency_colours_is_a_located_error(library, run):
    edit(library / "project.yaml", "  urgency-soon:", "  urgency-later:")
    code, out, err = run("check", "--content", str(library))
    assert code == 1
    assert re.search(r"project\.yaml:\d+:\d+: error: the palette needs 'urgency-soon'", err), err


def test_a_table_too_wide_for_a_tri_fold_panel_is_a_located_error(library, run, tmp_path):
    wide = "Administration intraveineuse"
    for name in ("fr", "ar"):
        path = library / "blocks" / "schedule" / f"{name}.yaml"
        text = path.read_text()
        text = re.sub(r"columns: \[.*\]", f"columns: [{', '.join([wide] * 5)}]", text)
        text = re.sub(r"units: \[.*\]\n", "", text)
        text = re.sub(r"  - \[.*\]", f"  - [{', '.join([wide] * 5)}]", text)
        path.write_text(text)
    assert main(["status", "--content", str(library), "--mark-current", "ar"]) == 0
    code, out, err = run("--content", str(library), "--output", str(tmp_path / "out"),
                         "--layout", next(name for name, entry in FORMATS.items()
                                          if entry.panels),
                         "--leaflet", "every-block", "--lang", "fr", "--clinic", "generic",
                         "-j", "1")
    assert code == 1 and "Traceback" not in err
    assert re.search(r"blocks/schedule/fr\.yaml:1:1: block 'schedule' \(table\) is too wide "
                     r"for the format tri-fold .*: it needs \d+ mm, its width there is \d+ mm",
                     out + err), out + err
