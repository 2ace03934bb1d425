"""Update feeds: an Atom feed (RFC 4287) beside each catalogue page, so that a clinic
learns, in its feed reader, that a leaflet has a new version or was withdrawn and that
its printed stock must be replaced.

``output/feed.atom`` lists the generic editions, ``output/clinics/<clinic>/feed.atom``
a clinic's: one entry per leaflet and language, with its version, date, a line saying
what changed (the leaflet's change note), links to its web edition and its PDF; and
one per withdrawn leaflet and language. An entry's id is made from its edition and
version, its dates from the content, never the clock: the same content gives the same
bytes, and a new version is a new entry.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from ..editions import clinic_version, edition_languages
from ..filling import filled_text
from ..i18n import format_day, load_catalog, quotation_marks, typography
from ..languages import language
from ..model import Library
from ..outputs import Record, keep_listed, write_if_changed
from ..registry import N_, VARIANTS
from . import Site, SiteKind
from .pdf import PdfEdition
from .web import WebEdition

FEED = "feed.atom"
CATALOGUE_PAGE = "index.html"
MADE = ".feeds.json"   # the feeds this kind made, to remove its own alone
OWN_NAME = re.compile(r"(clinics/[a-z0-9][a-z0-9-]*/)?feed\.atom")
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_TITLE = N_("Patient leaflets")
CLINIC_FEED_TITLE = N_("Patient leaflets — %(clinic)s")
ENTRY_TITLE = N_("%(title)s, version %(version)s")
# What an entry says when its leaflet has no change note for its version.
PUBLISHED_SUMMARY = N_("Version %(version)s, published on %(date)s")
WITHDRAWN_TITLE = N_("%(title)s: withdrawn")
WITHDRAWN_SUMMARY = N_("Withdrawn on %(date)s: %(reason)s. "
                       "Remove printed copies from circulation.")


@dataclass(frozen=True)
class Link:
    rel: str
    type: str
    href: str
    length: int | None = None


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: an edition in its current version, or a withdrawal."""

    identity: str          # what its id is made from: the edition and its version
    language: str
    title: str
    updated: date
    summary: str
    summary_language: str
    links: tuple[Link, ...]
    order: tuple           # newest first, then leaflet and language


class Words:
    """The catalog's sentences, in each language, with that language's typography."""

    def __init__(self, site: Site):
        self.locales = site.roots.catalog_folders

    def say(self, code: str, message: str, **values: str) -> str:
        translations = load_catalog(self.locales, code)
        return typography(translations.gettext(message) % values, language(code),
                          quotation_marks(translations))


class Feeds(SiteKind):
    """The feed of every catalogue folder that has a catalogue page. The feeds it made are
    listed in ``.feeds.json``, so that it removes its own when they are no longer wanted
    (a clinic gone), and never anyone else's file."""

    name = "feeds"

    def finish(self, site: Site) -> list[Path]:
        words, made = Words(site), set()
        for clinic_id in [None, *site.library.clinics]:
            prefix = f"clinics/{clinic_id}/" if clinic_id else ""
            records = [record for record in site.distributed if record.clinic == clinic_id]
            withdrawals = _withdrawal_entries(site, words, clinic_id, prefix)
            # Where the catalogue writes its page, and where a clinic whose every leaflet
            # was withdrawn must still learn it: the news its feed is for.
            if records or withdrawals or clinic_id is None:
                entries = [*_edition_entries(site, words, records, clinic_id, prefix),
                           *withdrawals]
                write_if_changed(site.output / prefix / FEED,
                                 _feed(site, words, clinic_id, prefix, entries))
                made.add(prefix + FEED)
        keep_listed(site.output, MADE, OWN_NAME, made)
        return []   # read by feed readers; the catalogue page links it


def _edition_entries(site: Site, words: Words, records: list[Record], clinic_id: str | None,
                     prefix: str) -> list[Entry]:
    """One entry per leaflet and language of a folder: its web edition, its main PDF."""
    library, url = site.library, site.library.project.site_url
    editions: dict[tuple[str, str], list[Record]] = {}
    for record in records:
        editions.setdefault((record.leaflet, record.language), []).append(record)
    entries = []
    for (leaflet_id, code), files in sorted(editions.items()):
        web = next((record for record in files if record.kind == WebEdition.name), None)
        pdf = _main_pdf(library, files)
        main = web or pdf
        if main is None:   # only files a feed does not link (imposed sheets alone)
            continue
        leaflet = library.leaflets[leaflet_id].leaflet
        links = [Link("alternate", "text/html", url + web.path)] if web else []
        if pdf:
            links.append(Link("enclosure" if web else "alternate", "application/pdf",
                              url + pdf.path, pdf.bytes))
        summary, summary_language = _summary(library, words, leaflet_id, code, main.version)
        entries.append(Entry(
            f"{url}{prefix}{code}/{leaflet_id}#version-{main.version}", code,
            words.say(code, ENTRY_TITLE, title=_title(library, leaflet_id, clinic_id, code),
                      version=main.version),
            leaflet.published, summary, summary_language, tuple(links),
            (-leaflet.published.toordinal(), leaflet_id, library.languages.index(code))))
    return entries


