"""The web edition as a build output: made without layout, with inputs of its own, its
shared files named by content and removed when nothing uses them, and an incremental
build that equals a clean one byte for byte whatever input changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import pytest
from fontTools.ttLib import TTFont

from leaflets import builder
from leaflets.fonts import font_faces
from leaflets.kinds.web import MADE, WebEdition, WebFiles
from leaflets.model import LibraryLoader
from leaflets.webfonts import web_fonts, woff2

from .conftest import ROOT
from .test_model import edit

LIBRARY = ROOT / "tests" / "library"
LEAFLETS = ("every-block", "more-blocks")   # more-blocks shows a picture
CLINIC = "clinique-exemple"
# Files that say how a build went, not what it made.
BOOKKEEPING = {".build-state.json", ".lock"}


def paths_for(content: Path, output: Path, templates: Path | None = None) -> builder.Paths:
    return builder.Paths(content=content, output=output,
                         templates=templates or ROOT / "templates")


def build(paths: builder.Paths, clinics: tuple[str, ...] = ("generic",),
          **options) -> builder.Build:
    """The test library's generic editions (and its clinic's, if asked)."""
    selection = builder.Selection(leaflets=LEAFLETS, clinics=clinics)
    return builder.Builder(paths, selection, builder.Execution(jobs=1), **options).build()


def made(paths: builder.Paths, **options) -> set[str]:
    """Build; return the files of editions the build wrote (not those it found current)."""
    def written() -> dict[str, int]:
        return {path.relative_to(paths.output).as_posix(): path.stat().st_mtime_ns
                for pattern in ("*.pdf", "*.html") for path in paths.output.rglob(pattern)}
    before = written()
    build(paths, **options)
    return {name for name, mtime in written().items() if before.get(name) != mtime
            and not name.rsplit("/", 1)[-1].startswith("index")}


def snapshot(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes()
            for path in sorted(output.rglob("*"))
            if path.is_file() and path.name not in BOOKKEEPING}


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", copy)
    return copy


def assert_same_as_clean(paths: builder.Paths, tmp_path: Path) -> None:
    clean = paths_for(paths.content, tmp_path / "clean", paths.templates)
    build(clean)
    assert snapshot(paths.output) == snapshot(clean.output)


def test_a_page_has_its_files_beside_it_and_nothing_outside(library, tmp_path):
    paths = paths_for(library, tmp_path / "out")
    build(paths)
    html = "".join((tmp_path / f"out/fr/{leaflet}.html").read_text() for leaflet in LEAFLETS)
    static = sorted(path.relative_to(tmp_path / "out").as_posix()
                    for path in (tmp_path / "out/static").rglob("*") if path.is_file())
    assert any(name.endswith(".css") for name in static)
    assert any(name.endswith(".png") for name in static)          # the figure's picture
    assert len([name for name in static if name.endswith(".woff2")]) == len(
        web_fonts(LibraryLoader(library).read()[0].project, library))
    addresses = [value for leaflet in LEAFLETS for element in lxml.html.fromstring(
                     (tmp_path / f"out/fr/{leaflet}.html").read_bytes()).iter()
                 for name, value in element.attrib.items() if name in ("src", "href")]
    # A support line's number is a tel: link (a number to call, not a place to fetch).
    assert addresses and not [address for address in addresses
                              if (":" in address.split("/")[0] or address.startswith("/"))
                              and not address.startswith("tel:")]
    for name in static:
        if not name.startswith("static/fonts/"):
            assert f"../{name}" in html, name


def test_a_web_stylesheet_change_makes_the_pages_again_and_lays_out_no_pdf(library, templates,
                                                                          tmp_path):
    paths = paths_for(library, tmp_path / "out", templates)
    build(paths)
    pdfs = {path: path.stat().st_mtime_ns for path in (tmp_path / "out").rglob("*.pdf")}
    old = {path.name for path in (tmp_path / "out/static").glob("*.css")}
    edit(templates / "web/web.css", "main:focus", "main:focus-within, main:focus")
    assert made(paths) == {f"{lang}/{leaflet}.html" for lang in ("fr", "ar")
                           for leaflet in LEAFLETS}
    assert {path: path.stat().st_mtime_ns for path in pdfs} == pdfs
    # The stylesheet has a new name; the old one is gone.
    assert {path.name for path in (tmp_path / "out/static").glob("*.css")}.isdisjoint(old)
    assert_same_as_clean(paths, tmp_path)


def test_a_print_template_change_lays_out_the_pdfs_and_leaves_the_pages(library, templates,
                                                                       tmp_path):
    paths = paths_for(library, tmp_path / "out", templates)
    build(paths)
    page = tmp_path / "out/fr/every-block.html"
    before = page.stat().st_mtime_ns
    edit(templates / "formats/a4-leaflet.css", "{", "{ /* changed */")
    assert "fr/every-block.pdf" in made(paths)
    assert page.stat().st_mtime_ns == before
    assert_same_as_clean(paths, tmp_path)


@pytest.mark.parametrize("change", ["block", "picture", "catalog", "clinic", "project"])
def test_any_input_change_gives_the_bytes_of_a_clean_build(library, tmp_path, change):
    paths = paths_for(library, tmp_path / "out")
    clinics = (CLINIC,) if change == "clinic" else ("generic",)
    build(paths, clinics)
    old_pictures = set((tmp_path / "out/static").glob("*.png"))
    if change == "block":
        edit(library / "blocks/remember/fr.yaml", "title: ", "title: Changé – ")
    elif change == "picture":
        from PIL import Image
        Image.new("RGB", (40, 30), "#0b6e75").save(library / "assets/diagram.png")
    elif change == "catalog":
        locales = tmp_path / "locales"
        shutil.copytree(ROOT / "locales", locales)
        edit(locales / "fr/LC_MESSAGES/messages.po", 'msgstr "Référence"',
             'msgstr "Référence du document"')
        paths = builder.Paths(content=library, output=tmp_path / "out", locales=locales)
    elif change == "clinic":
        edit(library / f"clinics/{CLINIC}.yaml", "name: ", "name: Nouvelle ")
    else:
        edit(library / "project.yaml", '"#0b6e75"', '"#0b6e76"')
    assert any(path.endswith(".html") for path in made(paths, clinics=clinics))
    if change == "picture":   # the new picture replaced the old one
        assert old_pictures and old_pictures.isdisjoint((tmp_path / "out/static").glob("*.png"))
    clean = builder.Paths(content=library, output=tmp_path / "clean", locales=paths.locales)
    build(clean, clinics)
    assert snapshot(paths.output) == snapshot(clean.output)


def test_a_builder_of_pages_alone_lays_nothing_out_and_keeps_every_pdf(library, tmp_path):
    paths = paths_for(library, tmp_path / "out")
    build(paths)
    pdfs = {path: path.read_bytes() for path in (tmp_path / "out").rglob("*.pdf")}
    edit(library / "blocks/remember/fr.yaml", "title: ", "title: Changé – ")
    # The Arabic translation of the block is stale now: its page says it is a draft.
    assert made(paths, edition_kinds=(WebEdition(),), site_kinds=(WebFiles(),)) == {
        "fr/every-block.html", "ar/every-block.html"}
    assert "Changé" in (tmp_path / "out/fr/every-block.html").read_text()
    assert {path: path.read_bytes() for path in (tmp_path / "out").rglob("*.pdf")} == pdfs
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())["files"]
    assert {entry["path"] for entry in manifest} >= {
        path.relative_to(tmp_path / "out").as_posix() for path in pdfs}
    # The full build that follows lays out the PDFs the edit changed, and only them.
    assert made(paths) == {"fr/every-block.pdf", "ar/every-block.pdf"}


def test_shared_files_of_a_clinic_taken_away_go_with_it(library, tmp_path):
    paths = paths_for(library, tmp_path / "out")
    build(paths, ("generic", CLINIC))
    clinic_static = tmp_path / f"out/clinics/{CLINIC}/static"
    assert any(clinic_static.rglob("*.woff2"))
    (library / f"clinics/{CLINIC}.yaml").unlink()
    build(paths, ())
    assert not clinic_static.exists() or not any(clinic_static.rglob("*"))
    assert any((tmp_path / "out/static").rglob("*.woff2"))


def test_a_forged_listing_never_removes_a_file_the_tool_did_not_make(library, tmp_path):
    paths = paths_for(library, tmp_path / "out")
    build(paths)
    keep = tmp_path / "precious.txt"
    keep.write_text("mine")
    foreign = tmp_path / "out/static/notes.txt"
    foreign.write_text("mine too")
    listing = tmp_path / "out" / MADE
    files = json.loads(listing.read_text())["files"]
    listing.write_text(json.dumps({"files": [*files, "../precious.txt", "static/notes.txt",
                                             "/etc/hostname", 7]}))
    build(paths)
    assert keep.read_text() == "mine" and foreign.read_text() == "mine too"


def test_a_web_font_is_cut_the_same_every_time_and_keeps_its_scripts(library, tmp_path,
                                                                    monkeypatch):
    project = LibraryLoader(library).read()[0].project
    fonts = {(font.face.family, font.face.weight, font.face.style): font
             for font in web_fonts(project, library)}
    arabic = fonts["Noto Naskh Arabic", "normal", "normal"]
    assert {face.path for face in font_faces(project, library)} >= {arabic.face.path}
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "one"))
    first = woff2(arabic)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "two"))
    assert woff2(arabic) == first
    cut = TTFont(__import__("io").BytesIO(first)).getBestCmap()
    assert ord("ب") in cut and ord("،") in cut and ord("1") in cut
    latin = TTFont(__import__("io").BytesIO(woff2(fonts["Noto Sans", "normal", "normal"])))\
        .getBestCmap()
    assert ord("é") in latin and ord("ğ") in latin and ord("ß") in latin
    assert ord("Ж") not in latin   # Cyrillic: no script of the project's stacks uses it
    # A damaged file in the cache is made again, never served.
    (tmp_path / "two/leaflets/webfonts" / arabic.name).write_bytes(b"broken")
    assert woff2(arabic) == first


def test_a_template_that_fails_while_rendering_is_named_at_its_line(library, templates,
                                                                   tmp_path):
    page = templates / "web/edition.html.j2"
    lines = page.read_text().splitlines(keepends=True)
    at = next(index for index, line in enumerate(lines) if "<main" in line)
    lines.insert(at + 1, "{{ nosuch.field }}\n")
    page.write_text("".join(lines))
    result = build(paths_for(library, tmp_path / "out", templates))
    errors = [outcome.error for outcome in result.outcomes if outcome.error]
    assert errors and all(f"edition.html.j2:{at + 2}:1: error: " in error
                          and "'nosuch' is undefined" in error for error in errors)
    assert not list((tmp_path / "out").glob("*/*.html"))   # no edition page written
