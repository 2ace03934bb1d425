"""Text that cannot lie: the characters a content value may hold.

Invisible characters can change what a page says without showing themselves: a
right-to-left override reverses a printed phone number, a zero-width space splits
a word a reader searches for, a Cyrillic 'С' in a clinic's name looks Latin. So
one-line fields and clinic data refuse every control and format character, block
text refuses them except the joiners some scripts need, phone numbers are digits
and punctuation only, and a word mixing Latin, Greek and Cyrillic letters is refused.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

RULE = "rule"    # the error type of a broken content rule: its message is the author's
# Zero-width non-joiner and joiner shape Arabic, Persian and Indic text; a soft hyphen
# only says where a word may break.
NEEDED_IN_TEXT = frozenset({"\u200c", "\u200d", "\u00ad"})
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
_LOOK_ALIKE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
PHONE = re.compile(r"\+?[0-9][0-9 ().-]*[0-9]")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def broken(message: str, needle: str | None = None) -> PydanticCustomError:
    """A content rule the value breaks, said to the author as ``message``; ``needle`` is
    the character to point at inside the value."""
    return PydanticCustomError(RULE, message, {"needle": needle} if needle else None)


def _named(character: str) -> str:
    name = unicodedata.name(character, "")
    if character == "\n":
        name = "LINE BREAK"
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def hidden_character(text: str, one_line: bool, joiners: bool) -> str | None:
    """The first character that would be invisible on the page, or change the order or
    look of what is around it; line breaks and tabs count only in ``one_line`` values,
    joiners only where ``joiners`` is false."""
    for character in text:
        if not one_line and character in "\n\t":
            continue
        if unicodedata.category(character) in _INVISIBLE and not (
                joiners and character in NEEDED_IN_TEXT):
            return character
    return None


def _visible(one_line: bool, joiners: bool = True):
    def check(text: str) -> str:
        found = hidden_character(text, one_line, joiners)
        if found in ("\n", "\r"):
            raise broken("a line break is not allowed here: write this value on one line",
                         found)
        if found is not None:
            raise broken(f"{_named(found)} is an invisible control character, which can change "
                         "the order or the look of the printed text; remove it", found)
        return text
    return check


def _one_script_per_word(text: str) -> str:
    for word in re.findall(r"\w+", text):
        scripts = {next((script for script in _LOOK_ALIKE_SCRIPTS
                         if unicodedata.name(letter, "").startswith(script)), None)
                   for letter in word if letter.isalpha()} - {None}
        if len(scripts) > 1:
            alphabets = " and ".join(sorted(script.title() for script in scripts))
            raise broken(f"'{word}' mixes {alphabets} letters, which look alike but are not "
                         "the same; retype it in one alphabet", word)
    return text


def _plainly_written(text: str) -> str:
    """Clinic data is copied from the clinic's letterhead: ordinary spaces, and no mark
    drawn over or through a Latin, Greek or Cyrillic letter (U+0336 strikes a word out)."""
    previous = ""
    for character in text:
        category = unicodedata.category(character)
        if category == "Zs" and character not in (" ", "\u00a0"):
            raise broken(f"{_named(character)} looks like a space but is not one; type an "
                         "ordinary space", character)
        if category in ("Mn", "Me") and unicodedata.name(previous, "").startswith(
                _LOOK_ALIKE_SCRIPTS):
            raise broken(f"{_named(character)} is a mark drawn over the letter before it; "
                         "type the letter with its accent, or without the mark", character)
        previous = character
    return text


def _email_address(text: str) -> str:
    if not EMAIL.fullmatch(text):
        raise broken("an email address is written in plain ASCII letters, digits and "
                     "'.-_+' (an international domain in its xn-- form), as name@example.org")
    return text


def _phone_number(text: str) -> str:
    if not PHONE.fullmatch(text):
        odd = next((character for character in text
                    if not (character.isascii() and (character.isdigit() or character in
                                                     " +().-"))), None)
        found = f": {_named(odd)} is not one of them" if odd else ""
        raise broken("a phone number is written with the digits 0-9, spaces and + ( ) - . "
                     f"only, starting with + or a digit{found}", odd)
    return text


def _not_blank(text: str) -> str:
    # Only spaces is empty on the page: a title or an alt text a reader gets nothing from.
    if not text.strip():
        raise broken("this value is only spaces; write its text, or leave the field out "
                     "where it is optional")
    return text


_NOT_EMPTY = StringConstraints(min_length=1)
Line = Annotated[str, _NOT_EMPTY, AfterValidator(_not_blank),
                 AfterValidator(_visible(one_line=True))]
Text = Annotated[str, _NOT_EMPTY, AfterValidator(_not_blank),
                 AfterValidator(_visible(one_line=False))]
Markdown = Text
ClinicLine = Annotated[str, _NOT_EMPTY, AfterValidator(_not_blank),
                       AfterValidator(_visible(True, joiners=False)),
                       AfterValidator(_plainly_written), AfterValidator(_one_script_per_word)]
ClinicText = Annotated[str, _NOT_EMPTY, AfterValidator(_not_blank),
                       AfterValidator(_visible(False, joiners=False)),
                       AfterValidator(_plainly_written), AfterValidator(_one_script_per_word)]
Email = Annotated[ClinicLine, AfterValidator(_email_address)]
Phone = Annotated[Line, AfterValidator(_phone_number)]
