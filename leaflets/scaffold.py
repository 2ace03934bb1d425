"""Starting a library (``leaflets init``) and adding to one (``leaflets new``).

``init`` writes a library that checks and builds as it is: settings, one example source,
an example leaflet (cover, text, contact and sources blocks) in the chosen source
language, a fictional clinic, editor settings and the JSON Schemas. ``new`` adds a
leaflet, a block, a clinic or a language with the fields and fingerprints the checks
expect. Every YAML file written starts with the ``yaml-language-server`` modeline of its
schema, a relative path to ``.leaflets/schemas/`` in the library: an editor finds it
offline, and it is the schema of the tool version that wrote the library (``leaflets
schema --write .leaflets/schemas`` refreshes it after an upgrade).

The example texts (``starter/texts.yaml``) exist in the five languages the tool ships; a
new block is written in each of the project's languages that has them, each translation
recording the fingerprint of the source text, so that the library still builds and
``status`` shows the translations as stale once the source text is rewritten.
Everything is made in memory and checked before the first file is written; each file is
written whole or not at all.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import suppress
from datetime import date
from functools import cache
from pathlib import Path
from string import Template

import yaml

from . import interchange, jsonschemas, theme
from .editions import GENERIC
from .errors import UsageError
from .interchange.language import new_language
from .model import BLOCK_TYPES, Library, LibraryLoader
from .model.citations import sources_blocks
from .model.schemas import IDENTIFIER, add_years, known_locale
from .outputs import atomic_write
from .registry import DEFAULT_FORMAT

STARTER = Path(__file__).resolve().parent / "starter"
CONTENT = Path("content")
SCHEMA_FOLDER = Path(".leaflets") / "schemas"
KINDS = ("leaflet", "block", "clinic", "language")
EXAMPLE_LEAFLET, EXAMPLE_SOURCE, EXAMPLE_CLINIC = "example-leaflet", "example-source", \
    "example-clinic"
# The example leaflet's blocks: id → (type, key of its text in texts.yaml).
EXAMPLE_BLOCKS = {"example-cover": ("cover", "cover"), "example-text": ("text", "text"),
                  "example-contact": ("contact", "contact"),
                  "example-sources": ("sources", "sources")}
_NEW_BLOCK, _NEW_COVER = ("text", "new_block"), ("cover", "new_cover")
Files = dict[Path, bytes]   # path in the library → bytes to write


@cache
def _texts() -> dict[str, dict]:
    return yaml.safe_load((STARTER / "texts.yaml").read_text(encoding="utf-8"))


def example_languages() -> tuple[str, ...]:
    """The languages the example texts are written in."""
    return tuple(_texts())


def _texts_in(code: str, what: str) -> dict:
    """The example texts in ``code``; refused, naming the languages that have them."""
    if code in _texts():
        return _texts()[code]
    unknown = "" if known_locale(code) else (
        f"'{code}' is not a language code Babel (CLDR) knows, such as 'fr' or 'pt_BR'; ")
    raise UsageError(f"{unknown}{what} writes its example text in one of "
                     f"{', '.join(example_languages())}, not in '{code}': start in one of "
                     f"them and add '{code}' with 'leaflets new language {code}', or write "
                     "the files by hand")


# --- YAML files with their schema's modeline ---------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Text of several lines as a literal block (``|``), as an author writes it."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def modeline(relative: Path, kind: str) -> str:
    """The first line of a content file: where yaml-language-server finds its schema,
    relative to the file."""
    schema = os.path.relpath(SCHEMA_FOLDER / f"{kind}.schema.json", relative.parent)
    return f"# yaml-language-server: $schema={Path(schema).as_posix()}\n"


def _yaml(relative: Path, kind: str, data: dict, comment: str = "") -> bytes:
    head = modeline(relative, kind) + "".join(f"# {line}\n" for line in comment.splitlines())
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return (head + body).encode("utf-8")


def _schema_files() -> Files:
    return {SCHEMA_FOLDER / name: data for name, data in jsonschemas.serialized().items()}


def _editor_settings() -> bytes:
    """VS Code's YAML extension: each schema for the files it describes (what the
    modelines say too, for editors that read only settings)."""
    mapping = {f"./{(SCHEMA_FOLDER / f'{kind}.schema.json').as_posix()}":
               [(CONTENT / glob).as_posix() for glob in globs]
               for kind, globs in jsonschemas.FILES.items()}
    return (json.dumps({"yaml.schemas": mapping}, indent=2) + "\n").encode("utf-8")


# --- what each kind of file holds ---------------------------------------------------------

def _block_data(kind: str, texts: dict, translation: dict | None = None) -> dict:
    data: dict = {"type": kind, "review": {"status": "draft"}}
    if translation is not None:
        data["translation"] = translation
    return {**data, **texts}


def _block_files(block_id: str, shape: tuple[str, str], source: str,
                 translations: list[str]) -> Files:
    """A block in its source language, and in each of ``translations``, each recording
    the fingerprint of the source text it translates."""
    kind, key = shape
    source_data = _block_data(kind, _texts_in(source, "'new'")[key])
    fingerprint = BLOCK_TYPES[kind].model_validate(source_data).fingerprint()
    folder = CONTENT / "blocks" / block_id
    files = {folder / f"{source}.yaml": _yaml(folder / f"{source}.yaml", "block", source_data)}
    for code in translations:
        data = _block_data(kind, _texts()[code][key], {"from": source, "fingerprint": fingerprint})
        files[folder / f"{code}.yaml"] = _yaml(folder / f"{code}.yaml", "block", data)
    return files


def _leaflet_file(leaflet_id: str, blocks: list[str], today: date) -> Files:
    path = CONTENT / "leaflets" / f"{leaflet_id}.yaml"
    data = {"reference": leaflet_id.upper(), "version": "1.0", "published": today,
            "review_by": add_years(today, 1), "blocks": blocks}
    return {path: _yaml(path, "leaflet", data, "A leaflet: its blocks in the order printed, "
                        "the first a cover. 'reference' is\nthe publisher's code for it.")}


def _clinic_file(clinic_id: str, texts: dict) -> Files:
    path = CONTENT / "clinics" / f"{clinic_id}.yaml"
    weekdays = {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "17:00"}
    data = {"example": True, "name": texts["name"], "address": texts["address"], "contacts": [
        {"id": "reception", "label": texts["day"], "phone": "+00 0000 0000",
         "hours": [weekdays]},
        {"id": "on-call", "label": texts["night"], "phone": "+00 0000 0001", "always": True}]}
    return {path: _yaml(path, "clinic", data, (
        "A FICTIONAL clinic: write the real one's details, then remove 'example: true'.\n"
        "Its editions print these numbers; block text names one as {clinic.contacts.on-call}."))}


def _project_file(code: str, texts: dict) -> Files:
    path = CONTENT / "project.yaml"
    text = Template((STARTER / "project.yaml").read_text(encoding="utf-8")).substitute(
        publisher=json.dumps(texts["publisher"], ensure_ascii=False), source_language=code,
        format=DEFAULT_FORMAT, locales=f"{{{code}: {texts['locale']}}}" if "locale" in texts
        else "{}")
    return {path: (modeline(path, "project") + text).encode("utf-8")}


def _sources_file(code: str, texts: dict, today: date) -> Files:
    path = CONTENT / "sources.yaml"
    data = {EXAMPLE_SOURCE: {"kind": "information-file", **texts, "published": str(today.year),
                             "language": code, "url": "https://example.org/"}}
    return {path: _yaml(path, "sources", data, (
        "The sources the leaflets are written from; blocks cite one as [@id] after the claim.\n"
        "An example entry: replace it with the documents you write from."))}


# --- init ----------------------------------------------------------------------------------

def init(folder: Path, source_language: str = "fr", *, today: date | None = None) -> list[str]:
    """Write a new library into ``folder`` (missing or empty); the lines to print."""
    texts = _texts_in(source_language, "'init'")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} is not an empty folder: 'init' writes a new library into "
                         "an empty or missing folder; choose another")
    today = today or date.today()
    files: Files = {Path(".gitignore"): b"output/\n",
                    Path(".vscode") / "settings.json": _editor_settings(), **_schema_files(),
                    **_project_file(source_language, texts),
                    **_sources_file(source_language, texts["source"], today)}
    for block_id, shape in EXAMPLE_BLOCKS.items():
        files.update(_block_files(block_id, shape, source_language, []))
    files.update(_leaflet_file(EXAMPLE_LEAFLET, list(EXAMPLE_BLOCKS), today))
    files.update(_clinic_file(EXAMPLE_CLINIC, texts["clinic"]))
    return _write(folder, files)


def _write(root: Path, files: Files) -> list[str]:
    """Every file or none: those written before a failure (a full disk, a read-only
    folder) are removed again with the folders made for them, so that the command can
    simply be run again. A file that was there (a leaflet given a new block) is written
    last, whole or not at all."""
    new_files = [root / relative for relative in files if not (root / relative).exists()]
    new_folders = {folder for path in new_files for folder in path.parents
                   if not folder.exists()}
    try:
        for relative, data in files.items():
            atomic_write(root / relative, data)
    except BaseException:
        for path in new_files:
            path.unlink(missing_ok=True)
        for folder in sorted(new_folders, key=lambda folder: len(folder.parts), reverse=True):
            with suppress(OSError):   # not empty: something else was put there meanwhile
                folder.rmdir()
        raise
    return [f"wrote {relative.as_posix()}" for relative in files]


# --- new -----------------------------------------------------------------------------------

def new(root: Path, kind: str, name: str, leaflet: str | None = None, *,
        locales: Path | None = None, today: date | None = None) -> list[str]:
    """Add a ``kind`` named ``name`` to the library at ``root`` (the folder holding
    content/); ``leaflet``: the leaflet a new block is listed in; ``locales``: the
    library's own catalogs (default: its locales/), for a new language. The lines to
    print."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}")
    if leaflet is not None and kind != "block":
        raise UsageError(f"--leaflet says which leaflet lists a new block; 'new {kind}' "
                         "takes no --leaflet")
    library, _ = LibraryLoader(root / CONTENT).read()   # its problems are check's to report
    if kind == "language":
        return _new_language(root, library, name, locales or root / "locales")
    if not re.fullmatch(IDENTIFIER, name):
        raise UsageError(f"{kind} id '{name}' must use lowercase letters, digits and hyphens "
                         "only, such as 'side-effects'")
    adding = _Addition(root, library)
    if kind == "block":
        return adding.block(name, leaflet)
    if kind == "leaflet":
        return adding.leaflet(name, today or date.today())
    return adding.clinic(name)