def _main_pdf(library: Library, files: list[Record]) -> Record | None:
    """The PDF the catalogue shows first: the default variant, the leaflet's own format."""
    pdfs = sorted((record for record in files if record.kind == PdfEdition.name),
                  key=lambda record: (not VARIANTS[record.variant].default,
                                      record.format != library.format_of(record.leaflet),
                                      record.path))
    return pdfs[0] if pdfs else None


def _summary(library: Library, words: Words, leaflet_id: str, code: str,
             version: str) -> tuple[str, str]:
    """What changed in this version, and its language: the change note, in the source
    language, or else the version and its publication date in the entry's language."""
    leaflet = library.leaflets[leaflet_id].leaflet
    note = next((change.note for change in leaflet.changes or () if change.version == version),
                None)
    if note is not None:
        source = library.project.source_language
        return typography(note, language(source)), source
    return words.say(code, PUBLISHED_SUMMARY, version=version,
                     date=format_day(leaflet.published, language(code))), code


def _withdrawal_entries(site: Site, words: Words, clinic_id: str | None,
                        prefix: str) -> list[Entry]:
    """One entry per withdrawn leaflet and language the folder had it in: when and why,
    linking the catalogue page, which says so too."""
    library, url = site.library, site.library.project.site_url
    clinic = library.clinics.get(clinic_id)
    entries = []
    for leaflet_id, leaflet_file in sorted(library.leaflets.items()):
        withdrawal = leaflet_file.leaflet.withdrawn
        if withdrawal is None:
            continue
        # The reason as the withdrawal page at the leaflet's address says it: filled.
        reason = filled_text(withdrawal.reason, clinic and clinic.clinic,
                             language(library.project.source_language))
        for code in edition_languages(library, leaflet_id, clinic_id):
            title = _title(library, leaflet_id, clinic_id, code)
            if title is None:   # never distributed in that language
                continue
            entries.append(Entry(
                f"{url}{prefix}{code}/{leaflet_id}#withdrawn-{withdrawal.on}", code,
                words.say(code, WITHDRAWN_TITLE, title=title), withdrawal.on,
                words.say(code, WITHDRAWN_SUMMARY, reason=reason,
                          date=format_day(withdrawal.on, language(code))), code,
                (Link("alternate", "text/html", url + prefix + CATALOGUE_PAGE),),
                (-withdrawal.on.toordinal(), leaflet_id, library.languages.index(code))))
    return entries


def _title(library: Library, leaflet_id: str, clinic_id: str | None, code: str) -> str | None:
    """A leaflet's title in a language, as its cover says it (the clinic's own cover, its
    placeholders filled), without typography: the sentence it goes into gets that."""
    leaflet = library.leaflets[leaflet_id].leaflet
    cover = library.blocks.get(clinic_version(library, clinic_id, leaflet.blocks[0]),
                               {}).get(code)
    if cover is None:
        return None
    clinic = library.clinics.get(clinic_id)
    return filled_text(cover.block.title, clinic and clinic.clinic, language(code))


def _feed(site: Site, words: Words, clinic_id: str | None, prefix: str,
          entries: list[Entry]) -> bytes:
    library = site.library
    project, clinic = library.project, library.clinics.get(clinic_id)
    code = (clinic and clinic.clinic.languages or [project.source_language])[0]
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM}, attrib={XML_LANG: code})
    _add(feed, "id", _urn(project.site_url + prefix + FEED))
    _add(feed, "title", words.say(code, CLINIC_FEED_TITLE, clinic=clinic.clinic.name)
         if clinic else words.say(code, FEED_TITLE))
    dates = [entry.updated for entry in entries] or [
        leaflet_file.leaflet.published for leaflet_file in library.leaflets.values()]
    _add(feed, "updated", _timestamp(max(dates, default=date(1970, 1, 1))))
    _add(_add(feed, "author"), "name", project.publisher)
    _link(feed, Link("self", "application/atom+xml", project.site_url + prefix + FEED))
    _link(feed, Link("alternate", "text/html", project.site_url + prefix + CATALOGUE_PAGE))
    for entry in sorted(entries, key=lambda entry: entry.order):
        _entry(feed, entry)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _entry(feed: etree._Element, entry: Entry) -> None:
    element = _add(feed, "entry")
    element.set(XML_LANG, entry.language)
    _add(element, "id", _urn(entry.identity))
    _add(element, "title", entry.title)
    _add(element, "updated", _timestamp(entry.updated))
    summary = _add(element, "summary", entry.summary)
    if entry.summary_language != entry.language:   # a change note, in the source language
        summary.set(XML_LANG, entry.summary_language)
    for link in entry.links:
        _link(element, link, hreflang=entry.language)


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text   # lxml escapes it: a note is text, whatever it holds
    return element


def _link(parent: etree._Element, link: Link, hreflang: str | None = None) -> None:
    element = _add(parent, "link")
    element.set("rel", link.rel)
    element.set("type", link.type)
    element.set("href", link.href)
    if hreflang:
        element.set("hreflang", hreflang)
    if link.length is not None:
        element.set("length", str(link.length))


def _urn(identity: str) -> str:
    """A stable, unique id: the same edition and version give the same one, in any build."""
    return uuid.uuid5(uuid.NAMESPACE_URL, identity).urn


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
