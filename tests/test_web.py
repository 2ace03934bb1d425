"""The web editions and catalogue pages, opened in a real Chromium (tests/browser.py) and
checked with axe-core at WCAG 2.2 AA (tests/axe.py).

The shipped library is built once for this module, in every language, generically and
for one clinic, after two changes to its copy: the French blocks are approved (so the
French editions are approved and the others drafts), and one French block title carries
hostile text, which must print as text. One Chromium opens every page.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from leaflets.cli import main
from leaflets.model import load_library

from .axe import CHROMIUM_ARGS, axe_source, violations
from .browser import open_browser
from .test_model import edit

ROOT = Path(__file__).resolve().parent.parent
CLINIC = "centre-du-val"
HOSTILE = '<script>document.title = "owned"</script> {{ 7*7 }} <img src=x onerror=alert(1)>'
HOSTILE_BLOCK = "blocks/what-is-immunotherapy/fr.yaml"
NARROW = 320   # CSS pixels: 1280 at 400 % zoom (WCAG 1.4.10)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("web-content") / "content"
    shutil.copytree(ROOT / "content", content)
    edit(content / HOSTILE_BLOCK, "title: L’immunothérapie en quelques mots",
         f"title: 'L’immunothérapie {HOSTILE}'")
    assert main(["approve", "--content", str(content), "--by", "Dr Test",
                 "--on", "2026-11-20", "fr"]) == 0
    output = tmp_path_factory.mktemp("web-output")
    assert main(["build", "--content", str(content), "--output", str(output),
                 "--jobs", "2", "--clinic", f"generic,{CLINIC}"]) == 0
    return output


@pytest.fixture(scope="module")
def browser():
    with open_browser(*CHROMIUM_ARGS) as running:
        yield running


@pytest.fixture(scope="module")
def axe(pytestconfig) -> str:
    return axe_source(pytestconfig)


def web_records(output: Path) -> list[dict]:
    files = json.loads((output / "manifest.json").read_text())["files"]
    return [record for record in files if record["kind"] == "web"]


def catalogue_pages(output: Path) -> list[Path]:
    return [output / "index.html", output / "index.ar.html",
            output / "clinics" / CLINIC / "index.html"]


def every_page(output: Path) -> list[Path]:
    return [output / record["path"] for record in web_records(output)] + catalogue_pages(output)


def test_the_build_made_a_web_edition_of_every_leaflet_language_and_clinic(site):
    paths = {record["path"] for record in web_records(site)}
    # 3 leaflets × 5 languages, and the clinic's 2 leaflets × its 3 languages.
    assert len(paths) == 15 + 6
    assert {"fr/immunotherapy-basics.html", "ar/immunotherapy-basics.html",
            f"clinics/{CLINIC}/fr/immunotherapy-basics.html"} <= paths


def test_every_page_has_no_axe_violation_at_wcag_2_2_aa(site, browser, axe):
    found = {}
    for path in every_page(site):
        with browser.open(path) as opened:
            problems = violations(opened.page, axe) + opened.errors
        if problems:
            found[str(path.relative_to(site))] = problems
    assert found == {}


def test_no_page_scrolls_sideways_at_320_px_and_body_text_is_16_px(site, browser):
    found = {}
    for path in every_page(site):
        with browser.open(path, width=NARROW) as opened:
            width, size = opened.page.evaluate("""() => [
                document.documentElement.scrollWidth,
                parseFloat(getComputedStyle(document.body).fontSize)]""")
            if width > NARROW or size < 16 or opened.errors:
                found[str(path.relative_to(site))] = (width, size, opened.errors)
    assert found == {}


class Addresses(HTMLParser):
    """Every address an element of a page names (href, src)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def addresses(page: Path) -> list[str]:
    parser = Addresses()
    parser.feed(page.read_text())
    if page.suffix == ".css":
        return re.findall(r'url\("([^"]+)"\)', page.read_text())
    return parser.found


