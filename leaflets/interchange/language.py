"""A new language in one step (``translate new <code>``): listed in project.yaml under
``languages`` and ``in_progress``, its catalog initialised from messages.pot as
``pybabel init`` does, and an XLIFF file of every unit to translate.

project.yaml is edited as text, not dumped again, so that its comments and layout stay
as the author wrote them: only the flow lists ``languages: [...]`` and ``in_progress:
[...]`` are touched (a missing ``in_progress`` gets its own line after ``languages``).
A file of another shape is refused rather than guessed at. Everything is checked, and
every file made in memory, before the first one is written.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from babel import Locale
from babel.messages.pofile import read_po, write_po

from ..errors import ContentError, Location, Problem, UsageError, shown
from ..languages import language
from ..model import Library
from ..model.schemas import known_locale
from ..outputs import atomic_write

# A code as CLDR writes it ("es", "pt_BR", "sr-Latn"): also a safe folder name.
_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
_ITEM = re.compile(r"[A-Za-z0-9_-]+")


def _flow_list(name: str) -> re.Pattern:
    """A top-level ``name: [a, b]`` on one line, with an optional comment after it."""
    return re.compile(rf"^{name}:[ \t]*\[(?P<items>[^\]\n#]*)\](?P<rest>[ \t]*(?:#[^\n]*)?)$",
                      re.MULTILINE)


def _with_item(text: str, match: re.Match, code: str) -> str | None:
    """The text with ``code`` appended to the flow list ``match`` found; None if one of
    its items is not a plain code (quoted, an anchor…)."""
    items = [item.strip() for item in match["items"].split(",") if item.strip()]
    if not all(_ITEM.fullmatch(item) for item in items):
        return None
    key = match[0].split(":", 1)[0]
    line = f"{key}: [{', '.join([*items, code])}]{match['rest']}"
    return text[:match.start()] + line + text[match.end():]


def _edited_project(text: str, code: str) -> str | None:
    """project.yaml's text with ``code`` added to ``languages`` and ``in_progress``; None
    if the file is not of a shape this edit knows."""
    languages = list(_flow_list("languages").finditer(text))
    progress = list(_flow_list("in_progress").finditer(text))
    if len(languages) != 1 or len(progress) > 1:
        return None
    if progress:
        edited = _with_item(text, progress[0], code)
    elif re.search(r"^in_progress:", text, re.MULTILINE):
        return None     # written as a block list, or in another shape
    else:
        end = languages[0].end()
        edited = text[:end] + f"\nin_progress: [{code}]   # being translated (README, " \
                              '"Add a language")' + text[end:]
    if edited is None:
        return None
    languages = list(_flow_list("languages").finditer(edited))
    return _with_item(edited, languages[0], code)


def _same_but_for(old: str, new: str, code: str) -> bool:
    """Whether the edited text reads back as the old one with ``code`` added, and only that."""
    before, after = yaml.safe_load(old), yaml.safe_load(new)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return False
    expected = {**before, "languages": [*before.get("languages", []), code],
                "in_progress": [*(before.get("in_progress") or []), code]}
    return after == expected


class _NewLanguage:
    def __init__(self, library: Library, code: str, locales: Path, theme: Path | None):
        self.library, self.code = library, code
        self.document = library.project_document
        self.project_path = Path(self.document.path)
        self.template = (theme or locales) / "messages.pot"
        self.catalog = locales / code / "LC_MESSAGES" / "messages.po"
        # A library inherits the catalog its theme has: it needs none of its own.
        self.inherited = theme is not None and (theme / code / "LC_MESSAGES" /
                                                "messages.po").is_file()
        self.problems: list[Problem] = []

    def fail(self, key_path: tuple, message: str) -> None:
        self.problems.append(self.document.problem(key_path, message))

    def check(self) -> None:
        project = self.library.project
        if self.code in project.languages:
            where = ("languages", project.languages.index(self.code))
            self.fail(where, f"language '{self.code}' is already one of the languages "
                             f"({', '.join(project.languages)}): nothing to add; 'translate "
                             f"export --lang {self.code}' gives its units to translate")
        elif self.catalog.exists():   # a language of the project has its catalog
            self.problems.append(Problem(Location(shown(self.catalog)), (
                f"a catalog of '{self.code}' exists already: its translations would be "
                "lost; move it away to start again, or add the language by hand (README, "
                '"Add a language")')))
        script = language(self.code).script
        if script not in project.fonts.scripts:
            self.fail(("fonts", "scripts"), (
                f"language '{self.code}' is written in the script {script}, which has no "
                f"font stack: add '{script}: [<font family>, …]' under fonts.scripts (a "
                "family of fonts.families that covers it), then run this again"))
        if not self.template.is_file():
            self.problems.append(Problem(Location(shown(self.template)), (
                "expected the catalog template messages.pot here, to initialise the new "
                "catalog from; found no file")))

    def project_text(self) -> bytes:
        # Read without translating line ends, edited with "\n" and given back its own: a
        # file written on Windows (every line CRLF) keeps them, and only two lines change.
        raw = self.project_path.read_bytes().decode("utf-8")
        crlf = "\r\n" in raw and raw.count("\r\n") == raw.count("\n")
        text = raw.replace("\r\n", "\n") if crlf else raw
        edited = _edited_project(text, self.code)
        if edited is None or not _same_but_for(text, edited, self.code):
            raise ContentError([self.document.problem(("languages",), key=True, message=(
                "expected 'languages' written as one flow list of plain codes on its own "
                "line ('languages: [fr, en]') and 'in_progress' likewise or absent, so that "
                f"'{self.code}' can be added without touching the rest of the file; found "
                f"another shape: add '{self.code}' to both by hand"))])
        return (edited.replace("\n", "\r\n") if crlf else edited).encode("utf-8")

    def catalog_bytes(self) -> bytes:
        """The catalog ``pybabel init`` would make: the template's messages, untranslated,
        with the language's plural forms from CLDR."""
        locale = Locale.parse(self.code.replace("-", "_"))
        with self.template.open("rb") as file:
            catalog = read_po(file, locale=locale)
        catalog.locale = locale
        catalog.revision_date = datetime.datetime.now(datetime.UTC)
        catalog.fuzzy = False
        out = io.BytesIO()
        write_po(out, catalog, width=76)
        return out.getvalue()


