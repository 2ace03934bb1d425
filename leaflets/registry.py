"""The axes of an edition as declared data: formats (page geometry) and variants (what
the PDF is for).

Each entry says everything the rest of the tool needs to know about it; nothing
else names a format or a variant. Adding one is one entry here plus its
stylesheet (and, for a format, its page template): ``check`` says which file is
missing, naming the entry. The entries are checked for consistency at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def N_(message: str) -> str:
    """Marks a catalogue string for pybabel; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Format:
    """A page geometry, with its template ``formats/<name>.html.j2`` and stylesheet."""

    name: str
    label: str                  # its name on catalogue links (a catalog msgid)
    # padded with notes pages to a multiple of this: a booklet of 4, a tri-fold's 6 panels
    page_multiple: int = 1
    imposed: bool = False       # also written as sheets to print duplex and fold
    panels: bool = False        # a folded sheet whose blocks are placed on panels
    # mm, the columns of the sheet's outside side, left to right in a left-to-right
    # language (tri-fold: panels 2, 6, 1; panel 2 folds in, so it is narrower)
    panel_widths: tuple[float, ...] = ()

    @property
    def template(self) -> str:
        return f"formats/{self.name}.html.j2"

    def folds(self, right_to_left: bool) -> tuple[tuple[float, ...], ...]:
        """The fold lines of the sheet's outside and inside sides, in mm from the left
        edge. The inside is the outside turned over, so its columns come in the reverse
        order; a right-to-left leaflet opens the other way, which mirrors both."""
        outside = self.panel_widths[::-1] if right_to_left else self.panel_widths
        return tuple(tuple(sum(widths[:end]) for end in range(1, len(widths)))
                     for widths in (outside, outside[::-1]))

    @property
    def stylesheet(self) -> str:
        return f"formats/{self.name}.css"


@dataclass(frozen=True)
class Variant:
    """What an edition is for, with its stylesheet ``variants/<name>.css``."""

    name: str
    label: str                  # what it is for, on catalogue links (a catalog msgid)
    help: str                   # one line for --help
    pdf_variant: str            # WeasyPrint's pdf_variant
    colours: str = "rgb"        # "rgb" for screens, "cmyk" for the press
    # Finished for a print shop (press.py): output intent, marks in a slug, overprint.
    finished_for_press: bool = False
    imposed: bool = False       # booklets in this variant also get imposed sheets
    sheets: bool = False        # folded formats as their printed sheets, not panel pages
    format: str | None = None   # always this format, whatever the leaflet's
    default: bool = False       # built when --variant is not given; its files have no suffix

    @property
    def stylesheet(self) -> str:
        return f"variants/{self.name}.css"

    @property
    def suffix(self) -> str | None:
        """The file-name part that names the variant (none for the default one)."""
        return None if self.default else self.name


FORMATS: dict[str, Format] = {entry.name: entry for entry in (
    Format("a4-leaflet", N_("A4 leaflet")),
    Format("a5-booklet", N_("A5 booklet"), page_multiple=4, imposed=True),
    Format("tri-fold", N_("Tri-fold"), page_multiple=6, panels=True,
           panel_widths=(97, 100, 100)),
)}
DEFAULT_FORMAT = "a4-leaflet"

VARIANTS: dict[str, Variant] = {entry.name: entry for entry in (
    Variant("screen", N_("screen, accessible PDF"),
            "tagged PDF/UA, the default", "pdf/ua-1", imposed=True, default=True),
    Variant("press", N_("for print (PDF/X-4)"),
            "bleed, crop marks, CMYK, PDF/X-4", "pdf/x-4", colours="cmyk", finished_for_press=True,
            imposed=True, sheets=True),
    # Large print is always A4 portrait, whatever the leaflet's format: folds and
    # small pages defeat it (UKAAF/RNIB clear-print guidance).
    Variant("large-print", N_("large print"), "16 pt and more, A4", "pdf/ua-1",
            format="a4-leaflet"),
)}
DEFAULT_VARIANT = next(name for name, variant in VARIANTS.items() if variant.default)


@dataclass(frozen=True)
class Urgency:
    """A level of the scale that says how soon to call about a symptom. Colour is never
    its only cue: its shape and its word are printed beside it."""

    name: str                   # as content writes it: 'urgency: soon'
    label: str                  # the word printed (a catalog msgid)
    colour: str                 # the palette colour it is drawn in (project.yaml)
    shape: str                  # drawn beside the word: circle, square or triangle


URGENCY: dict[str, Urgency] = {entry.name: entry for entry in (
    Urgency("routine", N_("Can wait"), "urgency-routine", "circle"),
    Urgency("soon", N_("Call today"), "urgency-soon", "square"),
    Urgency("emergency", N_("Emergency"), "urgency-emergency", "triangle"),
)}
SHAPES = ("circle", "square", "triangle")   # what templates/blocks/symptoms.html.j2 draws

# What a source is ('kind: press-release' in sources.yaml): printed in the reader's
# language (a catalog msgid), whatever the language of the source.
SOURCE_KINDS: dict[str, str] = {
    "news-article": N_("News article"),
    "news-item": N_("News item"),
    "press-release": N_("Press release"),
    "blog-post": N_("Blog post"),
    "information-file": N_("Information file"),
    "patient-article": N_("Article for patients"),
    "patient-guide": N_("Guide for patients"),
    "patient-page": N_("Web page for patients"),
    "patient-sheet": N_("Information sheet for patients"),
    "research-article": N_("Research article"),
}


def missing_files(folders: tuple[Path, ...]) -> list[str]:
    """Each registry entry whose template or stylesheet is in none of the template
    ``folders`` (a library's own, the theme's)."""
    wanted = [(f"format '{entry.name}'", path) for entry in FORMATS.values()
              for path in (entry.template, entry.stylesheet)]
    wanted += [(f"variant '{entry.name}'", entry.stylesheet) for entry in VARIANTS.values()]
    return [f"{what} needs {folders[-1] / path}" for what, path in wanted
            if not any((folder / path).is_file() for folder in folders)]


def _check() -> None:
    """The registries agree with themselves: caught at import, before any build."""
    defaults = [name for name, variant in VARIANTS.items() if variant.default]
    if len(defaults) != 1:
        raise RuntimeError(f"exactly one variant is the default; found {defaults}")
    if DEFAULT_FORMAT not in FORMATS:
        raise RuntimeError(f"the default format '{DEFAULT_FORMAT}' is not registered")
    for variant in VARIANTS.values():
        if variant.format is not None and variant.format not in FORMATS:
            raise RuntimeError(f"variant '{variant.name}' names unknown format "
                               f"'{variant.format}'")
        if variant.colours not in ("rgb", "cmyk"):
            raise RuntimeError(f"variant '{variant.name}': colours are 'rgb' or 'cmyk'")
    for level in URGENCY.values():
        if level.shape not in SHAPES:
            raise RuntimeError(f"urgency '{level.name}': shape is one of {SHAPES}")
    clashes = set(FORMATS) & set(VARIANTS)
    if clashes:   # both appear in file names
        raise RuntimeError(f"a format and a variant share the name {sorted(clashes)}")


_check()
