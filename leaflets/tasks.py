"""The renders that make one edition: its HTML, the jobs laid out from it, and every
input they read."""

from __future__ import annotations

import traceback
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .editions import Edition, content_files, printed_block_files, stand_in_files
from .errors import BuildError, ContentError, Location, Problem, shown
from .formats import panel_assignment
from .languages import language
from .model import Library
from .overflow import Overflow
from .registry import FORMATS, VARIANTS
from .render import Job, Rendered
from .templates import RenderedHTML, Templates


def render_html(templates: Templates, library: Library, edition: Edition,
                panels: dict[str, int] | None = None, **options) -> RenderedHTML:
    """An edition's HTML (``options``: see ``Templates.render``); a template's error is
    located, or names the edition."""
    try:
        return templates.render(library, edition, panels, **options)
    except TemplateSyntaxError as error:
        where = Location(shown(Path(error.filename or error.name or "?")), error.lineno or 1)
        raise ContentError([Problem(where, f"template syntax error: {error.message}")]) from None
    except TemplateError as error:
        where = _template_line(error)
        prefix = f"{where}: error: " if where else ""
        raise BuildError(f"{prefix}{edition}: template error: {error}") from None


def _template_line(error: Exception) -> Location | None:
    """Where in a template a render stopped: Jinja reports the template's own file and
    line in the traceback's frames; the last such frame is where it stopped."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.endswith(".j2")]
    return Location(shown(Path(frames[-1].filename)), frames[-1].lineno or 1) if frames \
        else None

def edition_inputs(library: Library, edition: Edition) -> dict[str, str | None]:
    """The content files an edition is made from, hashed as the library read them.
    None: a translation a preview lacks; once written, it is a change."""
    files = {name: library.digests.get(name) for name in content_files(library, edition)}
    files.update(stand_in_files(library, edition))
    return {f"content:{name}": digest for name, digest in files.items()}


class Task:
    """The jobs that make one edition, and every input they read: usually one job; two
    for a folded sheet, whose second pass places the blocks on the panels the first
    pass found for them."""

    def __init__(self, library: Library, templates: Templates, edition: Edition):
        self.library, self.templates, self.edition = library, templates, edition
        rendered = render_html(templates, library, edition)
        self.inputs = edition_inputs(library, edition)
        self.inputs.update(rendered.inputs)
        entry = FORMATS[edition.format]
        self.first = Job(str(edition), rendered.html, edition.format, edition.variant,
                         entry.page_multiple, rendered.filler)
        self.sheet_done = not entry.panels

    def next_job(self, rendered: Rendered) -> Job | None:
        """The job that follows ``rendered``, or None when the edition is complete."""
        self.inputs.update(rendered.inputs)
        if rendered.overflows:
            raise BuildError("\n".join(self._unfit(overflow) for overflow in rendered.overflows))
        if self.sheet_done:
            return None
        self.sheet_done = True
        library, edition = self.library, self.edition
        types = {block_file.block_id: block_file.block.type
                 for block_file in printed_block_files(library, edition)}
        panels = panel_assignment(str(edition), list(types), types, rendered.anchors,
                                  rendered.pages)
        if not VARIANTS[edition.variant].sheets:
            return None  # the panels as pages, in reading order, are the edition
        sheet = render_html(self.templates, library, edition, panels)
        self.inputs.update(sheet.inputs)
        return Job(str(edition), sheet.html, edition.format, edition.variant,
                   folds=FORMATS[edition.format].folds(language(edition.language).rtl))

    def _unfit(self, overflow: Overflow) -> str:
        """A frame its content overflows, said at the file of the block it belongs to."""
        block_file = next(block_file for block_file in printed_block_files(self.library,
                                                                           self.edition)
                          if block_file.block_id == overflow.block_id)
        edition = self.edition
        measure = "width" if overflow.axis == "wide" else "height"
        return str(block_file.document.problem((), (
            f"block '{overflow.block_id}' ({block_file.block.type}) is too {overflow.axis} for "
            f"the format {edition.format} ({edition}): it needs {overflow.needed_mm:.0f} mm, "
            f"its {measure} there is {overflow.available_mm:.0f} mm; shorten its text, or "
            f"leave it out of this format (omit: {{{edition.format}: [{overflow.block_id}]}} "
            "in the leaflet)")))
