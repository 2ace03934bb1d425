"""The content model: project settings, sources, leaflets, blocks, and their validation.

``load_library`` reads every file of a content folder, validates each against
its schema and then checks the references between files. It collects every
problem in every file and raises one ``ContentError`` at the end, so an author
sees the whole list at once and nothing is written before the content is valid.
"""

from __future__ import annotations

import difflib
import math
import hashlib
import json
import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from . import markup, sources
from .files import asset_problem
from .i18n import language
from .errors import ContentError, Location, Problem, shown

IDENTIFIER = r"^[a-z0-9][a-z0-9-]*$"
FINGERPRINT_LENGTH = 12
FINGERPRINT_PLACEHOLDER = "0" * FINGERPRINT_LENGTH
MAX_REVIEW_YEARS = 3

Text = Annotated[str, StringConstraints(min_length=1)]
Markdown = Annotated[str, StringConstraints(min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER)]
PartialDate = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


# --- project settings ---------------------------------------------------------------

class FontFamily(Model):
    regular: Text
    bold: Text | None = None
    italic: Text | None = None
    bold_italic: Text | None = Field(None, alias="bold-italic")


class Fonts(Model):
    directories: list[Text] = Field(min_length=1)
    families: dict[Text, FontFamily] = Field(min_length=1)
    scripts: dict[Text, list[Text]] = Field(min_length=1)


FORMATS = ("a4-leaflet", "a5-booklet", "tri-fold")
Format = Literal["a4-leaflet", "a5-booklet", "tri-fold"]


class Colour(Model):
    rgb: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]   # screen editions
    cmyk: Annotated[list[Annotated[float, Field(ge=0, le=1)] | int],
                    Field(min_length=4, max_length=4)]                   # press editions


class Print(Model):
    output_profile: Text        # the CMYK ICC profile of the press (PDF/X output intent)


class Limits(Model):
    """Bounds on one render, so that no content can hang or flood a build."""

    pages: Annotated[int, Field(ge=1)] = 48
    seconds: Annotated[float, Field(gt=0)] = 120


class Project(Model):
    publisher: Text
    source_language: Text
    languages: list[Text] = Field(min_length=1)
    format: Format = "a4-leaflet"
    online_url: Annotated[str, StringConstraints(pattern=r"^https://\S*\{leaflet\}\S*$")]
    fonts: Fonts
    palette: dict[Identifier, Colour] = Field(min_length=1)
    print: Print
    limits: Limits = Limits()


class Source(Model):
    publisher: Text
    title: Text
    published: date | PartialDate
    kind: Text
    language: Text
    journal: Text | None = None
    url: Text | None = None


# --- leaflets -----------------------------------------------------------------------

class Leaflet(Model):
    reference: Text
    version: Text
    published: date
    review_by: date
    format: Format | None = None
    blocks: list[Identifier] = Field(min_length=1)
    # Blocks left out of the editions in a format with little room (e.g. a tri-fold):
    # an editorial choice, so it is written down here rather than made by the layout.
    omit: dict[Format, list[Identifier]] = Field(default_factory=dict)

    def blocks_in(self, format: str) -> list[str]:
        left_out = set(self.omit.get(format, ()))
        return [block_id for block_id in self.blocks if block_id not in left_out]


# --- blocks -------------------------------------------------------------------------

class Review(Model):
    status: Literal["draft", "reviewed", "approved"]
    by: Text | None = None
    on: date | None = None


class Translation(Model):
    from_: Text = Field(alias="from")
    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]


class Block(Model):
    review: Review
    translation: Translation | None = None

    NOT_TRANSLATED: typing.ClassVar[dict] = {"review": True, "translation": True}

    def fingerprint(self) -> str:
        """A hash of what a translator translates: every field but review, translation
        and presentation settings."""
        content = self.model_dump(mode="json", by_alias=True, exclude=self.NOT_TRANSLATED)
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:FINGERPRINT_LENGTH]


class CoverBlock(Block):
    type: Literal["cover"]
    title: Text
    subtitle: Text | None = None
    intro: Markdown | None = None


class TextBlock(Block):
    type: Literal["text"]
    title: Text
    body: Markdown


