"""Clinic editions of real hospitals: several labelled numbers, placeholders that put a
clinic's details into any block, a clinic's own version of a block, the generic lines to
write on kept on request, and the clinic at the head of each page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from leaflets import builder
from leaflets.approvals import verdict
from leaflets.editions import Edition, approval, content_files, printed_blocks
from leaflets.filling import BLANK
from leaflets.model import load_library

from .test_engine import built, files
from .test_integrity import cli
from .test_model import edit

SIDE_EFFECTS = "immunotherapy-side-effects"
BASICS = "immunotherapy-basics"
DAY, NIGHT = "+33 4 99 00 00 01", "+33 4 99 00 00 99"
# A clinic with a weekday number and a 24-hour symptom line.
LAKE = f"""\
name: Hôpital du Lac
address: |
  3 quai du Lac
  74000 Annecy
contacts:
  - id: day-unit
    label: Hôpital de jour
    phone: "{DAY}"
    hours:
      - {{days: [mon, tue, wed, thu, fri], opens: "08:00", closes: "18:00"}}
  - id: night
    label: Ligne symptômes
    phone: "{NIGHT}"
    always: true
leaflets: [{SIDE_EFFECTS}]
languages: [fr, ar]
"""
CLINIC_BLOCK = "clinics/centre-du-val/blocks/talk-to-your-care-team"


def text_of(pdf: Path) -> str:
    """The PDF's text as pypdf reads it, spaces made plain, isolates taken out."""
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for character in "\u2066\u2067\u2068\u2069":
        text = text.replace(character, "")
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def seen_left_to_right(pdf: Path) -> list[str]:
    """The digits and plus signs of each printed line, in the order a reader's eye meets
    them from left to right on the page (by their glyphs' boxes). Letters are left out:
    the diagonal DRAFT mark's cross the lines."""
    lines = []
    for page in pdfium.PdfDocument(pdf):
        text = page.get_textpage()
        glyphs = []
        for index in range(text.count_chars()):
            character = text.get_text_range(index, 1)
            left, bottom, _, top = text.get_charbox(index)
            if character in "+0123456789":
                glyphs.append(((bottom + top) / 2, left, character))
        rows: list[list] = []
        for glyph in sorted(glyphs, key=lambda glyph: -glyph[0]):
            if rows and abs(rows[-1][-1][0] - glyph[0]) <= 4:   # the same line
                rows[-1].append(glyph)
            else:
                rows.append([glyph])
        lines += ["".join(glyph[2] for glyph in sorted(row, key=lambda glyph: glyph[1]))
                  for row in rows]
    return lines


def with_the_lake(content: Path) -> None:
    """The clinic, alone, and its night line named in a generic callout, in French and
    Arabic (the shipped clinics have no contact 'night': see the errors below)."""
    shutil.rmtree(content / "clinics")
    (content / "clinics").mkdir()
    (content / "clinics/hopital-du-lac.yaml").write_text(LAKE)
    edit(content / "blocks/when-to-tell/fr.yaml",
         "Gardez ce numéro toujours sur vous, par exemple dans votre téléphone.",
         "La nuit, appelez la {clinic.contacts.night.label} au {clinic.contacts.night}.")
    edit(content / "blocks/when-to-tell/ar.yaml", "واحتفظ بهذا الرقم معك دائما، في هاتفك مثلا.",
         "في الليل، اتصل بالرقم {clinic.contacts.night}.")


def position(path: Path, needle: str) -> str:
    """'path:line:col' of the first ``needle`` in a file."""
    text = path.read_text()
    before = text[:text.index(needle)]
    return f"{path}:{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


# --- several numbers, and placeholders -------------------------------------------------

