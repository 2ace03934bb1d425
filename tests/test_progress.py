"""Languages in progress and translation previews: a language being translated is checked
but not built, and a preview shows it with what is not translated yet in the source
language, framed, marked DRAFT, under a name no real edition has."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest

from leaflets.model import load_library

from .conftest import ROOT
from .test_integrity import cli, page_texts
from .test_model import edit

LEAFLET = "immunotherapy-side-effects"
TRANSLATED = "side-effects-cover"   # the one block translated into Spanish
SPANISH_TITLE = "Efectos secundarios"
LABEL = "Sin traducir todavía — se muestra en francés"
MARK = "BORRADOR — no aprobado para pacientes"


def spanish_in_progress(content: Path) -> Path:
    """Spanish declared in progress, one block written in it, no translation record yet."""
    edit(content / "project.yaml", "languages: [fr, en, de, tr, ar]\n",
         "languages: [fr, en, de, tr, ar, es]\nin_progress: [es]\n")
    (content / "blocks" / TRANSLATED / "es.yaml").write_text(
        f"type: cover\nreview: {{status: draft}}\ntitle: {SPANISH_TITLE}\n"
        "subtitle: Lo que hay que saber\n"
        "intro: |\n  Este documento presenta los posibles efectos de la inmunoterapia.\n")
    return content / "blocks" / TRANSLATED / "es.yaml"


def spanish_catalog(tmp_path: Path) -> Path:
    """The shipped catalogs and a Spanish one (the English one, its DRAFT mark and frame
    label in Spanish)."""
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    text = (locales / "en" / "LC_MESSAGES" / "messages.po").read_text()
    for old, new in (('"Language: en\\n"', '"Language: es\\n"'),
                     ('msgstr "DRAFT — not approved for patients"', f'msgstr "{MARK}"'),
                     ('msgstr "Not yet translated — shown in %(language)s"',
                      'msgstr "Sin traducir todavía — se muestra en %(language)s"')):
        assert old in text
        text = text.replace(old, new)
    catalog = locales / "es" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(text)
    return locales


@pytest.fixture
def spanish(run, content) -> Path:
    """Spanish in progress, its one block given the record the check message tells."""
    block = spanish_in_progress(content)
    code, _, err = run("check", "--content", str(content))
    line = re.search(r"add '(translation: \{from: fr, fingerprint: \"[0-9a-f]{12}\"\})'", err)
    assert code == 1 and line, err
    edit(block, "review: {status: draft}\n", f"review: {{status: draft}}\n{line[1]}\n")
    return content


def test_a_translation_without_record_is_told_the_exact_record_to_write(run, content):
    spanish_in_progress(content)
    fingerprint = load_library(ROOT / "content").blocks[TRANSLATED]["fr"].block.fingerprint()
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert f"blocks/{TRANSLATED}/es.yaml:1:1: error: missing required field 'translation'" in err
    assert (f"add 'translation: {{from: fr, fingerprint: \"{fingerprint}\"}}' (the fingerprint "
            f"of the fr text now), or 'python3 build.py status --mark-current es:{TRANSLATED}' "
            "writes it") in err


def test_a_record_without_fingerprint_is_told_the_fingerprint(run, content):
    block = spanish_in_progress(content)
    edit(block, "review: {status: draft}\n", "review: {status: draft}\ntranslation: {from: fr}\n")
    fingerprint = load_library(ROOT / "content").blocks[TRANSLATED]["fr"].block.fingerprint()
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert (f"es.yaml:3:14: error: missing required field 'fingerprint'; add 'fingerprint: "
            f"\"{fingerprint}\"' (the fingerprint of fr.yaml now)") in err


def test_mark_current_writes_a_missing_record(run, content):
    block = spanish_in_progress(content)
    code, out, _ = run("status", "--content", str(content), "--mark-current", f"es:{TRANSLATED}")
    fingerprint = load_library(content).blocks[TRANSLATED]["fr"].block.fingerprint()
    assert code == 0 and "translation record added" in out
    assert block.read_text().splitlines()[:3] == [
        "type: cover", "review: {status: draft}",
        f'translation: {{from: fr, fingerprint: "{fingerprint}"}}']
    assert run("check", "--content", str(content))[0] == 0


def test_a_language_in_progress_is_checked_but_not_built(run, spanish, tmp_path):
    code, out, err = run("check", "--content", str(spanish))
    assert code == 0, err
    assert ("language 'es' is in progress: 1 of 32 blocks translated; not built unless asked "
            "for (preview it with 'python3 build.py --lang es --preview')") in out.splitlines()
    output = tmp_path / "out"
    code, _, err = run(*cli(spanish, output, "--leaflet", LEAFLET, "--clinic", "generic"))
    assert code == 0, err
    manifest = json.loads((output / "manifest.json").read_text())["files"]
    assert {entry["language"] for entry in manifest} == {"fr", "en", "de", "tr", "ar"}
    assert not (output / "es").exists() and not (output / "index.es.html").exists()


def test_status_lists_the_missing_blocks_of_a_language_in_progress(run, spanish):
    code, out, _ = run("status", "--content", str(spanish), "--strict")
    assert code == 0   # missing blocks of a language in progress are status, not errors
    header = next(line for line in out.splitlines() if line.startswith("status"))
    assert header.split()[-1] == "es"
    rows = {line.split()[0]: line.split()[-1] for line in out.splitlines()
            if line.startswith("  ")}
    assert rows[TRANSLATED] == "draft" and rows["when-to-tell"] == "missing"
    assert "language 'es' is in progress: 1 of 32 blocks translated" in out


def test_building_a_language_in_progress_lists_what_is_missing_and_says_preview(
        run, spanish, tmp_path):
    code, _, err = run(*cli(spanish, tmp_path / "out", "--lang", "es", "--leaflet", LEAFLET))
    assert code == 1
    problems = [line for line in err.splitlines() if ": language 'es'" in line]
    assert len(problems) == 1, err   # one message, not one per block
    assert re.match(r".*project\.yaml:7:\d+: error: language 'es' is in progress: 16 blocks have "
                    r"no 'es' translation yet \(what-is-immunotherapy, tolerance, .*\); "
                    r"build a preview.* with '--lang es --preview'", problems[0])
    assert not (tmp_path / "out" / "es").exists()


def test_a_language_in_progress_is_never_released(run, spanish, tmp_path):
    code, _, err = run(*cli(spanish, tmp_path / "out", "--lang", "es", "--release"))
    assert code == 1 and "language 'es' is in progress" in err


def test_preview_and_release_exclude_each_other(run, spanish, tmp_path):
    code, _, err = run(*cli(spanish, tmp_path / "out", "--lang", "es", "--preview",
                            "--release"))
    assert code == 2 and "--preview and --release exclude each other" in err


def test_a_preview_without_a_catalog_says_how_to_create_it(run, spanish, tmp_path):
    code, _, err = run(*cli(spanish, tmp_path / "out", "--lang", "es", "--preview"))
    assert code == 1
    assert ("no catalog for language 'es': create it with 'pybabel init -i "
            "locales/messages.pot -d locales -l es' and translate it") in err


def test_a_preview_frames_what_is_not_translated_and_is_never_distributed(
        run, spanish, tmp_path):
    edit(spanish / "clinics/clinique-des-tilleuls.yaml", "languages: [fr, en, ar]",
         "languages: [fr, en, ar, es]")
    locales, output = spanish_catalog(tmp_path), tmp_path / "out"
    clinic = "clinique-des-tilleuls"
    assert run(*cli(spanish, output, "--leaflet", LEAFLET, "--lang", "fr",
                    "--clinic", clinic))[0] == 0
    code, out, err = run(*cli(spanish, output, "--locales", str(locales), "--leaflet", LEAFLET,
                              "--lang", "es", "--preview"))
    assert code == 0, err
    preview = output / "es" / f"{LEAFLET}.preview.pdf"
    pages = page_texts(preview)
    assert pages and all(MARK in page for page in pages)
    text = "".join(pages)
    # Every other block framed, each under its label; the translated one in Spanish,
    # unframed.
    blocks = load_library(ROOT / "content").leaflets[LEAFLET].leaflet.blocks
    assert text.count(LABEL) == len(blocks) - 1
    assert SPANISH_TITLE in text and "Des réactions à connaître, même après" in text
    assert "Effets secondaires et vie quotidienne" not in text
    # The framed text is tagged French; the document is Spanish.
    with pikepdf.open(preview) as pdf:
        assert str(pdf.Root.Lang) == "es"
        languages = {str(item.get("/Lang")) for item in pdf.objects
                     if isinstance(item, pikepdf.Dictionary) and "/Lang" in item}
    assert "fr" in languages
    manifest = {entry["path"]: entry for entry in
                json.loads((output / "manifest.json").read_text())["files"]}
    assert manifest[f"es/{LEAFLET}.preview.pdf"]["approval"] == "preview"
    assert manifest[f"clinics/{clinic}/es/{LEAFLET}.preview.pdf"]["approval"] == "preview"
    catalogue = "".join(path.read_text() for path in output.rglob("index*.html"))
    assert "preview" not in catalogue and not (output / "index.es.html").exists()
    code, _, err = run("bundle", "--content", str(spanish), "--output", str(output),
                       "--clinic", clinic)
    assert code == 0, err
    names = zipfile.ZipFile(output / "bundles" / f"{clinic}.zip").namelist()
    assert f"{clinic}/fr/{LEAFLET}.pdf" in names
    assert not [name for name in names if "preview" in name or "/es/" in name]
    # A later build of other editions keeps the preview.
    assert run(*cli(spanish, output, "--leaflet", LEAFLET, "--lang", "fr",
                    "--clinic", clinic))[0] == 0
    assert preview.is_file()


def test_a_preview_of_a_language_not_in_progress_works_too(run, content, tmp_path):
    (content / "blocks" / "when-to-tell" / "de.yaml").unlink()
    output = tmp_path / "out"
    code, _, err = run(*cli(content, output, "--leaflet", LEAFLET, "--lang", "de",
                            "--preview", "--clinic", "generic"))
    assert code == 0, err
    text = "".join(page_texts(output / "de" / f"{LEAFLET}.preview.pdf"))
    assert text.count("Noch nicht übersetzt — hier auf Französisch") == 1
    assert "ENTWURF" in text


def test_a_block_of_a_language_in_progress_is_still_checked(run, spanish):
    edit(spanish / "blocks" / TRANSLATED / "es.yaml", "title:", "titel:")
    code, _, err = run("check", "--content", str(spanish))
    assert code == 1
    assert re.search(rf"blocks/{TRANSLATED}/es\.yaml:\d+:1: error: unknown field 'titel' "
                     r"\(did you mean 'title'\?\)", err), err


@pytest.mark.parametrize("in_progress, column, message", [
    ("[it]", 15, "language 'it' is in progress but not one of the languages (fr, en, de, tr, "
                 "ar); add it to 'languages' too"),
    ("[fr]", 15, "'fr' is the source language: it is written, not translated, so it cannot "
                 "be in progress"),
    ("[de, de]", 19, "language 'de' is listed twice; list each language once"),
])
def test_a_wrong_language_in_progress_is_a_located_error(run, content, in_progress, column,
                                                         message):
    edit(content / "project.yaml", "languages: [fr, en, de, tr, ar]\n",
         f"languages: [fr, en, de, tr, ar]\nin_progress: {in_progress}\n")
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and f"project.yaml:7:{column}: error: {message}" in err, err
