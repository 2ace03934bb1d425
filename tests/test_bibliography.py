"""The sources list says only what the sources say (issue #19): each entry drawn from a
seed text carries words that the seed itself has — its publisher, title and date — and
nothing a colleague made up to fill a gap; what a source does not give is printed as
"not given", in the reader's language."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml

from leaflets.cli import main
from leaflets.paths import CHECKOUT as ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
SOURCES_FILE = ROOT / "content" / "sources.yaml"
SOURCES = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))
FRENCH_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre"]


def _comparable(text: str) -> str:
    """Text with the differences a copy may make taken out: case, spacing, line breaks,
    the shape of apostrophes and ellipses."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2026", "...")
    return re.sub(r"\s+", "", text)


def _ways_a_date_is_written(published) -> list[str]:
    """How a French text writes a date: '2020'; 'octobre 2023' or '2018-06';
    '20 avril 2017'."""
    text = str(published)
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 1:
        return [text]
    month = FRENCH_MONTHS[parts[1] - 1]
    if len(parts) == 2:
        return [text, f"{month} {parts[0]}"]
    return [text, f"{parts[2]} {month} {parts[0]}"]


def _seeded():
    for source_id, source in SOURCES.items():
        if "seed" in source:
            yield pytest.param(source_id, source, id=source_id)


def _seed_text(source) -> str:
    path = SEEDS / source["seed"]
    assert path.is_file(), f"seed {source['seed']} is not in {SEEDS}"
    return _comparable(path.read_text(encoding="utf-8"))


def test_every_source_says_where_it_comes_from():
    for source_id, source in SOURCES.items():
        assert "seed" in source or "url" in source, (
            f"{source_id}: name the seed it was read from (seed:) or its address (url:)")


@pytest.mark.parametrize(("source_id", "source"), list(_seeded()))
def test_a_seeded_source_s_publisher_and_title_are_words_of_its_seed(source_id, source):
    seed = _seed_text(source)
    for field in ("publisher", "title"):
        if field in source:
            assert _comparable(source[field]) in seed, (
                f"{source_id}: its {field} {source[field]!r} is not in {source['seed']}")


@pytest.mark.parametrize(("source_id", "source"), list(_seeded()))
def test_a_seeded_source_s_date_is_the_date_its_seed_gives(source_id, source):
    if "published" not in source:
        return
    seed = _seed_text(source)
    written = _ways_a_date_is_written(source["published"])
    assert any(_comparable(way) in seed for way in written), (
        f"{source_id}: its date {source['published']} is not in {source['seed']} "
        f"(looked for {written})")


def test_no_entry_marks_a_value_as_made_up():
    """A comment that calls a value 'descriptive' or 'invented' means the list prints, in
    italics, as a title, something the source never had."""
    marked = [line for line in SOURCES_FILE.read_text(encoding="utf-8").splitlines()
              if re.search(r"#.*\b(descriptive|invented|made up|approximat|guess)", line, re.I)]
    assert marked == []


@pytest.fixture(scope="module")
def response_leaflet(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("bibliography")
    assert main(["--output", str(output), "--leaflet", "immunotherapy-response",
                 "--lang", "fr,ar", "--variant", "screen", "--clinic", "generic"]) == 0
    return output


def _text(path: Path) -> str:
    text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(path))
    return text.replace("\r\n", " ").replace("\ufffe", "-")


@pytest.mark.parametrize(("language", "not_given"), [
    ("fr", ["Éditeur non indiqué", "Titre non indiqué", "Date non indiquée"]),
    ("ar", ["الناشر غير مذكور", "العنوان غير مذكور", "التاريخ غير مذكور"]),
])
def test_what_a_source_does_not_give_is_said_in_the_reader_s_language(
        response_leaflet, language, not_given):
    text = _text(response_leaflet / language / "immunotherapy-response.pdf")
    for words in not_given:
        # pdfium reads an Arabic phrase inside a left-to-right line word by word in the
        # line's order; the page (looked at) shows it right to left.
        assert words in text or " ".join(reversed(words.split())) in text
    # The figures cite the study itself, as the published record gives it (a research
    # article, 2019), not the Curie press release about it, which IMM-02 does not list.
    assert "Comparative Analysis of Durable Responses" in text
    assert "Immunothérapie : 25 % des patients" not in text
    assert "vedette du congrès" not in text
