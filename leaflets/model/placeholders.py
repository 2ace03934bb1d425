"""Placeholders in block text: ``{clinic.name}``, ``{clinic.contacts.<id>}``… name a
clinic's details, which a clinic edition prints in their place (the generic edition
prints a line to write on: see ``leaflets/filling.py``).

A placeholder is data, never code: only a brace followed by ``clinic.`` starts one, so
every other brace is text (``{{ x }}`` and ``{% if %}`` print as written), and the value
put in its place is the clinic's text, escaped. ``{{clinic.`` prints ``{clinic.``: the
doubled brace writes the placeholder's own syntax as text.

A block's approval seals its text with its placeholders as written; the clinic's values
are the clinic file's, which no block approval covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt

from ..errors import Location, Problem
from .clinics import Clinic
from .library import BlockFile, ClinicFile, LeafletFile, clinic_block_key
from .messages import suggest

PLACEHOLDER = re.compile(r"(?P<escape>\{)?\{clinic\.(?P<name>[^{}\s]*)(?P<end>\})?")
_CONTACT = re.compile(r"contacts\.(?P<id>[a-z0-9][a-z0-9-]*)(?P<label>\.label)?")
CLINIC_FIELDS = ("name", "address", "email")
NAMES = "{clinic.name}, {clinic.address}, {clinic.email}, {clinic.contacts.<id>} (its " \
        "number) and {clinic.contacts.<id>.label}"
# Fields that are settings or records, never printed text.
_NOT_TEXT = frozenset({"review", "translation"})


@dataclass(frozen=True)
class Value:
    """What a clinic puts in a placeholder's place; a phone number reads left to right."""

    text: str
    phone: bool = False


def placeholders(text: str) -> Iterator[re.Match]:
    """Every placeholder written in a text, escaped ones included (``match["escape"]``)."""
    return PLACEHOLDER.finditer(text)


def value_of(clinic: Clinic, name: str) -> Value | None:
    """The clinic's value for a placeholder's name (``contacts.night``); None if the
    clinic has none, or the name is not a placeholder's."""
    contact = _CONTACT.fullmatch(name)
    if contact:
        found = clinic.contact(contact["id"])
        if found is None:
            return None
        return Value(found.label) if contact["label"] else Value(found.phone, phone=True)
    if name not in CLINIC_FIELDS:
        return None
    value = getattr(clinic, name)
    # An address has several lines; in a sentence they read as one, comma-separated.
    return None if value is None else Value(", ".join(value.strip().splitlines()))


def _written_wrong(match: re.Match, text: str) -> str | None:
    """What is wrong with a placeholder as written, whatever the clinic (None: nothing)."""
    written, name = match[0], match["name"]
    if match["escape"]:
        if text.startswith("}", match.end()):
            return (f"'{written}}}' has double braces; a placeholder has single ones: write "
                    f"'{{clinic.{name}}}' (or '{written}' to print '{written[1:]}' as text)")
        return None
    if not match["end"]:
        return (f"'{written}' is not closed: a placeholder ends with '}}', as "
                f"'{{clinic.{name}}}'; to print it as text, write '{{{written}'")
    if name in CLINIC_FIELDS or _CONTACT.fullmatch(name):
        return None
    known = [*CLINIC_FIELDS, "contacts.<id>", "contacts.<id>.label"]
    return (f"unknown placeholder '{written}'{suggest(name, known)}; expected one of: {NAMES}; "
            f"to print it as text, write '{{{written}'")


