"""Imported translations written into the content, once every one of them is valid.

Everything is checked before anything is written: the language, each block and unit id,
each text (not empty, no hidden character), and the block file each would make (its
schema). Then each block file is written whole and atomically: a new one, or an existing
one whose text changed, as a draft, with the fingerprint of the source the translator
saw (the one the export carried), so a source changed since the export is stale, and
said so, never silently current.
"""

from __future__ import annotations

import copy
import unicodedata
from pathlib import Path

import yaml

from .. import sources
from ..citation_marks import stray_in
from ..errors import ContentError, Location, Problem
from ..glyphs import unprintable
from ..markup import located_passages, unfaithful_in
from ..model import BLOCK_TYPES, BlockFile, Library
from ..model.citations import citation_disagreement, unknown_citations
from ..model.messages import validate
from ..model.text import hidden_character
from ..outputs import atomic_write
from .units import block_units, value_at
from .xliff import Imported, ImportedFile


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block (``|``), as authors write Markdown."""


class _Quoted(str):
    """A fingerprint: all digits, it would read back as a number unless quoted."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))
_Dumper.add_representer(_Quoted, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(text), style='"'))


def _owner(unit_id: str, block_keys: list[str]) -> str | None:
    """The block a unit id belongs to: the longest block key it starts with."""
    owners = [key for key in block_keys if unit_id.startswith(key + "/")]
    return max(owners, key=len) if owners else None


class _Import:
    def __init__(self, library: Library, imported: ImportedFile):
        self.library, self.imported = library, imported
        self.problems: list[Problem] = list(imported.problems)
        self.language = imported.language
        self.source_language = library.project.source_language

    def fail(self, location: Location, message: str) -> None:
        self.problems.append(Problem(location, message))

    def language_ok(self) -> bool:
        languages = [code for code in self.library.languages if code != self.source_language]
        if self.language not in languages:
            self.fail(self.imported.location, f"trgLang must be one of {', '.join(languages)}, "
                                              f"found {self.language!r}")
            return False
        return True

    def texts_by_block(self) -> dict[str, dict[tuple, tuple[str, Imported]]]:
        keys = [key for key, (_, where) in self.imported.fingerprints.items()
                if self._known_block(key, where)]
        chosen: dict[str, dict[tuple, tuple[str, Imported]]] = {key: {} for key in keys}
        fields = {key: {unit.id: unit for unit in block_units(
            self.library, key, self.language).units} for key in keys}
        for imported in self.imported.units:
            owner = _owner(imported.id, keys)
            unit = fields.get(owner, {}).get(imported.id)
            if unit is None:
                self.fail(imported.location, f"unknown unit id '{imported.id}': the "
                          f"{self.source_language} text has no such field" + (
                              f"; the units of '{owner}' are {', '.join(fields[owner])}"
                              if owner else ""))
            elif self._text_ok(imported, unit.markdown):
                chosen[owner][unit.key_path] = (imported.text, imported)
        return chosen

    def _known_block(self, key: str, where: Location) -> bool:
        if self.source_language in self.library.blocks.get(key, {}):
            return True
        self.fail(where, f"unknown block '{key}': the content has no {self.source_language} "
                         "text of it")
        return False

    def _text_ok(self, imported: Imported, markdown: bool) -> bool:
        if not imported.text.strip():
            self.fail(imported.location, f"the target of '{imported.id}' is empty: translate it")
            return False
        hidden = hidden_character(imported.text, one_line=not markdown, joiners=True)
        if hidden is not None:
            name = unicodedata.name(hidden, "a control character")
            self.fail(imported.location, f"the target of '{imported.id}' has U+{ord(hidden):04X} "
                                         f"({name}), an invisible character; remove it")
            return False
        undrawn = unprintable(self.library, self.language, imported.text)
        if undrawn:
            self.fail(imported.location, f"the target of '{imported.id}' cannot be printed: "
                                         f"{undrawn}; use another character")
            return False
        return True

    def block_file(self, key: str, texts: dict[tuple, tuple[str, Imported]]
                   ) -> tuple[Path, bytes, str] | None:
        """(path, new bytes, what happened) for one block; None if nothing changes."""
        translations = self.library.blocks[key]
        source = translations[self.source_language]
        existing = translations.get(self.language)
        data = copy.deepcopy((existing or source).document.data)
        changed = existing is None
        for key_path, (text, _) in texts.items():
            changed |= value_at(data, key_path) != text
            _set(data, key_path, text)
        fingerprint, where = self.imported.fingerprints[key]
        record = existing.block.translation if existing else None
        if not changed and record is not None and record.fingerprint == fingerprint:
            return None
        # A draft even with the same text: its approval was of a translation of another
        # source (the fingerprint changes), which a reviewer has to look at again.
        data = {"type": data["type"], "review": {"status": "draft"},
                "translation": {"from": self.source_language, "fingerprint": _Quoted(fingerprint)},
                **{name: value for name, value in data.items()
                   if name not in ("type", "review", "translation")}}
        path = Path(source.document.path).with_name(f"{self.language}.yaml")
        raw = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                        width=100).encode()
        self._check_schema(key, path, raw, where)
        now = source.block.fingerprint()
        note = (f"; its {self.source_language} text changed since the export (fingerprint "
                f"{fingerprint} then, {now} now): it is stale — update it to the current "
                f"source, then run 'status --mark-current {self.language}:{key}'"
                if now != fingerprint else "")
        return path, raw, f"{path}: {'written' if existing is None else 'updated'}, draft{note}"

    def _check_schema(self, key: str, path: Path, raw: bytes, where: Location) -> None:
        document = sources.parse(raw, path)
        found: list[Problem] = list(document.problems)
        block = validate(document, BLOCK_TYPES[document.data["type"]], found)
        found += unfaithful_in(document, document.data)   # what check would refuse
        if block is not None:   # its citations, as check reads them
            found += self._citation_problems(BlockFile(key, self.language, block, document))
        for problem in found:
            self.fail(where, f"the {self.language} text of '{key}' would not be valid: "
                             f"{problem.message}")


    def _citation_problems(self, block_file: BlockFile) -> list[Problem]:
        source = self.library.blocks[block_file.id][self.source_language]
        disagreement = citation_disagreement(block_file, source, self.source_language)
        return [*unknown_citations(block_file, list(self.library.sources)),
                *stray_in(block_file.document, block_file.block.model_dump(by_alias=True),
                          located_passages(block_file.block)),
                *([disagreement] if disagreement else [])]


def _set(data: object, key_path: tuple, text: str) -> None:
    for key in key_path[:-1]:
        data = data[key]
    data[key_path[-1]] = text


def apply(library: Library, imported: ImportedFile) -> list[str]:
    """Write the imported translations, or raise ContentError with every problem."""
    job = _Import(library, imported)
    writes = []
    # A file that did not read has nothing more to check; one that read is checked whole.
    if (imported.units or not job.problems) and job.language_ok():
        for key, texts in job.texts_by_block().items():
            if texts:
                written = job.block_file(key, texts)
                writes += [written] if written else []
    if job.problems:
        raise ContentError(job.problems)
    for path, raw, _ in writes:
        atomic_write(path, raw)
    return [message for _, _, message in writes]
