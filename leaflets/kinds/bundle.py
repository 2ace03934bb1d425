"""A clinic's bundle: its catalogue folder zipped, with a SHA256SUMS file."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from ..errors import UsageError
from ..inputs import sha256
from ..outputs import atomic_write
from . import Site, SiteKind

SUMS = "SHA256SUMS"
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same files give the same bundle


class Bundle(SiteKind):
    """``bundles/<clinic>.zip``: the clinic's PDFs, page and thumbnails, with checksums.
    Made on request (``build.py bundle``), from what the last build wrote."""

    name = "bundle"

    def __init__(self, clinic_id: str):
        self.clinic_id = clinic_id

    def finish(self, site: Site) -> list[Path]:
        clinic_id = self.clinic_id
        if clinic_id not in site.library.clinics:
            raise UsageError(f"unknown clinic '{clinic_id}'; expected one of: "
                             f"{', '.join(site.library.clinics)}")
        folder = site.output / "clinics" / clinic_id
        if not (folder / "index.html").is_file():
            raise UsageError(f"no editions built for clinic '{clinic_id}' yet: run "
                             f"'python3 build.py --clinic {clinic_id}' first")
        files = sorted(path for path in folder.rglob("*")
                       if path.is_file() and not path.name.startswith("."))
        contents = [(path.relative_to(folder).as_posix(), path.read_bytes()) for path in files]
        sums = "".join(f"{sha256(data)}  {name}\n" for name, data in contents)
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [*contents, (SUMS, sums.encode())]:
                archive.writestr(zipfile.ZipInfo(f"{clinic_id}/{name}", ZIP_TIME), data)
        target = site.output / "bundles" / f"{clinic_id}.zip"
        atomic_write(target, buffer.getvalue())
        return [target]
