"""Legible everywhere: what the PDFs of the shipped library print, read back from their
text layer (pypdfium2), not from the stylesheets — every glyph's size, the characters
of each line, identifiers and addresses never broken, headings never left at the foot
of a page, a block kept together, and the tri-fold's six panels at their widths."""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from leaflets import builder
from leaflets.editions import clinic_version
from leaflets.fonts import package_file, static_face
from leaflets.formats import SHEET_SIDES, panel_widths
from leaflets.glyphs import coverage
from leaflets.markup import JOINED_HYPHEN, NO_BREAK_SPACE, unbreakable
from leaflets.model import LibraryLoader
from leaflets.model.blocks import ChecklistBlock, ContactBlock, CoverBlock, KeyFiguresBlock
from leaflets.registry import FORMATS

from .conftest import CONTENT
from .test_model import edit

MM = 72 / 25.4
SMALLEST = 10            # pt: no glyph below it, in any format or variant
BODY = {"a4-leaflet": 12, "a5-booklet": 12}   # pt: the body text, the most frequent size
LONGEST_LINE = 75        # characters
# What each format is built in for these tests; large print is always an A4 leaflet.
BUILT = {"a4-leaflet": ("screen", "press", "large-print"), "a5-booklet": ("screen", "press"),
         "tri-fold": ("screen", "press")}
TRI_FOLD = FORMATS["tri-fold"]
# Besides the generic editions, every clinic's where its details change the layout: in
# the tri-fold, whose panels they must fit, and in A4 (the default format, and large
# print's).
WITH_CLINICS = ("a4-leaflet", "tri-fold")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> dict[str, list[Path]]:
    """Every PDF of the shipped library, by format, in every language and variant."""
    pdfs = {}
    for format, variants in BUILT.items():
        output = tmp_path_factory.mktemp(format)
        result = builder.build(
            builder.Paths(content=CONTENT, output=output),
            builder.Selection(variants=variants, format=format,
                              clinics=() if format in WITH_CLINICS else ("generic",)),
            builder.Execution(jobs=2))
        assert not [outcome.error for outcome in result.outcomes if outcome.error]
        pdfs[format] = sorted(output.rglob("*.pdf"))
    return pdfs


# --- reading a PDF back ------------------------------------------------------------

@dataclass(frozen=True)
class Glyph:
    char: str
    size: float      # pt, with the text and page transformations applied
    baseline: float  # pt from the bottom of the page
    left: float
    right: float
    upright: bool    # False for the rotated DRAFT mark
    bold: bool


@dataclass(frozen=True)
class Line:
    text: str
    size: float      # the most frequent size of its glyphs
    baseline: float
    bold: bool       # every glyph of it bold


@dataclass(frozen=True)
class Page:
    width: float     # mm, of the MediaBox
    height: float
    trim_left: float   # pt, the TrimBox's left edge
    glyphs: tuple[Glyph, ...]
    text: str        # in reading order, as pdfium extracts it
    drawings: tuple[float, ...] = ()   # pt, the top of each path and image in the trim


def _glyph(textpage, index: int, matrix, x, y, name) -> Glyph:
    raw = textpage.raw
    pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
    scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
    pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
    left, _, right, _ = textpage.get_charbox(index)
    pdfium_c.FPDFText_GetFontInfo(raw, index, name, len(name), None)
    return Glyph(textpage.get_text_range(index, 1),
                 round(pdfium_c.FPDFText_GetFontSize(raw, index) * scale, 2), y.value,
                 left, right, abs(matrix.b) < 1e-3, b"Bold" in name.value)


@cache
def read(path: Path) -> tuple[Page, ...]:
    """Every drawn character of a PDF with its size and position, page by page."""
    pages = []
    matrix, x, y = pdfium_c.FS_MATRIX(), ctypes.c_double(), ctypes.c_double()
    name = ctypes.create_string_buffer(128)
    for page in pdfium.PdfDocument(path):
        textpage = page.get_textpage()
        glyphs = tuple(glyph for glyph in (
            _glyph(textpage, index, matrix, x, y, name) for index in range(textpage.count_chars())
            if not pdfium_c.FPDFText_IsGenerated(textpage.raw, index))
            if glyph.char not in ("", "\r", "\n"))
        width, height = page.get_size()
        pages.append(Page(width / MM, height / MM, page.get_trimbox()[0], glyphs,
                          textpage.get_text_range(), drawings(page)))
    return tuple(pages)