def test_a_clinic_prints_each_number_and_names_its_night_line_in_another_block(run, content,
                                                                             tmp_path):
    with_the_lake(content)
    output = tmp_path / "out"
    code, _, err = run(*cli(content, output, "--leaflet", SIDE_EFFECTS, "--lang", "fr,ar",
                            "--clinic", "hopital-du-lac,generic"))
    assert code == 0, err
    clinic = text_of(output / "clinics/hopital-du-lac/fr" / f"{SIDE_EFFECTS}.pdf")
    contact = clinic[clinic.index("Qui appeler"):]
    assert "Hôpital de jour" in contact and DAY in contact
    assert "Ligne symptômes" in contact and NIGHT in contact
    assert "24 heures sur 24, 7 jours sur 7" in contact
    assert "lundi–vendredi" in contact
    # The callout, before the contact block, through the placeholders.
    callout = clinic[:clinic.index("Qui appeler")]
    assert f"La nuit, appelez la Ligne symptômes au {NIGHT}." in " ".join(callout.split())
    # Each page is headed by the clinic, not the project's publisher.
    assert clinic.startswith("Hôpital du Lac")
    assert "Open Patient Leaflets".upper() not in clinic
    # Arabic: the number is there, and a reader sees its digits in their own order, in
    # the running text of the callout as in the contact table (its glyphs, left to right
    # on the page, not its text layer, which is in logical order whatever is drawn).
    arabic = output / "clinics/hopital-du-lac/ar" / f"{SIDE_EFFECTS}.pdf"
    assert NIGHT in text_of(arabic)
    # (the lines with the clinic's numbers drawn in either direction)
    drawn = [line for line in seen_left_to_right(arabic) if "499000" in line or "000994" in line]
    # The callout, the contact table's two numbers, and the wallet card's 24-hour line.
    assert len(drawn) == 4 and all("+33499000099" in line or "+33499000001" in line
                                   for line in drawn), drawn
    # The generic edition prints a line to write on where the clinic's number would go.
    generic = " ".join(text_of(output / "fr" / f"{SIDE_EFFECTS}.pdf").split())
    assert f"La nuit, appelez la {BLANK} au {BLANK}." in generic and NIGHT not in generic
    assert generic.startswith("OPEN PATIENT LEAFLETS")


def test_a_clinic_can_keep_the_generic_lines_to_write_on(run, content, tmp_path):
    write_here = "Notez-les ici"
    code, _, err = run(*cli(content, tmp_path / "before", "--leaflet", BASICS, "--lang", "fr",
                            "--clinic", "centre-du-val"))
    assert code == 0, err
    assert write_here not in text_of(tmp_path / f"before/clinics/centre-du-val/fr/{BASICS}.pdf")
    edit(content / "clinics/centre-du-val.yaml", "\ncontacts:", "\nkeep_blanks: true\ncontacts:")
    code, _, err = run(*cli(content, tmp_path / "after", "--leaflet", BASICS, "--lang", "fr",
                            "--clinic", "centre-du-val"))
    assert code == 0, err
    text = text_of(tmp_path / f"after/clinics/centre-du-val/fr/{BASICS}.pdf")
    assert write_here in text and "+33 3 99 00 00 10" in text


# --- a clinic's own version of a block ---------------------------------------------------

def test_a_clinic_version_of_a_block_replaces_the_generic_one_in_its_editions_only(
        run, content, tmp_path):
    output = tmp_path / "out"
    code, _, err = run(*cli(content, output, "--leaflet", BASICS, "--lang", "fr,de"))
    assert code == 0, err
    generic_title, own_title = "Parlez-en avec votre équipe soignante", "dans notre centre"
    val = text_of(output / f"clinics/centre-du-val/fr/{BASICS}.pdf")
    assert own_title in val and generic_title not in val
    assert "appelez l’hôpital de jour au +33 3 99 00 00 00." in " ".join(val.split())
    german = text_of(output / f"clinics/centre-du-val/de/{BASICS}.pdf")
    assert "Immuntherapie in unserem Zentrum" in german and "+33 3 99 00 00 10" in german
    for other in (output / f"fr/{BASICS}.pdf",
                  output / f"clinics/clinique-des-tilleuls/fr/{BASICS}.pdf"):
        text = text_of(other)
        assert generic_title in text and own_title not in text


