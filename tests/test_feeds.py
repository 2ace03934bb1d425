"""Update feeds: each catalogue folder's Atom feed, read back with a real feed parser,
through a new version, a clean build, a withdrawal and a clinic taken away; and the
change notes of leaflet files."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from leaflets.cli import main

from .conftest import ROOT

LIBRARY = ROOT / "tests/library"
SITE = "https://leaflets.example.org/"   # site_url of the test library
CLINIC = "clinics/clinique-exemple/"
NEW_NOTE = "Nouveau tableau des effets <b>rares</b> {{ 7*7 }} et nouvelle figure"
REASON = "remplacé par TEST-03"


@dataclass(frozen=True)
class Snapshot:
    """The feeds of an output folder at one moment, and every file there then."""

    feeds: dict[str, bytes]
    files: set[str]
    pages: dict[str, str]   # the catalogue pages

    def parsed(self, folder: str = "") -> feedparser.FeedParserDict:
        return feedparser.parse(self.feeds[f"{folder}feed.atom"])


def snapshot(output: Path) -> Snapshot:
    files = {path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file()}
    return Snapshot({name: (output / name).read_bytes() for name in files
                     if name.endswith("feed.atom")}, files,
                    {name: (output / name).read_text() for name in files
                     if name.endswith("index.html")})


def build(content: Path, output: Path) -> Snapshot:
    assert main(["--content", str(content), "--output", str(output)]) == 0
    return snapshot(output)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict[str, Snapshot]:
    """The test library built, then given a new version of one leaflet (built again into
    the same folder, and clean into another), then with its other leaflet withdrawn, then
    without its clinic."""
    work = tmp_path_factory.mktemp("feeds")
    content, output = work / "content", work / "output"
    shutil.copytree(LIBRARY, content)
    foreign = output / "clinics/someone-else/feed.atom"   # a feed this tool did not make
    foreign.parent.mkdir(parents=True)
    foreign.write_text("not ours")
    states = {"first": build(content, output)}
    leaflet = content / "leaflets/every-block.yaml"
    leaflet.write_text(leaflet.read_text().replace('version: "1.0"\npublished: 2026-11-01',
                                                   'version: "1.1"\npublished: 2026-12-01'))
    append(leaflet, f'  - {{version: "1.1", on: 2026-12-01, note: "{NEW_NOTE}"}}\n')
    states["new version"] = build(content, output)
    states["clean"] = build(content, work / "clean")
    append(content / "leaflets/more-blocks.yaml",
           f"withdrawn: {{on: 2026-12-15, reason: {REASON}}}\n")
    states["withdrawn"] = build(content, output)
    # A listing edited by hand names files the kind never makes: they stay.
    outside = work / "feed.atom"
    outside.write_text("outside")
    (output / ".feeds.json").write_text(json.dumps(
        {"files": ["feed.atom", f"{CLINIC}feed.atom", "manifest.json", "../feed.atom"]}))
    (content / "clinics/clinique-exemple.yaml").unlink()
    states["clinic gone"] = build(content, output)
    assert outside.read_text() == "outside"
    return states


def editions(state: Snapshot, folder: str) -> set[tuple[str, str]]:
    """(language, web edition) of every web page a catalogue folder has."""
    return {(name.split("/")[-2], name) for name in state.files
            if name.startswith(folder) and name.endswith(".html")
            and name.count("/") == folder.count("/") + 1 and "/index" not in f"/{name}"}


@pytest.mark.parametrize("folder", ["", CLINIC])
def test_a_feed_lists_each_edition_of_its_folder_in_its_language(history, folder):
    state = history["first"]
    feed = state.parsed(folder)
    assert not feed.bozo and feed.version == "atom10"
    listed = {(entry.title_detail.language, entry.link.removeprefix(SITE))
              for entry in feed.entries}
    assert listed == editions(state, folder) and len(listed) == 4   # 2 leaflets × fr, ar
    french = next(entry for entry in feed.entries if entry.link.endswith("fr/every-block.html"))
    assert french.title == "Un dépliant pour les tests, version 1.0"
    assert french.summary == "Première édition du dépliant de test."
    assert french.updated == "2026-11-01T00:00:00Z"
    arabic = next(entry for entry in feed.entries if entry.link.endswith("ar/every-block.html"))
    assert arabic.title == "نشرة للاختبار، الإصدار \u20681.0\u2069"
    # The change note is the source text: marked as French inside the Arabic entry.
    assert arabic.summary_detail.language == "fr"


def test_a_clinic_feed_lists_only_the_clinic_editions(history):
    generic, clinic = history["first"].parsed(), history["first"].parsed(CLINIC)
    assert clinic.feed.title.endswith("— Clinique de test (exemple fictif)")
    assert all(link.href.startswith(SITE + CLINIC)
               for entry in clinic.entries for link in entry.links)
    assert not any(link.href.startswith(SITE + "clinics/")
                   for entry in generic.entries for link in entry.links)
    assert {entry.id for entry in clinic.entries}.isdisjoint(entry.id for entry in generic.entries)


@pytest.mark.parametrize("moment", ["first", "clean", "withdrawn"])
def test_every_link_of_a_feed_is_a_file_of_the_output(history, moment):
    state = history[moment]
    for name in state.feeds:
        if name.startswith("clinics/someone-else/"):
            continue
        feed = feedparser.parse(state.feeds[name])
        assert feed.feed.links[0].href == SITE + name   # rel="self"
        for entry in feed.entries:
            assert entry.links, entry.title
            for link in entry.links:
                assert link.href.removeprefix(SITE) in state.files, link.href
        for enclosure in (item for entry in feed.entries for item in entry.enclosures):
            assert enclosure.type == "application/pdf" and enclosure.href.endswith(".pdf")


def test_a_new_version_is_a_new_entry_with_its_change_note(history):
    before, after = history["first"].parsed(), history["new version"].parsed()
    old_ids = {entry.link: entry.id for entry in before.entries}
    for entry in after.entries:
        if "every-block" in entry.link:
            assert entry.id != old_ids[entry.link]
            assert entry.updated == "2026-12-01T00:00:00Z"
            assert entry.title.endswith(("version 1.1", "\u20681.1\u2069"))
        else:   # the other leaflet did not change: its entries stay the same
            assert entry.id == old_ids[entry.link]
    assert after.feed.updated == "2026-12-01T00:00:00Z"
    assert after.entries[0].link.endswith("every-block.html")   # newest first
    # The note is text, whatever it holds: no markup, no template syntax run.
    summaries = etree.fromstring(history["new version"].feeds["feed.atom"]).iterfind(
        ".//{http://www.w3.org/2005/Atom}summary")
    assert NEW_NOTE in [summary.text for summary in summaries]
    assert b"<b>" not in history["new version"].feeds["feed.atom"]


def test_an_incremental_build_writes_the_same_feeds_as_a_clean_one(history):
    incremental, clean = history["new version"].feeds, history["clean"].feeds
    clean_feeds = {name: data for name, data in clean.items()
                   if not name.startswith("clinics/someone-else/")}
    assert set(clean_feeds) == {"feed.atom", f"{CLINIC}feed.atom"}
    assert all(incremental[name] == data for name, data in clean_feeds.items())


@pytest.mark.parametrize("folder", ["", CLINIC])
def test_a_withdrawn_leaflet_is_an_entry_saying_when_and_why(history, folder):
    feed = history["withdrawn"].parsed(folder)
    withdrawn = [entry for entry in feed.entries if entry.link == f"{SITE}{folder}index.html"]
    assert {entry.title_detail.language for entry in withdrawn} == {"fr", "ar"}
    french = next(entry for entry in withdrawn if entry.title_detail.language == "fr")
    assert french.title == "Retrait\u202f: Un second dépliant pour les tests"
    assert french.summary == (f"Document retiré le 15 décembre 2026\u202f: {REASON}. "
                              "Retirez les exemplaires imprimés de la circulation.")
    assert french.updated == "2026-12-15T00:00:00Z"
    assert not any("more-blocks" in link.href for entry in feed.entries for link in entry.links)
    assert feed.entries[0] in withdrawn   # the newest news first


def test_a_feed_no_longer_wanted_is_removed_and_no_other(history):
    files = history["clinic gone"].files
    assert f"{CLINIC}feed.atom" not in files and "feed.atom" in files
    assert "clinics/someone-else/feed.atom" in files and "manifest.json" in files


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attributes):
        self.found.append((tag, dict(attributes)))


@pytest.mark.parametrize("folder", ["", CLINIC])
def test_the_catalogue_page_links_its_feed(history, folder):
    state = history["first"]
    links = Links()
    links.feed(state.pages[f"{folder}index.html"])
    announced = [attributes for tag, attributes in links.found if tag == "link"
                 and attributes.get("type") == "application/atom+xml"]
    assert [item["rel"] for item in announced] == ["alternate"] and announced[0]["title"]
    visible = [attributes["href"] for tag, attributes in links.found
               if tag == "a" and attributes.get("type") == "application/atom+xml"]
    assert visible == [announced[0]["href"]] == ["feed.atom"]
    assert f"{folder}feed.atom" in state.feeds
    assert "Suivre les nouvelles versions et les retraits (flux Atom)" in state.pages[
        f"{folder}index.html"]


def change_notes_line(path: Path) -> int:
    """The line of a leaflet file's first change note (the value of 'changes')."""
    return path.read_text().splitlines().index("changes:") + 2


