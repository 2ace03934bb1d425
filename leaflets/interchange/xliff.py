"""XLIFF 2.0 files of translation units, written and read with lxml.

One ``<file>``, one ``<group>`` per block (carrying, in our own namespace, the
fingerprint of the source the translator sees), one ``<unit>`` per field with a single
``<segment>``: a field's paragraphs and list items stay in one segment, their breaks as
standalone codes, so that the field comes back exactly as it was cut (see ``inline``).

Unit and group ids are XML name tokens, which cannot hold "/": the readable id
``tolerance/body`` is written ``tolerance:body`` (no block id or key holds ":") and
kept whole in the unit's ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import Location, Problem, shown
from . import inline
from .units import CURRENT, NEW, STALE, BlockUnits, Unit

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
OURS = "urn:leaflets:interchange:1"
_NAMES = {None: XLIFF, "lf": OURS}
_STATE = {NEW: "initial", CURRENT: "translated"}


def _q(tag: str) -> str:
    return f"{{{XLIFF}}}{tag}"


def xml_id(readable: str) -> str:
    return readable.replace("/", ":")


# --- writing ------------------------------------------------------------------------

class _Codes:
    """The codes of one unit: their XLIFF ids and their Markdown in ``originalData``."""

    def __init__(self, original: etree._Element):
        self.original = original
        self.data: dict[str, str] = {}

    def data_id(self, markdown: str) -> str:
        for existing, written in self.data.items():
            if written == markdown:
                return existing
        data_id = f"d{len(self.data) + 1}"
        self.data[data_id] = markdown
        etree.SubElement(self.original, _q("data"), id=data_id).text = markdown
        return data_id


def _write_pieces(parent: etree._Element, pieces: tuple, codes: _Codes,
                  ids: dict[inline.Code, list[str]]) -> None:
    last = None
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                parent.text = (parent.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        code = piece if isinstance(piece, inline.Code) else piece.code
        code_id = ids[code].pop(0)
        if isinstance(piece, inline.Code):
            last = etree.SubElement(parent, _q("ph"), id=code_id, dataRef=codes.data_id(code.start),
                                    disp="¶" if "\n" in code.start else code.start.strip())
            last.set("canDelete", "no")
        else:
            last = etree.SubElement(parent, _q("pc"), id=code_id,
                                    dataRefStart=codes.data_id(code.start),
                                    dataRefEnd=codes.data_id(code.end))
            last.set("canDelete", "no")
            _write_pieces(last, piece.content, codes, ids)


def _code_ids(pieces: tuple) -> dict[inline.Code, list[str]]:
    ids: dict[inline.Code, list[str]] = {}
    for number, code in enumerate(inline.codes(pieces), start=1):
        ids.setdefault(code, []).append(str(number))
    return ids


def _note(notes: etree._Element, text: str, category: str = "context") -> None:
    etree.SubElement(notes, _q("note"), category=category).text = text


def _write_unit(group: etree._Element, unit: Unit, state: str, stale_note: str) -> None:
    element = etree.SubElement(group, _q("unit"), id=xml_id(unit.id), name=unit.id)
    notes = etree.SubElement(element, _q("notes"))
    for text in unit.notes:
        _note(notes, text)
    if not unit.markdown:
        _note(notes, "one line: no line break; no Markdown", "format")
    source = inline.cut(unit.source) if unit.markdown else (unit.source,)
    target = inline.cut(unit.target) if unit.markdown and unit.target else (unit.target,)
    if unit.target and sorted(map(repr, inline.codes(target))) != \
            sorted(map(repr, inline.codes(source))):
        _note(notes, f"the current translation has other markup than the source, so it is "
                     f"not pre-filled; it reads: {unit.target}", "target")
        target = (None,)
    if stale_note:
        _note(notes, stale_note, "stale")
    original = etree.SubElement(element, _q("originalData"))
    codes = _Codes(original)
    segment = etree.SubElement(element, _q("segment"), state=_STATE.get(state, "initial"))
    _write_pieces(etree.SubElement(segment, _q("source")), source, codes, _code_ids(source))
    if target != (None,):
        _write_pieces(etree.SubElement(segment, _q("target")), target, codes, _code_ids(target))
    for empty in (original, notes):   # XLIFF wants one child at least, or no element
        if not len(empty):
            element.remove(empty)


def write_xliff(blocks: list[BlockUnits], source_language: str, language: str,
                stale_notes: dict[str, str]) -> bytes:
    root = etree.Element(_q("xliff"), nsmap=_NAMES, version="2.0", srcLang=source_language,
                         trgLang=language)
    file = etree.SubElement(root, _q("file"), id="content", original="content/blocks")
    file.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for block in blocks:
        group = etree.SubElement(file, _q("group"), id=xml_id(block.key), name=block.key)
        group.set(f"{{{OURS}}}fingerprint", block.fingerprint)
        group.set(f"{{{OURS}}}type", block.type)
        group.set(f"{{{OURS}}}state", block.state)
        notes = etree.SubElement(group, _q("notes"))
        for text in block.notes:
            _note(notes, text)
        for unit in block.units:
            _write_unit(group, unit, block.state, stale_notes.get(block.key, ""))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- reading ------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    """What a translator sent back for one unit, and where it is in their file."""

    id: str
    text: str
    location: Location


@dataclass
class ImportedFile:
    language: str
    location: Location
    fingerprints: dict[str, tuple[str, Location]]      # block key → (fingerprint, where)
    units: list[Imported]
    problems: list[Problem]


class _Reader:
    def __init__(self, path: Path, raw: bytes):
        self.path = shown(path)
        self.lines = raw.decode("utf-8", "replace").splitlines()
        self.problems: list[Problem] = []

    def where(self, element: etree._Element) -> Location:
        """An element's line (lxml's) and column (found on that line)."""
        line = element.sourceline or 1
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        column = text.find("<" + etree.QName(element).localname) + 1
        if column == 0:
            column = text.find(":" + etree.QName(element).localname) + 1 - 1 or 1
        return Location(self.path, line, max(column, 1))

    def fail(self, element: etree._Element, message: str) -> None:
        self.problems.append(Problem(self.where(element), message))

    def text(self, unit: etree._Element, target: etree._Element) -> str | None:
        data = {item.get("id"): item.text or "" for item in unit.iter(_q("data"))}
        source = unit.find(f"{_q('segment')}/{_q('source')}")
        expected = _code_shapes(source) if source is not None else {}
        found: dict[str, tuple] = {}
        text = self._joined(target, data, found)
        for code_id, shape in expected.items():
            if code_id not in found:
                self.fail(target, f"inline code {code_id} ({_shown(shape, data)}) of the source "
                                  "is missing from the target: keep every tag of the source")
            elif found[code_id] != shape:
                self.fail(target, f"inline code {code_id} was changed: the source has "
                                  f"{_shown(shape, data)}, the target "
                                  f"{_shown(found[code_id], data)}")
        for code_id in found.keys() - expected.keys():
            self.fail(target, f"inline code {code_id} is not in the source: remove it")
        return text

    def _joined(self, element: etree._Element, data: dict[str, str], found: dict) -> str:
        parts = [element.text or ""]
        for child in element:
            name = etree.QName(child).localname if isinstance(child.tag, str) else ""
            code_id = child.get("id")
            if name in ("pc", "ph") and code_id in found:
                self.fail(child, f"inline code {code_id} appears twice; keep it once")
            if name == "ph":
                found[code_id] = _shape(child)
                parts.append(data.get(child.get("dataRef"), ""))
            elif name == "pc":
                found[code_id] = _shape(child)
                parts += [data.get(child.get("dataRefStart"), ""),
                          self._joined(child, data, found),
                          data.get(child.get("dataRefEnd"), "")]
            elif name == "mrk":   # an annotation a CAT tool added: its words count, not it
                parts.append(self._joined(child, data, found))
            elif name:
                self.fail(child, f"unexpected <{name}> in a target: expected text, <pc> "
                                 "and <ph> codes of the source")
            parts.append(child.tail or "")
        return "".join(parts)


def _shape(element: etree._Element) -> tuple:
    return (etree.QName(element).localname, element.get("dataRef"),
            element.get("dataRefStart"), element.get("dataRefEnd"))


def _code_shapes(element: etree._Element) -> dict[str, tuple]:
    return {child.get("id"): _shape(child) for child in element.iter(_q("pc"), _q("ph"))}


def _shown(shape: tuple, data: dict[str, str]) -> str:
    if shape[0] == "ph":
        return repr(data.get(shape[1], "?"))
    return f"{data.get(shape[2], '?')!r}…{data.get(shape[3], '?')!r}"


def read_xliff(path: Path) -> ImportedFile:
    raw = path.read_bytes()
    reader = _Reader(path, raw)
    try:
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True,
                                                     huge_tree=False))
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise_problem = Problem(Location(shown(path), line, column + 1),
                                f"not well-formed XML: {error.msg}")
        return ImportedFile("", raise_problem.location, {}, [], [raise_problem])
    if root.tag != _q("xliff") or root.get("version") != "2.0":
        reader.fail(root, f"expected an XLIFF 2.0 file (<xliff version=\"2.0\" "
                          f"xmlns=\"{XLIFF}\">), found <{root.tag}> version "
                          f"{root.get('version')!r}")
        return ImportedFile("", reader.where(root), {}, [], reader.problems)
    fingerprints, units = {}, []
    for group in root.iter(_q("group")):
        fingerprint = group.get(f"{{{OURS}}}fingerprint")
        if not fingerprint:
            reader.fail(group, "this group has no lf:fingerprint: export the file again with "
                               "'build.py translate export'")
        fingerprints[group.get("name") or group.get("id", "")] = (fingerprint, reader.where(group))
    for unit in root.iter(_q("unit")):
        if not _confirmed(unit):
            continue
        units.append(_read_unit(reader, unit))
    return ImportedFile(root.get("trgLang") or "", reader.where(root), fingerprints,
                        [unit for unit in units if unit is not None], reader.problems)


def _confirmed(unit: etree._Element) -> bool:
    """Whether a unit's target is the translator's: a stale block's units are exported
    'initial' with their old translation, and one still 'initial' was not looked at (as a
    fuzzy PO entry): importing it would record the old text as current."""
    group, segment = unit.getparent(), unit.find(_q("segment"))
    stale = group is not None and group.get(f"{{{OURS}}}state") == STALE
    return not (stale and segment is not None and segment.get("state", "initial") == "initial")


def _read_unit(reader: _Reader, unit: etree._Element) -> Imported | None:
    readable = unit.get("name") or (unit.get("id") or "").replace(":", "/")
    targets = unit.findall(f"{_q('segment')}/{_q('target')}")
    if len(unit.findall(_q("segment"))) != 1:
        reader.fail(unit, f"unit '{readable}' must have exactly one <segment>, as exported")
        return None
    if not targets:
        reader.fail(unit, f"unit '{readable}' has no <target>: translate it, or leave the "
                          "unit out of the file")
        return None
    text = reader.text(unit, targets[0])
    return Imported(readable, text, reader.where(targets[0]))