def test_a_clinic_version_is_translated_and_approved_as_every_block(run, content):
    library = load_library(content)
    edition = Edition(BASICS, "de", library.format_of(BASICS), clinic="centre-du-val")
    key = "centre-du-val/talk-to-your-care-team"
    assert key in printed_blocks(library, edition)
    assert f"{CLINIC_BLOCK}/de.yaml" in content_files(library, edition)
    assert f"{CLINIC_BLOCK}/fr.yaml" in content_files(library, edition)   # its source
    assert verdict(library, key, "de").state == "draft" and approval(library, edition) == "draft"
    code, out, err = run("approve", "--content", str(content), "--by", "Dr Example",
                         f"fr:{key}")
    assert code == 0, err
    assert verdict(load_library(content), key, "fr").state == "approved"
    # The French version changed: the German translation of it is stale, the generic not.
    edit(content / f"{CLINIC_BLOCK}/fr.yaml", "title: ", "title: Nouveau — ")
    library = load_library(content)
    assert verdict(library, key, "de").state == "stale"
    assert verdict(library, "talk-to-your-care-team", "de").state != "stale"
    code, out, err = run("status", "--content", str(content))
    assert f"{CLINIC_BLOCK}/de.yaml: stale" in out + err


def build_basics_in_french(content: Path, output: Path) -> builder.Build:
    """The French basics leaflet, generic and for every clinic, built into ``output``."""
    return builder.build(builder.Paths(content=content, output=output),
                         builder.Selection(languages=("fr",), leaflets=(BASICS,)),
                         builder.Execution(jobs=1))


def test_editing_a_clinic_version_rebuilds_that_clinic_as_a_clean_build_would(content,
                                                                            tmp_path):
    def build(output: Path) -> builder.Build:
        return build_basics_in_french(content, output)

    output = tmp_path / "out"
    build(output)
    edit(content / f"{CLINIC_BLOCK}/fr.yaml", "title: ", "title: Nouveau — ")
    assert built(build(output)) == {f"{BASICS} (fr, a4-leaflet) for centre-du-val"}
    assert "Nouveau — " in text_of(output / f"clinics/centre-du-val/fr/{BASICS}.pdf")
    clean = tmp_path / "clean"
    build(clean)
    assert files(output) == files(clean)


# --- located errors -------------------------------------------------------------------

def check(run, content: Path) -> str:
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and "Traceback" not in err
    return err


def test_the_old_phone_field_says_how_to_write_contacts(run, content):
    clinic = content / "clinics/clinique-des-tilleuls.yaml"
    edit(clinic, "email:", 'phone: "+33 1 99 00 00 00"\nemail:')
    err = check(run, content)
    where = position(clinic, 'phone: "+33 1 99 00 00 00"\nemail')
    assert f"{where}: error: 'phone' is no longer a clinic field" in err
    assert "under 'contacts'" in err and "always: true" in err


def test_a_contact_says_when_it_answers_exactly_once(run, content):
    clinic = content / "clinics/centre-du-val.yaml"
    edit(clinic, "    always: true", "    always: true\n    hours: [{days: [sat], opens: "
                                   '"09:00", closes: "12:00"}]')
    err = check(run, content)
    assert "exactly one of 'hours:" in err and "found both" in err


def test_a_contact_a_clinic_does_not_have_names_the_block_and_the_clinic(run, content):
    block = content / "blocks/when-to-tell/fr.yaml"
    edit(block, "Gardez ce numéro toujours sur vous, par exemple dans votre téléphone.",
         "Appelez le {clinic.contacts.oncology}.")
    err = check(run, content)
    # The Tilleuls have that contact; the Val takes the leaflet in French and does not.
    assert (f"{position(block, '{clinic.contacts.oncology}')}: error: "
            "'{clinic.contacts.oncology}' names contact 'oncology', which clinic "
            "'centre-du-val' does not have: "
            f"{content / 'clinics/centre-du-val.yaml'}:10:") in err
    assert "clinique-des-tilleuls'" not in err


