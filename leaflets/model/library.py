"""The loaded library: every valid file of a content folder, with the document it was
read from, so that any later check can point at the line an author wrote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..sources import Document
from .blocks import Block
from .clinics import Clinic
from .schemas import Leaflet, Project, Source


@dataclass(frozen=True)
class BlockFile:
    """One block in one language, with the document it came from (for locations)."""

    id: str
    language: str
    block: Block
    document: Document


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
    blocks: dict[str, dict[str, BlockFile]]
    clinics: dict[str, ClinicFile]
    # Every file read, by its path in the content folder (blocks/x/fr.yaml): the hash of
    # the bytes read, so that an output records the content it was made from.
    digests: dict[str, str]

    @property
    def languages(self) -> list[str]:
        return list(self.project.languages)

    def format_of(self, leaflet_id: str) -> str:
        return self.leaflets[leaflet_id].leaflet.format or self.project.format
