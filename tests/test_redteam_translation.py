"""Red team, translation interchange and spelling (issue 17): what broke, kept broken no more."""

from __future__ import annotations

import shutil

import pytest
from babel.messages.pofile import read_po, write_po
from lxml import etree

from leaflets.model import load_library
from leaflets.spelling import DICTIONARY_FOLDER

from .conftest import ROOT

needs_dictionaries = pytest.mark.skipif(
    not (DICTIONARY_FOLDER / "en_GB.dic").exists(),
    reason="the hunspell-* packages of bootstrap.SYSTEM_PACKAGES are not installed")


@needs_dictionaries
def export_stale_english(run, content, tmp_path):
    """The English XLIFF of what is new or stale, less the clinic units nobody translated."""
    exported = tmp_path / "en.xlf"
    code, _, err = run("translate", "export", "--lang", "en", "--stale", "--content",
                       str(content), "-o", str(exported))
    assert code == 0, err
    tree = etree.parse(str(exported))
    for unit in tree.iterfind(".//{*}unit"):
        if unit.find(".//{*}target") is None:
            unit.getparent().remove(unit)
    tree.write(str(exported))
    return exported


def assert_imported_as_still_stale(run, content, exported) -> None:
    """Importing the file changes nothing of tolerance/en.yaml, which stays stale."""
    before = (content / "blocks/tolerance/en.yaml").read_bytes()
    code, _, err = run("translate", "import", str(exported), "--content", str(content))
    assert code == 0, err
    assert (content / "blocks/tolerance/en.yaml").read_bytes() == before
    code, out, err = run("status", "--content", str(content))
    assert "blocks/tolerance/en.yaml: stale" in out + err


@pytest.mark.parametrize("damage", ["[]", '"text"', "3", '{"Patient": "no", "x": null}'])
def test_a_cache_of_verdicts_that_is_json_but_not_verdicts_is_ignored(run, content, tmp_path,
                                                                     monkeypatch, damage):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (content / "blocks/tolerance/en.yaml").write_text(
        (content / "blocks/tolerance/en.yaml").read_text().replace("title: ", "title: Wrld ", 1))
    code, first, err = run("check", "--content", str(content))
    assert code == 0, err
    caches = list((tmp_path / "cache/leaflets").glob("spelling-*.json"))
    assert caches
    for cache in caches:
        cache.write_text(damage)
    code, again, err = run("check", "--content", str(content))
    assert code == 0 and "Traceback" not in err, err
    assert again == first and "'Wrld' is not in the en dictionary" in err


def test_translate_new_keeps_the_crlf_line_ends_of_project_yaml(run, content, tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    project = content / "project.yaml"
    lines = project.read_bytes().decode().split("\n")
    project.write_bytes("\r\n".join(lines).encode())
    code, _, err = run("translate", "new", "es", "--content", str(content), "--locales",
                       str(locales), "-o", str(tmp_path / "es.xlf"))
    assert code == 0, err
    after = project.read_bytes().decode()
    assert after.count("\r\n") == after.count("\n") == len(lines)    # one line more, all CRLF
    assert "\r\nlanguages: [fr, en, de, tr, ar, es]\r\nin_progress: [es]" in after
    changed = set(after.split("\r\n")) - set(lines)
    assert len(changed) == 2, changed


def test_a_fuzzy_po_entry_is_not_imported_so_a_stale_block_stays_stale(run, content, tmp_path):
    source = content / "blocks/tolerance/fr.yaml"
    source.write_text(source.read_text().replace("en général mieux", "souvent mieux", 1))
    exported = tmp_path / "en.po"
    code, _, err = run("translate", "export", "--lang", "en", "--stale", "--format", "po",
                       "--content", str(content), "-o", str(exported))
    assert code == 0, err
    with exported.open("rb") as file:
        catalog = read_po(file)
    assert any(message.fuzzy for message in catalog if message.context == "tolerance/title")
    for message in list(catalog):      # the clinic units nobody translated: left out
        if message.id and not message.string:
            catalog.delete(message.id, context=message.context)
    with exported.open("wb") as file:
        write_po(file, catalog, width=0)
    assert_imported_as_still_stale(run, content, exported)


def test_an_approved_stale_block_imported_unchanged_is_a_draft_again(run, content, tmp_path):
    source = content / "blocks/tolerance/fr.yaml"
    source.write_text(source.read_text().replace("en général mieux", "souvent mieux", 1))
    english = content / "blocks/tolerance/en.yaml"
    english.write_text(english.read_text().replace(
        "review: {status: draft}", "review: {status: approved, by: Dr X, on: 2026-01-01}"))
    exported = export_stale_english(run, content, tmp_path)
    # Left 'initial', its units are not confirmed: nothing changes and it stays stale.
    code, out, err = run("translate", "import", str(exported), "--content", str(content))
    assert code == 0, err
    code, out, err = run("status", "--content", str(content))
    assert "blocks/tolerance/en.yaml: stale" in out + err
    # Confirmed unchanged ('translated'), it is the translator's: a draft again, never
    # the approval of a translation of another source text.
    tree = etree.parse(str(exported))
    for segment in tree.iterfind(".//{*}segment"):
        segment.set("state", "translated")
    tree.write(str(exported))
    code, out, err = run("translate", "import", str(exported), "--content", str(content))
    assert code == 0, err
    assert "tolerance/en.yaml: updated, draft" in out
    assert load_library(content).blocks["tolerance"]["en"].block.review.status == "draft"


def test_an_xliff_stale_unit_left_initial_is_not_imported_so_the_block_stays_stale(
        run, content, tmp_path):
    """As a fuzzy PO entry: a stale block's units are exported 'initial' with the old
    translation; a CAT tool that leaves them so has not confirmed them."""
    source = content / "blocks/tolerance/fr.yaml"
    source.write_text(source.read_text().replace("en général mieux", "souvent mieux", 1))
    exported = export_stale_english(run, content, tmp_path)
    assert_imported_as_still_stale(run, content, exported)
    # Once the translator marks the title translated, it is imported, as a draft.
    tree = etree.parse(str(exported))
    segment = tree.find(".//{*}unit[@name='tolerance/title']/{*}segment")
    segment.set("state", "translated")
    tree.write(str(exported))
    code, out, err = run("translate", "import", str(exported), "--content", str(content))
    assert code == 0 and "tolerance/en.yaml: updated, draft" in out, out + err
