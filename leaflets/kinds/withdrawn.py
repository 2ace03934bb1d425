"""Withdrawal pages: at the address of a withdrawn leaflet's web edition, a page that says so.

The builder removes a withdrawn leaflet's web editions with its PDFs, but the QR codes
printed on the copies still in circulation keep opening their addresses. At each one, in
every folder and language the leaflet was distributed in, this kind writes a short page
in that language, with the web editions' stylesheet: the leaflet was withdrawn, when, why
(the reason as the leaflet file gives it, in the source language), to ask the care team,
and a link to the catalogue. Search engines are asked not to index it.

It never writes over a file the builder made (a record) or one it did not make itself,
and it lists its pages in ``.withdrawn.json``, so that it removes its own once a leaflet
is back or gone, and never anyone else's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import Markup

from ..editions import Edition, clinic_version, web_path
from ..languages import Language, language
from ..outputs import listed, write_if_changed
from ..templates import Templates
from . import Site, SiteKind
from .catalogue import catalogue_files
from .web import STATIC, css_font_stack, stylesheet, withdrawn_editions

PAGE = "web/withdrawn.html.j2"
MADE = ".withdrawn.json"
OWN_NAME = re.compile(r"(clinics/[a-z0-9][a-z0-9-]*/)?[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
                      r"/[a-z0-9][a-z0-9-]*\.html")


class WithdrawalPages(SiteKind):
    """A page at each address a withdrawn leaflet's web edition had."""

    name = "withdrawal pages"

    def finish(self, site: Site) -> list[Path]:
        before = set(listed(site.output, MADE, OWN_NAME))
        recorded = {record.path for record in site.records}
        templates = Templates(site.roots)
        sheet = f"../{STATIC}/{stylesheet(site.library, site.roots).name}"
        catalogues = set(catalogue_files(site.output))
        wanted = set()
        for edition in withdrawn_editions(site.library):
            path = web_path(site.library, edition)
            target = site.output / path
            if path in recorded or (path not in before and target.exists()):
                continue   # the builder's, or someone else's: never written over
            page = _render(templates, site, edition, sheet, _catalogue_href(path, catalogues))
            write_if_changed(target, page.encode())
            wanted.add(path)
        # A page of ours the builder now makes again (the leaflet is back) is its file.
        for name in sorted(before - wanted - recorded):
            (site.output / name).unlink(missing_ok=True)
        write_if_changed(site.output / MADE, _listing(wanted))
        return []   # pages for QR codes already printed, not for the person building


def _listing(files: set[str]) -> bytes:
    return (json.dumps({"files": sorted(files)}, indent=1) + "\n").encode()


def _catalogue_href(path: str, catalogues: set[str]) -> str | None:
    """The catalogue page of the folder a page is in, in the page's language if there is
    one (``[clinics/<clinic>/]<lang>/<leaflet>.html`` → ``../index.<lang>.html``)."""
    parts = path.split("/")   # [clinics, <clinic>,] <lang>, <leaflet>.html
    code, prefix = parts[-2], "".join(f"{part}/" for part in parts[:-2])
    for name in (f"index.{code}.html", "index.html"):
        if prefix + name in catalogues:
            return f"../{name}"
    return None


def _render(templates: Templates, site: Site, edition: Edition, sheet: str,
            catalogue_href: str | None) -> str:
    library = site.library
    leaflet = library.leaflets[edition.leaflet].leaflet
    clinic = library.clinics[edition.clinic].clinic if edition.clinic else None
    source = language(library.project.source_language)
    # The title as the leaflet's cover gives it in the page's language, or the source's.
    covers = library.blocks.get(clinic_version(library, edition.clinic, leaflet.blocks[0]), {})
    title_language = language(edition.language if edition.language in covers else source.code)
    cover = covers.get(title_language.code)
    title = cover.block.title if cover else leaflet.reference
    return templates.environment(edition.language).get_template(PAGE).render(
        lang=language(edition.language),
        clinic=clinic,
        publisher=library.project.publisher,
        publisher_language=library.project.publisher_language,
        reference=leaflet.reference,
        title=_typeset(templates, title_language, title, clinic),
        title_language=title_language,
        withdrawn_on=leaflet.withdrawn.on,
        reason=_typeset(templates, source, leaflet.withdrawn.reason, clinic),
        source=source,
        stylesheet=sheet,
        font_stack=css_font_stack(library, edition.language),
        catalogue_href=catalogue_href,
    )


def _typeset(templates: Templates, lang: Language, value: str, clinic) -> Markup:
    """Text as the ``text`` filter of its own language prints it: its typography, its
    placeholders filled, escaped (the value is data, never template source)."""
    return Markup(templates.environment(lang.code).from_string("{{ value|text }}")
                  .render(value=value, clinic=clinic))
