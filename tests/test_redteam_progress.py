"""Red team: languages in progress, previews and the translator's messages — what a
hostile contributor, a careless colleague or an unlucky user found, each kept fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaflets.model import load_library

from .conftest import ROOT
from .test_integrity import cli, page_texts
from .test_model import edit

LEAFLET = "immunotherapy-basics"
GERMAN_MARK = "ENTWURF"


def german_approved_in_progress(run, content: Path) -> Path:
    """Every French and German block approved, and German then put back in progress (a
    translation approved block by block, before the language is taken out of progress)."""
    assert run("approve", "--content", str(content), "--by", "Dr A. Martin", "fr", "de")[0] == 0
    edit(content / "project.yaml", "languages: [fr, en, de, tr, ar]\n",
         "languages: [fr, en, de, tr, ar]\nin_progress: [de]\n")
    return content


def manifest(output: Path) -> dict[str, dict]:
    return {entry["path"]: entry
            for entry in json.loads((output / "manifest.json").read_text())["files"]}


def test_a_language_in_progress_is_a_draft_even_with_every_block_approved(run, content,
                                                                          tmp_path):
    # README: "--lang it builds it ... (a draft, never released while in progress)". It
    # was "approved" in the manifest, with no DRAFT mark, while --release refused it.
    german_approved_in_progress(run, content)
    output = tmp_path / "out"
    code, _, err = run(*cli(content, output, "--lang", "de", "--leaflet", LEAFLET,
                            "--clinic", "generic"))
    assert code == 0, err
    assert manifest(output)[f"de/{LEAFLET}.pdf"]["approval"] == "draft"
    pages = page_texts(output / "de" / f"{LEAFLET}.pdf")
    assert pages and all(GERMAN_MARK in page for page in pages)


def test_a_release_folder_keeps_no_edition_of_a_language_in_progress(run, content, tmp_path):
    # A release removes previews and refused editions; an edition of a language in
    # progress, built earlier with --lang, stayed in the release's folder and manifest.
    german_approved_in_progress(run, content)
    output = tmp_path / "out"
    assert run(*cli(content, output, "--lang", "de", "--leaflet", LEAFLET,
                    "--clinic", "generic"))[0] == 0
    run(*cli(content, output, "--release", "--leaflet", LEAFLET, "--clinic", "generic"))
    assert not (output / "de" / f"{LEAFLET}.pdf").exists()
    assert set(manifest(output)) == {f"fr/{LEAFLET}.pdf", f"fr/{LEAFLET}.html"}


def test_mark_current_on_a_file_that_does_not_load_says_what_is_wrong_with_it(run, content):
    # It said "there is no tr text of 'tolerance'" (exit 2) of a file that is there.
    block = content / "blocks" / "tolerance" / "tr.yaml"
    edit(block, "review: {status: draft}\n", "review: {status: draft\n")
    code, _, err = run("status", "--content", str(content), "--mark-current", "tr:tolerance")
    assert code == 1, err
    assert "blocks/tolerance/tr.yaml:" in err and "there is no tr text" not in err
    assert "Traceback" not in err


def test_a_record_from_english_without_fingerprint_is_told_the_english_fingerprint(run,
                                                                                    content):
    block = content / "blocks" / "tolerance" / "de.yaml"
    edit(block, 'translation:\n  from: fr\n  fingerprint: "29ae53376b63"\n',
         "translation: {from: en}\n")
    english = load_library(ROOT / "content").blocks["tolerance"]["en"].block.fingerprint()
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert f"add 'fingerprint: \"{english}\"' (the fingerprint of en.yaml now)" in err, err


@pytest.mark.parametrize("records", [{"de": "de"}, {"de": "en", "en": "de"}])
def test_a_translation_made_from_itself_is_a_located_error(run, content, records):
    # 'from: de' in de.yaml (or de from en, en from de) was valid: mark-current wrote the
    # file's own fingerprint and the translation never went stale again, whatever the
    # French text became.
    for code, origin in records.items():
        edit(content / "blocks" / "tolerance" / f"{code}.yaml", "  from: fr\n",
             f"  from: {origin}\n")
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    chain = " → ".join(["de", *records.values()] if len(records) == 1 else ["de", "en", "de"])
    assert (f"blocks/tolerance/de.yaml:4:9: error: 'from: {records['de']}' never leads to the fr "
            f"text "
            f"({chain}); translate from fr, or from a translation of it") in err, err
