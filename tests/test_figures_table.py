"""docs/figures.md lists every figure the library prints with its measure, population and
source (issue #19): checked here against the leaflets and against the sources' own words,
so that the table cannot drift from what is printed, nor claim what a source does not say."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from leaflets.i18n import format_figure
from leaflets.languages import language
from leaflets.markup import passages
from leaflets.model import KeyFiguresBlock, load_library
from leaflets.model.citations import cited_sources

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "figures.md"
SEEDS = ROOT.parent / "shared" / "seeds"
SOURCES_TEXT = (ROOT / "content" / "sources.yaml").read_text(encoding="utf-8")
LIBRARY = load_library(ROOT / "content")
FRENCH = language("fr")
# A number in prose: not a year, not part of a name (PD-1, CTLA-4, interleukine 2).
SPACE = r"[\s\u00a0\u202f]"
NUMBER = re.compile(rf"(?<![\w\-\u2060])\d+(?:{SPACE}\d{{3}})*(?:,\d+)?(?:{SPACE}?%)?")
NOT_FIGURES = re.compile(r"^(19|20)\d\d$")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u2060", "")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip().lower()


def _rows() -> list[dict[str, str]]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines()
             if line.startswith("| IMM-")]
    keys = ["leaflet", "block", "figure", "measure", "population", "source", "says"]
    return [dict(zip(keys, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
            for line in lines]


ROWS = _rows()
REFERENCES = {leaflet_file.leaflet.reference: leaflet_id
              for leaflet_id, leaflet_file in LIBRARY.leaflets.items()}


def _french(block_id: str):
    return LIBRARY.blocks[block_id]["fr"].block


def _printed_figures():
    """(leaflet reference, block, figure as printed, source) for every figure of every
    leaflet: each key figure, and each number in the prose of a block."""
    for leaflet_file in LIBRARY.leaflets.values():
        reference = leaflet_file.leaflet.reference
        for block_id in leaflet_file.leaflet.blocks:
            block = _french(block_id)
            figures = block.figures if isinstance(block, KeyFiguresBlock) else []
            cards = [(_plain(format_figure(figure.value, figure.style, FRENCH)), figure.source)
                     for figure in figures]
            yield from ((reference, block_id, value, source) for value, source in cards)
            for passage in passages(block):
                for match in NUMBER.finditer(passage):
                    number = _plain(match[0])
                    if not NOT_FIGURES.match(number) and "interleukine " + number not in \
                            _plain(passage):
                        yield reference, block_id, number, None


def test_the_table_has_rows():
    assert len(ROWS) >= 9 and {row["leaflet"] for row in ROWS} <= set(REFERENCES)


@pytest.mark.parametrize("printed", list(dict.fromkeys(_printed_figures())),
                         ids=lambda printed: f"{printed[0]}-{printed[1]}-{printed[2]}")
def test_every_printed_figure_is_a_row_of_the_table(printed):
    reference, block_id, value, source = printed
    rows = [row for row in ROWS if (row["leaflet"], row["block"], _plain(row["figure"]))
            == (reference, block_id, value)]
    assert rows, f"{reference} {block_id} prints {value!r}: add it to docs/figures.md"
    if source is not None:
        assert rows[0]["source"] == source


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['block']}-{row['figure']}")
def test_each_row_is_printed_where_it_says_with_the_source_it_says(row):
    leaflet = LIBRARY.leaflets[REFERENCES[row["leaflet"]]].leaflet
    assert row["block"] in leaflet.blocks
    block = _french(row["block"])
    printed = " ".join([*passages(block), *(
        format_figure(figure.value, figure.style, FRENCH)
        for figure in getattr(block, "figures", ()))])
    assert _plain(row["figure"]) in _plain(printed)
    assert row["source"] in cited_sources(block)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['block']}-{row['figure']}")
def test_what_a_row_says_the_source_says_is_in_the_source(row):
    """In the seed the entry was read from, or in the page words sources.yaml records for
    it (the YAML comments under its entry)."""
    source = yaml.safe_load(SOURCES_TEXT)[row["source"]]
    if "seed" in source:
        text = (SEEDS / source["seed"]).read_text(encoding="utf-8")
    else:
        entry = re.search(rf"^{re.escape(row['source'])}:\n(.*?)(?=^\S|\Z)", SOURCES_TEXT,
                          re.M | re.S)[1]
        text = " ".join(line.strip().lstrip("#").strip() for line in entry.splitlines())
    assert len(row["says"]) > 8 and _plain(row["says"]) in _plain(text), (row["source"],
                                                                         row["says"])
