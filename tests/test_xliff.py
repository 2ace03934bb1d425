"""XLIFF 2.0 and PO export and import of content, edited as a CAT tool would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import xliff2

from leaflets import interchange
from leaflets.errors import ContentError
from leaflets.interchange import inline
from leaflets.interchange.xliff import XLIFF
from leaflets.model import load_library

ROOT = Path(__file__).resolve().parent.parent
X = {"x": XLIFF}


@pytest.fixture
def content(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    return copy


def _export(content: Path, tmp_path: Path, kind: str = "xliff") -> Path:
    path = tmp_path / f"de.{'po' if kind == 'po' else 'xlf'}"
    path.write_bytes(interchange.export(load_library(content), "de", kind))
    return path


def _cat_tool_edit(path: Path, targets: dict[str, str]) -> None:
    """Set targets through translate-toolkit's XLIFF 2 store, and save it as it does."""
    store = xliff2.Xliff2File.parsefile(str(path))
    for unit in store.units:
        if unit.getid() in targets:
            unit.target = targets[unit.getid()]
    path.write_bytes(bytes(store))


def test_german_round_trip_through_a_cat_tool_records_the_exported_fingerprint(content, tmp_path):
    exported_from = load_library(content).blocks["tolerance"]["fr"].block.fingerprint()
    path = _export(content, tmp_path)
    _cat_tool_edit(path, {"tolerance:title": "Meist viel besser verträglich"})
    lines = interchange.import_file(load_library(content), path)
    assert len(lines) == 1 and "tolerance/de.yaml: updated, draft" in lines[0]
    german = load_library(content).blocks["tolerance"]["de"].block
    assert german.title == "Meist viel besser verträglich"
    assert german.translation.fingerprint == exported_from
    assert german.review.status == "draft"


def test_a_source_changed_after_export_makes_the_block_stale(content, tmp_path):
    path = _export(content, tmp_path)
    french = content / "blocks/tolerance/fr.yaml"
    french.write_text(french.read_text().replace("Un traitement", "Un soin"))
    _cat_tool_edit(path, {"tolerance:title": "Meist viel besser verträglich"})
    library = load_library(content)
    lines = interchange.import_file(library, path)
    assert "changed since the export" in lines[0] and "stale" in lines[0]
    german = load_library(content).blocks["tolerance"]["de"].block
    assert german.translation.fingerprint != library.blocks["tolerance"]["fr"].block.fingerprint()


@pytest.mark.parametrize("markdown", [
    "Voir **le carnet** et *vos notes* sur [le site](https://example.org/a_b?x=1).",
    "Un ![schéma du corps](body.png) puis  \nune ligne.\n\n- un\n- deux *trois*\n",
    "snake_case et a * b restent du texte",
    "Un fait [@arc-2020]. Un autre, **gras** [@asco-2018-news].",
])
def test_markdown_is_cut_into_codes_and_joined_back_byte_for_byte(markdown):
    assert inline.joined(inline.cut(markdown)) == markdown


def test_links_and_emphasis_survive_an_xliff_round_trip_byte_for_byte(content, tmp_path):
    body = ("Lisez **ce carnet** et *vos notes* sur [le site](https://example.org/a_b).\n\n"
            "- un point\n- un autre\n")
    french = content / "blocks/tolerance/fr.yaml"
    text = french.read_text()
    french.write_text(text[:text.index("body:")] + "body: |\n" + "".join(
        f"  {line}\n" if line else "\n" for line in body.rstrip("\n").split("\n")))
    path = _export(content, tmp_path)
    tree = etree.parse(str(path))
    unit = tree.find(".//x:unit[@name='tolerance/body']", X)
    assert unit.find(".//x:source/x:pc", X) is not None   # the markup is protected
    target = unit.find(".//x:target", X)
    segment = unit.find("x:segment", X)
    if target is not None:
        segment.remove(target)
    copied = etree.tostring(segment.find("x:source", X))   # a CAT tool's "copy source"
    segment.append(etree.fromstring(copied.replace(b"<source", b"<target")
                                    .replace(b"</source", b"</target")))
    segment.set("state", "translated")   # confirmed, as a CAT tool marks it
    tree.write(str(path))
    interchange.import_file(load_library(content), path)
    assert load_library(content).blocks["tolerance"]["de"].block.body == body


def test_a_citation_is_a_code_the_translator_cannot_break(content, tmp_path):
    """[@id] reaches a CAT tool as a standalone code showing the id, never as words to
    translate; translate-toolkit reads it as a placeholder of the source."""
    path = _export(content, tmp_path)
    source = etree.parse(str(path)).find(
        ".//x:unit[@name='why-no-response/body']/x:segment/x:source", X)
    codes = [ph.get("disp") for ph in source.iter(f"{{{XLIFF}}}ph") if "@" in ph.get("disp")]
    assert codes == ["[@patient-space-2023]", "[@asco-2018-news]", "[@arc-2020]"]
    assert all(ph.get("canDelete") == "no" for ph in source.iter(f"{{{XLIFF}}}ph"))
    assert "[@" not in "".join(source.itertext())
    unit = next(unit for unit in xliff2.Xliff2File.parsefile(str(path)).units
                if unit.getid() == "why-no-response:body")
    assert "[@" not in unit.source


def _target_of(path: Path, name: str) -> etree._Element:
    tree = etree.parse(str(path))
    return tree, tree.find(f".//x:unit[@name='{name}']//x:target", X)