def test_every_address_in_a_page_or_its_stylesheet_is_a_file_of_the_output(site):
    missing, files = [], list(every_page(site))
    files += sorted(site.glob("**/static/leaflets.*.css"))
    # The sources list links each source's own page: the only addresses that leave.
    cited = {source.url for source in load_library(ROOT / "content").sources.values()
             if source.url}
    for page in files:
        for address in addresses(page):
            parts = urlsplit(address)
            if parts.scheme in ("tel", "mailto") or address.startswith("#") or address in cited:
                continue   # a number to call, an address to write to, a place in the page
            target = (page.parent / unquote(parts.path)).resolve()
            if parts.scheme or parts.netloc or not target.is_file() \
                    or not target.is_relative_to(site.resolve()):
                missing.append(f"{page.relative_to(site)}: {address}")
    assert missing == []
    assert any(site.glob("static/fonts/*.woff2"))


def test_the_language_switch_is_reached_by_tab_from_the_top(site, browser):
    page_path = site / "fr" / "immunotherapy-basics.html"
    with browser.open(page_path) as opened:
        page = opened.page
        reached = []
        for _ in range(3):   # the skip link, then the switch's first link
            page.keyboard.press("Tab")
            reached.append(page.evaluate("""() => [document.activeElement.className,
                !!document.activeElement.closest('nav.language-switch')]"""))
        assert reached[0][0] == "skip-link"
        assert [in_switch for _, in_switch in reached[1:]] == [True, True]
        links = page.eval_on_selector_all("nav.language-switch a", """links => links.map(
            link => [link.getAttribute('href'), link.lang, link.hreflang])""")
        with page.expect_navigation():
            page.keyboard.press("Enter")   # on the second link of the switch
        assert page.evaluate("document.documentElement.lang") == links[1][1]
        assert opened.errors == []
    assert [code for _, code, _ in links] == ["en", "de", "tr", "ar"]
    for href, code, hreflang in links:
        assert code == hreflang and href == f"../{code}/immunotherapy-basics.html"
        assert (page_path.parent / href).is_file()


def test_a_draft_says_so_and_is_not_indexed_an_approved_edition_neither(site, browser):
    with browser.open(site / "ar" / "immunotherapy-basics.html") as opened:
        note = opened.page.get_by_role("note")
        assert "مسودة" in note.inner_text()
        assert "DRAFT — not approved for patients" in note.inner_text()
        assert opened.page.locator('meta[name="robots"][content="noindex"]').count() == 1
    with browser.open(site / "fr" / "immunotherapy-basics.html") as opened:
        assert opened.page.get_by_role("note").count() == 0
        assert opened.page.locator('meta[name="robots"]').count() == 0
        control = opened.page.locator("footer").inner_text()
        assert "IMM\u2060-\u206001" in control and "Approuvé" in control
        assert "1 novembre 2029" in control   # the review-by date, as in the PDF


def test_a_clinic_edition_shows_the_clinic_and_numbers_a_phone_calls(site, browser):
    with browser.open(site / "clinics" / CLINIC / "fr" / "immunotherapy-basics.html") as opened:
        contact = opened.page.locator("section.contact")
        assert "Centre hospitalier du Val" in contact.inner_text()
        assert contact.locator('a[href="tel:+33399000000"]').count() == 1
    generic = (site / "fr" / "immunotherapy-basics.html").read_text()
    # The generic edition calls no clinic: its one number is the national support line's.
    assert "Centre hospitalier du Val" not in generic
    assert re.findall(r'href="tel:([^"]*)"', generic) == ["0800940939"]


def test_hostile_text_in_a_block_title_is_inert_text(site, browser):
    for path in (site / "fr" / "immunotherapy-basics.html",
                 site / "clinics" / CLINIC / "fr" / "immunotherapy-basics.html"):
        with browser.open(path) as opened:
            page = opened.page
            heading = page.locator("#what-is-immunotherapy h2").inner_text()
            assert "<script>" in heading and "{{ 7*7 }}" in heading and "49" not in heading
            assert page.locator("main script, main img[src=x]").count() == 0
            assert page.title() != "owned" and opened.errors == []