class Figure(Model):
    value: int | float
    style: Literal["percent", "number"] = "percent"
    display: Literal["number", "icon-array"] = "number"   # icon-array: 100 people, some coloured
    label: Text
    source: Identifier

    def fact(self) -> tuple:
        """What no translation may change: the number, its kind, its display and its source."""
        return self.value, self.style, self.display, self.source


class KeyFiguresBlock(Block):
    NOT_TRANSLATED: typing.ClassVar[dict] = {**Block.NOT_TRANSLATED,
                                             "figures": {"__all__": {"display"}}}
    type: Literal["key-figures"]
    title: Text
    intro: Markdown | None = None
    figures: list[Figure] = Field(min_length=1)
    note: Markdown | None = None


class CalloutBlock(Block):
    type: Literal["callout"]
    tone: Literal["info", "important"] = "info"
    title: Text
    body: Markdown


class ChecklistBlock(Block):
    type: Literal["checklist"]
    title: Text
    intro: Markdown | None = None
    items: list[Text] = Field(min_length=1)


class SourcesBlock(Block):
    type: Literal["sources"]
    title: Text
    intro: Markdown | None = None
    cite: list[Identifier] = Field(min_length=1)


class ContactBlock(Block):
    """Who to call. A clinic edition shows the clinic's details; the generic edition
    shows ``body``, e.g. space to write the care team's number in."""

    type: Literal["contact"]
    title: Text
    body: Markdown
    clinic_intro: Text          # above the clinic's details, e.g. "Your clinic:"


BLOCK_TYPES: dict[str, type[Block]] = {
    model.model_fields["type"].annotation.__args__[0]: model
    for model in (CoverBlock, TextBlock, KeyFiguresBlock, CalloutBlock, ChecklistBlock,
                  ContactBlock, SourcesBlock)
}


# --- clinics ------------------------------------------------------------------------

Time = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = typing.get_args(Weekday)


class OpeningHours(Model):
    days: list[Weekday] = Field(min_length=1)
    opens: Time
    closes: Time


class Clinic(Model):
    example: bool = False      # a fictional clinic, shipped to show how clinics work
    name: Text
    address: Text
    phone: Text
    email: Text | None = None
    hours: list[OpeningHours] = Field(default_factory=list)
    logo: Text | None = None   # a file under content/assets/
    leaflets: list[Identifier] | None = None   # None: every leaflet
    languages: list[Text] | None = None        # None: every language


@dataclass(frozen=True)
class ClinicFile:
    id: str
    clinic: Clinic
    document: sources.Document

    def takes(self, leaflet: str, language: str) -> bool:
        clinic = self.clinic
        return ((clinic.leaflets is None or leaflet in clinic.leaflets)
                and (clinic.languages is None or language in clinic.languages))


# --- the loaded library -------------------------------------------------------------

@dataclass(frozen=True)
class BlockFile:
    """One block in one language, with the document it came from (for locations)."""

    id: str
    language: str
    block: Block
    document: sources.Document


@dataclass(frozen=True)
class LeafletFile:
    id: str
    leaflet: Leaflet
    document: sources.Document


@dataclass(frozen=True)
class Library:
    root: Path
    project: Project
    project_document: sources.Document
    sources: dict[str, Source]
    leaflets: dict[str, LeafletFile]
    blocks: dict[str, dict[str, BlockFile]]
    clinics: dict[str, ClinicFile]

    @property
    def languages(self) -> list[str]:
        return list(self.project.languages)

    def format_of(self, leaflet_id: str) -> str:
        return self.leaflets[leaflet_id].leaflet.format or self.project.format


# --- error messages -----------------------------------------------------------------

