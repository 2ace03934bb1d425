"""Red team of the update feeds, change notes and bundles: hostile text in what a feed
prints, and what a clinic's bundle holds."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import feedparser
import pytest

from .conftest import ROOT

LIBRARY = ROOT / "tests/library"
CLINIC = "clinics/clinique-exemple/"
CLINIC_NAME = "Clinique de test (exemple fictif)"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def summaries(feed: Path) -> list[str]:
    """The entries' summaries, without the isolates an Arabic sentence puts around Latin."""
    return [re.sub("[\u2066-\u2069]", "", entry.summary)
            for entry in feedparser.parse(feed.read_bytes()).entries]


def test_a_placeholder_in_a_change_note_is_a_located_error(library, run):
    """A feed prints a note as written: {clinic.name} would reach every clinic's reader
    as those eleven characters, so it is refused where it is written."""
    leaflet = library / "leaflets/every-block.yaml"
    leaflet.write_text(leaflet.read_text().replace(
        'note: "Première édition', 'note: "Pour {clinic.name} : première édition'))
    line = leaflet.read_text().splitlines().index(
        next(text for text in leaflet.read_text().splitlines() if "{clinic." in text)) + 1
    code, _, err = run("check", "--content", str(library))
    assert code == 1
    assert f"every-block.yaml:{line}:" in err and "{clinic.…} placeholder" in err
    assert "Traceback" not in err


def test_a_withdrawal_reason_says_in_the_feed_what_its_page_says(library, tmp_path, run):
    """The withdrawal page fills the reason's placeholders; the feed, which a clinic
    reads to learn why it must remove its stock, printed them raw."""
    append(library / "leaflets/more-blocks.yaml",
           'withdrawn: {on: 2026-12-15, reason: "remplacé à {clinic.name}"}\n')
    output = tmp_path / "output"
    assert run("--content", str(library), "--output", str(output),
               "--leaflet", "every-block", "--lang", "fr")[0] == 0
    clinic = [text for text in summaries(output / CLINIC / "feed.atom") if "remplacé" in text]
    generic = [text for text in summaries(output / "feed.atom") if "remplacé" in text]
    assert clinic and generic
    assert all(CLINIC_NAME in text and "{clinic." not in text for text in clinic)
    assert all("{clinic." not in text for text in generic)
    page = (output / CLINIC / "fr/more-blocks.html").read_text()
    assert CLINIC_NAME in page


def test_a_clinic_whose_every_leaflet_is_withdrawn_keeps_its_feed(library, tmp_path, run):
    """The clinic's feed was removed with its last edition, so its reader got a missing
    feed instead of the entry telling it to remove its printed stock."""
    append(library / "clinics/clinique-exemple.yaml", "leaflets: [more-blocks]\n")
    output = tmp_path / "output"
    options = ("--content", str(library), "--output", str(output), "--leaflet", "more-blocks",
               "--lang", "fr")
    assert run(*options)[0] == 0
    assert (output / CLINIC / "feed.atom").is_file()
    append(library / "leaflets/more-blocks.yaml",
           "withdrawn: {on: 2026-12-15, reason: remplacé par TEST-03}\n")
    assert run(*options)[0] == 0
    feed = feedparser.parse((output / CLINIC / "feed.atom").read_bytes())
    assert not feed.bozo
    assert [entry.title_detail.language for entry in feed.entries] == ["fr", "ar"]
    assert all("TEST-03" in entry.summary for entry in feed.entries)


CLINIC_ID = "clinique-exemple"   # bundle takes the clinic alone: --leaflet is build's


def test_a_bundle_is_refused_while_a_built_file_is_missing(library, tmp_path, run):
    """A PDF deleted by hand after the build: its record was dropped, and the bundle was
    written over the good one without it, its catalogue page and web page still linking
    it."""
    output = tmp_path / "output"
    options = ("--content", str(library), "--output", str(output), "--leaflet", "every-block",
               "--clinic", "clinique-exemple")
    bundling = ("--content", str(library), "--output", str(output), "--clinic", CLINIC_ID)
    assert run(*options)[0] == 0
    assert run("bundle", *bundling)[0] == 0
    bundle = output / "bundles/clinique-exemple.zip"
    good = bundle.read_bytes()
    assert "clinique-exemple/fr/every-block.pdf" in zipfile.ZipFile(bundle).namelist()
    (output / CLINIC / "fr/every-block.pdf").unlink()
    code, _, err = run("bundle", *bundling)
    assert code != 0 and "Traceback" not in err
    assert f"{CLINIC}fr/every-block.pdf changed or went missing" in err
    assert bundle.read_bytes() == good
    assert run(*options)[0] == 0   # the build makes it again, and the bundle follows
    assert "clinique-exemple/fr/every-block.pdf" in zipfile.ZipFile(bundle).namelist()


def test_a_bundle_is_refused_while_a_thumbnail_is_missing(library, tmp_path, run):
    """A thumbnail deleted by hand: the bundle stopped with 'cannot write' a file it was
    reading."""
    output = tmp_path / "output"
    options = ("--content", str(library), "--output", str(output), "--leaflet", "every-block",
               "--clinic", "clinique-exemple")
    assert run(*options)[0] == 0
    thumbnail = next((output / CLINIC / "thumbnails").glob("*.png"))
    thumbnail.unlink()
    code, _, err = run("bundle", "--content", str(library), "--output", str(output),
                       "--clinic", CLINIC_ID)
    assert code != 0 and "Traceback" not in err and "cannot write" not in err
    assert f"{thumbnail.relative_to(output).as_posix()} changed or went missing" in err
    assert not (output / "bundles/clinique-exemple.zip").exists()


@pytest.mark.parametrize("url, wanted", [
    ("http://leaflets.example.org/", "https://"),
    ("https://leaflets.example.org", "a path ending in /"),
    ("https://x.org/a?b=/", "no query"), ("https://x.org/#/", "no query"),
    ("https://u:p@x.org/", "no user or password"), ("https://x.org/a/../", "no '..'"),
    ('https://x.org/"><b>/', "no '..', spaces, quotes"), ("https:///", "a host"),
])
def test_an_odd_site_url_is_a_located_error(run, content, url, wanted):
    project = content / "project.yaml"
    text = project.read_text()
    line = next(line for line in text.splitlines() if line.startswith("site_url:"))
    project.write_text(text.replace(line, f"site_url: '{url}'"))
    code, _, err = run("check", "--content", str(content))
    number = text.splitlines().index(line) + 1
    assert code == 1 and "Traceback" not in err
    assert f"project.yaml:{number}:" in err and "'site_url'" in err and wanted in err