def new_language(library: Library, code: str, locales: Path, to: Path | None,
                 units: Callable[[], bytes], theme: Path | None = None) -> list[str]:
    """Add ``code`` to the project; ``units`` makes the XLIFF of every unit to translate
    into it. ``theme``: the catalogs ``locales`` overrides, which give the template and
    may have the language's catalog already. Writes nothing unless everything is right.
    What to print."""
    if not _CODE.fullmatch(code) or not known_locale(code):
        raise UsageError(f"unknown language code {code!r}: Babel (CLDR) has no locale of that "
                         "name; expected a code such as 'es', 'it' or 'pt_BR'")
    job = _NewLanguage(library, code, locales, theme)
    job.check()
    if job.problems:
        raise ContentError(job.problems)
    project, xliff = job.project_text(), units()
    catalog = None if job.inherited else job.catalog_bytes()
    to = to or Path(f"{code}.xlf")
    if catalog is not None:
        atomic_write(job.catalog, catalog)
    atomic_write(to, xliff)
    # Last: were a write above to fail, the project would not list a language it lacks.
    atomic_write(job.project_path, project, keep_mode=True)
    made = (f"wrote {shown(job.catalog)} (from {shown(job.template)}; translate its strings)"
            if catalog is not None else f"the template strings in '{code}' are the theme's")
    return [f"{shown(job.project_path)}: '{code}' added to languages and in_progress", made,
            f"wrote {shown(to)} (every unit to translate; send it to the translator, then "
            f"'translate import {to.name}')"]