def describe(value: Any) -> str:
    """Say what an author wrote, in words: 'a list', "the text 'abc'"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (yes/no)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return type(value).__name__


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "date_type": "a date (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "bool_type": "true or false",
}


def _model_at(model: Any, loc: tuple) -> Any:
    """The model class (or type) that the field path ``loc`` leads into."""
    for step in loc:
        model = _unwrap(model)
        if isinstance(step, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            args = typing.get_args(model)
            model = args[-1] if args else Any
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()}
        model = fields[step].annotation if step in fields else Any
    return _unwrap(model)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] so that the useful type is left."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _field_names(model: Any) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [field.alias or name for name, field in model.model_fields.items()]
    return []


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _quote_hint(error: dict) -> str:
    """Quotes make a number or a date text, and their absence the reverse."""
    value = error.get("input")
    if isinstance(value, (int, float, date)) and (
            error["type"] == "string_type" or "constrained-str" in error.get("union", ())):
        return "; put quotes around it"
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?|\d{4}-\d{2}-\d{2}", value.strip()):
        return "; remove the quotes around it"
    return ""


def _explain(error: dict, model: type[BaseModel]) -> tuple[tuple, str, bool]:
    """Turn one pydantic error into (location path, message, points at the key)."""
    loc = tuple(error["loc"])
    kind = error["type"]
    name = next((str(step) for step in reversed(loc) if isinstance(step, str)), "value")
    found = describe(error.get("input"))
    if kind == "extra_forbidden":
        allowed = _field_names(_model_at(model, loc[:-1]))
        return (loc, f"unknown field '{loc[-1]}'{_suggest(str(loc[-1]), allowed)}; "
                     f"expected one of: {', '.join(allowed)}", True)
    if kind == "missing":
        return loc[:-1], f"missing required field '{loc[-1]}'; add '{loc[-1]}: …'", False
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace(" or ", ", ")
        return loc, f"'{name}' must be one of {expected}; found {found}", False
    if kind == "string_too_short":
        return loc, f"'{name}' must not be empty", False
    if kind == "too_short":
        return loc, f"'{name}' must list at least one entry; found an empty list", False
    if kind == "string_pattern_mismatch":
        pattern = error["ctx"]["pattern"]
        if pattern == IDENTIFIER:
            wanted = "an identifier (lowercase letters, digits and hyphens)"
        elif "0-9a-f" in pattern:
            wanted = f"a {FINGERPRINT_LENGTH}-character fingerprint (see 'python build.py status')"
        elif pattern.startswith("^#"):
            wanted = "a colour as #rrggbb"
        elif "https" in pattern:
            wanted = "an https:// address containing {leaflet} (and optionally {lang})"
        else:
            wanted = "a date as YYYY, YYYY-MM or YYYY-MM-DD"
        return loc, f"'{name}' must be {wanted}; found {found}", False
    if "union" in error:
        wanted = " or ".join(dict.fromkeys(_UNION_EXPECTATIONS[tag] for tag in error["union"]))
        return loc, f"'{name}' must be {wanted}, found {found}{_quote_hint(error)}", False
    if kind in _EXPECTED:
        return loc, f"'{name}' must be {_EXPECTED[kind]}, found {found}{_quote_hint(error)}", False
    return loc, f"'{name}': {error['msg']}; found {found}", False


def validate(document: sources.Document, model: type[BaseModel],
             problems: list[Problem], prefix: tuple = ()) -> Any:
    """Validate ``document.data`` (or a part of it) against ``model``; None if invalid."""
    data = document.data
    for step in prefix:
        data = data[step]
    if not isinstance(data, dict):
        what = "an empty file" if data is None and not prefix else describe(data)
        problems.append(document.problem(prefix, f"expected a mapping of fields, found {what}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in _merge_union_errors(error.errors(), data):
            loc, message, at_key = _explain(detail, model)
            problems.append(document.problem((*prefix, *loc), message, key=at_key))
        return None


# What each alternative of a union (``int | float``, ``date | PartialDate``) asks for.
_UNION_EXPECTATIONS = {"int": "a number", "float": "a number", "date": "a date (YYYY-MM-DD)",
                       "constrained-str": 'text ("YYYY" or "YYYY-MM")'}


def _merge_union_errors(errors: list[dict], data: Any) -> list[dict]:
    """Pydantic reports one error per alternative of a union, under the alternative's
    name ('int', 'float'…); an author wrote one value and should read one message."""
    merged: dict[tuple, dict] = {}
    for error in errors:
        loc, node = [], data
        for step in error["loc"]:
            inside = (isinstance(node, dict) and step in node) or (
                isinstance(node, list) and isinstance(step, int) and step < len(node))
            if not inside and step in _UNION_EXPECTATIONS:
                error = {**error, "union": [step]}
                break
            loc.append(step)
            node = node[step] if inside else None
        error["loc"] = tuple(loc)
        if error["loc"] in merged and "union" in error:
            earlier = merged[error["loc"]]
            earlier["union"] = [*earlier.get("union", []), *error["union"]]
        else:
            merged[error["loc"]] = error
    return list(merged.values())


# --- loading the library ------------------------------------------------------------

def _load(path: Path, problems: list[Problem]) -> sources.Document:
    document = sources.load(path, shown_as=shown(path))
    problems.extend(document.problems)
    return document


def _check_identifier(kind: str, identifier: str, where: Location, problems: list[Problem]) -> bool:
    if re.match(IDENTIFIER, identifier):
        return True
    problems.append(Problem(where, f"{kind} id '{identifier}' must use lowercase letters, "
                                   "digits and hyphens only; rename it"))
    return False


def _known_locale(code: str) -> bool:
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _check_languages(project: Project, document: sources.Document,
                     problems: list[Problem]) -> None:
    for index, code in enumerate(project.languages):
        if not _known_locale(code):
            problems.append(document.problem(
                ("languages", index), f"unknown language '{code}': Babel has no locale data "
                                      "for it; use a code such as 'fr', 'en' or 'pt-BR'"))
        else:
            script = language(code).script
            if script not in project.fonts.scripts:
                problems.append(document.problem(
                    ("languages", index), f"language '{code}' is written in the script {script}, "
                                          "which has no font stack; add "
                                          f"'{script}: [<font family>, …]' under fonts.scripts"))
    for script, families in project.fonts.scripts.items():
        for index, family in enumerate(families):
            if family not in project.fonts.families:
                problems.append(document.problem(
                    ("fonts", "scripts", script, index),
                    f"unknown font family '{family}'; expected one of the families under "
                    f"fonts.families: {', '.join(project.fonts.families)}"))
    if project.source_language not in project.languages:
        problems.append(document.problem(
            ("source_language",), f"source language '{project.source_language}' must be one of "
                                  f"the languages: {', '.join(project.languages)}"))


def _load_block(path: Path, problems: list[Problem]) -> BlockFile | None:
    document = _load(path, problems)
    if document.problems:
        return None
    data = document.data
    if not isinstance(data, dict) or "type" not in data:
        if isinstance(data, dict):
            problems.append(document.problem((), "missing required field 'type'; expected one "
                                                 f"of: {', '.join(BLOCK_TYPES)}"))
        else:
            validate(document, Model, problems)  # reports what was found instead of a mapping
        return None
    kind = data["type"]
    if not isinstance(kind, str) or kind not in BLOCK_TYPES:
        suggestion = _suggest(str(kind), list(BLOCK_TYPES)) if isinstance(kind, str) else ""
        problems.append(document.problem(
            ("type",), f"unknown block type {describe(kind)}{suggestion}; expected one of: "
                       f"{', '.join(BLOCK_TYPES)}"))
        return None
    block = validate(document, BLOCK_TYPES[kind], problems)
    if block is None:
        return None
    return BlockFile(path.parent.name, path.stem, block, document)


def _unknown_source(source_id: str, source_ids: list[str]) -> str:
    return (f"unknown source '{source_id}'{_suggest(source_id, source_ids)}; add it to "
            f"content/sources.yaml or use one of: {', '.join(source_ids)}")


def _check_block(block_file: BlockFile, project: Project, source_ids: list[str] | None,
                 problems: list[Problem]) -> None:
    """``source_ids``: the ids in sources.yaml, None when that file could not be read."""
    block, document = block_file.block, block_file.document
    is_source = block_file.language == project.source_language
    if is_source and block.translation is not None:
        problems.append(document.problem(
            ("translation",), f"the {project.source_language} file is the source of this block; "
                              "remove its 'translation' field"))
    if not is_source and block.translation is None:
        problems.append(document.problem(
            (), f"missing required field 'translation'; a translation records its source: "
                f"add 'translation: {{from: {project.source_language}, fingerprint: …}}' "
                "(see 'python build.py status')"))
    if block.translation is not None and block.translation.from_ not in project.languages:
        problems.append(document.problem(
            ("translation", "from"), f"'from' must be one of the languages "
                                     f"{', '.join(project.languages)}; found "
                                     f"'{block.translation.from_}'"))
    if block.review.status == "approved" and (block.review.by is None or block.review.on is None):
        problems.append(document.problem(
            ("review",), "an approved block must say who approved it and when: "
                         "add 'by: <name>' and 'on: YYYY-MM-DD' under 'review'"))
    if isinstance(block, KeyFiguresBlock):
        for index, figure in enumerate(block.figures):
            if not math.isfinite(figure.value):
                problems.append(document.problem(
                    ("figures", index, "value"),
                    f"'value' must be a finite number, found "
                    f"{document.written.get(('figures', index, 'value'), figure.value)}"))
            elif figure.style == "percent" and not 0 <= figure.value <= 1:
                problems.append(document.problem(
                    ("figures", index, "value"),
                    f"a percentage is written as a fraction (0.25 for 25 %); found {figure.value}"))
            if source_ids is not None and figure.source not in source_ids:
                problems.append(document.problem(
                    ("figures", index, "source"), _unknown_source(figure.source, source_ids)))
    if isinstance(block, SourcesBlock):
        for index, source_id in enumerate(block.cite):
            if source_ids is not None and source_id not in source_ids:
                problems.append(document.problem(("cite", index),
                                                 _unknown_source(source_id, source_ids)))


def _check_leaflet(leaflet_file: LeafletFile, blocks: dict[str, dict[str, BlockFile]],
                   block_files: dict[str, set[str]], project: Project,
                   problems: list[Problem]) -> None:
    leaflet, document = leaflet_file.leaflet, leaflet_file.document
    if leaflet.review_by <= leaflet.published:
        problems.append(document.problem(
            ("review_by",), f"'review_by' ({leaflet.review_by}) must come after 'published' "
                            f"({leaflet.published})"))
    latest = add_years(leaflet.published, MAX_REVIEW_YEARS)
    if leaflet.review_by > latest:
        problems.append(document.problem(
            ("review_by",), f"'review_by' must be at most {MAX_REVIEW_YEARS} years after "
                            f"'published', so no later than {latest}; found {leaflet.review_by}"))
    first_listed: dict[str, int] = {}
    for index, block_id in enumerate(leaflet.blocks):
        if block_id in first_listed:
            line = document.where(("blocks", first_listed[block_id])).line
            problems.append(document.problem(
                ("blocks", index), f"block '{block_id}' is listed twice (first on line {line}); "
                                   "list each block once"))
            continue
        first_listed[block_id] = index
        if block_id not in block_files:
            valid = sorted(name for name in block_files if re.match(IDENTIFIER, name))
            problems.append(document.problem(
                ("blocks", index), f"unknown block '{block_id}'"
                                   f"{_suggest(block_id, valid)}; expected a folder "
                                   f"content/blocks/{block_id}/ with one file per language"))
        elif project.source_language not in block_files[block_id]:
            problems.append(document.problem(
                ("blocks", index), f"block '{block_id}' has no source text: expected "
                                   f"content/blocks/{block_id}/{project.source_language}.yaml"))
    for format, omitted in leaflet.omit.items():
        for index, block_id in enumerate(omitted):
            if block_id not in leaflet.blocks:
                problems.append(document.problem(
                    ("omit", format, index), f"'{block_id}' is not one of this leaflet's blocks; "
                                             f"expected one of: {', '.join(leaflet.blocks)}"))
            elif block_id == leaflet.blocks[0] or block_id in _sources_blocks(blocks, project):
                problems.append(document.problem(
                    ("omit", format, index), f"'{block_id}' cannot be left out: every edition "
                                             "keeps its cover and its sources"))
    first = leaflet.blocks[0]
    source_block = blocks.get(first, {}).get(project.source_language)
    if source_block is not None and not isinstance(source_block.block, CoverBlock):
        problems.append(document.problem(
            ("blocks", 0), f"a leaflet starts with a 'cover' block, which gives it its title; "
                           f"'{first}' is a '{source_block.block.type}' block"))


def add_years(day: date, years: int) -> date:
    """The same day some years later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _sources_blocks(blocks: dict[str, dict[str, BlockFile]], project: Project) -> set[str]:
    return {block_id for block_id, translations in blocks.items()
            if isinstance(getattr(translations.get(project.source_language), "block", None),
                          SourcesBlock)}


