"""Screen editions are accessible PDFs, as an independent checker and a PDF reader see them.

PyPI's pdfua (16 of PDF/UA-1's 106 machine-checkable rules) runs on every screen and
large-print edition of the shipped library, as drafts and approved, in every format.
What it does not check is read from the PDFs here, with pikepdf and pdfium: the language
of foreign text, the DRAFT mark kept out of what a screen reader reads, lists made of
list items, and no hyphen added at the end of a line.
"""

from __future__ import annotations

import ctypes
import re
import shutil
from io import BytesIO
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdfua import validate
from pypdf import PdfReader

from leaflets import builder
from leaflets.cli import main
from leaflets.editions import Selection
from leaflets.model import load_library
from leaflets.registry import DEFAULT_FORMAT, FORMATS, VARIANTS
from leaflets.workers import Execution

from .conftest import CONTENT, ROOT
from .test_integrity import cli
from .test_model import edit

LIBRARY = load_library(CONTENT)
# The variants written as PDF/UA; those fixed to one format are built with that format only.
ACCESSIBLE = [name for name, variant in VARIANTS.items()
              if variant.pdf_variant.startswith("pdf/ua")]
BUILDS = [(state, format) for state in ("draft", "approved") for format in FORMATS]
IDS = [f"{state}-{format}" for state, format in BUILDS]
MARK = "DRAFT — not approved for patients"   # the template's own words, in every draft


@pytest.fixture(scope="module")
def contents(tmp_path_factory) -> dict[str, Path]:
    """The shipped content as it is (its editions are drafts), and a copy of it with every
    block approved."""
    approved = tmp_path_factory.mktemp("approved") / "content"
    shutil.copytree(CONTENT, approved)
    assert main(["approve", "--content", str(approved), "--by", "Dr Example",
                 "--on", "2026-11-20", *LIBRARY.languages]) == 0
    return {"draft": CONTENT, "approved": approved}


@pytest.fixture(scope="module")
def editions(contents, tmp_path_factory):
    """Builds, each once when a test first asks for it, every accessible edition of one
    state in one format (every language, leaflet and clinic); returns their records."""
    built: dict[tuple[str, str], list] = {}

    def build(state: str, format: str) -> list:
        if (state, format) not in built:
            output = tmp_path_factory.mktemp(f"{state}-{format}")
            variants = tuple(name for name in ACCESSIBLE
                             if VARIANTS[name].format in (None, format))
            result = builder.build(builder.Paths(content=contents[state], output=output),
                                   Selection(variants=variants, format=format),
                                   Execution(jobs=2))
            assert not [outcome.error for outcome in result.outcomes if outcome.error]
            records = [outcome.record for outcome in result.outcomes]
            assert {record.approval for record in records} == {state}
            built[state, format] = [(output / record.path, record) for record in records]
        return built[state, format]

    return build


# pdfua 0.1.3's empty-heading rule crashes on any heading whose /K is an array (it asks a
# pikepdf.Array for an attribute), so it never runs on WeasyPrint's PDFs: it is checked
# below instead (test_no_heading_is_empty).
BROKEN_RULES = {"UA-14-001"}


def findings(path: Path) -> list[str]:
    report = validate(str(path))
    skipped = {outcome.rule_id for outcome in report.outcomes if outcome.skipped_reason}
    assert skipped == BROKEN_RULES, f"{path}: pdfua skipped {skipped}"
    return [f"{finding.rule_id} p.{finding.location.page}: {finding.message}"
            for finding in report.findings]


@pytest.mark.parametrize("state, format", BUILDS, ids=IDS)
def test_pdfua_finds_nothing_in_any_screen_edition(editions, state, format):
    checked = editions(state, format)
    assert len({record.leaflet for _, record in checked}) == len(LIBRARY.leaflets)
    found = {record.path: problems for path, record in checked if (problems := findings(path))}
    assert not found


# --- reading the PDFs ---------------------------------------------------------------------