def drawings(page) -> tuple[float, ...]:
    """The top of every path and image inside the trim box (rules, lines to write on,
    figures; not the marks outside it)."""
    left, bottom, right, top = page.get_trimbox()
    tops = []
    for drawn_object in page.get_objects(max_depth=3):
        if drawn_object.type in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE):
            x0, y0, x1, y1 = drawn_object.get_bounds()
            if left <= x0 and x1 <= right and bottom <= y0 and y1 <= top:
                tops.append(y1)
    return tuple(tops)


def lines(page: Page) -> list[Line]:
    """The page's lines, top to bottom: glyphs on one baseline, cut where a gap wider
    than 1.5 em parts two columns (panels, cards, table cells). The rotated DRAFT mark
    is not text to read."""
    rows: list[list[Glyph]] = []
    for glyph in sorted((glyph for glyph in page.glyphs if glyph.upright),
                        key=lambda glyph: -glyph.baseline):
        if rows and abs(rows[-1][0].baseline - glyph.baseline) <= 0.3 * glyph.size:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    found = []
    for row in rows:
        row.sort(key=lambda glyph: glyph.left)
        segment = [row[0]]
        for glyph in row[1:]:
            if glyph.left - segment[-1].right > 1.5 * glyph.size:
                found.append(_line(segment))
                segment = []
            segment.append(glyph)
        found.append(_line(segment))
    return found


def _line(glyphs: list[Glyph]) -> Line:
    drawn = [glyph for glyph in glyphs if glyph.char.strip()] or glyphs
    size = Counter(glyph.size for glyph in drawn).most_common(1)[0][0]
    return Line("".join(glyph.char for glyph in glyphs).strip(), size, glyphs[0].baseline,
                all(glyph.bold for glyph in drawn))


def drawn(page: Page) -> list[Glyph]:
    """The glyphs that leave ink: not spaces."""
    return [glyph for glyph in page.glyphs if glyph.char.strip()]


def body_size(path: Path) -> float:
    """The size most characters are set in."""
    return Counter(glyph.size for page in read(path) for glyph in drawn(page)
                   ).most_common(1)[0][0]


def content_lines(path: Path) -> list[list[Line]]:
    """Each page's lines without its footer: the lowest line, on the same baseline on
    every page (the margin boxes), when a document has one."""
    pages = [lines(page) for page in read(path)]
    lowest = Counter(round(min(line.baseline for line in page), 1) for page in pages if page)
    footer, count = lowest.most_common(1)[0]
    if count < len(pages) or len(pages) < 2:
        return pages
    return [[line for line in page if round(line.baseline, 1) > footer + 1] for page in pages]


def joined_text(path: Path) -> str:
    """The whole text with its line breaks taken out, as it would be copied: pdfium
    marks a hyphen that ends a line with U+FFFE; an isolate is not a character to read."""
    text = "".join(page.text for page in read(path))
    return re.sub(r"[\r\n\u2066-\u2069\u200e\u200f]", "", text).replace("\ufffe", "-")


def screen_pages(pdfs: list[Path]) -> list[Path]:
    """Editions laid out as pages (not imposed or folded sheets)."""
    return [path for path in pdfs if ".imposed" not in path.name
            and not (".tri-fold" in path.name and ".press" in path.name)]


def sheets(pdfs: list[Path]) -> list[Path]:
    return [path for path in pdfs if ".tri-fold.press" in path.name]


every_format = pytest.mark.parametrize("format", list(BUILT))


# --- sizes and line lengths --------------------------------------------------------

@every_format
def test_no_glyph_is_smaller_than_10_pt(shipped, format):
    small = {}
    for path in shipped[format]:
        for page in read(path):
            tiny = [glyph for glyph in drawn(page) if glyph.size < SMALLEST - 0.01]
            if tiny:
                small[path.name] = (min(glyph.size for glyph in tiny),
                                    "".join(glyph.char for glyph in tiny[:40]))
    assert not small, small


def test_large_print_sets_nothing_below_16_pt(shipped):
    small = {str(path.relative_to(path.parents[1])): min(glyph.size for page in read(path)
                                                         for glyph in drawn(page))
             for path in shipped["a4-leaflet"] if ".large-print" in path.name}
    assert small and all(size >= 16 for size in small.values()), small


@pytest.mark.parametrize("format", list(BODY))
def test_body_text_is_12_pt_or_more_in_a4_and_a5(shipped, format):
    sizes = {path.name: body_size(path) for path in shipped[format]}
    assert all(size >= BODY[format] for size in sizes.values()), sizes


