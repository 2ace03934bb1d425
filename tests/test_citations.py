"""Citations (issue #19): a claim cites its source with ``[@id]``, a key figure with its
``source:``; each prints the number of its source in the edition's own list, linked to
the entry, and the list holds exactly what the edition cites, in the order first cited.

The shipped editions are read back from their PDFs (links, named destinations, text);
the rules are tried on a copy of the test library, where lines do not move."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from lxml import html as lxml_html

from leaflets import builder
from leaflets.editions import Edition
from leaflets.model import load_library

from .conftest import ROOT
from .test_model import edit

LIBRARY = ROOT / "tests" / "library"
ENTRIES = "//ol[contains(@class, 'source-list')]/li"
CITATIONS = "//a[@class='citation']"


def _check(run, content: Path) -> tuple[int, str]:
    code, _, err = run("check", "--content", str(content))
    return code, err


# --- what the shipped editions print --------------------------------------------------

def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(path)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def _citation_links(path: Path) -> tuple[list[str], set[str]]:
    """The internal destinations links point at, page by page in order, and the named
    destinations the PDF has."""
    with pikepdf.open(path) as pdf:
        targets = [str(annotation.Dest) for page in pdf.pages
                   for annotation in page.get("/Annots", [])
                   if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation]
        names = pdf.Root.Names.Dests.Names if "/Names" in pdf.Root else []
        named = {str(names[index]) for index in range(0, len(names), 2)}
    return targets, named


def test_no_edition_prints_citation_markup_and_every_citation_link_lands(shipped_build):
    pdfs = sorted(shipped_build.rglob("*.pdf"))
    assert len(pdfs) > 20
    for path in pdfs:
        text = _pdf_text(path)
        assert "[@" not in text, f"{path}: citation markup printed as written"
        targets, named = _citation_links(path)
        cited = [target for target in targets if target.startswith("source-")]
        assert cited, f"{path}: no citation links to the sources list"
        assert set(cited) <= named, f"{path}: citations to {set(cited) - named}, not in its list"
        # In a right-to-left line pdfium reads the brackets as drawn, mirrored: "]1[".
        numbers = sorted({int(left or right)
                          for left, right in re.findall(r"\[(\d+)\]|\](\d+)\[", text)})
        assert numbers == list(range(1, len(set(cited)) + 1)), path


def _edition_html(leaflet: str, language: str, format: str = "a4-leaflet") -> str:
    prepared = builder.prepare(builder.Paths(), builder.Selection(
        languages=(language,), leaflets=(leaflet,)))
    return builder.render_html(prepared.templates, prepared.library,
                               Edition(leaflet, language, format)).html


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("leaflet", ["immunotherapy-basics", "immunotherapy-response",
                                     "immunotherapy-side-effects"])
def test_each_number_is_its_source_s_place_in_the_edition_s_own_list(leaflet, language):
    page = lxml_html.fromstring(_edition_html(leaflet, language))
    entries = [item.get("id") for item in page.xpath(ENTRIES)]
    citations = [(link.get("href").removeprefix("#"), link.text_content())
                 for link in page.xpath(CITATIONS)]
    first_cited = list(dict.fromkeys(target for target, _ in citations))
    assert entries == first_cited, "the list is what the edition cites, in citation order"
    for target, printed in citations:
        assert printed == f"[{entries.index(target) + 1}]"


def test_a_tri_fold_lists_only_what_its_shorter_text_cites():
    """The tri-fold leaves blocks out: their sources leave its list with them."""
    full = lxml_html.fromstring(_edition_html("immunotherapy-response", "fr"))
    short = lxml_html.fromstring(_edition_html("immunotherapy-response", "fr", "tri-fold"))
    cited = {link.get("href") for link in short.xpath(CITATIONS)}
    listed = {f"#{item.get('id')}" for item in short.xpath(ENTRIES)}
    assert cited == listed
    assert len(listed) < len(full.xpath(ENTRIES))


# --- the rules, on the test library -------------------------------------------------

# Each rule broken, with the line an author reads: (what changes, the error).
BROKEN = {
    "an unknown source, where it is cited": (
        [("blocks/faq/fr.yaml", "[@guide-2024]", "[@guide-2042]")],
        "blocks/faq/fr.yaml:9:32: error: unknown source 'guide-2042' (did you mean 'guide-2024'?); "
        "add it to content/sources.yaml or use one of: guide-2024"),
    "a current translation that drops a citation": (
        [("blocks/faq/ar.yaml", " [@guide-2024]", "")],
        "blocks/faq/ar.yaml:7:8: error: a translation cites the sources its source cites, as often "
        "([@id] after the claim): fr.yaml cites 'guide-2024' 1 time(s), found 0"),
    "citations with no list to print them": (
        [("leaflets/more-blocks.yaml", "  - sources\n", "")],
        "leaflets/more-blocks.yaml:9:3: error: 'faq' cites sources, but the leaflet lists no block "
        "of type 'sources' to print them"),
    "a list with nothing cited": (
        [("blocks/faq/fr.yaml", " [@guide-2024]", ""),
         ("blocks/faq/ar.yaml", " [@guide-2024]", ""),
         ("leaflets/more-blocks.yaml", "  - support\n", "")],
        "leaflets/more-blocks.yaml:14:5: error: 'sources' would list no source: no block of this "
        "leaflet cites one"),
}


@pytest.mark.parametrize("rule", BROKEN)
def test_a_broken_citation_rule_is_reported_where_it_is_written(run, library, rule):
    changes, error = BROKEN[rule]
    for path, old, new in changes:
        edit(library / path, old, new)
    code, err = _check(run, library)
    assert code == 1 and error in err, err


def test_a_stale_translation_may_cite_otherwise_until_it_is_brought_up_to_date(run, library):
    """A new citation in the source text makes its translations stale, not the build red."""
    edit(library / "blocks/faq/fr.yaml", "Elle connaît votre situation.",
         "Elle connaît votre situation [@guide-2024].")
    code, err = _check(run, library)
    assert code == 0, err
    code, out, _ = run("status", "--content", str(library))
    assert re.search(r"faq\s+\S+\s+stale", out)


def test_a_citation_is_not_prose():
    """Spelling, readability and the glossary read the words, not the ids."""
    from leaflets.markup import passages

    block = load_library(LIBRARY).blocks["faq"]["fr"].block
    assert passages(block)[3] == "À votre équipe soignante. Elle connaît votre situation."


def test_a_citation_joins_the_word_before_it():
    from leaflets.markup import to_html

    html = to_html("Un fait [@x]. Un autre[@y].", str, str, lambda source: f"<{source}>")
    assert html == "<p>Un fait<x>. Un autre<y>.</p>\n"


def test_a_citation_never_leaves_a_word_alone_on_a_line():
    """A no-break space before the number made WeasyPrint end lines early ("It also" /
    "depends…" with "also" alone): the paragraph of the English what-happens-next, as
    the markup renders it, laid out at every width from 40 to 120 mm, fills each line."""
    import weasyprint

    from leaflets.markup import to_html
    from leaflets.templates import citation_html

    text = ("How long the treatment lasts depends on your cancer and its stage. The stage "
            "means how far the cancer has spread. It also depends on the medicine and on how "
            "your body reacts [@cleveland-immunotherapy].")
    paragraph = to_html(text, str, str, lambda source: citation_html({source: 5}, source))
    style = (ROOT / "templates" / "leaflet.css").read_text()
    body = "".join(f'<div style="width: {width}mm">{paragraph}</div>' for width in range(40, 121))
    document = weasyprint.HTML(string=f'<html lang="en"><style>{style}</style>{body}</html>',
                               base_url=str(ROOT)).render()
    alone = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if getattr(box, "element_tag", None) != "p" or type(box).__name__ != "BlockBox":
                continue
            lines = [" ".join("".join(text.text for text in line.descendants()
                                      if hasattr(text, "text")).split())
                     for line in box.children]
            alone += [line for line in lines[:-1] if len(line.split()) < 2]
    assert len(document.pages) >= 1 and not alone, alone
