"""The loaded library: every valid file of a content folder, with the document it was
read from, so that any later check can point at the line an author wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..sources import Document
from .blocks import Block
from .clinics import Clinic
from .glossary import Glossary
from .schemas import Leaflet, Project, Source

# A clinic's own version of a block is kept in ``Library.blocks`` under
# "<clinic>/<block>": no identifier has a slash, so no key is both.
CLINIC_BLOCK = "/"


def clinic_block_key(clinic_id: str, block_id: str) -> str:
    return f"{clinic_id}{CLINIC_BLOCK}{block_id}"


def split_block_key(key: str) -> tuple[str | None, str]:
    """(the clinic whose version it is, or None for the generic block; the block id)."""
    clinic, _, block_id = key.rpartition(CLINIC_BLOCK)
    return clinic or None, block_id


@dataclass(frozen=True)
class BlockFile:
    """One block in one language, with the document it came from (for locations)."""

    id: str          # its key in Library.blocks: "<clinic>/<block>" for a clinic's version
    language: str
    block: Block
    document: Document

    @property
    def block_id(self) -> str:
        """The id leaflets list it by (and its anchor in the HTML), clinic or not."""
        return split_block_key(self.id)[1]


@dataclass(frozen=True)
class LeafletFile:
    id: str
    leaflet: Leaflet
    document: Document


@dataclass(frozen=True)
class ClinicFile:
    id: str
    clinic: Clinic
    document: Document

    def takes(self, leaflet: str, language: str) -> bool:
        clinic = self.clinic
        return ((clinic.leaflets is None or leaflet in clinic.leaflets)
                and (clinic.languages is None or language in clinic.languages))


@dataclass(frozen=True)
class Library:
    root: Path
    project: Project
    project_document: Document
    sources: dict[str, Source]
    sources_document: Document
    leaflets: dict[str, LeafletFile]
    # block key → language → block; a clinic's own versions too ("<clinic>/<block>")
    blocks: dict[str, dict[str, BlockFile]]
    clinics: dict[str, ClinicFile]
    # Every file read, by its path in the content folder (blocks/x/fr.yaml): the hash of
    # the bytes read, so that an output records the content it was made from.
    digests: dict[str, str]
    # content/glossary.yaml: source terms and their approved translations (optional)
    glossary: Glossary = field(default_factory=Glossary)

    @property
    def languages(self) -> list[str]:
        return list(self.project.languages)

    def format_of(self, leaflet_id: str) -> str:
        return self.leaflets[leaflet_id].leaflet.format or self.project.format