def test_every_import_error_is_located_and_nothing_is_written(content, tmp_path):
    path = _export(content, tmp_path)
    tree, target = _target_of(path, "questions-checklist/intro")
    target.remove(target.find("x:ph", X))                      # a dropped code
    tree.find(".//x:unit[@name='tolerance/title']", X).set("name", "tolerance/colour")
    tree.find(".//x:unit[@name='contact/title']//x:target", X).text = " "
    tree.find(".//x:unit[@name='daily-life/title']//x:target", X).text = "Alltag\u202e"
    tree.find(".//x:unit[@name='sources/title']//x:target", X).text = "Quellen \u2603"
    tree.write(str(path))
    before = (content / "blocks/tolerance/de.yaml").read_bytes()
    with pytest.raises(ContentError) as raised:
        interchange.import_file(load_library(content), path)
    messages = [str(problem) for problem in raised.value.problems]
    expected = ["inline code 1", "unknown unit id 'tolerance/colour'", "is empty",
                "U+202E", "U+2603 '☃' (SNOWMAN) has no glyph in Noto Sans"]
    for wanted in expected:
        found = [message for message in messages if wanted in message]
        assert found, (wanted, messages)
        where, line, column = found[0].split(":")[:3]
        assert where.endswith("de.xlf") and int(line) > 1 and int(column) >= 1
    assert (content / "blocks/tolerance/de.yaml").read_bytes() == before


def test_a_broken_xml_file_is_located(content, tmp_path):
    path = tmp_path / "de.xlf"
    path.write_text('<?xml version="1.0"?>\n<xliff version="2.0">\n<file>\n</xliff>\n')
    with pytest.raises(ContentError, match=r"de\.xlf:4:\d+: not well-formed XML"):
        interchange.import_file(load_library(content), path)


def test_po_round_trip(content, tmp_path):
    from babel.messages.pofile import read_po, write_po

    path = _export(content, tmp_path, "po")
    with path.open("rb") as file:
        catalog = read_po(file)
    catalog.get("Un traitement en général mieux supporté", context="tolerance/title").string = \
        "Meist gut verträglich"
    with path.open("wb") as file:
        write_po(file, catalog, width=0)
    lines = interchange.import_file(load_library(content), path)
    assert len(lines) == 1
    assert load_library(content).blocks["tolerance"]["de"].block.title == "Meist gut verträglich"


def _notes(path: Path, name: str, category: str) -> list[str]:
    unit = etree.parse(str(path)).find(f".//x:unit[@name='{name}']", X)
    return [note.text for note in unit.iterfind(f"x:notes/x:note[@category='{category}']", X)]


def _git(folder: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                    "-c", "commit.gpgsign=false", *arguments], cwd=folder, check=True,
                   capture_output=True)


def test_a_stale_unit_carries_the_source_diff_since_its_translation(content, tmp_path):
    _git(content, "init", "-q")
    _git(content, "add", ".")
    _git(content, "commit", "-q", "-m", "the content as translated")
    french = content / "blocks/tolerance/fr.yaml"
    french.write_text(french.read_text().replace("Un traitement en général mieux supporté",
                                                 "Un soin en général mieux supporté"))
    path = _export(content, tmp_path)
    [note] = _notes(path, "tolerance/title", "stale")
    assert note.startswith("stale: the source changed since this translation")
    assert "    -title: Un traitement en général mieux supporté" in note.splitlines()
    assert "    +title: Un soin en général mieux supporté" in note.splitlines()
    assert not _notes(path, "contact/title", "stale")   # a current block has none


def test_a_stale_unit_without_git_history_says_to_compare_the_whole_text(content, tmp_path):
    french = content / "blocks/tolerance/fr.yaml"
    french.write_text(french.read_text().replace("Un traitement", "Un soin"))
    [note] = _notes(_export(content, tmp_path), "tolerance/title", "stale")
    assert note.endswith("that version is not in git history, so compare the whole text")


def test_a_unit_using_a_glossary_term_has_its_approved_german_forms(content, tmp_path):
    path = _export(content, tmp_path)
    assert "glossary: immunothérapie → Immuntherapie" in _notes(path, "tolerance/body",
                                                                "context")
    assert not any(note.startswith("glossary: immunothérapie")
                   for note in _notes(path, "tolerance/title", "context"))
    catalog = path.with_name("de.po")
    catalog.write_bytes(interchange.export(load_library(content), "de", "po"))
    assert "#. glossary: immunothérapie → Immuntherapie" in catalog.read_text()


def test_an_import_that_check_would_refuse_writes_nothing(content, tmp_path):
    """A target that starts a body with a heading is what 'check' refuses: import refuses it
    first, at the unit, instead of writing a block the next build stops at."""
    path = _export(content, tmp_path)
    tree, target = _target_of(path, "tolerance/body")
    for child in list(target):
        target.remove(child)
    target.text = "# Überschrift\n\nEin Absatz."
    tree.write(str(path))
    before = (content / "blocks/tolerance/de.yaml").read_bytes()
    with pytest.raises(ContentError) as raised:
        interchange.import_file(load_library(content), path)
    messages = [str(problem) for problem in raised.value.problems]
    assert any("de.xlf:" in message and "is a heading inside a body" in message
               for message in messages), messages
    assert (content / "blocks/tolerance/de.yaml").read_bytes() == before
