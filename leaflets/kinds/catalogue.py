"""Distribution: the catalogue pages clinics open to find and print a leaflet, and bundles.

Each catalogue is a folder that stands on its own: ``output/index.html`` for the
generic editions, ``output/clinics/<clinic>/index.html`` for a clinic's. Its PDFs,
thumbnails and page sit together, with relative links, so it works opened from
the file system, copied to a shared drive, or unzipped from a bundle.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..editions import clinic_version
from ..errors import ContentError
from ..filling import filled_text
from ..i18n import install_catalog, load_catalog
from ..languages import language
from ..model import Library
from ..outputs import Record, atomic_write, inside, write_if_changed
from ..registry import FORMATS, N_, VARIANTS
from . import Site, SiteKind
from .web import WebEdition

THUMBNAIL_WIDTH = 240  # pixels
MADE = ".catalogue.json"   # the pages and thumbnails the catalogue made
OWN_NAME = re.compile(r"(clinics/[a-z0-9][a-z0-9-]*/)?"
                      r"(index(\.[A-Za-z0-9-]+)?\.html|thumbnails/[0-9a-f]{16}\.png)")
SHEETS_LABEL = N_("sheets to print on both sides and fold")
PRESS_SPREADS_LABEL = N_("imposed spreads for print (PDF/X-4)")
SWITCH_LABEL = N_("Language of this page")


@dataclass
class Row:
    """One leaflet in one language: its main PDF, every other PDF of it, its web page."""

    main: Record
    others: list[Record] = field(default_factory=list)
    thumbnail: str = ""
    web: Record | None = None


def thumbnail(pdf: bytes) -> bytes:
    """The first page as a small PNG."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    scale = THUMBNAIL_WIDTH / page.get_width()
    image = page.render(scale=scale).to_pil().convert("P", palette=1, colors=128)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class CataloguePages(SiteKind):
    """The generic catalogue page and one per clinic, from the build's records. The pages
    and thumbnails it made are listed in ``.catalogue.json``, so that it removes its own
    files when they are no longer wanted (a clinic gone, a leaflet withdrawn) and never
    anyone else's."""

    name = "catalogue"

    def finish(self, site: Site) -> list[Path]:
        pages, made = [], []
        for clinic_id in [None, *site.library.clinics]:
            folder = site.output / "clinics" / clinic_id if clinic_id else site.output
            chosen = [record for record in site.distributed if record.clinic == clinic_id]
            if chosen or clinic_id is None:
                written = _write_catalogue(site, folder, chosen, clinic_id)
                pages.append(written[0])   # index.html, in the page's first language
                made += written
        _remove_unwanted(site.output, {path.relative_to(site.output).as_posix()
                                       for path in made})
        return pages


def _remove_unwanted(output: Path, wanted: set[str]) -> None:
    """Delete the files the catalogue made before and does not make now; record the rest."""
    listing = output / MADE
    before = set(catalogue_files(output))
    for name in sorted(before - wanted):
        # The listing is a file anyone can edit: only names of the shapes it writes, inside.
        if OWN_NAME.fullmatch(name) and inside(output, name):
            (output / name).unlink(missing_ok=True)
    write_if_changed(listing, (json.dumps({"files": sorted(wanted)}, indent=1) + "\n").encode())


