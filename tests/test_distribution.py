"""Clinic editions, catalogue pages and bundles (the browser test is test_catalogue_browser.py)."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from .test_model import edit


@pytest.fixture(scope="module")
def distributed(tmp_path_factory) -> Path:
    from leaflets.cli import main

    output = tmp_path_factory.mktemp("distribution")
    assert main(["--output", str(output), "--leaflet", "immunotherapy-basics",
                 "--variant", "screen,large-print"]) == 0
    assert main(["bundle", "--output", str(output), "--clinic", "centre-du-val"]) == 0
    return output


def text(path: Path) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(path))


def test_each_clinic_gets_its_editions_with_its_contact_details(distributed):
    val = distributed / "clinics/centre-du-val"
    assert sorted(str(path.relative_to(val)) for path in val.rglob("*.pdf")) == sorted(
        f"{language}/immunotherapy-basics{variant}.pdf"
        for language in ("de", "fr", "tr") for variant in ("", ".large-print"))
    german = text(val / "de/immunotherapy-basics.pdf")
    assert "Centre hospitalier du Val (exemple fictif)" in german
    assert "Hôpital de jour d’oncologie" in german and "Montag–Donnerstag" in german
    assert "Ligne infirmière d’oncologie" in german and "rund um die Uhr" in german
    assert "Diese Klinik ist ein erfundenes Beispiel" in german
    # The generic edition has space to write a number in, and no clinic.
    generic = " ".join(text(distributed / "de/immunotherapy-basics.pdf").split())
    assert "Schreiben Sie beide hier auf" in generic and "Centre hospitalier" not in generic
    # A clinic that does not take a language gets no edition in it.
    assert not (distributed / "clinics/clinique-des-tilleuls/de").exists()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.titles = [], [], []
        self._title = None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        if tag == "img":
            self.images.append((attributes["src"], attributes.get("alt")))
        if tag == "h2" and "lang" in attributes:
            self._title = attributes

    def handle_data(self, data):
        if self._title is not None:
            self.titles.append((self._title["lang"], self._title["dir"], data.strip()))
            self._title = None


@pytest.mark.parametrize("page", ["index.html", "clinics/clinique-des-tilleuls/index.html"])
def test_catalogue_links_and_thumbnails_point_at_existing_files(distributed, page):
    path = distributed / page
    parser = Links()
    parser.feed(path.read_text())
    assert parser.links and parser.images
    for link in parser.links:
        assert (path.parent / link).is_file(), link
        assert link.endswith((".pdf", ".html", ".atom"))
        assert not link.startswith(("/", "http", "file:"))
    assert [link for link in parser.links if link.endswith(".pdf")]
    for source, alt in parser.images:
        assert (path.parent / source).is_file() and alt
    assert ("ar", "rtl", "ما هو العلاج المناعي؟") in parser.titles
    assert ("fr", "ltr", "L’immunothérapie, qu’est-ce que c’est ?") in [
        (lang, direction, title.replace("\u202f", " ")) for lang, direction, title in parser.titles]


def test_catalogue_rows_carry_version_review_date_status_pages_size_and_checksum(distributed):
    page = (distributed / "index.html").read_text()
    manifest_sha = hashlib.sha256((distributed / "fr/immunotherapy-basics.pdf").read_bytes())
    assert manifest_sha.hexdigest() in page
    for expected in ("Version", "À réviser avant le", "2029-11-01", "Brouillon", "Pages",
                     "Dépliant A4 · gros caractères", "Ko"):
        assert expected in page


def test_a_bundle_holds_the_clinic_pdfs_page_thumbnails_and_valid_checksums(distributed):
    archive = zipfile.ZipFile(distributed / "bundles/centre-du-val.zip")
    names = archive.namelist()
    assert "centre-du-val/index.html" in names and "centre-du-val/SHA256SUMS" in names
    assert "centre-du-val/fr/immunotherapy-basics.pdf" in names
    assert any(re.match(r"centre-du-val/thumbnails/[0-9a-f]{16}\.png$", name) for name in names)
    sums = archive.read("centre-du-val/SHA256SUMS").decode().splitlines()
    assert len(sums) == len(names) - 1
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(f"centre-du-val/{name}")).hexdigest() == digest


def test_an_unzipped_bundle_needs_nothing_outside_it(distributed):
    """Its catalogue page, web editions and feed link only files inside the bundle; links to
    the cited sources' sites are the only addresses that leave it."""
    import lxml.html

    archive = zipfile.ZipFile(distributed / "bundles/centre-du-val.zip")
    names = set(archive.namelist())
    pages = [name for name in names if name.endswith(".html")]
    assert "centre-du-val/fr/immunotherapy-basics.html" in pages
    assert any(name.startswith("centre-du-val/static/fonts/") for name in names)
    assert "centre-du-val/feed.atom" in names
    for page in pages:
        folder = Path(page).parent
        for element in lxml.html.fromstring(archive.read(page)).iter():
            for attribute in ("href", "src"):
                address = element.get(attribute, "").split("#")[0]
                # A cited source's site, a clinic's number to call or address to write to.
                if not address or (element.tag == "a"
                                   and address.startswith(("https://", "tel:", "mailto:"))):
                    continue
                target = os.path.normpath(folder / address)
                assert target in names, f"{page}: {address}"


def test_bundle_of_an_unknown_clinic_is_a_usage_error(run, distributed):
    code, _, err = run("bundle", "--output", str(distributed), "--clinic", "nowhere")
    assert code == 2
    assert "unknown clinic 'nowhere'; expected one of: centre-du-val, clinique-des-tilleuls" in err


