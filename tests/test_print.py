"""Print production: formats, variants, imposition, panels, document control, visuals."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from leaflets import builder
from leaflets.formats import saddle_stitch_order
from leaflets.model import load_library

from .conftest import CONTENT
from .test_model import edit

MM = 72 / 25.4
A4 = (595.28, 841.89)
BLEED = 3 * MM


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """Every format and variant of two leaflets in French and Arabic."""
    output = tmp_path_factory.mktemp("print")
    paths = builder.Paths(content=CONTENT, output=output)
    for format in ("a4-leaflet", "a5-booklet", "tri-fold"):
        result = builder.build(paths, builder.Selection(
            languages=("fr", "ar"), leaflets=("immunotherapy-basics", "immunotherapy-response"),
            variants=("screen", "press", "large-print"), format=format, clinics=("generic",)))
        assert not [outcome.error for outcome in result.outcomes if outcome.error]
    return output


def boxes(page) -> dict[str, tuple[float, ...]]:
    return {name: tuple(round(float(value), 1) for value in getattr(page, name))
            for name in ("mediabox", "trimbox", "bleedbox")}


def xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def page_text(path: Path, index: int, region: tuple[float, float] | None = None) -> str:
    """The text of a page, or of a horizontal band of it (from, to; fractions of the width
    of its trim box: a press page also has its bleed and slug)."""
    page = pdfium.PdfDocument(path)[index]
    textpage = page.get_textpage()
    if region is None:
        return textpage.get_text_range()
    left, bottom, right, top = page.get_trimbox()
    return textpage.get_text_bounded(left=left + region[0] * (right - left),
                                     right=left + region[1] * (right - left),
                                     bottom=bottom, top=top)


def test_screen_edition_is_tagged_pdf_ua_with_bookmarks_and_links(printed):
    reader = PdfReader(printed / "fr/immunotherapy-basics.pdf")
    root = reader.trailer["/Root"]
    assert boxes(reader.pages[0])["mediabox"] == (0, 0, *(round(v, 1) for v in A4))
    assert 'pdfuaid:part="1"' in xmp(reader)
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert root["/Lang"] == "fr"
    headings = [item["/Title"] for item in reader.outline[1]]
    assert "Deux situations possibles" in headings and len(headings) >= 8
    links = [annotation.get_object() for page in reader.pages
             for annotation in page.get("/Annots") or []]
    uris = {link["/A"]["/URI"] for link in links if "/A" in link}
    # The online edition, and the pages of the sources the list gives an address for;
    # every other link is a citation, to its entry in the list.
    library = load_library(CONTENT)
    addresses = {source.url for source in library.sources.values() if source.url}
    assert "https://leaflets.example.org/fr/immunotherapy-basics.html" in uris
    assert uris - {"https://leaflets.example.org/fr/immunotherapy-basics.html"} <= addresses
    internal = [str(link["/Dest"]) for link in links if "/A" not in link]
    assert internal and all(name.startswith("source-") for name in internal)


def test_press_edition_has_bleed_crop_marks_cmyk_and_pdf_x4(printed):
    reader = PdfReader(printed / "fr/immunotherapy-basics.press.pdf")
    page_boxes = boxes(reader.pages[0])
    width, height = A4
    assert page_boxes["trimbox"] == (0, 0, round(width, 1), round(height, 1))
    assert page_boxes["bleedbox"] == (
        round(-BLEED, 1), round(-BLEED, 1), round(width + BLEED, 1), round(height + BLEED, 1))
    slug = 12 * MM   # the marks are outside the bleed (tests/test_press.py)
    assert page_boxes["mediabox"] == (
        round(-slug, 1), round(-slug, 1), round(width + slug, 1), round(height + slug, 1))
    assert "pdfxid:GTS_PDFXVersion>PDF/X-4<" in xmp(reader)
    intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert len(intent["/DestOutputProfile"].get_object().get_data()) > 100_000  # the CMYK profile
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert re.search(rb"/DeviceCMYK cs", content)
    assert not re.search(rb"[\d.]+ [\d.]+ [\d.]+ (rg|RG)\b", content), "an RGB colour in press"
    for page in reader.pages:  # every font embedded
        for font in (page["/Resources"].get("/Font") or {}).values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_press_editions_are_byte_identical_across_builds(printed, tmp_path):
    """PDF/X writes an XMP document id: it is derived from the edition, not random."""
    paths = builder.Paths(content=CONTENT, output=tmp_path)
    builder.build(paths, builder.Selection(languages=("fr",), leaflets=("immunotherapy-basics",),
                                           variants=("press",), clinics=("generic",)))
    again = (tmp_path / "fr/immunotherapy-basics.press.pdf").read_bytes()
    assert again == (printed / "fr/immunotherapy-basics.press.pdf").read_bytes()


def font_sizes(path: Path) -> Counter:
    """How many characters are set at each font size (points), over the whole document.

    WeasyPrint sets text in CSS pixels under a 0.75 scale, so a size read from the
    text object is in pixels: 16 pt is 21.33 px.
    """
    sizes: Counter = Counter()
    for page in pdfium.PdfDocument(path):
        textpage = page.get_textpage()
        for index in range(textpage.count_chars()):
            if not textpage.get_text_range(index, 1).strip():
                continue
            sizes[round(pdfium_c.FPDFText_GetFontSize(textpage.raw, index) * 0.75)] += 1
    return sizes


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_large_print_sets_every_character_at_16_pt_or_more(printed, language):
    path = printed / language / "immunotherapy-response.large-print.pdf"
    sizes = font_sizes(path)
    assert min(sizes) >= 16, sizes
    # The body text: Arabic a quarter larger (Naskh letters look smaller).
    body = {"fr": 16, "ar": 20}[language]
    assert sizes.most_common(1)[0][0] == body
    reader = PdfReader(path)
    assert boxes(reader.pages[0])["mediabox"][2:] == tuple(round(v, 1) for v in A4)
    normal = font_sizes(printed / language / "immunotherapy-response.pdf")
    assert normal.most_common(1)[0][0] == body * 12 / 16


def test_booklet_is_padded_to_a_multiple_of_four_a5_pages(printed):
    for name in ("immunotherapy-basics", "immunotherapy-response"):
        reader = PdfReader(printed / "fr" / f"{name}.a5-booklet.pdf")
        assert len(reader.pages) % 4 == 0
        width, height = (float(value) for value in reader.pages[0].mediabox[2:])
        assert (round(width / MM), round(height / MM)) == (148, 210)
    booklet = printed / "fr/immunotherapy-basics.a5-booklet.pdf"
    last = page_text(booklet, len(PdfReader(booklet).pages) - 1)
    assert "Notes" in last


def test_saddle_stitch_order():
    assert saddle_stitch_order(8, right_to_left=False) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert saddle_stitch_order(8, right_to_left=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    with pytest.raises(ValueError):
        saddle_stitch_order(6, right_to_left=False)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_imposed_booklet_reads_in_order_when_folded(printed, language):
    path = printed / language / "immunotherapy-basics.a5-booklet.imposed.pdf"
    reader = PdfReader(path)
    pages = len(PdfReader(printed / language / "immunotherapy-basics.a5-booklet.pdf").pages)
    assert len(reader.pages) == pages // 2
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (297, 210)   # A4 landscape
    order = saddle_stitch_order(pages, right_to_left=language == "ar")
    # The outer sheet: the last page and the first, in the reading direction.
    assert order[0] == ((1, pages) if language == "ar" else (pages, 1))
    for sheet, (left, right) in enumerate(order):
        # Each A5 page's footer says which page it is ("Page 3 sur 8", "صفحة 3 من 8").
        for half, number in (((0, 0.5), left), ((0.5, 1), right)):
            text = page_text(path, sheet, half)
            assert re.search(rf"\b{number} (sur|من) {pages}\b", text), (sheet, half, text[-80:])


@pytest.mark.parametrize("language, cover_third", [("fr", (2 / 3, 1)), ("ar", (0, 1 / 3))])
def test_tri_fold_panels_are_in_folding_order(printed, language, cover_third):
    path = printed / language / "immunotherapy-basics.tri-fold.press.pdf"
    reader = PdfReader(path)
    assert len(reader.pages) == 2
    trim = boxes(reader.pages[0])["trimbox"]
    assert (round(trim[2] / MM), round(trim[3] / MM)) == (297, 210)
    cover = {"fr": "L’immunothérapie", "ar": "ما هو العلاج المناعي"}[language]
    sources = {"fr": "Sources", "ar": "المصادر"}[language]
    assert cover in page_text(path, 0, cover_third)          # front cover
    assert sources in page_text(path, 0, (1 / 3, 2 / 3))     # back cover in the middle
    flap = (0, 1 / 3) if language == "fr" else (2 / 3, 1)
    assert {"fr": "qu’est", "ar": "ما هو"}[language] not in page_text(path, 0, flap)
    assert page_text(path, 0, flap).strip()
    # The screen edition is the six panels as pages, in reading order.
    panels = PdfReader(printed / language / "immunotherapy-basics.tri-fold.pdf")
    assert len(panels.pages) == 6
    assert cover in page_text(printed / language / "immunotherapy-basics.tri-fold.pdf", 0)


def test_a_tri_fold_with_too_much_content_fails_naming_the_leaflet_and_the_overflow(
        content, tmp_path):
    edit(content / "leaflets/immunotherapy-response.yaml",
         "omit:\n  tri-fold: [biomarker-research, response-figures, checkpoint-figures,",
         "omit:\n  tri-fold: [")
    paths = builder.Paths(content=content, output=tmp_path)
    result = builder.build(paths, builder.Selection(
        languages=("fr",), leaflets=("immunotherapy-response",), format="tri-fold",
        clinics=("generic",)))
    [outcome] = result.outcomes
    assert outcome.error.startswith(
        "immunotherapy-response (fr, tri-fold): the content needs ")
    assert "panels and a tri-fold has 6: it overflows by " in outcome.error
    assert not list(tmp_path.rglob("*.pdf"))


def test_document_control_on_every_edition(printed):
    text = "".join(page_text(printed / "fr/immunotherapy-basics.large-print.pdf", index)
                   for index in range(len(PdfReader(
                       printed / "fr/immunotherapy-basics.large-print.pdf").pages)))
    for expected in ("IMM-01", "Version 1.0", "1 novembre 2026", "1 novembre 2029",
                     "Page 1 sur"):
        assert expected in text.replace("\r\n", " ")


def test_review_dates_are_checked(run):
    code, _, err = run("check", "--today", "2029-06-01")
    assert code == 0
    assert ("content/leaflets/immunotherapy-basics.yaml:4:12: warning: leaflet "
            "'immunotherapy-basics' is due for review on 2029-11-01, in less than 6 months"
            in err)
    code, _, err = run("check", "--today", "2029-11-02")
    assert code == 1
    assert ("content/leaflets/immunotherapy-basics.yaml:4:12: error: leaflet "
            "'immunotherapy-basics' "
            "was due for review on 2029-11-01" in err)


def test_icon_arrays_colour_as_many_people_as_the_figure_and_say_so(printed):
    from leaflets.editions import Edition
    from leaflets.registry import DEFAULT_FORMAT

    prepared = builder.prepare(builder.Paths(), builder.Selection(
        languages=("fr",), leaflets=("immunotherapy-response",)))
    html = builder.render_html(prepared.templates, prepared.library,
                               Edition("immunotherapy-response", "fr", DEFAULT_FORMAT)).html
    arrays = re.findall(r'<svg class="icon-array".*?</svg>', html, re.S)
    assert len(arrays) == 2
    coloured = [len(re.findall(r"<g fill=\"#0b6e75\">", svg)) for svg in arrays]
    faded = [len(re.findall(r'fill-opacity="0.28"', svg)) for svg in arrays]
    assert coloured == [25, 11] and faded == [75, 89]
    assert 'aria-label="25 patients sur 100"' in arrays[0]
    path = printed / "fr/immunotherapy-response.pdf"
    text = "".join(page_text(path, index) for index in range(len(PdfReader(path).pages)))
    assert "25 patients sur 100" in text and "11 patients sur 100" in text


def test_qr_code_links_to_the_online_version(printed):
    import base64
    from io import BytesIO

    from PIL import Image

    from leaflets.templates import qr_image

    url = qr_image("https://leaflets.example.org/fr/immunotherapy-basics.pdf")
    image = Image.open(BytesIO(base64.b64decode(url.split(",", 1)[1])))
    # Gray (the black plate alone on the press), eight pixels a module: more than 300 pixels
    # per inch at the 22 mm it is printed (tests/test_press.py preflights it).
    assert image.mode == "L" and image.size[0] == image.size[1] >= 21 * 8
    assert {value for _, value in image.getcolors()} == {0, 255}
    path = printed / "fr/immunotherapy-basics.pdf"
    text = "".join(page_text(path, index) for index in range(len(PdfReader(path).pages)))
    # pdfium reads the hyphen that ends a line as U+FFFE, and joins the lines.
    # The address printed as a reader types it: without its scheme.
    assert "leaflets.example.org/fr/immunotherapy-basics.html" in text.replace(
        "\r\n", "").replace("\ufffe", "-")