def _texts(value: object, key_path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text of a dumped block, with its key path in the block's document."""
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                yield from _texts(item, (*key_path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*key_path, index))


def _used(block_file: BlockFile) -> Iterator[tuple[tuple, re.Match, str]]:
    """(key path, placeholder, the text it is in) of every placeholder of a block file."""
    for key_path, text in _texts(block_file.block.model_dump(by_alias=True)):
        for match in placeholders(text):
            yield key_path, match, text


def written_problems(blocks: dict[str, dict[str, BlockFile]]) -> Iterator[Problem]:
    """Placeholders written wrong, in any block file: located at the placeholder."""
    for translations in blocks.values():
        for block_file in translations.values():
            for key_path, match, text in _used(block_file):
                wrong = _written_wrong(match, text)
                if wrong:
                    yield Problem(block_file.document.locate(key_path, match[0]), wrong)
            for key_path, text in _texts(block_file.block.model_dump(by_alias=True)):
                for written, occurrence in _in_addresses(text):
                    yield Problem(block_file.document.locate(key_path, written, occurrence), (
                        f"'{written}' is a link's address (or an image's): a placeholder is "
                        "filled with text, never with an address, and the link would lead "
                        "nowhere; write it in the text, outside the parentheses"))


@cache
def _link_parser() -> MarkdownIt:
    """Reads addresses as written: every link accepted, none percent-encoded."""
    parser = MarkdownIt("commonmark", {"html": False})
    parser.validateLink = lambda url: True
    parser.normalizeLink = lambda url: url
    return parser


def _in_addresses(text: str) -> Iterator[tuple[str, int]]:
    """(placeholder, how many times it is written before) of each placeholder written as
    the address of a Markdown link or image, where no value could be put."""
    if "{clinic." not in text or "](" not in text and "]:" not in text:
        return
    for token in _link_parser().parse(text):
        for child in token.children or ():
            address = child.attrGet("href") or child.attrGet("src") or ""
            start = text.find(address)
            for match in placeholders(address):
                if not match["escape"] and start >= 0:
                    yield match[0], text.count(match[0], 0, start + match.start())


def unfilled_problems(blocks: dict[str, dict[str, BlockFile]],
                      leaflets: dict[str, LeafletFile],
                      clinics: dict[str, ClinicFile]) -> Iterator[Problem]:
    """A placeholder a clinic cannot fill, in every block file one of its editions would
    print: located at the placeholder, naming the clinic's file."""
    for clinic_file in clinics.values():
        for block_file in _printed_for(clinic_file, blocks, leaflets):
            for key_path, match, _ in _used(block_file):
                if not match["escape"] and match["end"] and _readable(match["name"]) and \
                        value_of(clinic_file.clinic, match["name"]) is None:
                    yield Problem(block_file.document.locate(key_path, match[0]),
                                  _unfilled(match, clinic_file))


def _readable(name: str) -> bool:
    return name in CLINIC_FIELDS or _CONTACT.fullmatch(name) is not None


def _printed_for(clinic_file: ClinicFile, blocks: dict[str, dict[str, BlockFile]],
                 leaflets: dict[str, LeafletFile]) -> list[BlockFile]:
    """The block files a clinic's editions print (its own version of a block where it has
    one), in every format: a block one format leaves out, another prints."""
    printed = {}
    for leaflet_id, leaflet_file in leaflets.items():
        for block_id in leaflet_file.leaflet.blocks:
            key = clinic_block_key(clinic_file.id, block_id)
            translations = blocks.get(key if key in blocks else block_id, {})
            for language, block_file in translations.items():
                if clinic_file.takes(leaflet_id, language):
                    printed[block_file.document.path] = block_file
    return list(printed.values())


def _unfilled(match: re.Match, clinic_file: ClinicFile) -> str:
    clinic, document = clinic_file.clinic, clinic_file.document
    contact = _CONTACT.fullmatch(match["name"])
    if contact:
        ids = ", ".join(entry.id for entry in clinic.contacts)
        return (f"'{match[0]}' names contact '{contact['id']}', which clinic "
                f"'{clinic_file.id}' does not have: {document.where(('contacts',))} lists "
                f"{ids}{suggest(contact['id'], [entry.id for entry in clinic.contacts])}; add "
                "that contact there, or name one of these")
    return (f"'{match[0]}': clinic '{clinic_file.id}' has no {match['name']} "
            f"({Location(document.path)}); add '{match['name']}: …' there, or leave the "
            "placeholder out of the texts its editions print")
