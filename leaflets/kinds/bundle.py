"""A clinic's bundle: its catalogue folder zipped, with a SHA256SUMS file."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

from ..editions import PREVIEW
from ..errors import UsageError
from ..inputs import sha256
from ..outputs import STATE, inside, listed, write_if_changed
from . import Site, SiteKind, catalogue, feeds, web, withdrawn

# The listings of the site kinds' own files: a folder's catalogue pages and thumbnails,
# its web editions' shared files, its feed, the pages at withdrawn leaflets' addresses
# (a clinic that hosts its bundle keeps its old QR codes answered).
LISTINGS = ((catalogue.MADE, catalogue.OWN_NAME), (web.MADE, web.OWN_NAME),
            (feeds.MADE, feeds.OWN_NAME), (withdrawn.MADE, withdrawn.OWN_NAME))

SUMS = "SHA256SUMS"
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same files give the same bundle


class Bundle(SiteKind):
    """``bundles/<clinic>.zip``: the clinic's PDFs, web pages (with their files), catalogue
    page, thumbnails and feed, with checksums — the files this tool made and recorded,
    nothing else in the folder. Made on request (``build.py bundle --clinic ID``); every
    build then makes the bundles that exist again, so a withdrawn leaflet leaves them
    too."""

    name = "bundle"

    def __init__(self, clinic_id: str | None = None):
        self.clinic_id = clinic_id   # None: refresh the bundles already made

    def finish(self, site: Site) -> list[Path]:
        if self.clinic_id is None:
            return [path for clinic_id in site.library.clinics
                    if (site.output / "bundles" / f"{clinic_id}.zip").is_file()
                    for path in _write(site, clinic_id)]
        if self.clinic_id not in site.library.clinics:
            raise UsageError(f"unknown clinic '{self.clinic_id}'; expected one of: "
                             f"{', '.join(site.library.clinics)}")
        if not (site.output / "clinics" / self.clinic_id / "index.html").is_file():
            raise UsageError(f"no editions built for clinic '{self.clinic_id}' yet: run "
                             f"'python3 build.py --clinic {self.clinic_id}' first")
        outdated = sorted({record.leaflet for record in site.distributed
                           if record.clinic == self.clinic_id and not _published(site, record)})
        if outdated:   # a bundle never carries what the content no longer publishes
            raise UsageError(f"the output folder still holds editions of {', '.join(outdated)}, "
                             "which the content no longer publishes (withdrawn or removed): "
                             f"run 'python3 build.py --clinic {self.clinic_id}' first")
        lost = sorted({*_lost(site, self.clinic_id),
                       *(name for name in _members(site, self.clinic_id)
                         if not (site.output / name).is_file())})
        if lost:   # deleted or edited by hand: the bundle would leave it out unsaid
            raise UsageError(f"{', '.join(lost)} changed or went missing since the build: run "
                             f"'python3 build.py --clinic {self.clinic_id}' first")
        return _write(site, self.clinic_id)


def _lost(site: Site, clinic_id: str) -> set[str]:
    """The clinic's files the build state lists but the folder no longer holds as built
    (deleted or edited by hand): the records the output folder dropped on reading."""
    kept = {record.path for record in site.records}
    try:
        entries = [entry for entry in json.loads((site.output / STATE).read_text())["files"]
                   if isinstance(entry, dict)]
    except (OSError, ValueError, KeyError, TypeError):
        return set()   # no state, or one the build would not trust either
    return {path for entry in entries if isinstance(path := entry.get("path"), str)
            and path not in kept and entry.get("clinic") == clinic_id
            and entry.get("approval") != PREVIEW
            and entry.get("language") not in site.library.project.in_progress}


def _published(site: Site, record) -> bool:
    leaflet = site.library.leaflets.get(record.leaflet)
    return leaflet is not None and leaflet.leaflet.withdrawn is None


def _members(site: Site, clinic_id: str) -> list[str]:
    """The clinic's files, relative to the output folder: its recorded editions (PDFs,
    web pages), and what the site kinds made for its folder (catalogue pages, thumbnails,
    the web pages' stylesheet, fonts and pictures, the feed)."""
    prefix = f"clinics/{clinic_id}/"
    names = {record.path for record in site.distributed if record.path.startswith(prefix)}
    names |= {name for listing, own_name in LISTINGS
              for name in listed(site.output, listing, own_name) if name.startswith(prefix)}
    # A symbolic link is not a file the tool made, whatever it points at.
    return sorted(name for name in names if inside(site.output, name)
                  and not (site.output / name).is_symlink())


def _write(site: Site, clinic_id: str) -> list[Path]:
    prefix = f"clinics/{clinic_id}/"
    contents = [(name.removeprefix(prefix), (site.output / name).read_bytes())
                for name in _members(site, clinic_id)]
    sums = "".join(f"{sha256(data)}  {name}\n" for name, data in contents)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*contents, (SUMS, sums.encode())]:
            archive.writestr(zipfile.ZipInfo(f"{clinic_id}/{name}", ZIP_TIME), data)
    target = site.output / "bundles" / f"{clinic_id}.zip"
    write_if_changed(target, buffer.getvalue())
    return [target]
