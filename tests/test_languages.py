"""Translators' workflow: stale translations with diffs, release refusals, a new language."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

from .conftest import ROOT
from .test_model import edit


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=folder, check=True, capture_output=True)


def test_editing_a_source_block_makes_exactly_its_translations_stale(run, content):
    git(content, "init", "-q")
    git(content, "add", "-A")
    git(content, "commit", "-qm", "content")
    edit(content / "blocks/tolerance/fr.yaml", "title: ", "title: Nouveau titre — ")

    code, out, _ = run("status", "--content", str(content))
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line.startswith("  ")]
    stale = {row[0] for row in rows if "stale" in row}
    assert stale == {"tolerance"}
    assert [row for row in rows if row[0] == "tolerance"][0] == [
        "tolerance", "draft", "stale", "stale", "stale", "stale"]
    assert "0 missing, 4 stale" in out
    # The translator sees what changed in the French text since they translated it.
    assert "content/blocks/tolerance/de.yaml: stale" in out
    assert "+title: Nouveau titre — " in out and "-title: " in out

    assert run("status", "--strict", "--content", str(content))[0] == 1

    code, out, _ = run("status", "--content", str(content), "--mark-current", "de:tolerance")
    assert code == 0
    assert "content/blocks/tolerance/de.yaml: fingerprint" in out
    assert "3 stale" in out


def test_release_builds_approved_editions_and_refuses_the_others(run, content, tmp_path):
    code, out, err = run("approve", "--content", str(content), "--by", "Dr Example", "--on",
                         "2026-11-20", "fr", "en")
    assert code == 0, err
    edit(content / "blocks/tolerance/fr.yaml", "title: ", "title: Modifié — ")
    output = tmp_path / "release"
    code, out, err = run("--release", "--content", str(content), "--output", str(output),
                         "--lang", "fr,en", "--clinic", "generic")
    assert code == 1
    assert "immunotherapy-side-effects (en, a4-leaflet): tolerance is stale" in err
    assert ("immunotherapy-side-effects (fr, a4-leaflet): tolerance is draft (its text or "
            "the sources it cites changed since approval on 2026-11-20)") in err
    built = sorted(str(path.relative_to(output)) for path in output.rglob("*.pdf"))
    assert built == [f"{language}/immunotherapy-{leaflet}.pdf" for language in ("en", "fr")
                     for leaflet in ("basics", "response")]
    text = "".join(page.extract_text() for page in PdfReader(output / built[0]).pages)
    assert "DRAFT" not in text and "Approved" in text


def add_spanish_content(content: Path) -> None:
    """Spanish in the settings, and a stand-in translation of every block: the English
    text, declared as translated from French."""
    edit(content / "project.yaml", "languages: [fr, en, de, tr, ar]",
         "languages: [fr, en, de, tr, ar, es]")
    for folder in (content / "blocks").iterdir():
        shutil.copy(folder / "en.yaml", folder / "es.yaml")


def test_a_language_the_code_has_never_seen_builds_from_content_and_a_catalog(
        run, content, tmp_path):
    add_spanish_content(content)
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    catalog = locales / "es" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    text = (locales / "en" / "LC_MESSAGES" / "messages.po").read_text()
    text = text.replace('"Language: en\\n"', '"Language: es\\n"')
    catalog.write_text(text.replace('msgstr "Page %(page)s of %(pages)s"',
                                    'msgstr "Página %(page)s de %(pages)s"'))
    output = tmp_path / "output"
    code, out, err = run("--content", str(content), "--locales", str(locales),
                         "--output", str(output), "--lang", "es")
    assert code == 0, err
    reader = PdfReader(output / "es" / "immunotherapy-basics.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert re.search(r"Página 1 de \d", reader.pages[0].extract_text())


def test_a_language_without_catalog_is_refused_with_the_command_to_create_it(
        run, content, tmp_path):
    add_spanish_content(content)
    code, _, err = run("check", "--content", str(content), "--lang", "es")
    assert code == 1
    assert ("no catalog for language 'es': create it with 'pybabel init -i "
            "locales/messages.pot -d locales -l es' and translate it") in err


def test_a_character_no_font_covers_fails_check_with_its_place(run, content):
    edit(content / "blocks/tolerance/tr.yaml", "title: ", "title: ☃ ")
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert ("content/blocks/tolerance/tr.yaml:6:8: error: U+2603 '☃' (SNOWMAN) has no glyph in "
            "Noto Sans") in err
