"""Languages: locales, gettext catalogs for template strings, formatting and typography.

Everything a language needs comes from CLDR (through Babel) and from its
catalog under ``locales/``, so adding a language needs no code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, time
from gettext import c2py
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, get_day_names
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from markupsafe import escape

from .errors import ContentError, Location, Problem, shown
from .inputs import sha256
from .languages import Language
from .model.text import hidden_character

CATALOG = Path("LC_MESSAGES") / "messages.po"


# --- catalogs -----------------------------------------------------------------------

# The last catalog compiled from each chain of files, with the bytes it was compiled from:
# a build asks for one catalog many times (checks, editions, each catalogue page).
_compiled: dict[tuple[Path, ...], tuple[tuple, Translations]] = {}


def load_catalog(folders: Path | Sequence[Path], code: str) -> Translations:
    """Compile the catalog of a language (``<folder>/<code>/LC_MESSAGES/messages.po``) in
    memory. Given several folders, the first overrides the later ones entry by entry: a
    library's own catalog need only hold the strings it changes; the theme's has the rest.

    A missing catalog, a string left untranslated or marked fuzzy is an error:
    the build never shows a template string in another language than the edition's.
    """
    folders = (folders,) if isinstance(folders, Path) else tuple(folders)
    paths = tuple(folder / code / CATALOG for folder in folders)
    found = {path: path.read_bytes() for path in paths if path.is_file()}
    if not found:
        raise ContentError([Problem(Location(shown(paths[0])), (
            f"no catalog for language '{code}': create it with "
            f"'pybabel init -i locales/messages.pot -d locales -l {code}' and translate it"))])
    templates = [path.read_bytes() for folder in folders
                 if (path := folder / "messages.pot").is_file()]
    digests = {path: sha256(raw) for path, raw in found.items()}
    key = (code, tuple(digests.items()), tuple(map(sha256, templates)))
    chain = tuple(path.resolve() for path in paths)
    cached = _compiled.get(chain)
    if cached is None or cached[0] != key:
        cached = key, _compile(code, found, templates)
        cached[1].files = {path: digests.get(path) for path in paths}   # None: absent
        _compiled[chain] = cached
    return cached[1]


def _compile(code: str, found: dict[Path, bytes], templates: list[bytes]) -> Translations:
    """One catalog from the files of a chain, the first overriding; each entry checked
    where it is written."""
    merged, origins, problems, parsed = None, {}, [], {}
    for path, raw in reversed(found.items()):
        catalog = parsed[path] = _parse_catalog(path, code, raw)
        lines = raw.decode("utf-8").splitlines()
        for message in catalog:
            if message.id:
                problems += (_entry_problems(message, path)
                             or _written_placeholder_problems(message, catalog, path, lines)
                             or _placeholder_problems(message, catalog, path))
                origins[message.id] = path
        if merged is None:
            merged = catalog
        else:
            for message in catalog:
                if message.id:   # replaced, not merged: Catalog's [] = would keep the old string
                    merged.delete(message.id, message.context)
                    merged[message.id] = message
    template_ids = [[message.id for message in read_po(BytesIO(template)) if message.id]
                    for template in templates]
    problems += [problem for ids in template_ids
                 for problem in _missing_entries(ids, merged, next(iter(found)))]
    if len(found) > 1 and templates:
        overrides = {path: parsed[path] for path in list(found)[:-1]}
        problems += _unknown_overrides(overrides, {id_ for ids in template_ids for id_ in ids})
    if problems:
        raise ContentError(problems)
    buffer = BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    translations = Translations(buffer)
    translations.catalog = merged      # its entries with their lines, for the glyph check
    translations.origins = origins     # the file each entry was read from
    return translations


def _parse_catalog(path: Path, code: str, raw: bytes) -> Catalog:
    """The catalog the bytes hold (read once: what is checked is what is compiled and
    hashed)."""
    try:
        broken = _unquoted_lines(path, raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ContentError([Problem(Location(shown(path), line), (
            f"expected UTF-8 text, found the byte 0x{raw[error.start]:02x}; "
            "save the catalog as UTF-8"))]) from None
    if broken:
        raise ContentError(broken)
    try:
        return read_po(BytesIO(raw), locale=code.replace("-", "_"), abort_invalid=True)
    except (PoFileError, ValueError) as error:
        raise ContentError([Problem(Location(shown(path)), f"invalid catalog: {error}")]) from None


def _unknown_overrides(overrides: dict[Path, Catalog], known: set) -> list[Problem]:
    """Entries of a library's own catalog that override no string of the templates: a
    misspelt msgid would leave the string it meant to change as the theme has it."""
    return [Problem(Location(shown(path), message.lineno or 1), (
                f"'{_first(message.id)}' is not a string of the templates, so it overrides "
                "nothing; copy the msgid from messages.pot exactly"))
            for path, catalog in overrides.items() for message in catalog
            if message.id and message.id not in known]


def _missing_entries(template_ids: list, catalog: Catalog, path: Path) -> list[Problem]:
    """The strings of a template (messages.pot) that the catalog lacks."""
    return [Problem(Location(shown(path)), (
                f"'{_first(message_id)}' is missing from the catalog; run 'pybabel update -i "
                "locales/messages.pot -d locales' and translate it"))
            for message_id in template_ids if message_id not in catalog]


_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[#a-zA-Z]")


def _entry_problems(message, path: Path) -> list[Problem]:
    """Why one entry of a catalog cannot be used: fuzzy, untranslated, or carrying markup
    its source string does not have (catalog strings are text, never markup)."""
    where = Location(shown(path), message.lineno or 1)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    if message.fuzzy:
        return [Problem(where, f"translation of '{_first(message.id)}' is marked fuzzy; check "
                               "it and remove the '#, fuzzy' flag")]
    if not all(string.strip() for string in strings):
        return [Problem(where, f"'{_first(message.id)}' is not translated; fill in its msgstr")]
    hidden = next(filter(None, (hidden_character(string, True, True) for string in strings)),
                  None)
    if hidden is not None:
        return [Problem(where, f"the translation of '{_first(message.id)}' contains "
                               f"U+{ord(hidden):04X}, an invisible character that can hide or "
                               "reorder the text around it; remove it")]
    if any(_MARKUP.search(string) for string in strings) and not any(
            _MARKUP.search(source) for source in ids):
        return [Problem(where, f"the translation of '{_first(message.id)}' contains markup (<…> "
                               "or &…;) that the source string does not have; write plain "
                               "text: the page shows it as it is written")]
    return []


def _placeholder_problems(message, catalog: Catalog, path: Path) -> list[Problem]:
    """Babel's checks of an entry: its placeholders (%(page)s…) are the source's."""
    where = Location(shown(path), message.lineno or 1)
    return [Problem(where, f"the translation of '{_first(message.id)}' does not match its "
                           f"source: {error}; keep every %(name)s placeholder as it is")
            for error in message.check(catalog)]


# A placeholder as a translator may write it, right or not: "%(count)s", "%(cuont)s",
# "%(count)" (its type dropped), "%(count s" (its parenthesis).
_WRITTEN_PLACEHOLDER = re.compile(r"%\([^()\s]*\)?[a-zA-Z]?")


def _written_placeholder_problems(message, catalog: Catalog, path: Path,
                                  lines: list[str]) -> list[Problem]:
    """Each form of a translation has exactly the source's placeholders: one dropped
    would print nothing, one added or misspelled would break the page. A plural form
    used for one number only (Arabic's "two") may leave out the count: its words say it."""
    if not message.python_format:
        return []
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    expected = {token for source in ids for token in _WRITTEN_PLACEHOLDER.findall(source)}
    single = _single_number_forms(catalog) if isinstance(message.id, tuple) else set()
    problems = []
    for form, string in enumerate(strings):
        where = _msgstr_lines(lines, message.lineno or 1, form if len(ids) > 1 else None)
        found = _WRITTEN_PLACEHOLDER.findall(string)
        for token in dict.fromkeys(found):
            if token not in expected:
                problems.append(Problem(_token_location(path, where, token), (
                    f"the translation of '{_first(message.id)}' has the placeholder {token}, "
                    f"which its source does not have; expected {_listed(expected)}, "
                    "written exactly as in the source")))
        dropped = sorted(expected - set(found))
        if dropped and form not in single:
            problems.append(Problem(Location(shown(path), where[0][0], 1), (
                f"the translation of '{_first(message.id)}' leaves out {_listed(dropped)}; "
                "the source has it: keep every %(name)s placeholder as it is")))
    return problems


def _single_number_forms(catalog: Catalog) -> set[int]:
    """The plural forms of the catalog's language that only one number takes."""
    form_of = c2py(catalog.plural_expr)
    numbers: dict[int, list[int]] = {}
    for number in range(1000):
        numbers.setdefault(form_of(number), []).append(number)
    return {form for form, taken in numbers.items() if len(taken) == 1}


def _msgstr_lines(lines: list[str], msgid_line: int, form: int | None
                  ) -> list[tuple[int, str]]:
    """The numbered lines that hold one msgstr (a plural form's, if ``form``) of the
    entry whose msgid is on ``msgid_line``, continuation lines included."""
    keyword = "msgstr" if form is None else f"msgstr[{form}]"
    held: list[tuple[int, str]] = []
    for number in range(msgid_line, len(lines) + 1):
        line = lines[number - 1]
        if held and not line.startswith('"'):
            break
        if held or line.startswith(keyword + " "):
            held.append((number, line))
    return held or [(msgid_line, "")]


def _token_location(path: Path, where: list[tuple[int, str]], token: str) -> Location:
    number, line = next(((number, line) for number, line in where if token in line), where[0])
    return Location(shown(path), number, line.find(token) + 1 if token in line else 1)


def _listed(tokens) -> str:
    return ", ".join(sorted(tokens)) or "no placeholder"


def _first(message_id) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


_PO_STRING_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(\[\d+\])?)?\s*(.*)$')
_PO_QUOTED = re.compile(r'^"(?:[^"\\]|\\.)*"$')


