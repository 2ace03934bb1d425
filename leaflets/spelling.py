"""Spelling: the prose of every block and every catalog string, in every language, checked
with Hunspell's dictionaries (Debian's hunspell-* packages) and the project's word list.

The dictionaries are read by spylls, Hunspell ported to pure Python: nothing to compile on
a fresh machine. Loading one takes seconds (Turkish and Arabic: about 8), so the verdict
on each word is kept in a cache per dictionary (under ``$XDG_CACHE_HOME/leaflets``, named
by the hash of the dictionary's files): a later ``check`` loads a dictionary only to
judge words it has not seen. Hunspell's suggestions are not given: spylls takes more than
40 seconds for one.

What is not checked: words with a digit (PD-L1, CTLA-4, IMM-01, 3e), URLs, e-mail
addresses, placeholders ({clinic.phone}, %(count)s) and one-letter words; Markdown link
targets never reach the passages. A hyphenated word is right if the dictionary knows it
whole or knows each part ("pseudo-progression", "Checkpoint-Inhibitoren"). Typographic
apostrophes are read as straight ones; French elisions (l’, d’, qu’…) are taken off,
and in Turkish the suffix after an apostrophe (ESMO’nun) too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from .errors import ContentError, Location, Problem, shown
from .languages import folded, language
from .markup import located_passages
from .model import Library
from .sources import load

DICTIONARY_FOLDER = Path("/usr/share/hunspell")
WORD_LIST = "words.yaml"
EVERY_LANGUAGE = "all"   # the word list's key for names valid in every language

# Letters with their combining marks (Arabic short vowels and shadda are not \w).
_LETTERS = r"(?:\w|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+"
_TOKEN = re.compile(rf"{_LETTERS}(?:[-'’]{_LETTERS})*")
_SKIPPED = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                      r"|\{[^{}]*\}|%\([^)]*\)[sd]|%[sd]")
_FRENCH_ELISION = re.compile(r"(?i)^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)")


# --- the dictionaries -------------------------------------------------------------------

def dictionary_name(code: str, folder: Path = DICTIONARY_FOLDER) -> str | None:
    """The Hunspell dictionary of a language, from its locale: the locale's own (en_GB, ar,
    fr), else the language in the country of the same code (fr_FR, de_DE, tr_TR)."""
    locale = language(code).locale
    names = [f"{locale.language}_{locale.territory}" if locale.territory else locale.language,
             f"{locale.language}_{locale.language.upper()}", locale.language]
    return next((name for name in names if (folder / f"{name}.dic").exists()
                 and (folder / f"{name}.aff").exists()), None)


@cache
def _spylls(path: str):
    from spylls.hunspell import Dictionary  # only when a word is new
    return Dictionary.from_files(path)


def _cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "leaflets"


@dataclass
class _Verdicts:
    """Whether each word is in one dictionary, remembered across runs."""

    path: Path                 # the dictionary, without .dic/.aff
    cache_file: Path
    known: dict[str, bool] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def of(cls, path: Path) -> _Verdicts:
        digest = hashlib.sha256()
        for suffix in (".aff", ".dic"):
            digest.update(path.with_suffix(suffix).read_bytes())
        name = f"spelling-{path.name}-{digest.hexdigest()[:16]}.json"
        verdicts = cls(path, _cache_folder() / name)
        try:
            known = json.loads(verdicts.cache_file.read_text())
        except (OSError, ValueError):
            known = {}   # no cache yet, or a damaged one: the dictionary answers
        # Only verdicts are kept: a file damaged into other JSON ([], "no") would otherwise
        # break the check or, read as truthy, pass a misspelt word.
        if isinstance(known, dict):
            verdicts.known = {word: known[word] for word in known
                              if isinstance(known[word], bool)}
        return verdicts

    def __call__(self, word: str) -> bool:
        if word not in self.known:
            self.known[word] = bool(_spylls(str(self.path)).lookup(word))
            self.changed = True
        return self.known[word]

    def save(self) -> None:
        if not self.changed:
            return
        target = self.cache_file
        try:   # a cache that cannot be written only makes the next check slower
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.known, ensure_ascii=False, sort_keys=True))
            temporary.replace(target)
        except OSError:
            pass


@dataclass
class _Speller:
    """One language's judge: its dictionary, then the project's word list."""

    code: str
    dictionary: str
    verdicts: _Verdicts
    listed: set[str]           # folded

    def knows(self, word: str) -> bool:
        return folded(self.code, word) in self.listed or self.verdicts(word)

    def right(self, word: str) -> bool:
        word = word.replace("’", "'")
        if self.knows(word):
            return True
        parts = word.split("-")
        return len(parts) > 1 and all(self.knows(part) for part in parts if part)


# --- words of a text --------------------------------------------------------------------

def words(code: str, text: str) -> Iterator[tuple[int, str]]:
    """(offset, word) of each word of a text in a language to check: a French word
    without its elision (l’, qu’), a Turkish one without the suffix after an apostrophe."""
    masked = _SKIPPED.sub(lambda match: " " * len(match.group()), text)
    for match in _TOKEN.finditer(masked):
        start, word = match.start(), match.group()
        elision = _FRENCH_ELISION.match(word.replace("’", "'")) if code == "fr" else None
        if elision:
            start, word = start + elision.end(), word[elision.end():]
        if code == "tr":
            word = re.split("['’]", word, maxsplit=1)[0]
        if len(word) > 1 and not any(character.isdigit() or character == "_"
                                     for character in word):
            yield start, word


def _message(word: str, speller: _Speller, word_list_file: Path) -> str:
    return (f"'{word}' is not in the {speller.code} dictionary (Hunspell {speller.dictionary}) "
            f"nor in the project's word list; correct it or add it to {word_list_file}")


# --- the word list ----------------------------------------------------------------------

def word_list(folder: Path, languages: list[str]) -> dict[str, set[str]]:
    """A word list (content/words.yaml; locales/words.yaml for the tool's own catalog
    strings, whatever the content): language (or 'all') → words."""
    path = folder / WORD_LIST
    if not path.exists():
        return {}
    document = load(path, shown(path))
    problems = list(document.problems)
    data = document.data if document.data is not None else {}
    if not problems and not isinstance(data, dict):
        problems.append(document.problem((), "expected a mapping of languages to lists of "
                                              f"words, found {type(data).__name__}"))
        data = {}
    listed: dict[str, set[str]] = {}
    for key, entries in data.items():
        if key not in (EVERY_LANGUAGE, *languages):
            problems.append(document.problem((key,), (
                f"unknown language '{key}'; expected '{EVERY_LANGUAGE}' or one of the "
                f"project's languages: {', '.join(languages)}"), key=True))
        elif not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            problems.append(document.problem((key,), "expected a list of words (text)"))
        else:
            listed[key] = set(entries)
    if problems:
        raise ContentError(problems)
    return listed


def _folded_lists(listed: dict[str, set[str]], languages: list[str]) -> dict[str, set[str]]:
    """Each language's words, with those of every language, folded as it lowers them."""
    every = listed.get(EVERY_LANGUAGE, set())
    return {code: {folded(code, entry) for entry in every | listed.get(code, set())}
            for code in languages}


