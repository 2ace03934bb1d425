"""The schemas of blocks: one class per block type, each with its own template
(templates/blocks/<type>.html.j2). ``BLOCK_TYPES`` is the registry of block types: a
new type is a class here and a template, nothing else.

Rules on one block are validators here (see ``schemas`` for how rules are raised);
rules across files are in ``checks``.
"""

from __future__ import annotations

import hashlib
import json
import math
import typing
from datetime import date
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .schemas import FINGERPRINT_LENGTH, Fingerprint, Identifier, Model, Seal, checking_rules
from .text import Line, Markdown, Text, broken

# --- blocks -------------------------------------------------------------------------

class Review(Model):
    status: Literal["draft", "reviewed", "approved"]
    by: Line | None = None
    on: date | None = None
    # What an approval approved, written by 'build.py approve': the block's own text and,
    # for a translation, the source it was checked against. A change to either voids it.
    fingerprint: Seal | None = None
    source: Seal | None = None

    @model_validator(mode="after")
    def _approval_is_signed(self, info: ValidationInfo) -> Review:
        if not checking_rules(info):
            return self
        if self.status == "approved" and (self.by is None or self.on is None):
            raise broken("an approved block must say who approved it and when: "
                         "add 'by: <name>' and 'on: YYYY-MM-DD' under 'review'")
        return self


class Translation(Model):
    from_: Text = Field(alias="from")
    fingerprint: Fingerprint


class Block(Model):
    review: Review
    translation: Translation | None = None
    # On one page or panel (a claim with its caveat); layout only, so no seal covers it.
    keep_together: bool = Field(False, alias="keep-together", exclude=True)

    NOT_TRANSLATED: typing.ClassVar[dict] = {"review": True, "translation": True}

    def fingerprint(self) -> str:
        """A hash of what a translator translates: every field but review, translation
        and presentation settings."""
        content = self.model_dump(mode="json", by_alias=True, exclude=self.NOT_TRANSLATED)
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:FINGERPRINT_LENGTH]


class CoverBlock(Block):
    type: Literal["cover"]
    title: Line
    subtitle: Line | None = None
    intro: Markdown | None = None


class TextBlock(Block):
    type: Literal["text"]
    title: Line
    body: Markdown


def _as_yaml_writes(number: float) -> str:
    """A number that is not finite, as YAML writes it."""
    if math.isnan(number):
        return ".nan"
    return ".inf" if number > 0 else "-.inf"


class Figure(Model):
    # ``style`` comes before ``value``: pydantic validates fields in order, and whether
    # a value is a plausible percentage depends on its style.
    style: Literal["percent", "number"] = "percent"
    display: Literal["number", "icon-array"] = "number"   # icon-array: 100 people, some coloured
    value: int | float
    label: Line
    source: Identifier

    @field_validator("display")
    @classmethod
    def _people_show_a_share(cls, display: str, info: ValidationInfo) -> str:
        if checking_rules(info) and display == "icon-array" and info.data.get("style") != \
                "percent":
            raise broken("an icon array shows a percentage as people out of 100: give the "
                         "figure 'style: percent', or 'display: number'")
        return display

    @field_validator("value")
    @classmethod
    def _plausible(cls, value: int | float, info: ValidationInfo) -> int | float:
        if not checking_rules(info):
            return value
        if not math.isfinite(value):
            raise broken(f"'value' must be a finite number, found {_as_yaml_writes(value)}")
        if info.data.get("style") == "percent" and not 0 <= value <= 1:
            raise broken(f"a percentage is written as a fraction (0.25 for 25 %); found {value}")
        return value

    def fact(self) -> tuple:
        """What no translation may change: the number, its kind, its display and its source."""
        return self.value, self.style, self.display, self.source


class KeyFiguresBlock(Block):
    NOT_TRANSLATED: typing.ClassVar[dict] = {**Block.NOT_TRANSLATED,
                                             "figures": {"__all__": {"display"}}}
    type: Literal["key-figures"]
    title: Line
    intro: Markdown | None = None
    figures: list[Figure] = Field(min_length=1)
    note: Markdown | None = None


class CalloutBlock(Block):
    type: Literal["callout"]
    tone: Literal["info", "important"] = "info"
    title: Line
    body: Markdown


class ChecklistBlock(Block):
    type: Literal["checklist"]
    title: Line
    intro: Markdown | None = None
    items: list[Line] = Field(min_length=1)


class SourcesBlock(Block):
    type: Literal["sources"]
    title: Line
    intro: Markdown | None = None
    cite: list[Identifier] = Field(min_length=1)


class ContactBlock(Block):
    """Who to call. A clinic edition shows the clinic's details; the generic edition
    shows ``body``, e.g. space to write the care team's number in."""

    type: Literal["contact"]
    title: Line
    body: Markdown
    clinic_intro: Line          # above the clinic's details, e.g. "Your clinic:"


BLOCK_TYPES: dict[str, type[Block]] = {
    model.model_fields["type"].annotation.__args__[0]: model
    for model in (CoverBlock, TextBlock, KeyFiguresBlock, CalloutBlock, ChecklistBlock,
                  ContactBlock, SourcesBlock)
}
