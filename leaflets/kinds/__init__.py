"""Output kinds: what a build produces, each declared by one class.

An ``EditionKind`` makes one file per edition it applies to, from that edition's
laid-out render (the PDF itself, a booklet's imposed sheets). A ``PageKind``
makes one file per edition from the templates alone, with no layout (the web
edition): it is made in the building process, in milliseconds, with inputs of its
own, so that a change only it reads never lays a PDF out again. A ``SiteKind``
makes files once per build from the records of every edition (the catalogue
pages, the web editions' shared files, the feeds, a clinic's bundle). The builder
plans, renders, writes atomically and records; a kind only says what it produces
and how. Adding an output is one class, given to the ``Builder``
(``default_edition_kinds``/``default_site_kinds`` are what ``build.py`` makes).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..editions import PREVIEW, Edition, output_name
from ..inputs import Roots
from ..model import Library
from ..outputs import Record
from ..render import Rendered
from ..templates import Templates


@dataclass(frozen=True)
class Product:
    """The bytes an edition kind made, and what the manifest says of their layout."""

    data: bytes
    pages: int | None
    layout: str          # "pages", "saddle-stitch", …


class OutputKind(ABC):
    """A file made for each edition the kind applies to."""

    name: ClassVar[str]
    extension: ClassVar[str] = "pdf"
    parts: ClassVar[tuple[str, ...]] = ()   # added to the edition's file name

    def applies(self, library: Library, edition: Edition) -> bool:
        return True

    def path(self, library: Library, edition: Edition) -> str:
        """Where the file goes, relative to the output folder."""
        return f"{output_name(library, edition, *self.parts)}.{self.extension}"


class EditionKind(OutputKind):
    """A file made from the edition's laid-out document (a worker's render)."""

    @abstractmethod
    def make(self, edition: Edition, rendered: Rendered) -> Product:
        """The file's bytes, from the edition's laid-out document."""


@dataclass(frozen=True)
class Page:
    """What a page kind made: the file, and every input it read (hashed)."""

    product: Product
    inputs: dict[str, str]


class PageKind(OutputKind):
    """A file made from the edition's content by the templates alone, in the building
    process: no layout, no worker."""

    @abstractmethod
    def make(self, library: Library, templates: Templates, edition: Edition) -> Page:
        """The file's bytes and the inputs read to make them. Raises ``BuildError``
        (a template error) for this edition alone."""


@dataclass(frozen=True)
class Site:
    """What a site kind sees at the end of a build."""

    output: Path
    roots: Roots
    library: Library
    records: list[Record]

    @property
    def distributed(self) -> list[Record]:
        """The records of what clinics get: every file but the previews, and those of a
        language still in progress (built on request, distributed once it is done)."""
        return [record for record in self.records if record.approval != PREVIEW
                and record.language not in self.library.project.in_progress]


class SiteKind(ABC):
    """Files made once per build from the records of every edition."""

    name: ClassVar[str]

    @abstractmethod
    def finish(self, site: Site) -> list[Path]:
        """Write the kind's files; return those a person opens (pages, bundles)."""


def default_edition_kinds() -> tuple[OutputKind, ...]:
    from .pdf import ImposedSheets, PdfEdition
    from .web import WebEdition
    return (PdfEdition(), ImposedSheets(), WebEdition())


def default_site_kinds() -> tuple[SiteKind, ...]:
    from .bundle import Bundle
    from .catalogue import CataloguePages
    from .feeds import Feeds
    from .web import WebFiles
    from .withdrawn import WithdrawalPages
    # The pages' shared files, then the catalogue that links them and the feeds it links;
    # the withdrawn leaflets' pages, which link the catalogue; bundles hold them all.
    return (WebFiles(), CataloguePages(), Feeds(), WithdrawalPages(), Bundle())
