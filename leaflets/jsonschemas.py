"""JSON Schemas of the content files, generated from the models the validator uses, so
that an editor (yaml-language-server, VS Code, JetBrains) completes and checks what
``check`` checks — field names, types, allowed values — while the author types.

Rules across files (a cited source exists, a translation keeps its figures) are not in
a schema: only ``check`` sees them. The package ships them (``SHIPPED``, regenerated with
``write(SHIPPED)``; a test sees that they are current), and ``leaflets init`` writes them
into the new library, where its files' modelines point.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Union

from pydantic import Field, TypeAdapter

from .model.blocks import BLOCK_TYPES
from .model.clinics import Clinic
from .model.schemas import Identifier, Leaflet, Project, Source
from .outputs import atomic_write

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SHIPPED = Path(__file__).resolve().parent / "schemas"   # package data

# A block file is one of the block types, told apart by its 'type'.
_BLOCK = Annotated[Union[tuple(BLOCK_TYPES.values())], Field(discriminator="type")]  # noqa: UP007

# Which files each schema describes, as globs under the content folder (what an editor's
# yaml.schemas setting maps).
FILES = {
    "project": ("project.yaml",),
    "sources": ("sources.yaml",),
    "leaflet": ("leaflets/*.yaml",),
    "block": ("blocks/*/*.yaml", "clinics/*/blocks/*/*.yaml"),
    "clinic": ("clinics/*.yaml",),
}


def schemas() -> dict[str, dict]:
    """Each content file kind's JSON Schema, by kind."""
    generated = {
        "project": Project.model_json_schema(),
        "sources": TypeAdapter(dict[Identifier, Source]).json_schema(),
        "leaflet": Leaflet.model_json_schema(),
        "block": TypeAdapter(_BLOCK).json_schema(),
        "clinic": Clinic.model_json_schema(),
    }
    return {kind: {"$schema": DIALECT, "title": f"leaflets {kind} file", **schema}
            for kind, schema in generated.items()}


def serialized() -> dict[str, bytes]:
    """Each kind's schema file, by file name, as ``write`` writes it."""
    return {f"{kind}.schema.json": (json.dumps(schema, indent=2, ensure_ascii=False)
                                    + "\n").encode("utf-8")
            for kind, schema in schemas().items()}


def write(folder: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` for every kind into ``folder``, each file whole or not
    at all; the paths written."""
    written = []
    for name, data in serialized().items():
        atomic_write(folder / name, data)
        written.append(folder / name)
    return written