def _new_language(root: Path, library: Library, code: str, locales: Path) -> list[str]:
    """Like 'translate new' (listed in progress, units to translate written out), but for a
    library that inherits the theme's catalogs: a catalog of its own only where the theme
    has none ('translate new' works on this repository, whose catalogs are the theme)."""
    return new_language(library, code, locales, root / "translations" / f"{code}.xlf",
                        lambda: interchange.export(library, code), theme=theme.CATALOGS)


class _Addition:
    """Files that add one thing to a library, refused if any is there already."""

    def __init__(self, root: Path, library: Library):
        self.root, self.library = root, library
        project = library.project
        self.source = project.source_language
        others = [code for code in project.languages
                  if code not in (self.source, *project.in_progress)]
        self.translations = [code for code in others if code in _texts()]
        self.untranslated = [code for code in others if code not in _texts()]

    def _free(self, what: str, *paths: Path) -> None:
        taken = next((path for path in paths if (self.root / path).exists()), None)
        if taken is not None:
            raise UsageError(f"{what} exists already ({taken.as_posix()}); choose another name")

    def _new_block(self, block_id: str, shape: tuple[str, str]) -> Files:
        self._free(f"block '{block_id}'", CONTENT / "blocks" / block_id)
        return _block_files(block_id, shape, self.source, self.translations)

    def _write(self, files: Files) -> list[str]:
        if not (self.root / SCHEMA_FOLDER).is_dir():   # where the modelines point
            files = {**_schema_files(), **files}
        notes = [f"no '{code}' text was written: translate {block.as_posix()} before "
                 f"building '{code}'" for code in self.untranslated
                 for block in files if block.name == f"{self.source}.yaml"]
        return [*_write(self.root, files), *notes]

    def block(self, block_id: str, leaflet_id: str | None) -> list[str]:
        files = self._new_block(block_id, _NEW_BLOCK)
        if leaflet_id is not None:
            path, text = _listed_in(self.root, self.library, leaflet_id, block_id)
            files[path] = text
        return self._write(files)

    def leaflet(self, leaflet_id: str, today: date) -> list[str]:
        self._free(f"leaflet '{leaflet_id}'", CONTENT / "leaflets" / f"{leaflet_id}.yaml")
        cover = f"{leaflet_id}-cover"
        files = {**self._new_block(cover, _NEW_COVER),
                 **_leaflet_file(leaflet_id, [cover], today)}
        return self._write(files)

    def clinic(self, clinic_id: str) -> list[str]:
        if clinic_id == GENERIC:
            raise UsageError(f"'{GENERIC}' names the editions without a clinic ('--clinic "
                             f"{GENERIC}'): a clinic needs another id")
        self._free(f"clinic '{clinic_id}'", CONTENT / "clinics" / f"{clinic_id}.yaml",
                   CONTENT / "clinics" / clinic_id)
        return self._write(_clinic_file(clinic_id, _texts_in(self.source, "'new'")["clinic"]))