def test_an_email_a_clinic_does_not_have_is_located_in_the_block(run, content):
    block = content / f"{CLINIC_BLOCK}/fr.yaml"
    edit(block, "Elle répond jour et nuit", "Écrivez à {clinic.email}. Elle répond jour et nuit")
    err = check(run, content)
    assert (f"{position(block, '{clinic.email}')}: error: '{{clinic.email}}': clinic "
            f"'centre-du-val' has no email ({content / 'clinics/centre-du-val.yaml'}:1:1)") in err


@pytest.mark.parametrize("written, expected", [
    ("{clinic.fax}", "unknown placeholder '{clinic.fax}'; expected one of: {clinic.name}"),
    ("{clinic.nam}", "unknown placeholder '{clinic.nam}' (did you mean 'name'?)"),
    ("{clinic.name", "'{clinic.name' is not closed"),
    ("{{clinic.name}}", "'{{clinic.name}}' has double braces"),
])
def test_a_placeholder_written_wrong_is_located_in_the_block(run, content, written, expected):
    block = content / "blocks/tolerance/fr.yaml"
    edit(block, "title: ", f"title: Chez {written} ")
    err = check(run, content)
    assert f"{position(block, written)}: error: {expected}" in err


def test_a_clinic_version_of_a_block_its_leaflets_do_not_print_is_an_error(run, content):
    folder = content / "clinics/centre-du-val/blocks/response-figures"
    folder.mkdir(parents=True)
    (folder / "fr.yaml").write_text((content / "blocks/response-figures/fr.yaml").read_text())
    stray = content / "clinics/nowhere/blocks/tolerance"
    stray.mkdir(parents=True)
    (stray / "fr.yaml").write_text((content / "blocks/tolerance/fr.yaml").read_text())
    (content / "clinics/centre-du-val/notes.txt").write_text("x")
    err = check(run, content)
    assert (f"{folder}:1:1: error: clinic 'centre-du-val' has its own version of block "
            "'response-figures', which none of the leaflets it takes prints") in err
    assert f"{content / 'clinics/nowhere'}:1:1: error: no clinic 'nowhere'" in err
    assert f"{content / 'clinics/centre-du-val/notes.txt'}:1:1: error: unexpected file" in err


# --- text that stays text -------------------------------------------------------------

def test_hostile_clinic_and_placeholder_text_stays_inert(run, content, tmp_path):
    hostile = "Clinique {{ 7*7 }} <b>gras</b> {clinic.email} {% if x %}"
    clinic = content / "clinics/clinique-des-tilleuls.yaml"
    edit(clinic, "name: Clinique des Tilleuls (exemple fictif)", f"name: '{hostile}'")
    edit(clinic, "label: Secrétariat d’oncologie", "label: '<script>alert(1)</script>'")
    block = content / "blocks/talk-to-your-care-team/fr.yaml"
    edit(block, "Posez-leur toutes vos questions",
         "Au {clinic.name}, appelez le {clinic.contacts.oncology.label} ; écrivez "
         "{{clinic.name} ou {{ 6*8 }}. Posez-leur toutes vos questions")
    output = tmp_path / "out"
    code, _, err = run(*cli(content, output, "--leaflet", BASICS, "--lang", "fr",
                            "--clinic", "clinique-des-tilleuls,generic"))
    assert code == 0, err
    text = " ".join(text_of(output / f"clinics/clinique-des-tilleuls/fr/{BASICS}.pdf").split())
    assert (f"Au {hostile}, appelez le <script>alert(1)</script> ; écrivez {{clinic.name}} ou "
            "{{ 6*8 }}.") in text
    assert "49" not in text and "48" not in text
    generic = " ".join(text_of(output / f"fr/{BASICS}.pdf").split())
    assert f"Au {BLANK}, appelez le {BLANK} ; écrivez {{clinic.name}} ou {{{{ 6*8 }}}}." in generic