def _links_leaving(root: Path, problems: list[Problem]) -> set[Path]:
    """Symbolic links that point outside the content folder: refused, never read."""
    top = root.resolve()
    refused = set()
    for path in sorted(root.rglob("*")):
        if path.is_symlink() and not path.resolve().is_relative_to(top):
            kind = "folder" if path.is_dir() else "file"
            problems.append(Problem(Location(shown(path)), (
                f"this {kind} is a symbolic link to a place outside the content folder; content "
                f"must be inside content/: copy the {kind} here instead of linking to it")))
            refused.add(path)
    return refused


def _yaml_files(folder: Path, what: str, refused: set[Path],
                problems: list[Problem]) -> list[Path]:
    """The .yaml files of a content folder; anything else there is reported."""
    files = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path in refused or path.name.startswith("."):
            continue
        if path.suffix != ".yaml" or not path.is_file():
            hint = (f": rename it to {path.stem}.yaml" if path.suffix in (".yml", ".YAML")
                    else "")
            problems.append(Problem(Location(shown(path)), f"unexpected file; {what}{hint}"))
            continue
        files.append(path)
    return files


def _load_sources(root: Path, problems: list[Problem]) -> tuple[dict[str, Source],
                                                                list[str] | None]:
    """The valid sources, and every source id given (None if the file could not be read,
    so that references to sources are not reported a second time)."""
    known: dict[str, Source] = {}
    document = _load(root / "sources.yaml", problems)
    if document.problems or not isinstance(document.data, dict):
        if not document.problems:
            validate(document, Model, problems)
        return known, None
    for source_id in document.data:
        where = document.where((source_id,), key=True)
        if _check_identifier("source", source_id, where, problems):
            source = validate(document, Source, problems, (source_id,))
            if source is not None and _known_locale(source.language):
                known[source_id] = source
            elif source is not None:
                problems.append(document.problem(
                    (source_id, "language"), f"unknown language '{source.language}': "
                                             "Babel has no locale data for it"))
    return known, list(document.data)


