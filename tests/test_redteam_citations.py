"""Red-team findings on citations, the sources list, support lines and the clinics'
24-hour line (README: "Citing sources.", "Support lines", "Distributing to clinics"),
each kept as a test. A promise that holds is a plain test; one that breaks is a strict
xfail saying what breaks, for the lead to fix. Every edition is really built and its
PDF read back (links, named destinations, text)."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from .conftest import CONTENT

BASICS, SIDE_EFFECTS = "immunotherapy-basics", "immunotherapy-side-effects"
TILLEULS = "clinique-des-tilleuls"
OFFICE, NIGHT = "+33 1 99 00 00 00", "+33 1 99 00 00 10"   # the Tilleuls' two numbers
# A sentence of what-is-immunotherapy (fr), printed by all three leaflets, that cites
# nothing: citations are added to it.
CLAIM = "comme les virus et les bactéries."
WHAT_IS = "blocks/what-is-immunotherapy/fr.yaml"
# Cited by the side-effects leaflet, never by the basics one.
UNCITED_IN_BASICS = "md-anderson-irae-2023"
CITATION_MARKUP = re.compile(r"\[@[^\]\s]*\]")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _mini(content: Path, blocks: str, omit: str = "") -> None:
    """A short leaflet of shipped blocks (all translated), 'mini'."""
    (content / "leaflets/mini.yaml").write_text(
        'reference: IMM-09\nversion: "1.0"\npublished: 2026-11-01\nreview_by: 2029-11-01\n'
        f"blocks: [{blocks}]\n" + (f"omit:\n  tri-fold: [{omit}]\n" if omit else ""))


def _build(run, content: Path, output: Path, *selection: str) -> tuple[int, str]:
    code, _, err = run("--content", str(content), "--output", str(output), *selection)
    return code, err


def _basics_fr(run, content: Path, output: Path, clinic: str = "generic") -> Path | None:
    code, _ = _build(run, content, output, "--lang", "fr", "--leaflet", BASICS,
                     "--clinic", clinic)
    folder = output if clinic == "generic" else output / "clinics" / clinic
    return folder / "fr" / f"{BASICS}.pdf" if code == 0 else None


def _check(run, content: Path) -> tuple[int, str]:
    code, _, err = run("check", "--content", str(content))
    return code, err


def _text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    for character in "\u2066\u2067\u2068\u2069\u2060\u00ad\r":
        text = text.replace(character, "")
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _named(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        if "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
            return set()
        names = pdf.Root.Names.Dests.Names
        return {str(names[index]) for index in range(0, len(names), 2)}


def _citations(path: Path) -> list[tuple[str, str]]:
    """(destination, the number printed under the link) of every link to a list entry,
    page by page; an Arabic text layer has the brackets mirrored, the number is kept."""
    found = []
    document = pdfium.PdfDocument(str(path))
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            text = document[index].get_textpage()
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link" or "/Dest" not in annotation:
                    continue
                if not str(annotation.Dest).startswith("source-"):
                    continue
                x0, y0, x1, y1 = (float(value) for value in annotation.Rect)
                printed = re.search(r"\d+", text.get_text_bounded(x0, y0, x1, y1))
                found.append((str(annotation.Dest), printed[0] if printed else ""))
    return found


def _list_numbers(path: Path) -> dict[str, str]:
    """Each entry of the sources list (its named destination) and the number its marker
    prints, read left of the entry."""
    numbers = {}
    document = pdfium.PdfDocument(str(path))
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        for index in range(0, len(names), 2):
            name, destination = str(names[index]), names[index + 1]
            if not name.startswith("source-"):
                continue
            if isinstance(destination, pikepdf.Dictionary):
                destination = destination.D
            x, y = float(destination[2]), float(destination[3])
            text = document[pages[destination[0].objgen]].get_textpage()
            marker = re.search(r"\d+", text.get_text_bounded(0, y - 12, x, y))
            numbers[name] = marker[0] if marker else ""
    return numbers


def _assert_numbering_holds(path: Path) -> None:
    """Each citation prints its entry's number; the entries are the sources cited, numbered
    in the order first cited."""
    cited, listed = _citations(path), _list_numbers(path)
    assert cited, f"{path}: no citation"
    assert {target for target, _ in cited} == set(listed), path
    for target, number in cited:
        assert number == listed[target], (path, target, number, listed[target])
    first = list(dict.fromkeys(int(number) for _, number in cited))
    assert first == list(range(1, len(listed) + 1)), (path, first)


# --- ids: what is an error, what is printed raw -----------------------------------------

@pytest.mark.parametrize("written", ["[@]", "[@<script>]", "[@ARC-2020]",
                                     "[@x](https://example.org)"])
def test_a_hostile_citation_id_is_an_error_where_it_is_written(run, content, written):
    _edit(content / WHAT_IS, CLAIM, CLAIM[:-1] + f" {written}.")
    code, err = _check(run, content)
    assert code == 1
    assert "blocks/what-is-immunotherapy/fr.yaml:5:135: error: unknown source" in err, err


MALFORMED = {
    "two ids in one citation": "[@arc-2020; @ligue-ecoute]",
    "two ids with a comma": "[@arc-2020, @ligue-ecoute]",
    "a space after the id": "[@arc-2020 ]",
    "a space before the @": "[ @arc-2020]",
    "a line break in it": "[@arc-2020\n  ]",
}


@pytest.mark.parametrize("written", MALFORMED.values(), ids=MALFORMED)
def test_a_malformed_citation_is_refused_or_never_printed_raw(run, content, tmp_path, written):
    _edit(content / WHAT_IS, CLAIM, CLAIM[:-1] + f" {written}.")
    pdf = _basics_fr(run, content, tmp_path / "out")
    assert pdf is None or "@arc-2020" not in _text(pdf)


ONE_LINE = {   # (file, the line field's text, what it becomes)
    "a block's title": (WHAT_IS, "title: L’immunothérapie en quelques mots",
                        "title: L’immunothérapie en quelques mots [@arc-2020]"),
    "a cover's subtitle": ("blocks/basics-cover/fr.yaml",
                           "lutter contre le cancer", "lutter contre le cancer [@arc-2020]"),
    "a checklist item": ("blocks/questions-basics/fr.yaml",
                         "- Pourquoi me proposez-vous une immunothérapie ?",
                         "- Pourquoi me proposez-vous une immunothérapie [@arc-2020] ?"),
    "a table cell": ("blocks/glossary/fr.yaml", "mesurer dans le corps.",
                     "mesurer dans le corps [@arc-2020]."),
    "a support line's about": ("project.yaml", "confidentiel et anonyme.",
                               "confidentiel et anonyme [@arc-2020]."),
}


@pytest.mark.parametrize("change", ONE_LINE.values(), ids=ONE_LINE)
def test_a_citation_in_a_one_line_field_is_refused_or_never_printed_raw(
        run, content, tmp_path, change):
    path, old, new = change
    _edit(content / path, old, new)
    pdf = _basics_fr(run, content, tmp_path / "out")
    assert pdf is None or "[@arc-2020]" not in _text(pdf)


AROUND = {
    "a citation inside a link's words": "comme [les virus [@arc-2020]](https://example.org).",
    "a link written on a citation": "comme les virus [@arc-2020](https://example.org).",
}


@pytest.mark.parametrize("written", AROUND.values(), ids=AROUND)
def test_markdown_around_a_citation_is_rendered_or_refused(run, content, tmp_path, written):
    _edit(content / WHAT_IS, CLAIM, written)
    pdf = _basics_fr(run, content, tmp_path / "out")
    assert pdf is None or "example.org" not in _text(pdf)


def test_a_citation_in_emphasis_prints_its_number(run, content, tmp_path):
    _edit(content / WHAT_IS, CLAIM, f"comme *les virus [@{UNCITED_IN_BASICS}]*.")
    pdf = _basics_fr(run, content, tmp_path / "out")
    assert pdf is not None and "[@" not in _text(pdf)
    assert f"source-{UNCITED_IN_BASICS}" in dict(_citations(pdf))
    _assert_numbering_holds(pdf)


# --- the list holds exactly what the edition prints as citations -------------------------

NOT_A_CITATION = {
    "escaped": f"comme les virus \\[@{UNCITED_IN_BASICS}].",
    "in a link's address": f"comme [les virus](https://example.org/[@{UNCITED_IN_BASICS}]).",
    "in an autolink": f"comme <https://example.org/[@{UNCITED_IN_BASICS}]>.",
}


@pytest.mark.parametrize("written", NOT_A_CITATION.values(), ids=NOT_A_CITATION)
def test_a_source_is_listed_only_where_a_citation_prints_its_number(
        run, content, tmp_path, written):
    _edit(content / WHAT_IS, CLAIM, written)
    pdf = _basics_fr(run, content, tmp_path / "out")
    assert pdf is None or f"source-{UNCITED_IN_BASICS}" not in _list_numbers(pdf)


def test_a_citation_in_an_image_s_alt_text_is_printed_or_not_listed(run, content, tmp_path):
    (content / "assets").mkdir(exist_ok=True)
    # A 1×1 white PNG.
    (content / "assets/dot.png").write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7356a0c0000000049454e44ae426082"))
    _edit(content / WHAT_IS, "qui fait le travail.\n",
          f"qui fait le travail.\n\n  ![Des virus [@{UNCITED_IN_BASICS}]](dot.png)\n")
    code, err = _check(run, content)
    if code == 1:   # refused where it is written: nothing is listed
        assert "an image's alt text cannot hold a citation" in err, err
        return
    pdf = _basics_fr(run, content, tmp_path / "out")
    assert (f"source-{UNCITED_IN_BASICS}" in dict(_citations(pdf))) == (
        f"source-{UNCITED_IN_BASICS}" in _list_numbers(pdf))


@pytest.mark.xfail(strict=True, reason="a clinic edition does not print the contact "
                   "block's body (the lines to write on), but lists the sources it cites")
def test_a_clinic_edition_lists_no_source_of_the_text_it_leaves_out(run, content, tmp_path):
    _edit(content / "blocks/contact/fr.yaml", "Notez-les ici :",
          f"Notez-les ici [@{UNCITED_IN_BASICS}] :")
    generic = _basics_fr(run, content, tmp_path / "generic")
    assert generic is not None and f"source-{UNCITED_IN_BASICS}" in _list_numbers(generic)
    pdf = _basics_fr(run, content, tmp_path / "clinic", TILLEULS)
    assert pdf is not None
    assert f"source-{UNCITED_IN_BASICS}" not in _list_numbers(pdf)


def test_a_clinic_s_own_version_cites_in_its_editions_only(run, content, tmp_path):
    _edit(content / "clinics/centre-du-val/blocks/talk-to-your-care-team/fr.yaml",
          "Elle connaît bien votre cas.", f"Elle connaît bien votre cas [@{UNCITED_IN_BASICS}].")
    own = _basics_fr(run, content, tmp_path / "val", "centre-du-val")
    generic = _basics_fr(run, content, tmp_path / "generic")
    assert own is not None and generic is not None
    assert f"source-{UNCITED_IN_BASICS}" in _list_numbers(own)
    assert f"source-{UNCITED_IN_BASICS}" not in _list_numbers(generic)
    _assert_numbering_holds(own)


# --- an edition that cites nothing, a citation with no list -----------------------------

def test_a_tri_fold_that_cites_nothing_prints_no_empty_sources_list(run, content, tmp_path):
    _mini(content, "basics-cover, what-is-immunotherapy, tolerance, contact, sources",
          omit="tolerance")
    code, err = _build(run, content, tmp_path / "out", "--lang", "fr", "--leaflet", "mini",
                       "--clinic", "generic", "--layout", "tri-fold")
    if code == 1:   # refused: the omit list is named
        assert "the tri-fold edition leaves out every block that cites a source" in err, err
        return
    pdf = tmp_path / "out/fr/mini.tri-fold.pdf"
    assert not _citations(pdf)
    assert "sources" not in _named(pdf), "a list of no source"


@pytest.mark.xfail(strict=True, reason="a leaflet whose only citation is the support line's "
                   "source passes check; its Turkish and Arabic editions (no support line) "
                   "print a sources block listing nothing")
@pytest.mark.parametrize("language", ["tr", "ar"])
def test_an_edition_without_support_lines_prints_no_empty_sources_list(
        run, content, tmp_path, language):
    _mini(content, "basics-cover, what-is-immunotherapy, contact, support, sources")
    code, err = _build(run, content, tmp_path / "out", "--lang", language, "--leaflet", "mini",
                       "--clinic", "generic")
    assert code == 0, err
    pdf = tmp_path / f"out/{language}/mini.pdf"
    assert not _citations(pdf)
    assert "sources" not in _named(pdf), "a list of no source"


def test_a_printed_citation_always_has_its_list_entry(run, content, tmp_path):
    _mini(content, "basics-cover, what-is-immunotherapy, contact")
    # The French drops a claim's citation; the German, now stale, still has it.
    _edit(content / "blocks/what-is-immunotherapy/de.yaml", "wie Viren und Bakterien.",
          "wie Viren und Bakterien [@arc-2020].")
    _edit(content / WHAT_IS, CLAIM, "comme les virus ou les bactéries.")
    code, _ = _build(run, content, tmp_path / "out", "--lang", "de", "--leaflet", "mini",
                     "--clinic", "generic")
    if code == 0:   # a number printed has its entry (a link to none is left out)
        pdf = tmp_path / "out/de/mini.pdf"
        assert "[1]" not in _text(pdf) or "source-arc-2020" in _named(pdf)


# --- numbering in the other editions: tri-fold, Arabic, preview, web --------------------

def test_an_arabic_tri_fold_lists_fewer_sources_numbered_as_it_cites_them(run, tmp_path):
    selection = ("--lang", "ar", "--leaflet", SIDE_EFFECTS, "--clinic", "generic")
    assert _build(run, CONTENT, tmp_path / "a4", *selection)[0] == 0
    assert _build(run, CONTENT, tmp_path / "fold", *selection, "--layout", "tri-fold")[0] == 0
    full = tmp_path / f"a4/ar/{SIDE_EFFECTS}.pdf"
    short = tmp_path / f"fold/ar/{SIDE_EFFECTS}.tri-fold.pdf"
    for pdf in (full, short):
        _assert_numbering_holds(pdf)
    assert 0 < len(_list_numbers(short)) < len(_list_numbers(full))


def test_a_preview_numbers_the_french_blocks_it_shows_in_the_edition_s_list(
        run, content, tmp_path):
    (content / "blocks/warning-signs/de.yaml").unlink()   # shown in French, framed
    code, err = _build(run, content, tmp_path / "out", "--lang", "de", "--leaflet",
                       SIDE_EFFECTS, "--clinic", "generic", "--preview")
    assert code == 0, err
    pdf = tmp_path / f"out/de/{SIDE_EFFECTS}.preview.pdf"
    assert "Les signes à signaler le jour même" in _text(pdf)
    _assert_numbering_holds(pdf)
    # The web page of the preview: the same numbers, linked to its own list.
    page = (tmp_path / f"out/de/{SIDE_EFFECTS}.preview.html").read_text()
    web = re.findall(r'<a class="citation" href="#(source-[^"]*)">\[(\d+)\]</a>', page)
    assert sorted(set(web)) == sorted(set(_citations(pdf)))
    assert "[@" not in page


# --- support lines --------------------------------------------------------------------

def test_turkish_and_arabic_support_blocks_print_no_number(run, tmp_path):
    code, err = _build(run, CONTENT, tmp_path / "out", "--lang", "tr,ar", "--leaflet", BASICS,
                       "--clinic", "generic")
    assert code == 0, err
    for language in ("tr", "ar"):
        page = (tmp_path / f"out/{language}/{BASICS}.html").read_text()
        support = page[page.index('id="support"'):]
        support = support[:support.index("</section>")]
        assert "tel:" not in support and "helpline" not in support, language
        assert not re.search(r"\d{3}", support), language
        assert "source-ligue-ecoute" not in _list_numbers(tmp_path / f"out/{language}/{BASICS}.pdf")


@pytest.mark.parametrize(("old", "new", "where"), [
    ("name: Ligue contre le cancer (France)", 'name: "Ligue contre le cancer \u202e(France)"',
     "project.yaml:72:37: error: U+202E"),
    ("about: Une équipe de psychologues", "about: Une équipe\u200b de psychologues",
     "project.yaml:74:24: error: U+200B"),
    ('phone: "0 800 940 939"', 'phone: "0800 CANCER"', "project.yaml:73:20: error: a phone number"),
], ids=["bidi override in a name", "zero-width space in an about", "letters in a phone"])
def test_a_support_line_with_hidden_or_odd_characters_is_refused_where_written(
        run, content, old, new, where):
    _edit(content / "project.yaml", old, new)
    code, err = _check(run, content)
    assert code == 1 and where in err, err


def test_a_placeholder_in_a_support_line_is_checked(run, content):
    _edit(content / "project.yaml", "name: Ligue contre le cancer (France)",
          "name: Ligue contre le cancer (France) {clinic.fax}")
    code, err = _check(run, content)
    assert code == 1 and "clinic.fax" in err, err


def test_an_unknown_source_kind_is_an_error_where_it_is_written(run, content):
    _edit(content / "sources.yaml", "kind: information-file", "kind: podcast")
    code, err = _check(run, content)
    assert code == 1 and "sources.yaml:15:9: error: 'kind' must be one of" in err, err


# --- XLIFF and PO: a citation is a code, import writes nothing check refuses -----------

def _export(run, content: Path, path: Path, *options: str) -> str:
    code, _, err = run("translate", "--content", str(content), "export", "--lang", "de",
                       *options, "-o", str(path))
    assert code == 0, err
    return path.read_text()


def _import(run, content: Path, path: Path, text: str) -> int:
    path.write_text(text)
    return run("translate", "--content", str(content), "import", str(path))[0]


def _citations_written(content: Path) -> dict[str, list[str]]:
    return {str(path.relative_to(content)): CITATION_MARKUP.findall(path.read_text())
            for path in sorted(content.glob("blocks/*/de.yaml"))}


def test_every_german_citation_survives_an_xliff_round_trip(run, content, tmp_path):
    before = _citations_written(content)
    exported = _export(run, content, tmp_path / "de.xlf")
    assert _import(run, content, tmp_path / "back.xlf", exported) == 0
    assert _citations_written(content) == before
    assert _check(run, content)[0] == 0


CITATION_CODE = ('auch wenn es klein scheint <ph id="1" dataRef="d1" '
                 'disp="[@cancer-council-nsw-managing-irae]" canDelete="no"/>')


@pytest.mark.parametrize("new", ["auch wenn es klein scheint",
                                 CITATION_CODE + CITATION_CODE.split("scheint ")[1]],
                         ids=["dropped", "duplicated"])
def test_a_citation_code_dropped_or_duplicated_in_xliff_is_refused(run, content, tmp_path, new):
    exported = _export(run, content, tmp_path / "de.xlf")
    before = (content / "blocks/warning-signs/de.yaml").read_bytes()
    target = exported.split("<target>Rufen Sie Ihr Behandlungsteam an, wenn", 1)
    assert CITATION_CODE in target[1]
    changed = target[0] + "<target>Rufen Sie Ihr Behandlungsteam an, wenn" + \
        target[1].replace(CITATION_CODE, new, 1)
    assert _import(run, content, tmp_path / "back.xlf", changed) == 1
    assert (content / "blocks/warning-signs/de.yaml").read_bytes() == before


def test_an_xliff_import_writes_no_citation_check_refuses(run, content, tmp_path):
    exported = _export(run, content, tmp_path / "de.xlf")
    changed = exported.replace("Sie können auch erst Monate später kommen",
                               "Sie können auch erst Monate später kommen [@arc-2020]", 1)
    imported = _import(run, content, tmp_path / "back.xlf", changed)
    assert imported == 1 or _check(run, content)[0] == 0


def test_an_xliff_one_line_target_cannot_bring_a_citation_in(run, content, tmp_path):
    exported = _export(run, content, tmp_path / "de.xlf")
    title = "<target>Haut: Ausschlag, rote Flecken, Jucken, Blasen"
    assert title in exported
    changed = exported.replace(title, title + " [@arc-2020]", 1)
    imported = _import(run, content, tmp_path / "back.xlf", changed)
    assert imported == 1 or _check(run, content)[0] == 1


@pytest.mark.xfail(strict=True, reason="import takes each code's Markdown from the file's "
                   "own originalData: two citations swapped there are imported silently, "
                   "each claim now citing the other's source")
def test_a_citation_changed_in_original_data_is_refused(run, content, tmp_path):
    exported = _export(run, content, tmp_path / "de.xlf")
    data = ('<data id="d1">[@cancer-council-nsw-managing-irae]</data>\n'
            '          <data id="d2">[@esmo-irae-guide-2017]</data>')
    assert data in exported
    swapped = exported.replace(data, data.replace("cancer-council-nsw-managing-irae", "TMP")
                               .replace("esmo-irae-guide-2017", "cancer-council-nsw-managing-irae")
                               .replace("TMP", "esmo-irae-guide-2017"), 1)
    before = (content / "blocks/warning-signs/de.yaml").read_bytes()
    assert _import(run, content, tmp_path / "back.xlf", swapped) == 1
    assert (content / "blocks/warning-signs/de.yaml").read_bytes() == before


def test_a_po_import_writes_no_citation_check_refuses(run, content, tmp_path):
    exported = _export(run, content, tmp_path / "de.po", "--format", "po")
    cited = "noch nicht gut [@cancer-council-nsw-managing-irae]."
    assert cited in exported
    imported = _import(run, content, tmp_path / "back.po",
                       exported.replace(cited, "noch nicht gut.", 1))
    assert imported == 1 or _check(run, content)[0] == 0


# --- approvals and incremental builds ---------------------------------------------------

def _status_of(run, content: Path, block: str) -> str:
    code, out, err = run("status", "--content", str(content))
    assert code == 0, err
    return re.search(rf"^\s+{block}\s+(\S+)", out, re.MULTILINE)[1]


@pytest.mark.parametrize(("path", "old", "new", "block"), [
    ("sources.yaml", "esmo-irae-guide-2017:\n", "esmo-irae-guide-2017:\n  about: changed\n",
     "tolerance"),
    ("project.yaml", '"0 800 940 939"', '"0 800 940 930"', "support"),
], ids=["a cited source's entry", "the French support line's number"])
def test_an_approval_no_longer_holds_once_what_it_cites_changes(
        run, content, path, old, new, block):
    code, _, err = run("approve", "--content", str(content), "--by", "Dr X", "--on",
                       "2026-11-20", f"fr:{block}")
    assert code == 0, err
    assert _status_of(run, content, block) == "approved"
    _edit(content / path, old, new)
    assert _status_of(run, content, block) == "draft"


@pytest.mark.parametrize(("path", "old", "new"), [
    ("sources.yaml", 'title: "Comment le cancer réagit-il face aux immunothérapies ?"',
     'title: "Comment le cancer réagit-il face aux immunothérapies (2) ?"'),
    ("project.yaml", "source: ligue-ecoute", "source: arc-2020"),
], ids=["a cited source's title", "a support line's source"])
def test_a_rebuild_after_a_source_or_support_line_change_is_a_clean_build(
        run, content, tmp_path, path, old, new):
    again, clean = tmp_path / "again", tmp_path / "clean"
    assert _basics_fr(run, content, again) is not None
    _edit(content / path, old, new)
    rebuilt = _basics_fr(run, content, again)
    made = _basics_fr(run, content, clean)
    assert rebuilt is not None and made is not None
    assert rebuilt.read_bytes() == made.read_bytes()
    _assert_numbering_holds(rebuilt)


# --- the 24-hour line ------------------------------------------------------------------

def test_a_clinic_whose_only_contact_is_its_24_hour_line_prints_it_on_the_card(
        run, content, tmp_path):
    clinic = content / f"clinics/{TILLEULS}.yaml"
    text = clinic.read_text()
    clinic.write_text(text[:text.index("  - id: oncology")]
                      + text[text.index("  # Printed in every edition"):])
    code, err = _build(run, content, tmp_path / "out", "--lang", "fr", "--leaflet",
                       SIDE_EFFECTS, "--clinic", TILLEULS)
    assert code == 0, err
    printed = _text(tmp_path / f"out/clinics/{TILLEULS}/fr/{SIDE_EFFECTS}.pdf")
    assert printed.count(NIGHT) >= 2 and OFFICE not in printed


def test_a_clinic_wallet_card_never_gives_a_number_that_closes(run, content, tmp_path):
    _edit(content / f"leaflets/{SIDE_EFFECTS}.yaml", "  - contact\n", "")
    _edit(content / f"clinics/{TILLEULS}.yaml", "    always: true\n",
          '    hours:\n      - {days: [mon], opens: "08:00", closes: "09:00"}\n')
    _edit(content / f"clinics/{TILLEULS}.yaml", "languages: [fr, en, ar]",
          f"languages: [fr, en, ar]\nleaflets: [{SIDE_EFFECTS}]")
    code, _ = _build(run, content, tmp_path / "out", "--lang", "fr", "--leaflet",
                     SIDE_EFFECTS, "--clinic", TILLEULS)
    if code == 0:
        printed = _text(tmp_path / f"out/clinics/{TILLEULS}/fr/{SIDE_EFFECTS}.pdf")
        assert OFFICE not in printed and NIGHT not in printed

