"""Content exchanged with translators: XLIFF 2.0 (and PO) export and import of the
translation units of a library (``units``), Markdown protected as inline codes
(``inline``), imports checked whole before anything is written (``apply``)."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..glossary import glossary_terms
from ..model import Library
from ..outputs import atomic_write
from ..status import diff_since
from . import po, xliff
from .apply import apply
from .language import new_language
from .units import STALE, library_units

FORMATS = ("xliff", "po")


def _stale_notes(library: Library, blocks, language: str) -> dict[str, str]:
    """For each stale block, what changed in its source since it was translated (the
    source then is recovered from git history, as 'status' does)."""
    notes = {}
    for block in blocks:
        if block.state == STALE:
            record = library.blocks[block.key][language].block.translation
            source = library.blocks[block.key][library.project.source_language]
            notes[block.key] = diff_since(
                f"stale: the source changed since this translation (fingerprint "
                f"{record.fingerprint} then, {block.fingerprint} now); the target is the old "
                "translation: update it to what changed in the source", source,
                record.fingerprint, "translated from")
    return notes


def _glossary_notes(library: Library):
    """The hook that gives a unit the approved terms its source uses."""
    def notes(text: str, language: str) -> list[str]:
        return [f"glossary: {term} → {' / '.join(forms)}"
                for term, forms in glossary_terms(library, language, text)]
    return notes


def export(library: Library, language: str, kind: str = "xliff", *, stale_only: bool = False,
           leaflets: tuple[str, ...] = ()) -> bytes:
    blocks = library_units(library, language, stale_only=stale_only, leaflets=leaflets,
                           glossary_notes=_glossary_notes(library))
    notes = _stale_notes(library, blocks, language)
    source = library.project.source_language
    if kind == "po":
        return po.write_po(blocks, source, language, notes)
    return xliff.write_xliff(blocks, source, language, notes)


def import_file(library: Library, path: Path) -> list[str]:
    """Import a translated XLIFF or PO file (told by its suffix); the lines to print."""
    read = po.read_po_file if path.suffix.lower() in (".po", ".pot") else xliff.read_xliff
    return apply(library, read(path))


def command(library: Library, arguments: list[str], languages: tuple[str, ...], *,
            kind: str | None, stale_only: bool, leaflets: tuple[str, ...],
            to: Path | None, locales: Path | None = None) -> list[str]:
    """'translate export', 'translate import FILE' or 'translate new CODE': what to print."""
    action, *files = arguments or [""]
    if action == "export" and len(languages) == 1 and not files and to is not None:
        atomic_write(to, export(library, languages[0], "po" if kind == "po" else "xliff",
                                stale_only=stale_only, leaflets=leaflets))
        return [f"wrote {to}"]
    if action == "import" and len(files) == 1:
        return import_file(library, Path(files[0]))
    if action == "new" and len(files) == 1 and not languages and locales is not None:
        return new_language(library, files[0], locales, to,
                            lambda: export(library, files[0], leaflets=leaflets))
    raise UsageError("expected 'translate export --lang CODE [--stale] [--leaflet IDS] "
                     "[--format po] -o FILE', 'translate import FILE' or 'translate new CODE "
                     "[-o FILE]'")