def load_library(root: Path) -> Library:
    """Load and validate a whole content folder; raise ``ContentError`` listing every problem."""
    problems: list[Problem] = []
    refused = _links_leaving(root, problems)
    project_path = root / "project.yaml"
    if not project_path.is_file() or project_path in refused:
        problems.append(Problem(Location(shown(project_path)), "missing project settings: "
                                "expected a file project.yaml in the content folder"))
        raise ContentError(problems)
    project_document = _load(project_path, problems)
    project = validate(project_document, Project, problems) if not problems else None
    if project is not None:
        _check_languages(project, project_document, problems)
    if project is None or problems:
        raise ContentError(problems)   # every other file is read against these settings

    known_sources, source_ids = _load_sources(root, problems)

    blocks: dict[str, dict[str, BlockFile]] = {}
    block_dirs = sorted(path for path in (root / "blocks").iterdir()
                        if path.is_dir() and path not in refused) \
        if (root / "blocks").is_dir() else []
    block_files: dict[str, set[str]] = {}  # every block file present, valid or not
    troubled_sources: set[str] = set()
    for directory in block_dirs:
        block_files[directory.name] = {path.stem for path in directory.glob("*.yaml")}
        if not _check_identifier("block", directory.name, Location(shown(directory)), problems):
            continue
        for path in _yaml_files(directory, "a block folder holds one <language>.yaml file per "
                                "language", refused, problems):
            if path.stem not in project.languages:
                problems.append(Problem(
                    Location(shown(path)), f"language '{path.stem}' is not one of the project's "
                                           f"languages ({', '.join(project.languages)}); add it to "
                                           "content/project.yaml or rename the file"))
                continue
            block_file = _load_block(path, problems)
            if block_file is not None:
                before = len(problems)
                _check_block(block_file, project, source_ids, problems)
                problems.extend(markup.image_problems(block_file, root))
                if len(problems) > before and path.stem == project.source_language:
                    troubled_sources.add(directory.name)
                blocks.setdefault(directory.name, {})[path.stem] = block_file
    # A faulty source is reported once, not again as a difference in every translation.
    _check_translations_agree({block_id: translations for block_id, translations in blocks.items()
                               if block_id not in troubled_sources},
                              project.source_language, problems)

    leaflets: dict[str, LeafletFile] = {}
    leaflet_paths = _yaml_files(root / "leaflets", "the leaflets folder holds one <id>.yaml "
                                "file per leaflet", refused, problems)
    for path in leaflet_paths:
        document = _load(path, problems)
        if document.problems or not _check_identifier("leaflet", path.stem,
                                                      Location(shown(path)), problems):
            continue
        leaflet = validate(document, Leaflet, problems)
        if leaflet is not None:
            leaflets[path.stem] = LeafletFile(path.stem, leaflet, document)
            _check_leaflet(leaflets[path.stem], blocks, block_files, project, problems)
    if not leaflet_paths:
        problems.append(Problem(Location(shown(root / "leaflets")),
                                "no leaflets: expected at least one file leaflets/<id>.yaml"))
    clinics = _load_clinics(root, project, [path.stem for path in leaflet_paths], refused,
                            problems)
    if problems:
        raise ContentError(problems)
    return Library(root, project, project_document, known_sources, leaflets, blocks, clinics)


