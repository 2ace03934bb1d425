"""The output folder: atomic writes, the build state, and the manifest.

The build state (``.build-state.json``) records, for every file an edition made
(PDF, web page), the content hash of every input it was made from; a file is made
again only when one of them changed. The manifest (``manifest.json``) tells clinics
what each file is; it is rewritten atomically after every file, so a build killed at
any moment leaves complete files and a manifest that describes them. The state is
only a cache (a record is trusted only if its file is on disk unchanged), so it is
saved at most once a second and at the end: a killed build costs a few re-renders.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .inputs import sha256

MANIFEST = "manifest.json"
STATE = ".build-state.json"
LOCK = ".lock"
_TEMPORARY_SUFFIX = ".partial"
STATE_SAVE_INTERVAL = 1.0  # seconds


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


# Files are made as any program of the user would make them (mkstemp alone gives 0600,
# which a web server or a colleague reading a copied output folder cannot open).
NEW_FILE_MODE = 0o666 & ~_umask()


def atomic_write(path: Path, data: bytes, *, keep_mode: bool = False) -> None:
    """Write a file completely or not at all: a temporary file, then a rename. The file
    gets the user's default mode, or keeps its own with ``keep_mode``. A failure names
    the file, even where the system does not (a full disk)."""
    try:
        mode = path.stat().st_mode & 0o7777 if keep_mode and path.exists() else NEW_FILE_MODE
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=_TEMPORARY_SUFFIX)
    except OSError as error:
        raise _naming(error, path) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(error, path) from None
        raise


def _naming(error: OSError, path: Path) -> OSError:
    return error if error.filename else OSError(error.errno, error.strerror, str(path))


@contextmanager
def output_lock(folder: Path, waiting: Callable[[Path], None]) -> Iterator[None]:
    """Hold the output folder for one build: a second build into it waits (after
    ``waiting`` says so) instead of mixing its manifest with this one's. The lock goes
    with the process, however it ends."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(lock)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def write_if_changed(path: Path, data: bytes) -> None:
    """Atomically write a file unless it already holds exactly ``data``."""
    if not (path.is_file() and path.read_bytes() == data):
        atomic_write(path, data)


def inside(folder: Path, relative: str) -> bool:
    """Whether ``relative`` names a file inside ``folder``: a relative path without '..',
    that no symbolic link takes elsewhere."""
    path = Path(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    return (folder / path).resolve().is_relative_to(folder.resolve())


def listed(output: Path, listing: str, own_name: re.Pattern) -> list[str]:
    """The files a kind listed as its own, as far as the listing can be read: only names
    of the shapes the kind writes (``own_name``), inside the folder."""
    try:
        files = json.loads((output / listing).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [name for name in files if isinstance(name, str) and own_name.fullmatch(name)
            and inside(output, name)] if isinstance(files, list) else []


def keep_listed(output: Path, listing: str, own_name: re.Pattern, wanted: set[str]) -> None:
    """Delete the files a kind listed in ``listing`` before and does not make now, then
    list those it makes. The listing is a file anyone can edit: only names of the shapes
    the kind writes (``own_name``), inside the folder, are ever deleted."""
    for name in sorted(set(listed(output, listing, own_name)) - wanted):
        (output / name).unlink(missing_ok=True)
        _remove_empty_folders((output / name).parent, output)
    write_if_changed(output / listing,
                     (json.dumps({"files": sorted(wanted)}, indent=1) + "\n").encode())


def _remove_empty_folders(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents below ``top`` while they are empty."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:   # not empty, or not ours to remove
            return
        folder = folder.parent


# What mkstemp names a temporary file in atomic_write: a dot, the name, 8 random characters.
_TEMPORARY_NAME = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(_TEMPORARY_SUFFIX))


def remove_partial_files(output: Path) -> None:
    """Temporary files of a build that was killed before it could rename them (named as
    this tool names them: nothing else is touched)."""
    if output.is_dir():
        for path in output.rglob(f".*{_TEMPORARY_SUFFIX}"):
            if _TEMPORARY_NAME.fullmatch(path.name) and path.is_file():
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
            for entry in state["files"]:
                self.records[entry["path"]] = Record(**entry)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no state yet, or an unreadable one: everything is rebuilt
        # Trust only records of files inside the folder, on disk, complete and unchanged:
        # the state is a file anyone can edit, and its paths are deleted when unwanted.
        self.records = {path: record for path, record in self.records.items()
                        if inside(folder, path) and self._intact(record)}

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
        self._write_manifest()
        if time.monotonic() - self._state_saved > STATE_SAVE_INTERVAL:
            self.save_state()

    def prune(self, wanted: Callable[[Record], bool]) -> list[str]:
        """Delete the files this tool made that no edition makes any more (a deleted
        leaflet, a language or clinic taken away), with their records; files the tool
        did not make are never touched. Return the paths deleted."""
        unwanted = sorted(path for path, record in self.records.items() if not wanted(record))
        for path in unwanted:
            (self.folder / path).unlink(missing_ok=True)
            del self.records[path]
            _remove_empty_folders((self.folder / path).parent, self.folder)
        if unwanted:
            self._write_manifest()
            self.save_state()
        return unwanted

    def _write_manifest(self) -> None:
        records = [self.records[path].public() for path in sorted(self.records)]
        atomic_write(self.folder / MANIFEST, (json.dumps(
            {"files": records}, indent=2, ensure_ascii=False) + "\n").encode())

    def save_state(self) -> None:
        records = [asdict(self.records[path]) for path in sorted(self.records)]
        atomic_write(self.folder / STATE, json.dumps({"files": records}).encode())
        self._state_saved = time.monotonic()