@every_format
def test_no_line_holds_more_than_75_characters(shipped, format):
    long = {}
    for path in shipped[format]:
        longest = max((line.text for page in read(path) for line in lines(page)), key=len)
        if len(longest) > LONGEST_LINE:
            long[str(path.relative_to(path.parents[1]))] = (len(longest), longest)
    assert not long, long


def test_the_line_reading_counts_characters_and_columns():
    """The reading the length test relies on: words keep their spaces, and two columns
    on one baseline are two lines."""
    def glyphs(word: str, left: float) -> list[Glyph]:
        return [Glyph(char, 10, 100, left + 5 * index, left + 5 * index + 4.5, True, False)
                for index, char in enumerate(word)]
    page = Page(210, 297, 0, (*glyphs("ab cd", 0), *glyphs("ef", 100)), "")
    assert [line.text for line in lines(page)] == ["ab cd", "ef"]


# --- what is never broken ----------------------------------------------------------

def test_identifiers_and_percentages_are_typeset_to_stay_whole():
    joined = JOINED_HYPHEN
    assert unbreakable("les anti PD-1, PD-L1 et anti-CTLA-4 : 90 % des cas") == (
        f"les anti PD{joined}1, PD{joined}L1 et anti-CTLA{joined}4 : 90\u00a0% des cas")
    # Words, paths and addresses keep their hyphens: a copied address must still work.
    for kept in ("méta-analyse", "QR-Code", "https://example.org/IMM-01-FR.pdf",
                 "care-team@PD-1.example", "/fr/PD-L1"):
        assert unbreakable(kept) == kept


def test_typeset_identifiers_do_not_break_where_plain_ones_do(tmp_path):
    """WeasyPrint itself, on a line just too short for "anti PD-L1": the plain hyphen
    ends the line, the joined one moves the whole identifier to the next."""
    import weasyprint

    face = static_face(package_file("fontpkg-noto-sans", "NotoSans[wdth,wght].ttf"), "normal",
                       "normal")
    page = ("<style>@font-face { font-family: N; src: url(file://%s) } p { width: 40mm; "
            "font: 12pt N; hyphens: auto }</style><p lang=fr>xxxxxxxxxx anti %s</p>")
    texts = []
    for identifier in ("PD-L1", unbreakable("PD-L1")):
        weasyprint.HTML(string=page % (face, identifier)).write_pdf(tmp_path / "line.pdf")
        texts.append(pdfium.PdfDocument(tmp_path / "line.pdf")[0].get_textpage()
                     .get_text_range())
    assert texts == ["xxxxxxxxxx anti PD\ufffeL1", "xxxxxxxxxx anti\r\nPD-L1"]


def test_the_fonts_draw_what_the_typesetting_inserts():
    """The no-break space and the hyphen (the word joiners are never drawn)."""
    library, _ = LibraryLoader(CONTENT).read()
    drawn_by = coverage(library)
    for script, stack in library.project.fonts.scripts.items():
        for character in (NO_BREAK_SPACE, "-"):
            assert any(ord(character) in drawn_by[family] for family in stack), (script, character)


@every_format
def test_identifiers_never_break_and_percent_signs_stay_with_their_number(shipped, format):
    """Read from the lines as laid out: each PD-1, PD-L1 or CTLA-4 is whole on its line
    (in visual order, so also in right-to-left text); no space or line break parts a
    number from its "%"."""
    for path in shipped[format]:
        for page in read(path):
            for line in lines(page):
                for match in re.finditer(r"\b(PD|CTLA)(?![A-Za-z])", line.text):
                    assert re.match(r"-(L1|1|4)(?![0-9A-Za-z])", line.text[match.end():]), (
                        path.name, line.text)
        assert not re.search(r"\d[ \r\n]%", "".join(page.text for page in read(path))), path.name


@every_format
def test_printed_addresses_are_never_hyphenated(shipped, format):
    """The online address is printed whole: joined again, its lines give it back, with
    no hyphen added where it breaks (a press edition hyphenates its text)."""
    for path in shipped[format]:
        # The web edition of the same leaflet, language and clinic, without its scheme.
        folder = path.parent.relative_to(path.parents[3] if "clinics" in path.parts
                                         else path.parents[1]).as_posix()
        leaflet = path.name.split(".")[0]
        assert f"leaflets.example.org/{folder}/{leaflet}.html" in joined_text(path)
        # Every hyphen the layout added, at the end of a line, ends a piece of a word
        # (of a compound, "Meta-Ana‐lyse"), never of an address or a number.
        for page in read(path):
            for match in re.finditer(r"(\S*)\u2010\r?\n", page.text):
                assert not re.search(r"[/@.:\d]", match[1]), (path.name, match[0])