def _unquoted_lines(path: Path, text: str) -> list[Problem]:
    """Lines of a catalog whose text is not properly quoted: Babel would silently cut
    a letter off such a translation."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _PO_STRING_LINE.match(line)
        keyword, text = match[1], match[3].strip()
        if (keyword or text.startswith('"')) and not _PO_QUOTED.match(text):
            column = line.index(text) + 1 if text else len(line) + 1
            missing = ("its closing quote" if text.startswith('"') else "its quotes")
            problems.append(Problem(Location(shown(path), number, column), (
                f"invalid catalog: expected a text in double quotes, found {text} without "
                f"{missing}")))
    return problems


def install_catalog(environment, translations: Translations) -> None:
    """Give a Jinja environment the catalog's strings as text, escaped like content:
    a translation can never bring markup (a style, a script) into a page."""
    environment.install_gettext_callables(
        gettext=lambda message: escape(translations.gettext(message)),
        ngettext=lambda singular, plural, count: escape(
            translations.ngettext(singular, plural, count)),
        newstyle=True)


def quotation_marks(translations: Translations) -> tuple[str, str]:
    """The language's quotation marks, as its translator wrote them in the catalog."""
    # Translators: write the quotation marks of your language around %(quoted)s.
    pattern = translations.gettext("“%(quoted)s”")
    opening, _, closing = pattern.partition("%(quoted)s")
    return opening, closing