def _load_clinics(root: Path, project: Project, leaflets: list[str], refused: set[Path],
                  problems: list[Problem]) -> dict[str, ClinicFile]:
    clinics = {}
    for path in _yaml_files(root / "clinics", "the clinics folder holds one <id>.yaml file "
                            "per clinic", refused, problems):
        document = _load(path, problems)
        if document.problems or not _check_identifier("clinic", path.stem,
                                                      Location(shown(path)), problems):
            continue
        clinic = validate(document, Clinic, problems)
        if clinic is None:
            continue
        for index, leaflet_id in enumerate(clinic.leaflets or ()):
            if leaflets and leaflet_id not in leaflets:
                problems.append(document.problem(("leaflets", index), (
                    f"unknown leaflet '{leaflet_id}'{_suggest(leaflet_id, list(leaflets))}; "
                    f"expected one of: {', '.join(leaflets)}")))
        for index, code in enumerate(clinic.languages or ()):
            if code not in project.languages:
                problems.append(document.problem(("languages", index), (
                    f"language '{code}' is not one of the project's languages "
                    f"({', '.join(project.languages)})")))
        for index, hours in enumerate(clinic.hours):
            if hours.closes <= hours.opens:
                problems.append(document.problem(("hours", index, "closes"), (
                    f"closing time {hours.closes} must come after opening time {hours.opens}")))
        if clinic.logo is not None:
            problem = asset_problem(root, clinic.logo, "logo")
            if problem:
                problems.append(document.problem(("logo",), problem))
        clinics[path.stem] = ClinicFile(path.stem, clinic, document)
    return clinics




