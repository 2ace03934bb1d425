"""The commands that start a library or add to it, and the editors' schemas: init, new,
schema."""

from __future__ import annotations

from pathlib import Path

from .. import jsonschemas, scaffold
from .output import EXIT_OK, Console


def init(folder: Path, language: str, console: Console) -> int:
    for line in scaffold.init(folder, language):
        console.say(line)
    return EXIT_OK


def new(root: Path, kind: str, name: str, leaflet: str | None, locales: Path | None,
        console: Console) -> int:
    for line in scaffold.new(root, kind, name, leaflet, locales=locales):
        console.say(line)
    return EXIT_OK


def schema(kind: str | None, folder: Path | None, console: Console) -> int:
    """One kind's JSON Schema, or every kind's as {kind: schema}; or, with a folder, every
    kind's written there."""
    if folder is not None:
        for path in jsonschemas.write(folder):
            console.say(f"wrote {path}")
        return EXIT_OK
    schemas = jsonschemas.schemas()
    console.data(schemas[kind] if kind else schemas)
    return EXIT_OK
