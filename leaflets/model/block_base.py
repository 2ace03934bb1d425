"""What every block has, whatever its type: its review, its translation record, its
fingerprint. The types are in ``blocks`` and ``blocks_structured``."""

from __future__ import annotations

import hashlib
import json
import typing
from datetime import date
from typing import Literal

from pydantic import Field, ValidationInfo, model_validator

from .schemas import FINGERPRINT_LENGTH, Fingerprint, Model, Seal, checking_rules
from .text import Line, Text, broken

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
