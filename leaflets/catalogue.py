"""Distribution: the catalogue pages clinics open to find and print a leaflet, and bundles.

Each catalogue is a folder that stands on its own: ``output/index.html`` for the
generic editions, ``output/clinics/<clinic>/index.html`` for a clinic's. Its PDFs,
thumbnails and page sit together, with relative links, so it works opened from
the file system, copied to a shared drive, or unzipped from a bundle.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .errors import UsageError
from .i18n import language, load_catalog
from .model import Library
from .outputs import Record, atomic_write, write_if_changed

THUMBNAIL_WIDTH = 240  # pixels
SUMS = "SHA256SUMS"
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same files give the same bundle


@dataclass
class Row:
    """One leaflet in one language: its main PDF and every other file of it."""

    main: Record
    others: list[Record] = field(default_factory=list)
    thumbnail: str = ""


def thumbnail(pdf: bytes) -> bytes:
    """The first page as a small PNG."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    scale = THUMBNAIL_WIDTH / page.get_width()
    image = page.render(scale=scale).to_pil().convert("P", palette=1, colors=128)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _rows(records: list[Record], languages: list[str]) -> list[Row]:
    rows: dict[tuple[str, str], Row] = {}
    # The screen edition in the leaflet's own format comes first and is the main file.
    ranked = sorted(records, key=lambda record: (record.variant != "screen",
                                                 record.layout != "pages", record.path))
    for record in ranked:
        key = (record.leaflet, record.language)
        if key in rows:
            rows[key].others.append(record)
        else:
            rows[key] = Row(record)
    return sorted(rows.values(),
                  key=lambda row: (row.main.leaflet, languages.index(row.main.language)))


def write_catalogues(output: Path, library: Library, records: list[Record],
                     templates_dir: Path, locales_dir: Path) -> list[Path]:
    """Write the generic catalogue and one per clinic from the build's records."""
    written = []
    for clinic_id in [None, *library.clinics]:
        folder = output / "clinics" / clinic_id if clinic_id else output
        chosen = [record for record in records if record.clinic == clinic_id]
        if chosen or clinic_id is None:
            written.append(_write_catalogue(output, folder, chosen, library, clinic_id,
                                            templates_dir, locales_dir))
    return written


def _write_catalogue(output: Path, folder: Path, records: list[Record], library: Library,
                     clinic_id: str | None, templates_dir: Path, locales_dir: Path) -> Path:
    rows = _rows(records, library.languages)
    thumbnails = folder / "thumbnails"
    wanted = set()
    for row in rows:
        name = f"{row.main.sha256[:16]}.png"   # named by content: rebuilt only when it changes
        wanted.add(name)
        if not (thumbnails / name).is_file():
            atomic_write(thumbnails / name, thumbnail((output / row.main.path).read_bytes()))
        row.thumbnail = f"thumbnails/{name}"
    for stale in thumbnails.glob("*.png") if thumbnails.is_dir() else ():
        if stale.name not in wanted:
            stale.unlink()
    page = _render(rows, library, clinic_id, folder, output, templates_dir, locales_dir)
    write_if_changed(folder / "index.html", page.encode())
    return folder / "index.html"


def _render(rows: list[Row], library: Library, clinic_id: str | None, folder: Path,
            output: Path, templates_dir: Path, locales_dir: Path) -> str:
    ui = language(library.project.source_language)   # the staff's language
    environment = Environment(loader=FileSystemLoader(templates_dir), autoescape=True,
                              undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                              trim_blocks=True, lstrip_blocks=True)
    environment.install_gettext_translations(load_catalog(locales_dir, ui.code), newstyle=True)
    prefix = folder.relative_to(output)
    languages = sorted({row.main.language for row in rows}, key=library.languages.index)
    return environment.get_template("catalogue.html.j2").render(
        ui=ui,
        rows=rows,
        clinic=library.clinics[clinic_id].clinic if clinic_id else None,
        publisher=library.project.publisher,
        languages=[(code, Locale.parse(code).get_display_name(code).capitalize(),
                    Locale.parse(code).get_display_name(ui.locale))
                   for code in languages],
        href=lambda record: str(Path(record.path).relative_to(prefix)),
        kilobytes=lambda record: max(1, round(record.bytes / 1024)),
        edition_label=edition_label,
    )


def edition_label(record: Record) -> str:
    """What a file is, as its link says it: the key of a catalogue string."""
    if record.layout == "saddle-stitch":
        return "booklet-sheets"
    if record.variant != "screen":
        return record.variant
    return record.format


def bundle(output: Path, clinic_id: str, library: Library) -> Path:
    """A zip of a clinic's catalogue folder (PDFs, page, thumbnails) with SHA256SUMS."""
    if clinic_id not in library.clinics:
        raise UsageError(f"unknown clinic '{clinic_id}'; expected one of: "
                         f"{', '.join(library.clinics)}")
    folder = output / "clinics" / clinic_id
    if not (folder / "index.html").is_file():
        raise UsageError(f"no editions built for clinic '{clinic_id}' yet: run "
                         f"'python3 build.py --clinic {clinic_id}' first")
    files = sorted(path for path in folder.rglob("*")
                   if path.is_file() and not path.name.startswith("."))
    sums = "".join(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  "
                   f"{path.relative_to(folder).as_posix()}\n" for path in files)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*((path.relative_to(folder).as_posix(), path.read_bytes())
                             for path in files), (SUMS, sums.encode())]:
            archive.writestr(zipfile.ZipInfo(f"{clinic_id}/{name}", ZIP_TIME), data)
    target = output / "bundles" / f"{clinic_id}.zip"
    atomic_write(target, buffer.getvalue())
    return target