# --- formatting ---------------------------------------------------------------------

def format_figure(value: float, style: str, lang: Language) -> str:
    """A number in the locale's default numbering system (CLDR: Persian digits in 'fa',
    Latin ones in 'ar')."""
    formatter = format_percent if style == "percent" else format_decimal
    return native_digits(formatter(value, locale=lang.locale, numbering_system="default"),
                         lang)


# The zero of each CLDR numbering system whose Unicode name is not its script's.
_ZEROS = {"latn": "0", "arab": "\u0660", "arabext": "\u06f0", "beng": "\u09e6"}


def native_digits(text: str, lang: Language) -> str:
    """Latin digits written in the locale's default numbering system: Babel picks the
    system's separators and signs but always writes Latin digits."""
    system = lang.locale.default_numbering_system
    zero = _ZEROS.get(system)
    if zero is None:
        script = Locale("en").scripts.get(system.title(), system)
        try:
            zero = unicodedata.lookup(f"{script} digit zero")
        except KeyError:   # not a decimal system CLDR names after a script: keep Latin
            zero = "0"
    return text.translate({ord("0") + digit: ord(zero) + digit for digit in range(10)})


def format_day(value: date, lang: Language) -> str:
    return native_digits(format_date(value, "long", locale=lang.locale), lang)