def test_change_notes_are_checked_where_they_are_written(content, run):
    leaflets = content / "leaflets"
    basics = leaflets / "immunotherapy-basics.yaml"
    basics.write_text(basics.read_text().replace('version: "1.0"', 'version: "1.1"', 1))
    append(leaflets / "immunotherapy-response.yaml",
           '  - {version: "1.0", on: 2026-10-01, note: Une autre note.}\n')
    effects = leaflets / "immunotherapy-side-effects.yaml"
    effects.write_text(effects.read_text().replace("    on: 2026-11-01", "    on: 2026-11-02"))
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and "Traceback" not in err
    assert (f"{basics}:{change_notes_line(basics)}:3: error: 'changes' has no note for the current "
            "version '1.1': add {version: \"1.1\", on: 2026-11-01, note: …} saying what "
            "changed; found notes for '1.0'") in err
    response = leaflets / "immunotherapy-response.yaml"
    assert (f"{response}:{change_notes_line(response)}:3: error: 'changes' has two notes for "
            "version '1.0' (entries 1 and 2); write one per version") in err
    assert (f"{effects}:{change_notes_line(effects)}:3: error: the note of the current version "
            "'1.0' is dated 2026-11-02, but 'published' says 2026-11-01; write the same "
            "date in both") in err
    assert "3 problems in the content" in err


def test_a_change_note_is_one_line_and_no_earlier_version_comes_later(content, run):
    basics = content / "leaflets/immunotherapy-basics.yaml"
    append(basics, '  - {version: "0.9", on: 2027-01-01, note: Brouillon.}\n')
    effects = content / "leaflets/immunotherapy-side-effects.yaml"
    append(effects, '  - {version: "0.8", on: 2026-01-01, note: "Deux\\nlignes"}\n')
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert (f"{basics}:{change_notes_line(basics)}:3: error: the note of version '0.9' is dated "
            "2027-01-01, after this version's publication ('published': 2026-11-01); an "
            "earlier version cannot come later") in err
    assert (f"{effects}:{change_notes_line(effects) + 3}:44: error: a line break is not allowed "
            "here") in err
