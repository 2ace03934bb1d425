"""Red-team findings on clinic data, placeholders and a clinic's own version of a block,
each kept as a test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

from leaflets import builder
from leaflets.filling import BLANK

from .test_clinics import BASICS, build_basics_in_french, check, position, text_of
from .test_engine import built, files
from .test_integrity import cli
from .test_model import edit

TILLEULS = "clinique-des-tilleuls"


def test_a_clinic_version_added_after_a_build_rebuilds_that_clinic_as_a_clean_build_would(
        content, tmp_path):
    """A new clinics/<clinic>/blocks/<block>/ changes what the clinic's editions print,
    though none of the files they were made from changed."""
    def build(output: Path) -> builder.Build:
        return build_basics_in_french(content, output)

    output = tmp_path / "out"
    build(output)
    own = content / f"clinics/{TILLEULS}/blocks/contact"
    own.mkdir(parents=True)
    shutil.copy(content / "blocks/contact/fr.yaml", own / "fr.yaml")
    edit(own / "fr.yaml", "title: Qui appeler ?", "title: Qui appeler aux Tilleuls ?")
    assert built(build(output)) == {f"{BASICS} (fr, a4-leaflet) for {TILLEULS}"}
    assert "Qui appeler aux Tilleuls" in text_of(output / f"clinics/{TILLEULS}/fr/{BASICS}.pdf")
    clean = tmp_path / "clean"
    build(clean)
    assert files(output) == files(clean)


def test_a_placeholder_in_a_cover_title_is_filled_on_the_catalogue_card(run, content, tmp_path):
    """The card's title is the edition's title, as its first page prints it."""
    edit(content / "blocks/basics-cover/fr.yaml", "title: L’immunothérapie, qu’est-ce que c’est ?",
         "title: L’immunothérapie au {clinic.name}")
    output = tmp_path / "out"
    code, _, err = run(*cli(content, output, "--leaflet", BASICS, "--lang", "fr",
                            "--clinic", f"{TILLEULS},generic"))
    assert code == 0, err
    clinic_page = (output / f"clinics/{TILLEULS}/index.html").read_text()
    assert "L’immunothérapie au Clinique des Tilleuls (exemple fictif)" in clinic_page
    generic_page = (output / "index.html").read_text()
    assert f"L’immunothérapie au {BLANK}" in generic_page
    assert "{clinic." not in clinic_page + generic_page
    # The manifest says the same, and a clinic's PDF names the clinic as its author.
    entries = json.loads((output / "manifest.json").read_text())["files"]
    titles = {entry["clinic"]: entry["title"] for entry in entries
              if entry["kind"] == "pdf" and entry["language"] == "fr"}
    assert titles == {TILLEULS: "L’immunothérapie au Clinique des Tilleuls (exemple fictif)",
                      None: f"L’immunothérapie au {BLANK}"}
    author = PdfReader(output / f"clinics/{TILLEULS}/fr/{BASICS}.pdf").metadata.author
    assert author == "Clinique des Tilleuls (exemple fictif)"


def test_a_placeholder_as_a_link_address_is_located_in_the_block(run, content, tmp_path):
    """A value is text: as a link's address it made a link to a file of the build host."""
    block = content / "blocks/talk-to-your-care-team/fr.yaml"
    edit(block, "Posez-leur toutes vos questions",
         "[Écrivez-nous]({clinic.email}) ou [appelez]( <{clinic.contacts.oncology}> ). "
         "Posez-leur toutes vos questions")
    err = check(run, content)
    assert (f"{position(block, '{clinic.email}')}: error: '{{clinic.email}}' is a link's "
            "address") in err
    assert (f"{position(block, '{clinic.contacts.oncology}')}: error: "
            "'{clinic.contacts.oncology}' is a link's address") in err
    # As the text of a link, or escaped, it is text.
    edit(block, "[Écrivez-nous]({clinic.email}) ou [appelez]( <{clinic.contacts.oncology}> )",
         "[{clinic.email}](https://example.org/{{clinic.name}) ou")
    code, _, err = run("check", "--content", str(content))
    assert code == 0, err


def test_a_long_word_in_a_clinic_name_keeps_the_tri_fold_header_on_its_panel(run, content,
                                                                          tmp_path):
    """The header of the narrow first panel wraps the name, however long its words: every
    glyph of the page, and the reference at the end of the header, stays on the page."""
    edit(content / f"clinics/{TILLEULS}.yaml", "name: Clinique des Tilleuls (exemple fictif)",
         "name: Clinique Anticonstitutionnellementextraordinairementinterminable des Tilleuls")
    output = tmp_path / "out"
    code, _, err = run(*cli(content, output, "--leaflet", BASICS, "--lang", "fr,ar",
                            "--clinic", TILLEULS, "--layout", "tri-fold"))
    assert code == 0, err
    for language in ("fr", "ar"):
        pdf = output / f"clinics/{TILLEULS}/{language}/{BASICS}.tri-fold.pdf"
        page = pdfium.PdfDocument(pdf)[0]
        text = page.get_textpage()
        assert "IMM-01" in text.get_text_range()
        outside = [text.get_text_range(index, 1) for index in range(text.count_chars())
                   if text.get_text_range(index, 1).strip()
                   and not 0 <= text.get_charbox(index)[0] <= text.get_charbox(index)[2]
                   <= page.get_width()]
        assert not outside, (language, "".join(outside))


def test_status_lists_each_clinics_own_versions_in_the_languages_it_takes(run, content):
    """A clinic's own version is translated as any block: the table shows where it stands,
    and a missing translation of it counts under --strict."""
    code, out, _ = run("status", "--content", str(content))
    assert code == 0
    rows = out.splitlines()
    heading = rows.index("centre-du-val (its own versions; — where it does not take the "
                         "language)")
    # fr, en, de, tr, ar: the Val takes fr, de and tr.
    assert rows[heading + 1].split() == ["talk-to-your-care-team", "draft", "—", "draft",
                                         "draft", "—"]
    (content / "clinics/centre-du-val/blocks/talk-to-your-care-team/tr.yaml").unlink()
    code, out, err = run("status", "--content", str(content), "--strict")
    assert code == 1 and "1 translations are missing or stale" in err