def format_partial_date(value: date | str, lang: Language) -> str:
    """A source's date: a full date, a month ('2018-06') or a year ('2020')."""
    if isinstance(value, date):
        return format_day(value, lang)
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        return format_day(date(*parts), lang)
    if len(parts) == 2:
        return native_digits(format_skeleton("yMMMM", date(parts[0], parts[1], 1),
                                             locale=lang.locale), lang)
    return native_digits(str(parts[0]), lang)


def format_days(days: list[str], lang: Language) -> str:
    """Weekdays as a person writes them: "Monday–Friday", "Monday, Wednesday"."""
    order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    names = get_day_names("wide", locale=lang.locale)
    indexes = sorted(order.index(day) for day in days)
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{names[indexes[0]]}–{names[indexes[-1]]}"
    return format_list([names[index] for index in indexes], locale=lang.locale)


def format_opening_hours(opens: str, closes: str, lang: Language) -> str:
    start, end = (time.fromisoformat(value) for value in (opens, closes))
    return native_digits(format_interval(start, end, "Hm", locale=lang.locale), lang)


# --- typography ---------------------------------------------------------------------

NARROW_NO_BREAK_SPACE = "\u202f"
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
# A run of Latin letters, digits and the punctuation that joins them ("PD-L1",
# "CTLA-4", "11 640", "JCO Precision Oncology").
_LATIN_RUN = re.compile(r"[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F\-./%'’ \u202f\u00a0]*"
                        r"[A-Za-z0-9\u00C0-\u024F%])?")


def isolate(text: str, lang: Language) -> str:
    """Keep a whole phrase (a citation, a name) in its own direction inside right-to-left text."""
    return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE if lang.rtl else text


_STRAIGHT_QUOTED = re.compile(r'"([^"\n]+)"')


def typography(text: str, lang: Language, quotes: tuple[str, str] = ("“", "”")) -> str:
    """Apply the language's typographic conventions to plain or Markdown text.

    ``quotes`` are the language's opening and closing quotation marks (from its
    catalog); text typed between straight double quotes gets them.
    """
    text = _STRAIGHT_QUOTED.sub(lambda match: quotes[0] + match[1] + quotes[1], text)
    if lang.locale.language == "fr":
        # French puts a narrow no-break space before ; : ! ? and inside « ».
        text = re.sub(r"[ \u00a0]+([;:!?»])", NARROW_NO_BREAK_SPACE + r"\1", text)
        text = re.sub(r"«[ \u00a0]+", "«" + NARROW_NO_BREAK_SPACE, text)
    if lang.rtl:
        # Latin words and numbers inside right-to-left text keep their own order
        # only inside Unicode isolates (WeasyPrint ignores CSS unicode-bidi).
        text = _LATIN_RUN.sub(lambda match: FIRST_STRONG_ISOLATE + match[0]
                              + POP_DIRECTIONAL_ISOLATE, text)
    return text
