"""The glossary, content/glossary.yaml: source terms and the terms approved for each
language, read with their places so that a wrong entry is told where it is written.

    immunothérapie:
      note: the treatment as a whole, not one drug       # optional, for translators
      fr: [immunothérapies]                # optional: more source forms to look for
      en: [immunotherapy, immunotherapies]  # one approved form, or a list of them
      de: Immuntherapie
      ar: العلاج المناعي

How forms are matched against text is ``leaflets.glossary``'s business; here only
their shape and their languages are checked. The file is optional. Its fields are
language codes, known only once the project is read: the entries are checked here,
field by field, rather than by a fixed pydantic model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from ..errors import Location, Problem, shown
from ..sources import Document, KeyPath
from .messages import describe, suggest
from .schemas import Project, known_locale
from .text import Line

GLOSSARY_FILE = "glossary.yaml"
NOTE, EXCEPT = "note", "except"
_LINE = TypeAdapter(Line)


@dataclass(frozen=True)
class Term:
    """One source term: its approved forms by language, and a note for translators."""

    forms_by_language: dict[str, tuple[str, ...]]
    note: str | None = None
    # language → blocks whose translation may go without the term (its reason in a comment)
    exceptions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def forms(self, language: str) -> list[str]:
        """The forms given for ``language`` (none if the glossary gives none)."""
        return list(self.forms_by_language.get(language, ()))


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, Term] = field(default_factory=dict)   # source term → its entry
    document: Document | None = None


def read_glossary(root: Path, project: Project, read: Callable[[Path], Document],
                  problems: list[Problem]) -> Glossary:
    """The glossary of a content folder (empty without the file); each problem of it
    is added to ``problems``, and a term with a problem is left out."""
    path = root / GLOSSARY_FILE
    if not path.is_file():
        return Glossary()
    document = read(path)
    if document.problems:
        return Glossary(document=document)
    if not isinstance(document.data, dict):
        problems.append(Problem(Location(shown(path)), (
            "the glossary is a mapping of source terms to their approved translations, "
            "e.g. 'immunothérapie: {en: immunotherapy, de: Immuntherapie}'; found "
            + ("an empty file" if document.data is None else describe(document.data)))))
        return Glossary(document=document)
    terms = {}
    for source_term, entry in document.data.items():
        before = len(problems)
        term = _Entry(document, project, problems).term(source_term, entry)
        if term is not None and len(problems) == before:
            terms[source_term] = term
    return Glossary(terms, document)


@dataclass
class _Entry:
    """Checks one term of the glossary, reporting each problem at its place."""

    document: Document
    project: Project
    problems: list[Problem]

    def fail(self, key_path: KeyPath, message: str, key: bool = False) -> None:
        self.problems.append(self.document.problem(key_path, message, key=key))

    def term(self, source_term: object, entry: object) -> Term | None:
        if not isinstance(source_term, str) or self._line(source_term) is not None:
            self.fail((source_term,), f"a glossary term is a text in {self.project.source_language}"
                                      f", found {describe(source_term)}", key=True)
            return None
        if not isinstance(entry, dict) or not entry:
            self.fail((source_term,), (
                f"'{source_term}' must be a mapping of language codes to approved forms, "
                f"e.g. {{en: …, de: …}}; found {describe(entry)}"))
            return None
        forms, note, exceptions = {}, None, {}
        for name, value in entry.items():
            if name == NOTE:
                note = self._text((source_term, NOTE), value)
            elif name == EXCEPT:
                exceptions = self._exceptions((source_term, EXCEPT), value)
            elif name in self.project.languages:
                forms[name] = self._forms((source_term, name), value)
            elif isinstance(name, str) and known_locale(name):
                # A termbase may hold more languages than the project prints (one taken
                # out of it, one not added yet): their forms are kept out of the checks.
                self._forms((source_term, name), value)
            else:
                self.fail((source_term, name), (
                    f"{describe(name)} is not one of the project's languages"
                    f"{suggest(str(name), self.project.languages)}; a glossary term's fields "
                    f"are '{NOTE}', '{EXCEPT}' and language codes: "
                    f"{', '.join(self.project.languages)}"), key=True)
        return Term(forms, note, exceptions)

    def _exceptions(self, key_path: KeyPath, value: object) -> dict[str, tuple[str, ...]]:
        """language → block ids, e.g. {de: [tolerance]}."""
        if not isinstance(value, dict) or not all(
                isinstance(ids, list) and all(isinstance(one, str) for one in ids)
                for ids in value.values()):
            self.fail(key_path, f"'{EXCEPT}' must map language codes to lists of block ids, "
                                f"e.g. {{de: [tolerance]}}; found {describe(value)}")
            return {}
        for code in value:
            if code not in self.project.languages and not known_locale(str(code)):
                self.fail((*key_path, code), f"{describe(code)} is not one of the project's "
                          f"languages{suggest(str(code), self.project.languages)}", key=True)
        return {code: tuple(ids) for code, ids in value.items()}

    def _forms(self, key_path: KeyPath, value: object) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.fail(key_path, f"'{key_path[-1]}' must be an approved form or a list of "
                                f"them, found {describe(value)}")
            return ()
        prefix = key_path if isinstance(value, str) else None
        return tuple(filter(None, (self._text(prefix or (*key_path, index), item)
                                   for index, item in enumerate(items))))

    def _text(self, key_path: KeyPath, value: object) -> str | None:
        wrong = self._line(value) if isinstance(value, str) else (
            f" must be a text on one line, found {describe(value)}")
        if wrong is not None:
            name = next(step for step in reversed(key_path) if isinstance(step, str))
            self.fail(key_path, f"'{name}'{wrong}")
            return None
        return value

    @staticmethod
    def _line(value: str) -> str | None:
        """What is wrong with a text, as the schemas say it; None if nothing."""
        try:
            _LINE.validate_python(value, strict=True)
        except ValidationError as error:
            detail = error.errors()[0]
            return (f": {detail['msg']}" if detail["type"] == "rule"
                    else " must be a text on one line, found an empty text")
        return None
