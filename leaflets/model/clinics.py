"""The schema of a clinic file: a clinic's contact details for its own editions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from .schemas import Identifier, Model, checking_rules
from .text import ClinicLine, ClinicText, Email, Phone, Text, broken

Time = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class OpeningHours(Model):
    days: list[Weekday] = Field(min_length=1)
    opens: Time
    closes: Time

    @field_validator("closes")
    @classmethod
    def _after_opening(cls, closes: str, info: ValidationInfo) -> str:
        opens = info.data.get("opens")   # absent when it is itself invalid
        if opens is not None and checking_rules(info) and closes <= opens:
            raise broken(f"closing time {closes} must come after opening time {opens}")
        return closes


class Clinic(Model):
    example: bool = False      # a fictional clinic, shipped to show how clinics work
    name: ClinicLine
    address: ClinicText
    phone: Phone
    email: Email | None = None
    hours: list[OpeningHours] = Field(default_factory=list)
    logo: Text | None = None   # a file under content/assets/
    leaflets: list[Identifier] | None = None   # None: every leaflet
    languages: list[Text] | None = None        # None: every language