def text_of(text_object, textpage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(text_object.raw, textpage.raw, None, 0)
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFTextObj_GetText(text_object.raw, textpage.raw, buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def mark_string(function, mark, *key: bytes) -> str | None:
    """A string of a content mark (its name, or a parameter's value); None if it has none."""
    length = ctypes.c_ulong()
    if not function(mark, *key, None, 0, ctypes.byref(length)):
        return None
    buffer = (ctypes.c_ushort * (length.value // 2))()
    function(mark, *key, buffer, length.value, ctypes.byref(length))
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def marks(text_object) -> dict[str, str | None]:
    """The marked-content sequences a page object is in (Span, Artifact…), each with the
    /Lang of its properties."""
    found = {}
    for index in range(pdfium_c.FPDFPageObj_CountMarks(text_object.raw)):
        mark = pdfium_c.FPDFPageObj_GetMark(text_object.raw, index)
        name = mark_string(pdfium_c.FPDFPageObjMark_GetName, mark)
        found[name] = mark_string(pdfium_c.FPDFPageObjMark_GetParamStringValue, mark, b"Lang")
    return found


def text_runs(path: Path):
    """Every piece of text pdfium finds, in forms too: (page, MCID or -1, text, marks)."""
    document = pdfium.PdfDocument(path)
    for number, page in enumerate(document):
        textpage = page.get_textpage()
        for text_object in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=4):
            yield (number, pdfium_c.FPDFPageObj_GetMarkedContentID(text_object.raw),
                   text_of(text_object, textpage), marks(text_object))


def struct_kids(element):
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid


def struct_elements(pdf: pikepdf.Pdf):
    pending = list(struct_kids(pdf.Root.StructTreeRoot))
    while pending:
        element = pending.pop()
        yield element
        pending.extend(struct_kids(element))


def effective_languages(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    """The language of each (page, MCID) as a reader finds it: the /Lang of its structure
    element or of the nearest ancestor, else the document's."""
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    languages = {}
    for page, elements in zip(numbers[::2], numbers[1::2], strict=True):
        if not isinstance(elements, pikepdf.Array):
            continue   # an annotation's entry
        for mcid, element in enumerate(elements):
            if element is None:
                continue   # content made an artifact
            while element.get("/Type") == "/StructElem" and "/Lang" not in element:
                element = element.P
            languages[int(page), mcid] = str(element.get("/Lang", pdf.Root.Lang))
    return languages


def words(text: str) -> str:
    return " ".join(re.sub(r"\W+", " ", text.replace("’", "'")).split())


# --- what pdfua does not check ------------------------------------------------------------

def test_foreign_text_is_in_its_own_language_and_the_rest_in_the_documents(editions):
    path = next(path for path, record in editions("approved", DEFAULT_FORMAT)
                if (record.language, record.leaflet, record.clinic) ==
                ("ar", "immunotherapy-response", None))
    with pikepdf.open(path) as pdf:
        languages = effective_languages(pdf)
    runs = [(languages[page, mcid], text) for page, mcid, text, _ in text_runs(path)
            if mcid >= 0]
    french = words(" ".join(text for language, text in runs if language == "fr"))
    titles = [words(source.title) for source in LIBRARY.sources.values()
              if source.language == "fr" and source.title]
    cited = [title for title in titles if title in words(" ".join(text for _, text in runs))]
    # IMM-02 cites two French sources with a title (the 2018 news piece gives none).
    assert len(cited) >= 2 and all(title in french for title in cited)
    arabic_script = re.compile("[\u0600-\u06ff]")
    assert {language for language, text in runs if arabic_script.search(text)} == {"ar"}
    assert not arabic_script.search(french)


@pytest.mark.parametrize("format", FORMATS)
def test_the_draft_mark_is_an_artifact_on_every_page_and_still_text(editions, format):
    for path, record in editions("draft", format):
        runs = list(text_runs(path))
        assert {page for page, _, text, _ in runs if "DRAFT" in text} == \
            set(range(record.pages)), record.path
        assert {(mcid, "Artifact" in found) for _, mcid, text, found in runs
                if "DRAFT" in text} == {(-1, True)}, record.path
        assert all("DRAFT" in page.get_textpage().get_text_range()   # as readers copy it
                   for page in pdfium.PdfDocument(path)), record.path


def test_the_english_words_of_a_translated_mark_say_they_are_english(editions):
    path = next(path for path, record in editions("draft", DEFAULT_FORMAT)
                if record.language == "ar")
    languages = {found["Artifact"] for _, _, text, found in text_runs(path)
                 if "Artifact" in found and text.strip()}
    english = {found["Artifact"] for _, _, text, found in text_runs(path) if MARK in text}
    assert english == {"en"} and languages == {"en", None}


def unicode_of_glyphs(pdf: pikepdf.Pdf) -> set[str]:
    """Every character a glyph of the text layer stands for (the fonts' ToUnicode maps):
    what a screen reader reads and a copy gives, whatever pdfium makes of line ends."""
    characters = set()
    for font in pdf.objects:
        if isinstance(font, pikepdf.Dictionary) and "/ToUnicode" in font:
            cmap = font.ToUnicode.read_bytes().decode("ascii")
            for section in re.findall(r"beginbf(?:char|range)(.*?)endbf", cmap, re.S):
                for target in re.findall(r"<([0-9a-fA-F]+)>\s*(?:\n|$)", section, re.M):
                    characters.update(bytes.fromhex(target).decode("utf-16-be"))
    return characters


@pytest.mark.parametrize("state, format", BUILDS, ids=IDS)
def test_no_hyphen_is_added_at_the_end_of_a_line(editions, state, format):
    """Automatic hyphens (U+2010) and soft ones (U+00AD) would be read aloud and copied."""
    hyphenated = []
    for path, record in editions(state, format):
        with pikepdf.open(path) as pdf:
            if unicode_of_glyphs(pdf) & {"\u2010", "\u00ad"}:
                hyphenated.append(record.path)
    assert not hyphenated


def marks_content(element) -> bool:
    kids = element.get("/K")
    return any(isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and
                                        kid.get("/Type") == "/StructElem" and marks_content(kid))
               for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]))


@pytest.mark.parametrize("state, format", BUILDS, ids=IDS)
def test_no_heading_is_empty(editions, state, format):
    """PDF/UA-1 §7.4 (what pdfua's UA-14-001 would check): a heading marks some content."""
    empty = []
    for path, record in editions(state, format):
        with pikepdf.open(path) as pdf:
            headings = [element for element in struct_elements(pdf)
                        if re.fullmatch(r"/H[1-6]", str(element.S))]
            assert headings, record.path
            empty += [f"{record.path}: {element.S}" for element in headings
                      if not marks_content(element)]
    assert not empty


def list_problems(path: Path) -> list[str]:
    """PDF/UA-1 §7.6: a list holds list items (or a caption), an item a label and a body."""
    allowed = {"/L": {"/LI", "/Caption", "/L"}, "/LI": {"/Lbl", "/LBody"}}
    with pikepdf.open(path) as pdf:
        return [f"{element.S} > {kid.S}" for element in struct_elements(pdf)
                if str(element.S) in allowed
                for kid in struct_kids(element) if str(kid.S) not in allowed[str(element.S)]]


@pytest.mark.parametrize("state, format", BUILDS, ids=IDS)
def test_lists_are_made_of_list_items(editions, state, format):
    wrong = {record.path: problems for path, record in editions(state, format)
             if record.clinic is None and (problems := list_problems(path))}
    assert not wrong


def test_lists_of_clinic_editions_are_made_of_list_items(editions):
    wrong = {record.path: problems for path, record in editions("approved", DEFAULT_FORMAT)
             if record.clinic is not None and (problems := list_problems(path))}
    assert not wrong


def test_the_document_control_is_a_table_of_row_headers(editions):
    path, _ = editions("approved", DEFAULT_FORMAT)[0]

    def rows_of(element) -> list:
        """The cells of each row of a table, as a reader meets them."""
        found = []
        for kid in struct_kids(element):
            found += [[(str(cell.S), cell.A.get("/Scope"), cell.get("/ID"),
                        cell.A.get("/Headers")) for cell in struct_kids(kid)]
                      ] if kid.S == "/TR" else rows_of(kid)
        return found
    with pikepdf.open(path) as pdf:
        # The edition's other tables (the glossary) have a header row: the control has none.
        [cells] = [rows for rows in (rows_of(table) for table in struct_elements(pdf)
                                     if table.S == "/Table")
                   if all(row[0][1] == "/Row" for row in rows)]
    assert len(cells) == 5
    for (header, scope, header_id, _), (data, _, _, headers) in cells:
        assert (header, scope, data, list(headers)) == ("/TH", "/Row", "/TD", [header_id])


# --- the checks can fail --------------------------------------------------------------------

def without_alt(pdf: pikepdf.Pdf) -> None:
    figures = [element for element in struct_elements(pdf) if element.S == "/Figure"]
    assert figures and all("/Alt" in figure for figure in figures)
    del figures[0].Alt


def without_scope(pdf: pikepdf.Pdf) -> None:
    for element in struct_elements(pdf):
        if element.S == "/TH":
            del element.A.Scope


def with_the_mark_untagged(pdf: pikepdf.Pdf) -> None:
    """Paint the DRAFT mark's group outside any marked content again, as WeasyPrint does."""
    page = pdf.pages[0]
    instructions = list(pikepdf.parse_content_stream(page))
    start = next(index for index, (operands, operator) in enumerate(instructions)
                 if str(operator) == "BMC" and operands[0] == "/Artifact" and
                 str(instructions[index + 1].operator) == "Do")
    del instructions[start + 2], instructions[start]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


@pytest.mark.parametrize("state, undo, rule", [
    ("approved", without_alt, "UA-13-004"),
    ("approved", without_scope, "UA-15-003"),
    ("draft", with_the_mark_untagged, "UA-01-003"),
], ids=["figure-without-alt", "headers-without-scope", "draft-mark-untagged"])
def test_pdfua_reports_what_the_tagging_repairs_once_it_is_undone(editions, tmp_path, state,
                                                                   undo, rule):
    path = next(path for path, record in editions(state, DEFAULT_FORMAT)
                if record.leaflet == "immunotherapy-response")   # it has icon arrays
    assert not findings(path)
    with pikepdf.open(path) as pdf:
        undo(pdf)
        pdf.save(tmp_path / "undone.pdf")
    assert {finding.split()[0] for finding in findings(tmp_path / "undone.pdf")} == {rule}


def test_the_icon_arrays_alternative_is_the_sentence_under_them(editions):
    path = next(path for path, record in editions("approved", DEFAULT_FORMAT)
                if (record.language, record.leaflet) == ("fr", "immunotherapy-response"))
    with pikepdf.open(path) as pdf:
        alternatives = {str(element.Alt) for element in struct_elements(pdf)
                        if element.S == "/Figure"}
    assert {"25 patients sur 100", "11 patients sur 100"} <= alternatives


def test_a_clinic_logo_is_a_figure_named_after_the_clinic(content, tmp_path, run):
    from PIL import Image

    (content / "assets").mkdir(exist_ok=True)
    Image.new("RGB", (600, 200), (10, 90, 160)).save(content / "assets/logo.png")
    edit(content / "clinics/centre-du-val.yaml", "\ncontacts:", "\nlogo: logo.png\ncontacts:")
    code, _, err = run(*cli(content, tmp_path, "--variant", ",".join(ACCESSIBLE), "--clinic",
                            "centre-du-val", "--lang", "de", "--leaflet", "immunotherapy-basics"))
    assert code == 0, err
    paths = sorted((tmp_path / "clinics/centre-du-val/de").glob("*.pdf"))
    assert len(paths) == len(ACCESSIBLE)
    for path in paths:
        with pikepdf.open(path) as pdf:
            alternatives = [str(element.Alt) for element in struct_elements(pdf)
                            if element.S == "/Figure"]
        assert "Centre hospitalier du Val (exemple fictif)" in alternatives, path.name
        assert not findings(path)


def render(html: str, *stylesheets: Path) -> str:
    """Text of an HTML fragment laid out by WeasyPrint, as pypdf reads its ToUnicode maps
    (pdfium reports a hyphen at a line end as U+FFFE, hiding what it was)."""
    import weasyprint

    pdf = weasyprint.HTML(string=html).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(sheet)) for sheet in stylesheets])
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@pytest.mark.parametrize("variant", ACCESSIBLE)
def test_the_accessible_stylesheets_add_no_hyphen_even_where_leaflet_css_asks(variant):
    html = ('<html lang="fr"><body style="width: 32mm; font-size: 12pt">'
            "<p style='hyphens: auto'>L’immunothérapie mobilise les immunomodulateurs.</p>"
            "<h1 style='hyphens: manual; font-size: 12pt'>Immuno\u00adthérapie "
            "anti\u00adcorps mono\u00adclonaux</h1></body></html>")
    plain = render(html)
    assert "\u2010" in plain   # what WeasyPrint does alone: the check can fail
    accessible = render(html, ROOT / "templates" / VARIANTS[variant].stylesheet)
    assert "immunothérapie" in accessible and "Immunothérapie" in accessible
    assert not re.search("[\u2010\u00ad-]", accessible)