# --- what is kept together ---------------------------------------------------------

@every_format
def test_no_heading_is_the_last_line_of_a_page(shipped, format):
    """A heading (a bold line at the body size or larger) ends no page: its first
    paragraph, or a figure or lines to write on (drawn below it), are on the same page.
    A notes page's heading is its only text."""
    stranded = []
    for path in screen_pages(shipped[format]):
        body = body_size(path)
        for number, (page, text) in enumerate(zip(read(path), content_lines(path),
                                                  strict=True), start=1):
            last = text[-1] if len(text) > 1 else None
            if last and last.bold and last.size >= body and not any(
                    top < last.baseline - last.size for top in page.drawings):
                stranded.append((path.name, number, last.text))
    assert not stranded, stranded


def _words(text: str) -> str:
    """Text reduced to its letters and digits, to find it whatever the line breaks,
    hyphens, quotation marks and spaces the layout gave it. In Arabic text only its
    Arabic letters: pdfium reads the Latin words in it backwards."""
    if re.search(r"[\u0600-\u06ff]", text):
        text = re.sub(r"[A-Za-z0-9]", "", text)
    return re.sub(r"\W+", "", text).lower()


def page_of(path: Path, words: str, bold: bool = False, after: int = 1) -> int:
    """The page (from 1) where some words (as ``_words`` gives them) are printed first,
    from page ``after`` on (two figures' labels may start alike); in bold, for a heading
    (its words may be in a paragraph too)."""
    return next(number for number, page in enumerate(read(path), start=1)
                if number >= after and words in _words("".join(
                    glyph.char for glyph in page.glyphs if glyph.bold or not bold)))


def kept_with(block, clinic: bool) -> list[tuple[str, str]]:
    """Pairs of words a page may not part: a block's heading and the start of its first
    paragraph, item or figure (a clinic's edition shows its details under the contact's
    heading); the end of a key-figures intro and its first figure."""
    if isinstance(block, ContactBlock) and clinic:
        first = block.clinic_intro
    elif isinstance(block, KeyFiguresBlock):
        first = block.intro or block.figures[0].label
    elif isinstance(block, ChecklistBlock):
        first = block.intro or block.items[0]
    else:   # its intro, body or statement, else the first of what it lists
        listed = [*getattr(block, "rows", ()), *getattr(block, "steps", ()),
                  *getattr(block, "questions", ())]
        first_item = listed[0] if listed else None
        first = (getattr(block, "intro", None) or getattr(block, "body", None)
                 or getattr(block, "statement", None) or getattr(block, "caption", None)
                 or getattr(first_item, "symptom", None) or getattr(first_item, "title", None)
                 or getattr(first_item, "question", None) or "")
    pairs = [(_words(block.title)[:40], _words(first.split("\n\n")[0])[:40])]
    if isinstance(block, KeyFiguresBlock) and block.intro:
        pairs.append((_words(block.intro)[-40:], _words(block.figures[0].label)[:40]))
    return pairs


@pytest.mark.parametrize("format", list(BODY))
def test_every_heading_is_on_the_page_of_its_first_paragraph_or_figure(shipped, format):
    """Also a key-figures intro with the first figure: a heading and its intro alone at
    the foot of a page, the figures over the page, announce nothing."""
    library, _ = LibraryLoader(CONTENT).read()
    apart = []
    for path in screen_pages(shipped[format]):
        language = path.relative_to(path.parents[1]).parts[0]
        leaflet = library.leaflets[path.name.split(".")[0]].leaflet
        clinic = path.parts[-3] if "clinics" in path.parts else None
        for block_id in leaflet.blocks_in(format):
            # A clinic's editions print its own version of a block where it has one.
            block = library.blocks[clinic_version(library, clinic, block_id)][language].block
            if isinstance(block, CoverBlock):
                continue
            for index, (earlier, later) in enumerate(kept_with(block, "clinics" in path.parts)):
                first = page_of(path, earlier, bold=index == 0)
                pages = first, page_of(path, later, after=first)
                if pages[0] != pages[1]:
                    apart.append((path.name, language, block_id, pages))
    assert not apart, apart