# --- what is checked --------------------------------------------------------------------

def _block_warnings(library: Library, spellers: dict[str, _Speller]) -> Iterator[Problem]:
    word_list_file = shown(library.root / WORD_LIST)
    for files in library.blocks.values():
        for code, block_file in files.items():
            speller = spellers.get(code)
            if speller is None:
                continue
            seen: dict[tuple, str] = {}   # key path → its passages so far, to count repeats
            for key_path, passage in located_passages(block_file.block):
                before = seen.get(tuple(key_path), "")
                for offset, word in words(code, passage):
                    if not speller.right(word):
                        occurrence = (before + passage[:offset]).count(word)
                        yield Problem(block_file.document.locate(key_path, word, occurrence),
                                      _message(word, speller, word_list_file))
                seen[tuple(key_path)] = before + passage + "\n"


_PO_STRING = re.compile(r'^(msgstr(?:\[\d+\])?\s+)?"(.*)"\s*$')


def catalog_strings(path: Path) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) of each line of a catalog's translations (msgstr), the header's
    excepted; the column is that of the text inside the quotes."""
    in_msgstr = header = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("msgid "):
            header = line.strip() == 'msgid ""'
        match = _PO_STRING.match(line)
        if match is None:
            in_msgstr = False
            continue
        if match.group(1):
            in_msgstr = True
        elif line.startswith(("msgid", "msgctxt")):
            in_msgstr = False
        if in_msgstr and not header:
            yield number, match.start(2) + 1, match.group(2).replace('\\"', '"')


def _catalog_warnings(locales: Path, languages: list[str], spellers: dict[str, _Speller]
                      ) -> Iterator[Problem]:
    catalogs = sorted(folder.parent.name for folder in locales.glob("*/LC_MESSAGES"))
    catalog_words = _folded_lists(word_list(locales, catalogs), languages)
    for code, speller in spellers.items():
        path = locales / code / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            continue
        catalog_speller = replace(speller, listed=speller.listed | catalog_words.get(code, set()))
        for line, column, text in catalog_strings(path):
            for offset, word in words(code, text):
                if not catalog_speller.right(word):
                    yield Problem(Location(shown(path), line, column + offset),
                                  _message(word, speller, shown(locales / WORD_LIST)))


def spelling_warnings(library: Library, locales: Path,
                      dictionaries: Path = DICTIONARY_FOLDER) -> list[Problem]:
    """A warning for each word of a block or a catalog translation that is neither in its
    language's Hunspell dictionary nor in the project's word list, and one for each
    language without an installed dictionary."""
    listed = _folded_lists(word_list(library.root, library.languages), library.languages)
    warnings, spellers = [], {}
    for code in library.languages:
        name = dictionary_name(code, dictionaries)
        if name is None:
            # Debian names the packages in lower case with hyphens: hunspell-pt-br.
            package = "hunspell-" + code.lower().replace("_", "-")
            warnings.append(library.project_document.problem(
                ("languages", library.languages.index(code)), (
                    f"no Hunspell dictionary for '{code}' (on Debian, the package {package} "
                    "may have it): its spelling is not checked")))
            continue
        spellers[code] = _Speller(code, name, _Verdicts.of(dictionaries / name),
                                  listed.get(code, set()))
    warnings += [*_block_warnings(library, spellers),
                 *_catalog_warnings(locales, library.languages, spellers)]
    for speller in spellers.values():
        speller.verdicts.save()
    return warnings
