"""The PDF of an edition, and the imposed sheets of a booklet."""

from __future__ import annotations

from .. import press
from ..editions import Edition
from ..formats import impose_saddle_stitch
from ..languages import language
from ..model import Library
from ..registry import FORMATS, VARIANTS
from ..render import Rendered
from . import EditionKind, Product


class PdfEdition(EditionKind):
    """The edition as laid out: screen (PDF/UA), press (PDF/X) or large print."""

    name = "pdf"

    def make(self, edition: Edition, rendered: Rendered) -> Product:
        return Product(rendered.pdf, rendered.pages, "pages")


class ImposedSheets(EditionKind):
    """A booklet's pages two by two in saddle-stitch order, to print duplex, fold and
    staple (mirrored for right-to-left languages): on A4 sheets for a screen edition,
    as bled spreads with marks for the press."""

    name = "imposed"
    parts = ("imposed",)

    def applies(self, library: Library, edition: Edition) -> bool:
        return FORMATS[edition.format].imposed and VARIANTS[edition.variant].imposed

    def make(self, edition: Edition, rendered: Rendered) -> Product:
        right_to_left = language(edition.language).rtl
        if VARIANTS[edition.variant].finished_for_press:
            # Spreads of trimmed pages, bled on the outer edges, with their marks.
            sheets = press.impose_booklet(rendered.pdf, right_to_left)
        else:
            sheets = impose_saddle_stitch(rendered.pdf, right_to_left)
        return Product(sheets, rendered.pages // 2, "saddle-stitch")
