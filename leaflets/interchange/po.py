"""The same units as a gettext PO file (Weblate, Pontoon), with Babel's reader and
writer: msgctxt is the unit id, msgid the source as written (PO has no inline codes, so
Markdown shows as it is), a stale unit is fuzzy, and each block's fingerprint is an
extracted comment of its units (``#. lf:fingerprint <block> <fingerprint>``)."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po as babel_write_po

from ..errors import Location, Problem, shown
from .units import STALE, BlockUnits
from .xliff import Imported, ImportedFile

_FINGERPRINT = "lf:fingerprint "


def write_po(blocks: list[BlockUnits], source_language: str, language: str,
             stale_notes: dict[str, str]) -> bytes:
    catalog = Catalog(locale=language, project="leaflets content", fuzzy=False)
    catalog.header_comment = f"# Content of the leaflets, {source_language} → {language}"
    for block in blocks:
        for unit in block.units:
            comments = [f"{_FINGERPRINT}{block.key} {block.fingerprint}", *block.notes,
                        *unit.notes, *([stale_notes[block.key]] if block.key in stale_notes
                                       else [])]
            catalog.add(unit.source, unit.target or "", context=unit.id,
                        auto_comments=comments,
                        flags=["fuzzy"] if block.state == STALE else [])
    out = io.BytesIO()
    babel_write_po(out, catalog, width=0, omit_header=False)
    return out.getvalue()


def read_po_file(path: Path) -> ImportedFile:
    where = shown(path)
    with path.open("rb") as file:
        try:
            catalog = read_po(file, abort_invalid=True)
        except Exception as error:   # Babel's PoFileError, and what a broken file raises
            problem = Problem(Location(where), f"not a readable PO file: {error}")
            return ImportedFile("", problem.location, {}, [], [problem])
    fingerprints, units, problems = {}, [], []
    for message in catalog:
        if not message.id:
            continue
        location = Location(where, message.lineno or 1)
        for comment in message.auto_comments:
            if comment.startswith(_FINGERPRINT):
                block_key, _, fingerprint = comment[len(_FINGERPRINT):].partition(" ")
                fingerprints[block_key] = (fingerprint, location)
        if not message.context:
            problems.append(Problem(location, "this message has no msgctxt: export the file "
                                              "again with 'build.py translate export'"))
            continue
        if message.fuzzy:
            # Not confirmed by the translator (as msgfmt, left out): a stale block exported
            # fuzzy with its old translation would otherwise be imported current unchanged.
            continue
        units.append(Imported(message.context, message.string or "", location))
    return ImportedFile(str(catalog.locale or ""), Location(where), fingerprints, units, problems)