def _check_translations_agree(blocks: dict[str, dict[str, BlockFile]], source_language: str,
                              problems: list[Problem]) -> None:
    """A translation keeps the type of its source block, its figures and its sources."""
    for translations in blocks.values():
        source = translations.get(source_language)
        if source is None:
            continue
        for block_file in translations.values():
            block, document = block_file.block, block_file.document
            if block.type != source.block.type:
                problems.append(document.problem(
                    ("type",), f"a translation has the type of its source: "
                               f"{source_language}.yaml says '{source.block.type}', "
                               f"found '{block.type}'"))
            elif isinstance(block, KeyFiguresBlock):
                expected = [figure.fact() for figure in source.block.figures]
                found = [figure.fact() for figure in block.figures]
                if found != expected:
                    index = next((i for i, (a, b) in enumerate(zip(expected, found)) if a != b),
                                 min(len(expected), len(found)))
                    problems.append(document.problem(
                        ("figures", index), "a translation keeps every figure of its source "
                        f"(value, style, display, source), in order: {source_language}.yaml has "
                        f"{len(expected)} figures; figure {index + 1} differs here"))
            elif isinstance(block, SourcesBlock) and block.cite != source.block.cite:
                problems.append(document.problem(
                    ("cite",), f"a translation cites the sources of its source: "
                               f"{source_language}.yaml cites {', '.join(source.block.cite)}"))