@pytest.mark.parametrize("format", list(BODY))
def test_a_block_kept_together_is_on_one_page(shipped, format):
    """The pseudo-progression block: its caveat (growth can be real) is on the page of
    its reassurance, in every language."""
    library, _ = LibraryLoader(CONTENT).read()
    responses = [path for path in screen_pages(shipped[format])
                 if path.name.startswith("immunotherapy-response.")]
    assert responses
    for path in responses:
        block = library.blocks["pseudo-progression"][path.parent.name].block
        assert block.keep_together
        paragraphs = block.body.split("\n\n")
        pages = {page_of(path, _words(block.title)[:40], bold=True),
                 *(page_of(path, _words(paragraph)[:40]) for paragraph in paragraphs)}
        assert len(pages) == 1, (path.name, pages)


# --- the tri-fold ------------------------------------------------------------------

def test_every_tri_fold_screen_edition_is_six_panels_none_blank_at_their_widths(shipped):
    widths = panel_widths(TRI_FOLD.panel_widths)
    for path in screen_pages(shipped["tri-fold"]):
        pages = read(path)
        assert [round(page.width, 1) for page in pages] == list(widths.values()), path.name
        assert {round(page.height) for page in pages} == {210}
        # Besides the footer, every panel has text: a block, or the notes heading.
        assert all(content_lines(path)), path.name


def sheet_columns(right_to_left: bool) -> list[list[tuple[float, float]]]:
    """The columns (left, right edges in mm from the trim's left) of each sheet side."""
    widths = panel_widths(TRI_FOLD.panel_widths)
    sides = []
    for side in SHEET_SIDES:
        order = [widths[number] for number in side]
        left, columns = 0.0, []
        for width in (order[::-1] if right_to_left else order):
            columns.append((left, left + width))
            left += width
        sides.append(columns)
    return sides


def test_tri_fold_sheets_have_every_column_at_its_panels_width_and_none_empty(shipped):
    """Read back from the sheets: every glyph lies inside one column of the widths the
    registry declares (less the panel's 7 mm padding), and every column has text."""
    for path in sheets(shipped["tri-fold"]):
        right_to_left = path.relative_to(path.parents[1]).parts[0] == "ar"
        for page, columns in zip(read(path), sheet_columns(right_to_left), strict=True):
            used = Counter()
            for glyph in (glyph for glyph in drawn(page) if glyph.upright):
                left = (glyph.left - page.trim_left) / MM
                right = (glyph.right - page.trim_left) / MM
                inside = [index for index, (start, end) in enumerate(columns)
                          if start + 6.5 <= left and right <= end - 6.5]
                assert inside, (path.name, glyph.char, round(left, 1), columns)
                used[inside[0]] += 1
            assert sorted(used) == [0, 1, 2], (path.name, used)


def test_a_tri_fold_its_blocks_do_not_fill_gets_notes_panels_never_blank_ones(
        content, tmp_path):
    edit(content / "leaflets/immunotherapy-basics.yaml",
         "  tri-fold: [two-situations, where-it-is-used,",
         "  tri-fold: [two-situations, where-it-is-used, checkpoint-inhibitors, "
         "local-and-general, talk-to-your-care-team,")
    # A clinic's edition: the generic one has lines for notes under its contact too.
    result = builder.build(builder.Paths(content=content, output=tmp_path), builder.Selection(
        languages=("fr",), leaflets=("immunotherapy-basics",), format="tri-fold",
        variants=("screen", "press"), clinics=("clinique-des-tilleuls",)),
        builder.Execution(jobs=2))
    assert not [outcome.error for outcome in result.outcomes if outcome.error]
    folder = tmp_path / "clinics/clinique-des-tilleuls/fr"
    panels = read(folder / "immunotherapy-basics.tri-fold.pdf")
    assert len(panels) == 6
    assert ["Notes" in page.text for page in panels] == [False, False, False, True, True, False]
    # On the sheet too: inside, the flap's panel (5) and the middle one (4) are notes.
    inside = read(folder / "immunotherapy-basics.tri-fold.press.pdf")[1]
    columns = sheet_columns(right_to_left=False)[1]
    notes = {index for glyph in drawn(inside) if glyph.char == "N" and glyph.bold and glyph.upright
             for index, (left, right) in enumerate(columns)
             if left <= (glyph.left - inside.trim_left) / MM < right}
    assert notes == {1, 2}
