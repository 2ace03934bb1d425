"""The schemas of content files: project settings, sources and leaflets (blocks are in
``blocks``, clinics in ``clinics``).

A rule that concerns one object alone is a validator on that object, so that it is
checked wherever the object is read. It raises a ``rule`` error on the field it is
about, whose message is shown to the author as written here. Rules that need another
file are in ``checks``. Validating with the context ``SHAPE_ONLY`` skips the rules: the
loader does so for an object that breaks one, so that the checks across files still see
it and every problem is reported at once.
"""

from __future__ import annotations

import re
import string
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit

from babel import UnknownLocaleError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from ..languages import language
from ..registry import DEFAULT_FORMAT, FORMATS, SOURCE_KINDS
from .text import Line, Phone, Text, broken

IDENTIFIER = r"^[a-z0-9][a-z0-9-]*$"
FINGERPRINT_LENGTH = 12
MARK_FAMILY = "leaflets-draft-mark"   # the DRAFT mark's own font family: no project's
MAX_REVIEW_YEARS = 3
SHAPE_ONLY = {"shape only": True}   # a validation context: check the shape, not the rules

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER)]
Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]
# An approval's seal: a whole SHA-256, so that no other text can be made to match it.
Seal = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
PartialDate = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Format = Literal[tuple(FORMATS)]


def checking_rules(info: ValidationInfo) -> bool:
    return not (info.context or {}).get("shape only")


def known_locale(code: str) -> bool:
    """Whether Babel has locale data for a language code such as 'fr' or 'pt-BR'."""
    try:
        language(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def add_years(day: date, years: int) -> date:
    """The same day some years later; 29 February becomes 28 February, and a day past
    the calendar's last year the last day there is."""
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


# --- project settings ---------------------------------------------------------------

class FontFamily(Model):
    """A family's files, in a Python package that ships fonts (``fontpkg-noto-sans``, the
    same bytes on every system) or in a folder of the project's own. A face may name a
    variable font: it is drawn from that font's instance at the face's weight."""

    package: Text | None = None     # a distribution's name, as pip installs it
    directory: Text | None = Field(None, validate_default=True)   # relative: to content/
    regular: Text
    bold: Text | None = None
    italic: Text | None = None
    bold_italic: Text | None = Field(None, alias="bold-italic")

    @field_validator("directory")
    @classmethod
    def _one_place(cls, directory: str | None, info: ValidationInfo) -> str | None:
        if checking_rules(info) and (directory is None) == (info.data.get("package") is None):
            raise broken("a font family names where its files are: 'package' (a Python "
                         "font package, such as fontpkg-noto-sans) or 'directory' (a "
                         "folder), one of them")
        return directory


class Fonts(Model):
    families: dict[Text, FontFamily] = Field(min_length=1)
    scripts: dict[Text, list[Text]] = Field(min_length=1)


class Colour(Model):
    rgb: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]   # screen editions
    cmyk: Annotated[list[Annotated[float | int, Field(ge=0, le=1)]],
                    Field(min_length=4, max_length=4)]                   # press editions


class OutputIntent(Model):
    """A printing condition: the ICC profile of its CMYK, and the name print shops use."""

    profile: Text       # the profile file
    condition: Line     # written as the OutputConditionIdentifier, e.g. "FOGRA39"
    info: Line | None = None


class Print(Model):
    output_intents: dict[Identifier, OutputIntent] = Field(min_length=1)
    output_intent: Identifier   # the one press PDFs are made for

    @field_validator("output_intent")
    @classmethod
    def _declared(cls, name: str, info: ValidationInfo) -> str:
        declared = info.data.get("output_intents")
        if checking_rules(info) and declared is not None and name not in declared:
            raise broken(f"output_intent '{name}' is not one of output_intents: "
                         f"{', '.join(sorted(declared))}")
        return name


# Text colours: on the press they must be black ink alone, or small letters blur
# as soon as the four plates are a hair out of register.
TEXT_COLOURS = ("ink", "muted")
MIN_TEXT_BLACK = 0.6   # lighter, small text loses its contrast on paper


class Limits(Model):
    """Bounds on one render, so that no content can hang or flood a build."""

    pages: Annotated[int, Field(ge=1)] = 48
    seconds: Annotated[float, Field(gt=0)] = 120


