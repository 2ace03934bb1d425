"""The schema of a clinic file: a clinic's contact details for its own editions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from .schemas import Identifier, Model, checking_rules
from .text import ClinicLine, ClinicText, Email, Phone, Text, broken

Time = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# Fields of the first clinic files, now written inside `contacts`: each is a located
# error that shows the new shape (see checks.retired_clinic_fields).
RETIRED_FIELDS = ("phone", "hours")


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


class Contact(Model):
    """One number to call, in the clinic's own words ("Hôpital de jour", "Ligne 24 h/24"),
    with when it answers: opening hours, or always (a 24-hour line)."""

    id: Identifier             # what block text names it by: {clinic.contacts.<id>}
    label: ClinicLine
    phone: Phone
    hours: list[OpeningHours] = Field(default_factory=list)
    always: Literal[True] | None = None

    @model_validator(mode="after")
    def _answers_when(self, info: ValidationInfo) -> Contact:
        if checking_rules(info) and bool(self.hours) == bool(self.always):
            found = "both" if self.always else "neither"
            raise broken(f"a contact says when it answers, with exactly one of 'hours: "
                         f"[{{days: […], opens: …, closes: …}}]' or 'always: true' (a 24-hour "
                         f"line); found {found}")
        return self


class Clinic(Model):
    example: bool = False      # a fictional clinic, shipped to show how clinics work
    name: ClinicLine
    address: ClinicText
    contacts: list[Contact] = Field(min_length=1)   # the first one is the main number
    email: Email | None = None
    logo: Text | None = None   # a file under content/assets/
    # The contact block also prints the generic edition's text and lines to write on
    # (another doctor, a pharmacy), under the clinic's details.
    keep_blanks: bool = False
    leaflets: list[Identifier] | None = None   # None: every leaflet
    languages: list[Text] | None = None        # None: every language

    def urgent_contact(self) -> Contact:
        """The number to call at any hour (a wallet card's): the 24-hour line, else the
        main number."""
        return next((contact for contact in self.contacts if contact.always), self.contacts[0])

    def contact(self, contact_id: str) -> Contact | None:
        return next((contact for contact in self.contacts if contact.id == contact_id), None)
