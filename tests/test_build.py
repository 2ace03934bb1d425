"""Real builds: PDFs read back with pypdf and pypdfium2, exit codes, nothing lost on failure."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from leaflets.model import load_library

from .conftest import CONTENT

LIBRARY = load_library(CONTENT)
EDITIONS = [(leaflet, language) for leaflet in LIBRARY.leaflets for language in LIBRARY.languages]
TITLES = {
    ("immunotherapy-basics", "fr"): "L’immunothérapie, qu’est-ce que c’est",
    ("immunotherapy-basics", "en"): "What is immunotherapy?",
}


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), \
                f"{font['/BaseFont']} is not embedded"
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.mark.parametrize("leaflet, language", EDITIONS)
def test_every_edition_is_a_real_pdf_in_its_language(shipped_build, leaflet, language):
    path = shipped_build / language / f"{leaflet}.pdf"
    reader = PdfReader(path)
    cover = LIBRARY.blocks[LIBRARY.leaflets[leaflet].leaflet.blocks[0]][language].block
    assert reader.trailer["/Root"]["/Lang"] == language
    assert reader.metadata.title.replace("\u202f", " ") == cover.title.replace("\u202f", " ")
    assert reader.metadata.author == "Open Patient Leaflets"
    # 12 pt, 75 characters a line, and what patient-information standards ask for (who
    # prepared it, support, a glossary): a few pages more
    assert 2 <= len(reader.pages) <= 12
    # Every font is embedded, and each one comes from the configured Noto families or is
    # the DRAFT mark's own: nothing fell back to a font the host happens to have.
    assert fonts_of(reader) <= {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Italic",
                                "Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold",
                                "leaflets-draft-mark-Bold"}
    text = pdfium.PdfDocument(path)[0].get_textpage().get_text_range()
    assert LIBRARY.leaflets[leaflet].leaflet.reference in text


def test_known_titles_and_sources_are_in_the_text(shipped_build):
    for (leaflet, language), title in TITLES.items():
        document = pdfium.PdfDocument(shipped_build / language / f"{leaflet}.pdf")
        text = "".join(page.get_textpage().get_text_range() for page in document)
        # pdfium reads a hyphen that ends a line as U+FFFE, and joins the lines.
        assert title in text.replace("\u202f", " ").replace("\r\n", " ").replace("\ufffe", "-")
        if leaflet == "immunotherapy-response":   # the one leaflet that cites the study
            assert "JCO Precision Oncology" in text.replace("\r\n", " ")
        # A source's title that ends with its own question mark takes no full stop.
        assert "immunothérapies ?." not in text and "?." not in text.replace(" ", "")


def test_manifest_lists_every_pdf_with_its_checksum(shipped_build):
    import hashlib

    manifest = json.loads((shipped_build / "manifest.json").read_text())
    assert {(entry["leaflet"], entry["language"]) for entry in manifest["files"]} == set(EDITIONS)
    for entry in manifest["files"]:
        data = (shipped_build / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["approval"] == "draft"


def line_edges(path: Path) -> list[tuple[float, float]]:
    """(left, right) edge of every text line of every page, from character boxes."""
    edges = []
    for page in pdfium.PdfDocument(path):
        textpage = page.get_textpage()
        lines: dict[int, list[float]] = {}
        for index in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(index)
            if right - left > 0.5:
                lines.setdefault(round(bottom), []).extend([left, right])
        edges += [(min(xs), max(xs)) for xs in lines.values()]
    return edges


def aligned(values: list[float]) -> int:
    """How many values share the most common position (within a point: the ink of the
    last letter of a line ends a little before or after its edge)."""
    counts = Counter(round(value) for value in values)
    return max(counts[position - 1] + counts[position] + counts[position + 1]
               for position in counts)


@pytest.mark.parametrize("leaflet", list(LIBRARY.leaflets))
def test_arabic_pages_are_mirrored(shipped_build, leaflet):
    arabic = line_edges(shipped_build / "ar" / f"{leaflet}.pdf")
    french = line_edges(shipped_build / "fr" / f"{leaflet}.pdf")
    # Left-to-right lines share their left edge; right-to-left lines their right edge.
    assert aligned([right for _, right in arabic]) > 2 * aligned([left for left, _ in arabic])
    assert aligned([left for left, _ in french]) > 2 * aligned([right for _, right in french])


def test_draft_editions_carry_a_watermark_on_every_page(shipped_build):
    document = pdfium.PdfDocument(shipped_build / "de" / "immunotherapy-basics.pdf")
    for page in document:
        assert "ENTWURF" in page.get_textpage().get_text_range()
