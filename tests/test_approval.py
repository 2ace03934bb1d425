"""Approval bound to the text, and text that cannot lie: what the README's "Approving"
section promises, tried the way a hurried or hostile contributor would."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from .test_integrity import cli, page_texts
from .test_model import edit

SIDE_EFFECTS = "immunotherapy-side-effects"


def blocks_of(content: Path, leaflet: str) -> list[str]:
    text = (content / f"leaflets/{leaflet}.yaml").read_text().split("omit:")[0]
    return [line.strip(" -") for line in text.splitlines() if line.startswith("  - ")]


def approve(run, content: Path, *specs: str) -> None:
    code, out, err = run("approve", "--content", str(content), "--by", "Dr Example", "--on",
                         "2026-11-20", *specs)
    assert code == 0, err


def approve_leaflet(run, content: Path, leaflet: str, *languages: str) -> None:
    approve(run, content, *(f"{language}:{block}" for language in languages
                            for block in blocks_of(content, leaflet)))


def build_german(run, content: Path, output: Path, *extra: str) -> tuple[int, str, str]:
    return run(*cli(content, output, "--lang", "de", "--leaflet", SIDE_EFFECTS, "--clinic",
                    "generic", *extra))


def approval_in_manifest(output: Path, path: str) -> str:
    entries = json.loads((output / "manifest.json").read_text())["files"]
    return next(entry["approval"] for entry in entries if entry["path"] == path)


def test_a_change_to_an_approved_source_makes_its_translations_drafts(run, content, tmp_path):
    approve_leaflet(run, content, SIDE_EFFECTS, "fr", "de")
    output = tmp_path / "out"
    assert build_german(run, content, output)[0] == 0
    pdf = output / f"de/{SIDE_EFFECTS}.pdf"
    assert not any("ENTWURF" in page for page in page_texts(pdf))
    assert approval_in_manifest(output, f"de/{SIDE_EFFECTS}.pdf") == "approved"

    edit(content / "blocks/tolerance/fr.yaml", "title: ", "title: Modifié — ")
    code, out, err = build_german(run, content, output)   # incremental: must not skip it
    assert code == 0 and f"built   de/{SIDE_EFFECTS}.pdf" in out
    assert all("ENTWURF" in page for page in page_texts(pdf))
    assert approval_in_manifest(output, f"de/{SIDE_EFFECTS}.pdf") == "draft"
    code, out, err = build_german(run, content, tmp_path / "release", "--release")
    assert code == 1 and "tolerance is stale" in err


def test_marking_a_translation_current_withdraws_its_approval(run, content, tmp_path):
    approve_leaflet(run, content, SIDE_EFFECTS, "fr", "de")
    edit(content / "blocks/tolerance/fr.yaml", "title: ", "title: Modifié — ")
    approve(run, content, "fr:tolerance")      # the reviewer checks the new French text
    code, out, err = run("status", "--content", str(content), "--mark-current", "de:tolerance")
    assert code == 0 and "approval withdrawn" in out
    assert "review: {status: reviewed}" in (content / "blocks/tolerance/de.yaml").read_text()
    code, out, err = build_german(run, content, tmp_path / "release", "--release")
    assert code == 1 and "tolerance is reviewed" in err
    approve(run, content, "de:tolerance")
    assert build_german(run, content, tmp_path / "release", "--release")[0] == 0


def test_a_translation_is_released_only_with_its_source_approved(run, content, tmp_path):
    approve_leaflet(run, content, SIDE_EFFECTS, "de")
    code, out, err = build_german(run, content, tmp_path / "release", "--release")
    assert code == 1 and "is draft (its source (fr) is draft)" in err


@pytest.mark.parametrize("change, reason", [
    (("title: ", "title: Autre — "), "its text or the sources it cites changed since approval"),
    (("fingerprint: ", "fingerprint: "), None),
])
def test_an_approval_follows_its_text_not_its_status_line(run, content, tmp_path, change,
                                                         reason):
    approve(run, content, "fr:tolerance")
    if reason:
        edit(content / "blocks/tolerance/fr.yaml", *change)
        code, out, _ = run("status", "--content", str(content), "--lang", "fr")
        assert "approval on 2026-11-20 no longer holds — its text or its sources changed" in out
    code, out, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--leaflet",
                              SIDE_EFFECTS, "--clinic", "generic", "--release"))
    assert code == 1
    assert "tolerance is" not in err if not reason else f"tolerance is draft ({reason}" in err


def test_a_hand_written_approval_is_reported_with_the_fingerprint_to_write(run, content):
    block = content / "blocks/tolerance/fr.yaml"
    edit(block, "review: {status: draft}",
         "review: {status: approved, by: Dr Example, on: 2026-11-20}")
    code, out, err = run("check", "--content", str(content), "--lang", "fr")
    assert code == 0
    assert "tolerance/fr.yaml:2:" in err and "records no fingerprint" in err
    assert "fingerprint: " in err and "python3 build.py approve" in err
    assert run("check", "--strict", "--content", str(content), "--lang", "fr")[0] == 1


def test_approve_refuses_a_stale_translation(run, content):
    edit(content / "blocks/tolerance/fr.yaml", "title: ", "title: Modifié — ")
    code, out, err = run("approve", "--content", str(content), "--by", "Dr Example",
                         "de:tolerance")
    assert code == 2 and "stale" in err and "--mark-current de:tolerance" in err


# --- text that cannot lie -------------------------------------------------------------

def clinic_file(content: Path) -> Path:
    return content / "clinics/centre-du-val.yaml"


@pytest.mark.parametrize("old, new, column, expected", [
    ('phone: "+33 3 99 00 00 00"', 'phone: "+33 3 99 \u202e12 34 56"', 22, "U+202E"),
    ('phone: "+33 3 99 00 00 00"', 'phone: "+33 3 99 \u2069 00 00"', 22, "U+2069"),
    ('phone: "+33 3 99 00 00 00"', 'phone: "+33 3 \u0417\u0417 00 00 00"', 19, "digits 0-9"),
    ('phone: "+33 3 99 00 00 00"', 'phone: "+33 3 99\u200b00 00 00"', 21, "U+200B"),
    ("name: Centre", "name: \u0421entre", 7, "mixes Cyrillic and Latin"),
])
def test_clinic_data_that_could_print_something_else_is_refused(run, content, tmp_path, old,
                                                                new, column, expected):
    edit(clinic_file(content), old, new)
    line = next(number for number, text in enumerate(
        clinic_file(content).read_text().splitlines(), start=1) if new.split(":")[0] in text)
    code, _, err = run(*cli(content, tmp_path / "out", "--clinic", "centre-du-val"))
    assert code == 1 and "Traceback" not in err
    assert f"centre-du-val.yaml:{line}:{column}: " in err and expected in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("field, value, expected", [
    ("reference", '"IMM-01\\n} .draft-mark { display: none }"', "on one line"),
    ("version", '"1.0\\u202e"', "U+202E"),
])
def test_one_line_fields_refuse_line_breaks_and_controls(run, content, field, value, expected):
    leaflet = content / "leaflets/immunotherapy-basics.yaml"
    text = leaflet.read_text()
    line = next(line for line in text.splitlines() if line.startswith(f"{field}:"))
    leaflet.write_text(text.replace(line, f"{field}: {value}"))
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and expected in err and "immunotherapy-basics.yaml:" in err


def test_invisible_characters_in_block_text_are_located(run, content):
    block = content / "blocks/tolerance/fr.yaml"
    lines = block.read_text().splitlines()
    body = next(index for index, line in enumerate(lines) if line.startswith("body:"))
    lines[body + 1] = lines[body + 1][:10] + "\u2066" + lines[body + 1][10:]
    block.write_text("\n".join(lines) + "\n")
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and f"tolerance/fr.yaml:{body + 2}:11: error: U+2066" in err


def test_joiners_that_a_script_needs_are_allowed_in_block_text(run, content):
    edit(content / "blocks/tolerance/ar.yaml", "title: ", "title: \u200c")
    code, _, err = run("check", "--content", str(content), "--lang", "ar")
    assert code == 0, err


def test_phone_numbers_print_left_to_right_in_arabic(run, content, tmp_path):
    code, _, err = run(*cli(content, tmp_path / "out", "--clinic", "clinique-des-tilleuls",
                            "--lang", "ar", "--leaflet", SIDE_EFFECTS))
    assert code == 0, err
    phone = next(line.split(":", 1)[1].strip().strip('"') for line in
                 (content / "clinics/clinique-des-tilleuls.yaml").read_text().splitlines()
                 if line.strip().startswith("phone:"))
    pdf = next((tmp_path / "out/clinics/clinique-des-tilleuls/ar").glob("*.pdf"))
    document = pdfium.PdfDocument(pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert phone in text.replace("\u2066", "").replace("\u2069", "")


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/{oops}/{leaflet}.pdf", "may contain only {lang} and {leaflet}"),
    ("https://example.org/{lang!r}/{leaflet}.pdf", "may contain only {lang} and {leaflet}"),
    ("https://example.org/{leaflet}{.pdf", "stray brace"),
    ("https://example.org/{leaflet:>400000000}.pdf", "online_url"),
])
def test_an_online_address_with_odd_placeholders_is_a_located_error(run, content, url,
                                                                    expected):
    project = content / "project.yaml"
    text = project.read_text()
    project.write_text(text + f'online_url: "{url}"\n')
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and "Traceback" not in err and "project.yaml:" in err and expected in err


def test_an_identifier_with_a_line_break_is_not_an_identifier(run, content):
    (content / "blocks/tolerance").rename(content / "blocks/tolerance\n")
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and "must use lowercase letters, digits and hyphens only" in err


def test_a_translation_from_a_language_without_the_block_is_status_not_a_crash(run, content):
    edit(content / "blocks/tolerance/de.yaml", "from: fr", "from: en")
    (content / "blocks/tolerance/en.yaml").unlink()
    code, out, err = run("status", "--content", str(content))
    assert "Traceback" not in err
    assert "tolerance/de.yaml: stale — it says it was translated from 'en'" in out


# --- withdrawal -------------------------------------------------------------------------

def test_a_withdrawn_leaflet_has_a_notice_and_no_pdf(run, content, tmp_path):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--lang", "fr"))[0] == 0
    leaflet = content / "leaflets/immunotherapy-response.yaml"
    leaflet.write_text(leaflet.read_text() + "withdrawn: {on: 2026-11-30, reason: "
                                             "replaced by IMM-04}\n")
    code, out, err = run(*cli(content, output, "--lang", "fr"))
    assert code == 0, err
    assert not list(output.rglob("immunotherapy-response*.pdf"))
    page = (output / "index.html").read_text()
    assert "replaced by IMM-04" in page and "2026-11-30" in page
    assert "immunotherapy-response.pdf" not in page
    clinic_page = (output / "clinics/clinique-des-tilleuls/index.html").read_text()
    assert "replaced by IMM-04" in clinic_page


def test_seven_realistic_mistakes_are_reported_in_one_round(run, content):
    edit(content / "blocks/tolerance/fr.yaml", "title:", "titel:")              # unknown field
    edit(content / "leaflets/immunotherapy-basics.yaml", 'version: "1.0"', "version: 1.0")
    edit(content / "blocks/daily-life/fr.yaml", "title: ", "title: [unclosed ")  # syntax
    edit(content / "leaflets/immunotherapy-response.yaml", "  - pseudo-progression",
         "  - pseudo-progresion")                                                 # unknown id
    (content / "blocks/when-to-tell/de.yaml").unlink()                          # missing
    edit(content / "blocks/side-effects-cover/tr.yaml", "title: ", "title: ☃ ")  # no glyph
    edit(content / "blocks/why-no-response/fr.yaml", "[@arc-2020]", "[@no-such-source]")
    code, out, err = run("check", "--content", str(content), "--lang", "fr,de,tr")
    assert code == 1
    for expected in ("unknown field 'titel'", "'version' must be text", "YAML syntax error",
                     "unknown block 'pseudo-progresion'",
                     "block 'when-to-tell' has no 'de' translation", "U+2603",
                     "unknown source 'no-such-source"):
        assert expected in err, expected
