"""The content model: project settings, sources, leaflets, blocks, and their validation.

``schemas`` holds the pydantic models and the rules on one object; ``messages`` words
pydantic's errors for authors; ``loader`` reads a content folder into a ``Library``
(``library``), and ``checks`` are the rules across files. The model reads content
only: it knows nothing of Markdown, templates or rendering.
"""

from .clinics import Clinic, OpeningHours
from .library import BlockFile, ClinicFile, LeafletFile, Library
from .loader import LibraryLoader, load_library
from .messages import describe, validate
from .schemas import (
                      BLOCK_TYPES,
                      FINGERPRINT_LENGTH,
                      IDENTIFIER,
                      MAX_REVIEW_YEARS,
                      Block,
                      CalloutBlock,
                      ChecklistBlock,
                      Colour,
                      ContactBlock,
                      CoverBlock,
                      Figure,
                      FontFamily,
                      Fonts,
                      Format,
                      KeyFiguresBlock,
                      Leaflet,
                      Limits,
                      Model,
                      Print,
                      Project,
                      Review,
                      Source,
                      SourcesBlock,
                      TextBlock,
                      Translation,
                      add_years,
)

__all__ = [
    "BLOCK_TYPES", "FINGERPRINT_LENGTH", "IDENTIFIER", "MAX_REVIEW_YEARS",
    "Block", "BlockFile", "CalloutBlock", "ChecklistBlock", "Clinic", "ClinicFile", "Colour",
    "ContactBlock", "CoverBlock", "Figure", "FontFamily", "Fonts", "Format", "KeyFiguresBlock",
    "Leaflet", "LeafletFile", "Library", "LibraryLoader", "Limits", "Model", "OpeningHours",
    "Print", "Project", "Review", "Source", "SourcesBlock", "TextBlock", "Translation",
    "add_years", "describe", "load_library", "validate",
]
