"""The output folder: atomic writes, the build state, and the manifest.

The build state (``.build-state.json``) records, for every PDF, the content
hash of every input it was made from; a PDF is rebuilt only when one of them
changed. The manifest (``manifest.json``) tells clinics what each PDF is; it
is rewritten atomically after every PDF, so a build killed at any moment leaves
complete files and a manifest that describes them. The state is only a cache
(a record is trusted only if its file is on disk unchanged), so it is saved at
most once a second and at the end: a killed build costs a few re-renders.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .inputs import sha256

MANIFEST = "manifest.json"
STATE = ".build-state.json"
_TEMPORARY_SUFFIX = ".partial"
STATE_SAVE_INTERVAL = 1.0  # seconds


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file completely or not at all: a temporary file, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=_TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> None:
    """Atomically write a file unless it already holds exactly ``data``."""
    if not (path.is_file() and path.read_bytes() == data):
        atomic_write(path, data)


def remove_partial_files(output: Path) -> None:
    """Temporary files of a build that was killed before it could rename them."""
    if output.is_dir():
        for path in output.rglob(f".*{_TEMPORARY_SUFFIX}"):
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Record:
    """One output file of an edition: what the manifest says of it, and the inputs it was
    made from."""

    path: str
    kind: str              # the output kind that made it
    leaflet: str
    language: str
    clinic: str | None     # None for the generic edition
    format: str
    variant: str
    layout: str            # "pages", or "saddle-stitch" for imposed booklet sheets
    title: str             # in the edition's language
    direction: str         # "ltr" or "rtl"
    version: str
    review_by: str
    pages: int | None      # None for a file without pages
    bytes: int
    sha256: str
    approval: str
    inputs: dict[str, str] = field(default_factory=dict, compare=False)

    def public(self) -> dict:
        """The manifest's entry: everything but the inputs (shallow, so it stays cheap)."""
        return {item.name: getattr(self, item.name) for item in fields(self)
                if item.name != "inputs"}


class Outputs:
    """The output folder of a build: its PDFs, state and manifest."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.records: dict[str, Record] = {}
        self._state_saved = time.monotonic()
        try:
            state = json.loads((folder / STATE).read_text())
            for entry in state["pdfs"]:
                self.records[entry["path"]] = Record(**entry)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no state yet, or an unreadable one: everything is rebuilt
        # Trust only records whose file is on disk, complete and unchanged.
        self.records = {path: record for path, record in self.records.items()
                        if self._intact(record)}

    def _intact(self, record: Record) -> bool:
        try:
            return sha256((self.folder / record.path).read_bytes()) == record.sha256
        except OSError:
            return False

    def is_current(self, path: str, hash_of: Callable[[str], str | None]) -> bool:
        """Whether the PDF at ``path`` exists and none of its recorded inputs changed."""
        record = self.records.get(path)
        return record is not None and bool(record.inputs) and all(
            hash_of(name) == digest for name, digest in record.inputs.items())

    def write(self, record: Record, data: bytes) -> None:
        """Write an output file, then the manifest that describes it."""
        atomic_write(self.folder / record.path, data)
        self.records[record.path] = record
        records = [self.records[path].public() for path in sorted(self.records)]
        atomic_write(self.folder / MANIFEST, (json.dumps(
            {"pdfs": records}, indent=2, ensure_ascii=False) + "\n").encode())
        if time.monotonic() - self._state_saved > STATE_SAVE_INTERVAL:
            self.save_state()

    def save_state(self) -> None:
        records = [asdict(self.records[path]) for path in sorted(self.records)]
        atomic_write(self.folder / STATE, json.dumps({"pdfs": records}).encode())
        self._state_saved = time.monotonic()
