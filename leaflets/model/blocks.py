"""The schemas of blocks: one class per block type, each with its own template
(templates/blocks/<type>.html.j2). ``BLOCK_TYPES`` is the registry of block types: a
new type is a class here (the structured ones, tables to wallet cards, in
``blocks_structured``) and a template, nothing else.

Rules on one block are validators here (see ``schemas`` for how rules are raised);
rules across files are in ``checks``.
"""

from __future__ import annotations

import math
import typing
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from .block_base import Block, Review, Translation
from .blocks_structured import STRUCTURED_TYPES
from .schemas import Identifier, Model, checking_rules
from .text import Line, Markdown, broken

# --- blocks -------------------------------------------------------------------------

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
    """The sources an edition cites (model.citations), numbered as its text cites them."""

    type: Literal["sources"]
    title: Line
    intro: Markdown | None = None


class SupportBlock(Block):
    """Where to find support: its text, then the reader's language's support lines
    (project.yaml ``helplines``), each citing its source, then ``note``."""

    type: Literal["support"]
    title: Line
    intro: Markdown
    note: Markdown | None = None


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
                  ContactBlock, SourcesBlock, SupportBlock, *STRUCTURED_TYPES)
}
__all__ = ["BLOCK_TYPES", "Block", "Review", "Translation"]