def test_a_bidi_control_in_a_title_never_reaches_a_page(content, run):
    edit(content / HOSTILE_BLOCK, "title: L’immunothérapie", "title: \"L’immuno\\u202Ethérapie")
    edit(content / HOSTILE_BLOCK, "en quelques mots", "en quelques mots\"")
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert re.search(r"blocks/what-is-immunotherapy/fr\.yaml:3:\d+: .*U\+202E", err), err
    assert "Traceback" not in err


def test_each_catalogue_card_opens_its_web_edition_and_shows_its_pdf(site):
    page = (site / "index.html").read_text()
    titles = re.findall(r'<h2 lang="(\w+)" dir="\w+"><a href="([^"]+)" hreflang="(\w+)">', page)
    assert len(titles) == 15
    assert all(href == f"{code}/{Path(href).name}" and code == hreflang
               and (site / href).is_file() and href.endswith(".html")
               for code, href, hreflang in titles)
    downloads = re.findall(r'<a href="([^"]+)" download>', page)
    assert downloads and all(href.endswith(".pdf") for href in downloads)
    files = json.loads((site / "manifest.json").read_text())["files"]
    screen = next(record for record in files if record["path"] == "fr/immunotherapy-basics.pdf")
    assert f'src="thumbnails/{screen["sha256"][:16]}.png"' in page   # still the PDF's page


def test_a_withdrawn_leaflet_leaves_a_page_at_its_address_and_takes_it_back(
        content, tmp_path, browser, axe):
    output, leaflet = tmp_path / "output", "immunotherapy-side-effects"
    build = ["build", "--content", str(content), "--output", str(output), "--jobs", "2",
             "--lang", "fr,ar", "--leaflet", leaflet, "--clinic", "generic"]
    assert main(build) == 0
    others = output / "en" / f"{leaflet}.html"   # a file the tool did not make
    others.parent.mkdir()
    others.write_text("someone else's")
    edit(content / "leaflets" / f"{leaflet}.yaml", "blocks:",
         'withdrawn: {on: 2026-12-01, reason: "remplacé par IMM-04 <b>{{ 7*7 }}</b>"}\nblocks:')
    assert main(build) == 0
    assert not (output / "fr" / f"{leaflet}.pdf").exists()
    for code, said in (("fr", "Ce document a été retiré le 1 décembre 2026."),
                       ("ar", "سُحبت هذه النشرة في 1 ديسمبر 2026.")):
        with browser.open(output / code / f"{leaflet}.html") as opened:
            page = opened.page
            assert said in page.locator("main").inner_text()
            reason = page.locator('main span[lang="fr"]')
            assert reason.inner_text() == "remplacé par IMM-04 <b>{{ 7*7 }}</b>"
            assert page.locator('meta[name="robots"][content="noindex"]').count() == 1
            assert violations(page, axe) == [] and opened.errors == []
        catalogue = {"fr": "../index.html", "ar": "../index.ar.html"}[code]
        assert f'<a href="{catalogue}">' in (output / code / f"{leaflet}.html").read_text()
        assert (output / code / catalogue).is_file()
    assert others.read_text() == "someone else's"
    # The leaflet is back: the builder's web editions replace the pages, ours go.
    edit(content / "leaflets" / f"{leaflet}.yaml", "withdrawn:", "# withdrawn:")
    assert main(build) == 0
    assert "withdrawn-page" not in (output / "fr" / f"{leaflet}.html").read_text()
    assert json.loads((output / ".withdrawn.json").read_text()) == {"files": []}
    assert not (output / "de" / f"{leaflet}.html").exists()   # a page of ours, gone
    assert others.read_text() == "someone else's"