def catalogue_files(output: Path) -> list[str]:
    """The files the catalogue listed as its own, as far as the listing can be read."""
    try:
        files = json.loads((output / MADE).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [name for name in files if isinstance(name, str)] if isinstance(files, list) else []


def thumbnail_name(record: Record) -> str:
    """A thumbnail is named by the content of the page it shows: made again only when the
    PDF changes."""
    return f"thumbnails/{record.sha256[:16]}.png"


def _rows(records: list[Record], library: Library) -> list[Row]:
    rows: dict[tuple[str, str], Row] = {}
    languages = library.languages
    # The screen edition in the leaflet's own format comes first and is the main file:
    # its first page is the thumbnail.
    ranked = sorted(records, key=lambda record: (
        not VARIANTS[record.variant].default, record.format != library.format_of(record.leaflet),
        record.layout != "pages", record.path))
    pages = [record for record in ranked if record.kind == WebEdition.name]
    for record in ranked:
        key = (record.leaflet, record.language)
        if record.kind == WebEdition.name:
            continue
        if key in rows:
            rows[key].others.append(record)
        else:
            rows[key] = Row(record)
    # The card's title opens the web edition; a row is a leaflet with a PDF to print.
    for page in pages:
        if (page.leaflet, page.language) in rows:
            rows[page.leaflet, page.language].web = page
    return sorted(rows.values(),
                  key=lambda row: (row.main.leaflet, languages.index(row.main.language)))


def _write_catalogue(site: Site, folder: Path, records: list[Record],
                     clinic_id: str | None) -> list[Path]:
    """Write a catalogue folder's pages (one per language) and thumbnails; return them,
    index.html first."""
    rows = _rows(records, site.library)
    thumbnails = []
    for row in rows:
        row.thumbnail = thumbnail_name(row.main)
        path = folder / row.thumbnail
        if not path.is_file() or path.is_symlink():   # a link is replaced, never followed
            atomic_write(path, thumbnail((site.output / row.main.path).read_bytes()))
        thumbnails.append(path)
    pages = _ui_pages(site, clinic_id)
    for code, name in pages:
        page = _render(site, rows, clinic_id, folder, code, pages)
        write_if_changed(folder / name, page.encode())
    return [folder / name for _, name in pages] + thumbnails


def _ui_pages(site: Site, clinic_id: str | None) -> list[tuple[str, str]]:
    """(language, file name) of each version of a catalogue page: first the clinic's own
    language (the source language for the generic page) as index.html, then the others
    whose catalogs can be read, each as index.<language>.html."""
    library = site.library
    clinic = library.clinics.get(clinic_id)
    languages = [code for code in (clinic and clinic.clinic.languages) or library.languages
                 if code not in library.project.in_progress]
    if clinic is None:
        languages.remove(library.project.source_language)
        languages.insert(0, library.project.source_language)
    readable = [code for code in languages if _catalog_readable(site, code)]
    return [(code, "index.html" if index == 0 else f"index.{code}.html")
            for index, code in enumerate(readable)]


def _catalog_readable(site: Site, code: str) -> bool:
    try:
        load_catalog(site.roots.catalog_folders, code)
    except ContentError:
        return False   # a language still in progress: its page follows once its catalog does
    return True


def _render(site: Site, rows: list[Row], clinic_id: str | None, folder: Path, code: str,
            pages: list[tuple[str, str]]) -> str:
    library = site.library
    ui = language(code)
    environment = Environment(loader=FileSystemLoader(site.roots.template_folders), autoescape=True,
                              undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                              trim_blocks=True, lstrip_blocks=True)
    install_catalog(environment, load_catalog(site.roots.catalog_folders, ui.code))
    prefix = folder.relative_to(site.output)
    languages = sorted({row.main.language for row in rows}, key=library.languages.index)
    return environment.get_template("catalogue.html.j2").render(
        ui=ui,
        rows=rows,
        clinic=library.clinics[clinic_id].clinic if clinic_id else None,
        publisher=library.project.publisher,
        publisher_language=library.project.publisher_language,
        languages=[(code, Locale.parse(code).get_display_name(code).capitalize(),
                    Locale.parse(code).get_display_name(ui.locale))
                   for code in languages],
        href=lambda record: str(Path(record.path).relative_to(prefix)),
        kilobytes=lambda record: max(1, round(record.bytes / 1024)),
        edition_label=edition_label,
        withdrawn=withdrawn_notices(library, clinic_id),
        switch=[(other, Locale.parse(other).get_display_name(other).capitalize(), name)
                for other, name in pages if other != code],
        switch_label=SWITCH_LABEL,
    )


@dataclass(frozen=True)
class Notice:
    """A withdrawn leaflet, as the catalogue tells clinics of it."""

    title: str
    language: str
    direction: str
    reference: str
    on: str
    reason: str


def withdrawn_notices(library: Library, clinic_id: str | None) -> list[Notice]:
    """The withdrawn leaflets a catalogue names, with their title in the source language."""
    source = library.project.source_language
    notices = []
    for leaflet_id, leaflet_file in library.leaflets.items():
        leaflet, clinic = leaflet_file.leaflet, library.clinics.get(clinic_id)
        if leaflet.withdrawn is None or (clinic and clinic.clinic.leaflets is not None
                                         and leaflet_id not in clinic.clinic.leaflets):
            continue
        # The clinic's own cover, if it has one, with its placeholders filled.
        cover = library.blocks.get(clinic_version(library, clinic_id, leaflet.blocks[0]),
                                   {}).get(source)
        title = (filled_text(cover.block.title, clinic and clinic.clinic, language(source))
                 if cover else leaflet.reference)
        notices.append(Notice(title, source, language(source).direction, leaflet.reference,
                              leaflet.withdrawn.on.isoformat(), leaflet.withdrawn.reason))
    return notices


def edition_label(record: Record) -> tuple[str, str]:
    """What a file is, as its link says it: its format, and what it is for (catalog
    strings), e.g. "A4 leaflet · for print (PDF/X-4)"."""
    variant = VARIANTS[record.variant]
    if record.layout != "saddle-stitch":
        return FORMATS[record.format].label, variant.label
    return FORMATS[record.format].label, (PRESS_SPREADS_LABEL if variant.finished_for_press
                                          else SHEETS_LABEL)
