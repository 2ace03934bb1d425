"""JSON Schemas of the content files, generated from the models the validator uses, so
that an editor (yaml-language-server, VS Code, JetBrains) completes and checks what
``check`` checks — field names, types, allowed values — while the author types.

Rules across files (a cited source exists, a translation keeps its figures) are not in
a schema: only ``check`` sees them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Union

from pydantic import Field, TypeAdapter

from .model.blocks import BLOCK_TYPES
from .model.clinics import Clinic
from .model.schemas import Identifier, Leaflet, Project, Source

DIALECT = "https://json-schema.org/draft/2020-12/schema"

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


def write(folder: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` for every kind into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in schemas().items():
        path = folder / f"{kind}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