def test_clinic_errors_are_located(content):
    from leaflets.errors import ContentError
    from leaflets.model import load_library

    edit(content / "clinics/centre-du-val.yaml", "leaflets: [immunotherapy-basics,",
         "leaflets: [immunotherapy-basic,")
    edit(content / "clinics/centre-du-val.yaml", 'closes: "16:00"', 'closes: "07:00"')
    edit(content / "clinics/clinique-des-tilleuls.yaml", "\ncontacts:",
         "\nlogo: ../../secret.png\ncontacts:")
    with pytest.raises(ContentError) as raised:
        load_library(content)
    messages = [str(problem).split("content/", 1)[1] for problem in raised.value.problems]
    assert messages == [
        "clinics/centre-du-val.yaml:15:47: closing time 07:00 must come after opening time 08:00",
        "clinics/centre-du-val.yaml:20:12: unknown leaflet 'immunotherapy-basic' (did you mean "
        "'immunotherapy-basics'?); expected one of: immunotherapy-basics, "
        "immunotherapy-response, immunotherapy-side-effects",
        "clinics/clinique-des-tilleuls.yaml:7:7: logo '../../secret.png' is outside "
        "content/assets/: write its path relative to content/assets/, without '..'",
    ]


# --- the catalogue in a real browser ------------------------------------------------

def visible_titles(page) -> list[str]:
    return page.eval_on_selector_all(
        "li.leaflet:not([hidden]) h2", "elements => elements.map(e => e.textContent.trim())")


@pytest.mark.parametrize("catalogue", ["index.html", "clinics/clinique-des-tilleuls/index.html"])
def test_catalogue_in_a_browser_filters_searches_and_links(distributed, catalogue):
    from .browser import open_page

    path = distributed / catalogue
    with open_page(path) as opened:
        page = opened.page
        everything = visible_titles(page)
        assert len(everything) == (5 if catalogue == "index.html" else 3)
        assert page.get_attribute("html", "lang") == "fr"
        # Every control has a label, every image a text alternative.
        for control in ("search", "language"):
            assert page.locator(f"label[for={control}]").count() == 1
        assert page.eval_on_selector_all("img", "images => images.every(i => i.alt)")

        # Keyboard: the other languages of the page come first, then the search box, then
        # the language list.
        for _ in range(page.locator("nav.switch a").count() + 1):
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "search"
        page.keyboard.type("immunotherapy")
        assert visible_titles(page) == ["What is immunotherapy?"]
        assert "1" in page.text_content("#count")
        page.fill("#search", "IMMUNOTHERAPIE")   # case and accents do not matter
        assert visible_titles(page) == ["L’immunothérapie, qu’est-ce que c’est\u202f?"]
        page.fill("#search", "")

        page.select_option("#language", "ar")
        arabic = page.locator("li.leaflet:not([hidden]) h2")
        assert arabic.count() == 1
        assert arabic.evaluate("h => getComputedStyle(h).direction") == "rtl"
        page.fill("#search", "nothing like this")
        assert page.is_visible("#none")

        hrefs = page.eval_on_selector_all("a[href]",
                                          "links => links.map(a => a.getAttribute('href'))")
        assert hrefs and all((path.parent / href).is_file() for href in hrefs)
        assert opened.errors == []


@pytest.fixture(scope="module")
def every_format(tmp_path_factory) -> Path:
    """The basics leaflet in its own format and as a booklet, for screen and press."""
    from leaflets.cli import main

    output = tmp_path_factory.mktemp("formats")
    common = ["--output", str(output), "--leaflet", "immunotherapy-basics", "--lang", "fr,ar"]
    assert main([*common, "--variant", "screen,press"]) == 0
    assert main([*common, "--layout", "a5-booklet"]) == 0
    return output


@pytest.mark.parametrize("page", ["index.html", "index.ar.html",
                                  "clinics/clinique-des-tilleuls/index.html"])
def test_every_link_carries_its_own_checksum_pages_and_label(every_format, page):
    """In a real browser: what each link says of its file is true of that file."""
    from pypdf import PdfReader

    from .browser import open_page

    path = every_format / page
    with open_page(path) as opened:
        cards = opened.page.eval_on_selector_all("li.leaflet", """cards => cards.map(card =>
            [...card.querySelectorAll(".files li")].map(item => ({
                href: item.querySelector("a").getAttribute("href"),
                label: item.querySelector("a").textContent.trim(),
                text: item.textContent,
                sha: item.querySelector("code.sha").textContent.trim(),
                thumbnail: card.querySelector("img").getAttribute("src")})))""")
        assert opened.errors == []
    assert cards
    for files in cards:
        assert len(files) == 4 and len({file["label"] for file in files}) == 4
        main = files[0]["href"]
        assert "." not in Path(main).name.removesuffix(".pdf")   # the A4 screen edition
        thumbnail = hashlib.sha256((path.parent / main).read_bytes()).hexdigest()[:16]
        assert files[0]["thumbnail"] == f"thumbnails/{thumbnail}.png"
        for file in files:
            data = (path.parent / file["href"]).read_bytes()
            assert file["sha"] == hashlib.sha256(data).hexdigest()
            assert f" {len(PdfReader(path.parent / file['href']).pages)})" in file["text"]


def test_the_catalogue_speaks_the_clinics_language_and_links_the_others(every_format):
    generic = (every_format / "index.html").read_text()
    assert '<html lang="fr"' in generic and 'href="index.ar.html"' in generic
    arabic = (every_format / "index.ar.html").read_text()
    assert '<html lang="ar" dir="rtl"' in arabic and 'href="index.html"' in arabic
    assert "نشرات معلومات للمرضى" in arabic
    for name in ("index.en.html", "index.de.html", "index.tr.html"):
        assert (every_format / name).is_file()
