"""The schemas of structured blocks: tables, symptoms, questions, steps, figures, a table
of contents and a wallet card. Each says, in ``facts``, what a translation may not
change (the shape of a table, the urgency of a symptom, the picture a figure shows);
``checks`` compares them, and checks the shapes that need a place inside the block (a
row of the wrong length is pointed at, not the whole table)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..registry import URGENCY
from .block_base import Block
from .schemas import Model
from .text import Line, Markdown, Text

KeyPath = tuple
Fact = tuple[KeyPath, str, object]   # where it is written, what it is, its value


class TableBlock(Block):
    """A real table: a caption, a header row, rows of plain cells; the first cell of
    each row heads its row when ``row_headers`` is true."""

    type: Literal["table"]
    title: Line
    intro: Markdown | None = None
    caption: Line
    columns: list[Line] = Field(min_length=1)
    units: list[Line | None] | None = None      # one per column, printed in its header
    row_headers: bool = False
    rows: list[list[Line]] = Field(min_length=1)
    note: Markdown | None = None

    def facts(self) -> list[Fact]:
        return [(("columns",), "the number of columns", len(self.columns)),
                (("rows",), "the number of rows", len(self.rows)),
                (("row_headers",), "row headers (row_headers)", self.row_headers),
                (("units",), "columns that have a unit",
                 [unit is not None for unit in self.units or ()])]


class Symptom(Model):
    symptom: Line
    what_you_can_do: Markdown
    when_to_call: Line
    urgency: Literal[tuple(URGENCY)]


class SymptomsBlock(Block):
    type: Literal["symptoms"]
    title: Line
    intro: Markdown | None = None
    rows: list[Symptom] = Field(min_length=1)

    def facts(self) -> list[Fact]:
        return [(("rows",), "the number of symptoms", len(self.rows)),
                *((("rows", index, "urgency"), f"the urgency of symptom {index + 1}",
                   row.urgency) for index, row in enumerate(self.rows))]


class Question(Model):
    question: Line
    answer: Markdown


class FaqBlock(Block):
    type: Literal["faq"]
    title: Line
    intro: Markdown | None = None
    questions: list[Question] = Field(min_length=1)

    def facts(self) -> list[Fact]:
        return [(("questions",), "the number of questions", len(self.questions))]


class Step(Model):
    title: Line
    text: Markdown


class StepsBlock(Block):
    type: Literal["steps"]
    title: Line
    intro: Markdown | None = None
    steps: list[Step] = Field(min_length=1)

    def facts(self) -> list[Fact]:
        return [(("steps",), "the number of steps", len(self.steps))]


class FigureBlock(Block):
    """A picture under content/assets/ (checked as Markdown images are), with the text
    that stands for it."""

    type: Literal["figure"]
    asset: Text
    alt: Line
    caption: Line | None = None
    credit: Line | None = None
    licence: Line | None = None

    def facts(self) -> list[Fact]:
        return [(("asset",), "the picture", self.asset)]


class ContentsBlock(Block):
    """The titles of the edition's other blocks, with where to find them."""

    type: Literal["contents"]
    title: Line

    def facts(self) -> list[Fact]:
        return []


class AlertCardBlock(Block):
    """A wallet card to cut out: what the patient fills in, a statement for whoever
    reads it, and the care team's number (the clinic's, or a line to write it on)."""

    type: Literal["alert-card"]
    title: Line
    fields: list[Line] = Field(min_length=1)      # write-in lines: name, drug, start date…
    statement: Markdown
    team_label: Line                              # above the care team's number

    def facts(self) -> list[Fact]:
        return [(("fields",), "the number of fields to fill in", len(self.fields))]


STRUCTURED_TYPES = (TableBlock, SymptomsBlock, FaqBlock, StepsBlock, FigureBlock,
                    ContentsBlock, AlertCardBlock)
