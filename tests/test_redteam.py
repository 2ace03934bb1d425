"""What a hostile review of release integrity found, each kept as a test that would have
caught it: approvals that did not bind what is printed, a DRAFT mark that could be hidden
or made to lie, text that could lie, and outputs that outlived their withdrawal."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from .test_approval import SIDE_EFFECTS, approve, build_german
from .test_integrity import catalog_copy, cli, page_texts, replace_msgstr
from .test_model import edit

MARK = "DRAFT — not approved for patients"   # the template's own words


def status_line(run, content: Path, block: str, language: str = "fr") -> str:
    code, out, err = run("status", "--content", str(content), "--lang", language)
    return next(line for line in out.splitlines() if line.strip().startswith(block))


def test_an_approval_seal_is_a_whole_sha256(run, content):
    approve(run, content, "fr:tolerance")
    review = (content / "blocks/tolerance/fr.yaml").read_text().splitlines()[1]
    assert re.search(r'fingerprint: "[0-9a-f]{64}"', review), review


def test_how_a_figure_is_shown_is_part_of_what_is_approved(run, content):
    approve(run, content, "fr:response-figures")
    for block in (content / "blocks/response-figures").glob("*.yaml"):
        text = block.read_text()
        assert "  display: icon-array\n" in text
        block.write_text(text.replace("  display: icon-array\n", "", 1))   # a number now
    code, out, err = run("status", "--content", str(content), "--lang", "fr")
    assert "response-figures/fr.yaml: approval on 2026-11-20 no longer holds" in out


def test_a_change_to_a_cited_source_voids_the_approval(run, content):
    """checkpoint-figures cites arc-2020 on its cards and in its intro."""
    approve(run, content, "fr:checkpoint-figures")
    sources = content / "sources.yaml"
    text = sources.read_text()
    start = text.index("arc-2020:")
    line_start = text.index("publisher:", start)
    line_end = text.index("\n", line_start)
    sources.write_text(text[:line_start] + "publisher: Laboratoire Acme" + text[line_end:])
    code, out, err = run("status", "--content", str(content), "--lang", "fr")
    assert "checkpoint-figures/fr.yaml: approval on 2026-11-20 no longer holds" in out


@pytest.mark.parametrize("msgid, msgstr", [(MARK, "\u200b"), ("%(days)s: %(hours)s",
                                                               "\u202e%(days)s: %(hours)s")])
def test_a_catalog_string_with_an_invisible_character_is_an_error(content, tmp_path, run,
                                                                  msgid, msgstr):
    catalog = catalog_copy(tmp_path, "fr")
    replace_msgstr(catalog, msgid, msgstr)
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--locales",
                            str(tmp_path / "locales")))
    assert code == 1 and "an invisible character" in err and "messages.po:" in err


def test_a_catalog_cannot_make_the_mark_say_approved(content, tmp_path, run):
    catalog = catalog_copy(tmp_path, "fr")
    replace_msgstr(catalog, MARK, "Validé pour les patients")
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--clinic", "generic",
                            "--leaflet", "immunotherapy-basics", "--locales",
                            str(tmp_path / "locales")))
    assert code == 0, err
    pages = page_texts(tmp_path / "out/fr/immunotherapy-basics.pdf")
    assert all(MARK in page for page in pages)


def reddish_pixels(pdf: Path, page: int = 0) -> int:
    image = pdfium.PdfDocument(pdf)[page].render(scale=0.5).to_pil().convert("RGB")
    pixels = image.tobytes()
    return sum(1 for index in range(0, len(pixels), 3)
               if pixels[index] > pixels[index + 1] + 8 and pixels[index] > pixels[index + 2] + 8)


def test_no_palette_colour_can_make_the_mark_the_colour_of_the_paper(content, tmp_path, run):
    args = ("--lang", "fr", "--clinic", "generic", "--leaflet", "immunotherapy-basics")
    assert run(*cli(content, tmp_path / "before", *args))[0] == 0
    project = content / "project.yaml"
    text = project.read_text()
    line = next(line for line in text.splitlines() if line.strip().startswith("draft:"))
    project.write_text(text.replace(line, '  draft: {rgb: "#ffffff", cmyk: [0, 0, 0, 0]}'))
    assert run(*cli(content, tmp_path / "after", *args))[0] == 0
    before = reddish_pixels(tmp_path / "before/fr/immunotherapy-basics.pdf")
    assert before > 500
    assert reddish_pixels(tmp_path / "after/fr/immunotherapy-basics.pdf") == before


def test_every_panel_of_a_printed_tri_fold_sheet_carries_the_mark(content, tmp_path, run):
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--clinic", "generic",
                            "--leaflet", "immunotherapy-basics", "--layout", "tri-fold",
                            "--variant", "press"))
    assert code == 0, err
    document = pdfium.PdfDocument(tmp_path / "out/fr/immunotherapy-basics.tri-fold.press.pdf")
    for page in document:
        # The sheet is its trim box: the page around it is bleed and the slug with the marks.
        left, _, right, _ = page.get_trimbox()
        text = page.get_textpage()
        whole = text.get_text_range()
        starts = [match.start() for match in re.finditer("BROUILLON", whole)]
        panels = {int((text.get_charbox(start)[0] - left) // ((right - left) / 3))
                  for start in starts}
        assert panels == {0, 1, 2}


def test_character_references_in_markdown_are_checked_as_the_page_shows_them(run, content):
    block = content / "blocks/tolerance/fr.yaml"
    lines = block.read_text().splitlines()
    body = next(index for index, line in enumerate(lines) if line.startswith("body:"))
    lines[body + 1] = "  Appelez le &#x202E;511&#x202C; maintenant. " + lines[body + 1].lstrip()
    block.write_text("\n".join(lines) + "\n")
    code, _, err = run("check", "--content", str(content), "--lang", "fr")
    assert code == 1
    assert f"tolerance/fr.yaml:{body + 2}:14: error: U+202E" in err and "character reference" in err


@pytest.mark.parametrize("old, new, expected", [
    ("name: Centre hospitalier", "name: Cen\u0336tre hospitalier", "a mark drawn over"),
    ("67000 Strasbourg", "67\u2007000 Strasbourg", "looks like a space"),
    ("name: Centre hospitalier", "name: Centre hospitalier\nemail: contact@centre.\u0441\u043e",
     "an email address"),
])
def test_clinic_data_written_to_deceive_is_refused(run, content, old, new, expected):
    edit(content / "clinics/centre-du-val.yaml", old, new)
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and expected in err and "centre-du-val.yaml:" in err


def test_a_language_listed_twice_is_an_error(run, content):
    edit(content / "project.yaml", "languages: [fr, en, de, tr, ar]",
         "languages: [fr, en, de, tr, ar, en]")
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and "language 'en' is listed twice" in err


def test_a_bundle_holds_only_what_the_tool_made_and_follows_withdrawal(content, tmp_path, run):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--clinic", "centre-du-val", "--lang", "fr"))[0] == 0
    mine = output / "clinics/centre-du-val/fr/my-notes.pdf"
    mine.write_bytes(b"my own file")
    assert run("bundle", "--clinic", "centre-du-val", "--content", str(content),
               "--output", str(output))[0] == 0
    bundle = output / "bundles/centre-du-val.zip"

    def names() -> list[str]:
        return zipfile.ZipFile(bundle).namelist()
    assert "centre-du-val/fr/immunotherapy-basics.pdf" in names()
    assert not [name for name in names() if "my-notes" in name]
    leaflet = content / "leaflets/immunotherapy-basics.yaml"
    leaflet.write_text(leaflet.read_text() + "withdrawn: {on: 2026-11-30, reason: replaced}\n")
    assert run(*cli(content, output, "--clinic", "centre-du-val", "--lang", "fr"))[0] == 0
    # No edition of it is left; at its web address, the page that says it was withdrawn.
    # (in each language the clinic took it in).
    left = [name for name in names() if "immunotherapy-basics" in name]
    assert "centre-du-val/fr/immunotherapy-basics.html" in left
    assert all(name.endswith(".html") and "replaced" in zipfile.ZipFile(bundle).read(
        name).decode() for name in left)
    assert mine.read_bytes() == b"my own file"


def test_the_catalogue_removes_only_its_own_pages_and_thumbnails(content, tmp_path, run):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--lang", "fr"))[0] == 0
    planted = [output / "thumbnails/0123456789abcdef.png",
               output / "clinics/centre-du-val/thumbnails/fedcba9876543210.png",
               output / "fr/.notes.abcdefgh.partial"]
    for path in planted:
        path.write_bytes(b"mine")
    made = json.loads((output / ".catalogue.json").read_text())["files"]
    assert "clinics/clinique-des-tilleuls/index.html" in made
    (content / "clinics/clinique-des-tilleuls.yaml").unlink()
    assert run(*cli(content, output, "--lang", "fr"))[0] == 0
    assert not (output / "clinics/clinique-des-tilleuls/index.html").exists()
    assert not list((output / "clinics/clinique-des-tilleuls").rglob("*.png"))
    assert all(path.read_bytes() == b"mine" for path in planted)


def test_a_release_leaves_no_earlier_file_of_a_refused_edition(run, content, tmp_path):
    output = tmp_path / "out"
    assert build_german(run, content, output)[0] == 0
    pdf = output / f"de/{SIDE_EFFECTS}.pdf"
    assert pdf.is_file()
    code, _, err = build_german(run, content, output, "--release")
    assert code == 1 and "refused" in err
    assert not pdf.exists()
    entries = json.loads((output / "manifest.json").read_text())["files"]
    assert not [entry for entry in entries if entry["path"] == f"de/{SIDE_EFFECTS}.pdf"]


def test_approve_keeps_line_ends_byte_order_mark_and_comments(run, content):
    block = content / "blocks/tolerance/fr.yaml"
    text = block.read_text().replace("review: {status: draft}",
                                     "review:\n  status: draft\n  # checked with the nurses")
    block.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    approve(run, content, "fr:tolerance")
    raw = block.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(
        b"\r\n", b"")
    assert b"# checked with the nurses" in raw
    assert "approved" in status_line(run, content, "tolerance")


@pytest.mark.parametrize("listing", [".build-state.json", ".catalogue.json"])
def test_an_edited_listing_cannot_make_the_tool_delete_outside_its_files(content, tmp_path,
                                                                         run, listing):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--lang", "fr", "--clinic", "generic"))[0] == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("not the tool's")
    mine = output / "fr/mine.pdf"
    mine.write_text("mine")
    path = output / listing
    data = json.loads(path.read_text())
    if listing == ".build-state.json":
        entry = dict(data["files"][0])
        from leaflets.inputs import sha256
        for name, target in (("../victim.txt", victim), ("fr/mine.pdf", mine)):
            data["files"].append({**entry, "path": name, "leaflet": "gone",
                                 "sha256": sha256(target.read_bytes())})
    else:
        data["files"] += ["../victim.txt", str(victim), "fr/mine.pdf"]
    path.write_text(json.dumps(data))
    code, _, err = run(*cli(content, output, "--lang", "fr", "--clinic", "generic"))
    assert code == 0, err
    assert victim.read_text() == "not the tool's"   # never anything outside the folder
    # The catalogue's listing names only its own kinds of files; the build state is the
    # record of what the tool made, so a file it lists (with its hash) counts as made.
    assert listing == ".build-state.json" or mine.read_text() == "mine"


def test_an_unreadable_catalogue_listing_is_no_traceback(content, tmp_path, run):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--lang", "fr", "--clinic", "centre-du-val"))[0] == 0
    (output / ".catalogue.json").write_text("{not json")
    code, _, err = run("bundle", "--clinic", "centre-du-val", "--content", str(content),
                       "--output", str(output))
    assert code == 0 and "Traceback" not in err


def test_a_catalog_string_without_a_glyph_is_located(content, tmp_path, run):
    catalog = catalog_copy(tmp_path, "fr")
    replace_msgstr(catalog, MARK, "BROUILLON ☃ non validé")
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--locales",
                            str(tmp_path / "locales")))
    assert code == 1 and "fr/LC_MESSAGES/messages.po:" in err and "U+2603" in err


# --- second round ---------------------------------------------------------------------

def test_a_bundle_is_refused_while_the_folder_holds_a_withdrawn_leaflet(content, tmp_path,
                                                                        run):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--clinic", "centre-du-val", "--lang", "fr"))[0] == 0
    leaflet = content / "leaflets/immunotherapy-basics.yaml"
    leaflet.write_text(leaflet.read_text() + "withdrawn: {on: 2026-11-30, reason: wrong}\n")
    code, _, err = run("bundle", "--clinic", "centre-du-val", "--content", str(content),
                       "--output", str(output))
    assert code == 2 and "no longer publishes" in err and "immunotherapy-basics" in err
    assert not (output / "bundles/centre-du-val.zip").exists()


def test_a_symbolic_link_in_the_output_is_never_followed_into_a_bundle(content, tmp_path, run):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--clinic", "centre-du-val", "--lang", "fr"))[0] == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    thumbnail = next((output / "clinics/centre-du-val/thumbnails").glob("*.png"))
    thumbnail.unlink()
    thumbnail.symlink_to(secret)
    assert run("bundle", "--clinic", "centre-du-val", "--content", str(content), "--output",
               str(output))[0] == 0
    archive = zipfile.ZipFile(output / "bundles/centre-du-val.zip")
    assert not [name for name in archive.namelist() if b"secret" in archive.read(name)]
    assert run(*cli(content, output, "--clinic", "centre-du-val", "--lang", "fr"))[0] == 0
    assert not thumbnail.is_symlink() and secret.read_text() == "secret"


def test_an_image_replaced_under_an_approved_block_voids_the_approval(content, tmp_path, run):
    from .test_architecture import png
    (content / "assets").mkdir()
    (content / "assets/dose.png").write_bytes(png("green"))
    edit(content / "blocks/tolerance/fr.yaml", "body: |\n", "body: |\n  ![Un schéma](dose.png)\n\n")
    approve(run, content, "fr:tolerance")
    assert "approved" in status_line(run, content, "tolerance")
    (content / "assets/dose.png").write_bytes(png("red"))
    assert "approved" not in status_line(run, content, "tolerance")


def test_the_marks_own_words_are_drawn_in_a_font_no_setting_replaces(content, tmp_path, run):
    from pypdf import PdfReader
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--clinic", "generic",
                            "--leaflet", "immunotherapy-basics"))
    assert code == 0, err
    for page in PdfReader(tmp_path / "out/fr/immunotherapy-basics.pdf").pages:
        fonts = {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
        assert any("leaflets-draft-mark" in font for font in fonts), fonts
    edit(content / "project.yaml", "    Noto Naskh Arabic:", "    leaflets-draft-mark:\n"
         "      package: fontpkg-noto-sans\n      regular: NotoSans[wdth,wght].ttf\n"
         "    Noto Naskh Arabic:")
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and "is the DRAFT mark's own" in err