class Helpline(Model):
    """A national support line as a ``support`` block prints it, written in the language
    it is listed under, with the source that gives its number."""

    name: Line
    phone: Phone
    about: Line          # who answers, when, what it costs
    source: Identifier


class Project(Model):
    publisher: Line
    # The language the publisher's name is in (a brand keeps its own in every edition:
    # read, capitalised and hyphenated by that language's rules, never the reader's).
    publisher_language: Text | None = None
    source_language: Text
    languages: list[Text] = Field(min_length=1)
    # Languages being translated: checked, but built only when asked for with --lang,
    # and their missing translations are status, not errors.
    in_progress: list[Text] = Field(default_factory=list)
    # The locale a language is formatted with, where CLDR's default is not this
    # library's: {en: en_GB} for British dates.
    locales: dict[Text, Text] = Field(default_factory=dict)
    format: Format = DEFAULT_FORMAT
    # Where the output folder is published (ending in /): the QR codes point at the web
    # editions there, the feeds link them. online_url, if set, is used for QR codes instead.
    site_url: str
    online_url: Annotated[str, StringConstraints(
        pattern=r"^https://\S*\{leaflet\}\S*$")] | None = None
    fonts: Fonts
    palette: dict[Identifier, Colour] = Field(min_length=1)
    print: Print
    limits: Limits = Limits()
    # Support lines per language, each with its source: a language without one says to
    # ask the care team (the support block's text), never a number no source gives.
    helplines: dict[Text, list[Helpline]] = Field(default_factory=dict)

    @field_validator("palette")
    @classmethod
    def _text_in_black_alone(cls, palette: dict, info: ValidationInfo) -> dict:
        if not checking_rules(info):
            return palette
        for name in TEXT_COLOURS:
            colour = palette.get(name)
            if colour is None:
                raise broken(f"the palette needs '{name}', a text colour")
            if any(colour.cmyk[:3]) or colour.cmyk[3] < MIN_TEXT_BLACK:
                raise broken(f"'{name}' is a text colour: its cmyk must be black ink alone, "
                             f"[0, 0, 0, k] with k at least {MIN_TEXT_BLACK}; found "
                             f"{list(colour.cmyk)}")
        return palette

    @field_validator("site_url")
    @classmethod
    def _published_folder(cls, url: str, info: ValidationInfo) -> str:
        """An address every QR code and feed link starts with: https, a host, a folder."""
        if not checking_rules(info):
            return url
        parts = urlsplit(url)
        wrong = [what for what, bad in (
            ("https://", parts.scheme != "https"), ("a host", not parts.hostname),
            ("no user or password", parts.username is not None),
            ("no query (?) or fragment (#)", bool(parts.query or parts.fragment or
                                                 "?" in url or "#" in url)),
            ("a path ending in /", not parts.path.endswith("/")),
            ("no '..', spaces, quotes, braces or angle brackets",
             ".." in parts.path.split("/") or bool(re.search(r"[\s\"'<>{}\\]", url))))
            if bad]
        if wrong:
            raise broken(f"'site_url' is where the output folder is published, such as "
                         f"https://leaflets.example.org/; it needs {', '.join(wrong)}; "
                         f"found {url!r}")
        return url

    @field_validator("online_url")
    @classmethod
    def _only_known_placeholders(cls, url: str | None, info: ValidationInfo) -> str | None:
        if url is None or not checking_rules(info):
            return url
        try:
            fields = list(string.Formatter().parse(url))
        except ValueError as error:
            raise broken(f"'online_url' has a stray brace ({error}); write {{ and }} only "
                         "around {lang} and {leaflet}") from None
        for _, name, spec, conversion in fields:
            if name is not None and (name not in ("lang", "leaflet") or spec or conversion):
                raise broken(f"'online_url' may contain only {{lang}} and {{leaflet}}; found "
                             f"{{{name}{'!' + conversion if conversion else ''}"
                             f"{':' + spec if spec else ''}}}")
        return url


