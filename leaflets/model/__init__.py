"""The content model: project settings, sources, leaflets, blocks, and their validation.

``schemas`` holds the pydantic models and the rules on one object; ``messages`` words
pydantic's errors for authors; ``loader`` reads a content folder into a ``Library``
(``library``), and ``checks`` are the rules across files. The model reads content
only: it knows nothing of Markdown, templates or rendering.
"""

from .blocks import (
    BLOCK_TYPES,
    Block,
    CalloutBlock,
    ChecklistBlock,
    ContactBlock,
    CoverBlock,
    Figure,
    KeyFiguresBlock,
    Review,
    SourcesBlock,
    TextBlock,
    Translation,
)
from .clinics import Clinic, OpeningHours
from .library import BlockFile, ClinicFile, LeafletFile, Library
from .loader import LibraryLoader, load_library
from .messages import describe, validate
from .schemas import (
    FINGERPRINT_LENGTH,
    IDENTIFIER,
    MAX_REVIEW_YEARS,
    Colour,
    FontFamily,
    Fonts,
    Format,
    Leaflet,
    Limits,
    Model,
    Print,
    Project,
    Source,
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