def _listed_in(root: Path, library: Library, leaflet_id: str, block_id: str
               ) -> tuple[Path, bytes]:
    """The leaflet's file with ``block_id`` listed before its sources block (or last),
    edited as text so that its comments and layout stay."""
    relative = CONTENT / "leaflets" / f"{leaflet_id}.yaml"
    leaflet_file = library.leaflets.get(leaflet_id)
    if leaflet_file is None:
        state = "did not load (run 'leaflets check')" if (root / relative).exists() else \
            f"is not one of: {', '.join(library.leaflets)}"
        raise UsageError(f"leaflet '{leaflet_id}' {state}; the block was not added")
    listed = leaflet_file.leaflet.blocks
    lists = sources_blocks(library.blocks, listed, library.project.source_language)
    anchor = lists[0] if lists else len(listed) - 1
    line_index = leaflet_file.document.where(("blocks", anchor)).line - 1
    lines = (root / relative).read_text(encoding="utf-8").splitlines(keepends=True)
    item = re.fullmatch(rf"([ \t]*-[ \t]+){re.escape(listed[anchor])}[ \t]*(#.*)?(\r?\n)?",
                        lines[line_index])
    if item is None:
        raise UsageError(f"{relative.as_posix()}: expected its blocks one per line ('  - id'); "
                         f"add '{block_id}' to them by hand")
    ending = item[3] or "\n"
    if item[3] is None:   # the file's last line, without its line end
        lines[line_index] += ending
    lines.insert(line_index if lists else line_index + 1, f"{item[1]}{block_id}{ending}")
    text = "".join(lines)
    expected = [*listed[:anchor], block_id, *listed[anchor:]] if lists else [*listed, block_id]
    if yaml.safe_load(text).get("blocks") != expected:
        raise UsageError(f"{relative.as_posix()}: its blocks could not be edited safely; add "
                         f"'{block_id}' to them by hand")
    return relative, text.encode("utf-8")