class Source(Model):
    # Publisher, title and date are absent when the source does not give them: the list
    # prints "publisher / title / date not given", never an invented one.
    publisher: Line | None = None
    title: Line | None = None
    published: date | PartialDate | None = None
    kind: Literal[tuple(SOURCE_KINDS)]   # printed in the reader's language
    language: Text
    # What the source is about, printed after its kind (a press release about a study),
    # in the language of the source, as its title is.
    about: Line | None = None
    seed: Line | None = None     # the seed file it was drawn from (../shared/seeds/)
    url: Line | None = None
    accessed: date | None = None   # when a web source was read

    @field_validator("language")
    @classmethod
    def _known_language(cls, code: str, info: ValidationInfo) -> str:
        if checking_rules(info) and not known_locale(code):
            raise broken(f"unknown language '{code}': Babel has no locale data for it")
        return code

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str | None, info: ValidationInfo) -> str | None:
        """Printed for a reader to type, and a link on screen: one whole web address."""
        if url is None or not checking_rules(info):
            return url
        space = next((character for character in url if character.isspace()), None)
        if space is not None:
            raise broken(f"a web address has no spaces; found U+{ord(space):04X} in '{url}': "
                         "remove it, or write it as %20", space)
        if not re.fullmatch(r"https?://[^/?#]+.*", url):
            raise broken("'url' must be a web address starting with https:// (or http://), "
                         f"as https://example.org/page; found '{url}'")
        return url


# --- leaflets -----------------------------------------------------------------------

class Withdrawal(Model):
    """A leaflet taken out of use: its PDFs are no longer distributed, and the catalogue
    tells clinics to remove printed stock."""

    on: date
    reason: Line


class Change(Model):
    """What changed in one version of a leaflet, in the source language: what its feed
    tells clinics, so that they replace printed stock."""

    version: Line
    on: date
    note: Line

    @field_validator("note")
    @classmethod
    def _written_out(cls, note: str, info: ValidationInfo) -> str:
        # Feeds print a note as written, the same in every clinic's feed: nothing would
        # fill a placeholder there, and a clinic reading {clinic.name} learns nothing.
        if checking_rules(info) and "{clinic." in note:
            raise broken("a change note is printed as written in every feed: write the "
                         "clinic's details out, not a {clinic.…} placeholder", "{clinic.")
        return note


class Leaflet(Model):
    reference: Line
    version: Line
    published: date
    review_by: date
    format: Format | None = None
    blocks: list[Identifier] = Field(min_length=1)
    # Blocks left out of the editions in a format with little room (e.g. a tri-fold):
    # an editorial choice, so it is written down here rather than made by the layout.
    omit: dict[Format, list[Identifier]] = Field(default_factory=dict)
    withdrawn: Withdrawal | None = None
    # The change notes, one per version: once there are any, the current version has one.
    changes: list[Change] | None = Field(None, min_length=1)

    @field_validator("review_by")
    @classmethod
    def _reviewed_in_time(cls, review_by: date, info: ValidationInfo) -> date:
        published = info.data.get("published")   # absent when it is itself invalid
        if published is None or not checking_rules(info):
            return review_by
        if review_by <= published:
            raise broken(f"'review_by' ({review_by}) must come after 'published' ({published})")
        latest = add_years(published, MAX_REVIEW_YEARS)
        if review_by > latest:
            raise broken(f"'review_by' must be at most {MAX_REVIEW_YEARS} years after "
                         f"'published', so no later than {latest}; found {review_by}")
        return review_by

    @field_validator("changes")
    @classmethod
    def _one_note_per_version(cls, changes: list[Change] | None,
                              info: ValidationInfo) -> list[Change] | None:
        version, published = info.data.get("version"), info.data.get("published")
        if changes is None or version is None or published is None or not checking_rules(info):
            return changes
        seen: dict[str, int] = {}
        for number, change in enumerate(changes, 1):
            if change.version in seen:
                raise broken(f"'changes' has two notes for version '{change.version}' (entries "
                             f"{seen[change.version]} and {number}); write one per version")
            seen[change.version] = number
            if change.version != version and change.on > published:
                raise broken(f"the note of version '{change.version}' is dated {change.on}, "
                             f"after this version's publication ('published': {published}); "
                             "an earlier version cannot come later")
        current = next((change for change in changes if change.version == version), None)
        if current is None:
            raise broken(f"'changes' has no note for the current version '{version}': add "
                         f"{{version: \"{version}\", on: {published}, note: …}} saying what "
                         f"changed; found notes for {', '.join(map(repr, seen))}")
        if current.on != published:
            raise broken(f"the note of the current version '{version}' is dated {current.on}, "
                         f"but 'published' says {published}; write the same date in both")
        return changes

    def blocks_in(self, format: str) -> list[str]:
        left_out = set(self.omit.get(format, ()))
        return [block_id for block_id in self.blocks if block_id not in left_out]
