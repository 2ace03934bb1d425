"""Checks of what a clinic brings besides its file: the shape its file had before
``contacts``, and its own versions of blocks (content/clinics/<id>/blocks/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..errors import Location, Problem, shown
from ..sources import Document
from .clinics import RETIRED_FIELDS
from .library import BlockFile, ClinicFile, LeafletFile, split_block_key
from .messages import suggest

# Block types that print the clinic's number to call: the contact block, the wallet card.
CALLING_TYPES = ("contact", "alert-card")
_CONTACTS_EXAMPLE = ('contacts: [{id: main, label: "Accueil", phone: "+33 3 99 00 00 00", '
                     'hours: [{days: [mon, tue], opens: "08:00", closes: "17:30"}]}, '
                     '{id: night, label: "Ligne 24 h/24", phone: "+33 3 99 00 00 01", '
                     'always: true}]')


def retired_field_problems(document: Document) -> Iterator[Problem]:
    """A clinic file written in the first shape, with one 'phone' and its 'hours': each
    field is located, with the shape that replaces it."""
    data = document.data if isinstance(document.data, dict) else {}
    for field in RETIRED_FIELDS:
        if field in data:
            yield document.problem((field,), (
                f"'{field}' is no longer a clinic field: a clinic lists its numbers under "
                "'contacts', the main one first, each with an id that block text names it by "
                "({clinic.contacts.<id>}), its label, its phone and either its opening hours "
                f"or 'always: true' for a 24-hour line; for example {_CONTACTS_EXAMPLE}"),
                key=True)


def without_retired_fields(document: Document) -> Document:
    """The file as the schema reads it: a retired field is reported once, by
    ``retired_field_problems``, not again as an unknown field."""
    if not isinstance(document.data, dict):
        return document
    data = {key: value for key, value in document.data.items() if key not in RETIRED_FIELDS}
    return replace(document, data=data)


def clinic_block_problems(key: str, translations: dict[str, BlockFile], folder: Path,
                          clinic_file: ClinicFile | None, leaflets: dict[str, LeafletFile],
                          generic: dict[str, dict[str, BlockFile]],
                          source_language: str) -> Iterator[Problem]:
    """A clinic's version of a block replaces a block its leaflets print, in the same type,
    and has its source text, as every block does. ``clinic_file`` is None when the clinic's
    file did not load, ``leaflets`` the valid leaflets: the leaflets a clinic takes must
    all have loaded to tell which blocks it prints (the others' problems are reported)."""
    clinic_id, block_id = split_block_key(key)
    source = translations.get(source_language)
    if source is None:
        yield Problem(Location(shown(folder)), (
            f"clinic '{clinic_id}''s version of block '{block_id}' has no source text: "
            f"expected {shown(folder / f'{source_language}.yaml')}"))
    if clinic_file is None:
        return
    taken = clinic_file.clinic.leaflets
    if not leaflets or any(leaflet_id not in leaflets for leaflet_id in taken or ()):
        return
    listed = list(dict.fromkeys(
        listed_id for leaflet_id, leaflet_file in leaflets.items()
        if taken is None or leaflet_id in taken for listed_id in leaflet_file.leaflet.blocks))
    if block_id not in listed:
        yield Problem(Location(shown(folder)), (
            f"clinic '{clinic_id}' has its own version of block '{block_id}', which none of "
            f"the leaflets it takes prints{suggest(block_id, listed)}; expected a folder named "
            f"after one of their blocks: {', '.join(listed)}"))
    original = generic.get(block_id, {}).get(source_language)
    if source is not None and original is not None and source.block.type != original.block.type:
        yield source.document.problem(("type",), (
            f"a clinic's version of a block keeps the block's type: "
            f"{original.document.path} says '{original.block.type}', found "
            f"'{source.block.type}'"))


def night_line_problems(clinics: dict[str, ClinicFile], leaflets: dict[str, LeafletFile],
                        blocks: dict[str, dict[str, BlockFile]],
                        source_language: str) -> Iterator[Problem]:
    """A clinic's edition of a leaflet that tells patients whom to call (it prints a
    contact block, or a wallet card with the team's number) replaces the lines to write
    the numbers on with the clinic's: one of them must answer at night and at weekends,
    or the edition would drop that safety prompt, or put an office number on the card."""
    for clinic_file in clinics.values():
        clinic = clinic_file.clinic
        if any(contact.always for contact in clinic.contacts):
            continue
        calling = [leaflet_id for leaflet_id, leaflet_file in leaflets.items()
                   if (clinic.leaflets is None or leaflet_id in clinic.leaflets)
                   and _tells_to_call(leaflet_file, blocks, source_language)]
        if calling:
            yield clinic_file.document.problem(("contacts",), (
                f"the clinic's editions of {', '.join(calling)} tell patients whom to call: "
                "give the number that answers at night, at weekends and on public holidays, "
                "a contact with 'always: true' (e.g. {id: night, label: \"Ligne 24 h/24\", "
                "phone: \"+33 3 99 00 00 01\", always: true})"), key=True)


def _tells_to_call(leaflet_file: LeafletFile, blocks: dict[str, dict[str, BlockFile]],
                   source_language: str) -> bool:
    for block_id in leaflet_file.leaflet.blocks:
        source = blocks.get(block_id, {}).get(source_language)
        if source is not None and source.block.type in CALLING_TYPES:
            return True
    return False
