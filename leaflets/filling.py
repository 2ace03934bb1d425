"""Placeholders filled in printed text: a clinic edition prints the clinic's value, the
generic edition a line to write on (see ``model/placeholders.py`` for what they are).

Each placeholder is taken out of the text before it is rendered (typeset, escaped, read
as Markdown) and its value put back into the HTML after, escaped: a value is never read
as Markdown or typeset as block text, and cannot close an element or an attribute.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

from .i18n import isolate
from .languages import Language
from .markup import NO_BREAK_SPACE
from .model import Clinic
from .model.placeholders import PLACEHOLDER, Value, value_of

# A placeholder stands in the text as one private-use character while it is rendered:
# block text cannot hold one (model/text.py refuses them), and nothing renders them.
_FIRST_STAND_IN = 0xE000
_STAND_IN = re.compile("[\ue000-\uf8ff]")
# Dots to write on: a line a reader sees, and text a screen reader and a search find,
# where an empty gap would be nothing at all.
BLANK = "\u2026" * 10


def fill_placeholders(text: str, clinic: Clinic | None, lang: Language,
                      render: Callable[[str], str]) -> Markup:
    """``render(text)`` as HTML, with the placeholders of ``text`` filled with the clinic's
    values (the generic edition's blank where there is no clinic)."""
    if "{clinic." not in text:
        return Markup(render(text))
    values: list[str] = []

    def stand_in(match: re.Match) -> str:
        if match["escape"]:   # "{{clinic." is the text "{clinic."
            return match[0][1:]
        values.append(_printed(clinic and value_of(clinic, match["name"]), lang))
        return chr(_FIRST_STAND_IN + len(values) - 1)

    html = render(PLACEHOLDER.sub(stand_in, text))
    return Markup(_STAND_IN.sub(lambda match: values[ord(match[0]) - _FIRST_STAND_IN], html))


def filled_text(text: str, clinic: Clinic | None, lang: Language) -> str:
    """``text`` with its placeholders filled, as plain text: a title shown outside its
    edition (the catalogue's card) says what the edition's first page says."""
    return PLACEHOLDER.sub(lambda match: match[0][1:] if match["escape"] else _value_text(
        clinic and value_of(clinic, match["name"]), lang), text)


def _printed(value: Value | None, lang: Language) -> str:
    """A value as escaped HTML (see ``_value_text``)."""
    return str(escape(_value_text(value, lang)))


def _value_text(value: Value | None, lang: Language) -> str:
    """A phone number isolated left to right in every language (as the ``phone`` filter
    prints it) and never broken across lines, other text kept in its own direction."""
    if value is None:   # the generic edition (a clinic fills all of them: checked on load)
        return BLANK
    return (f"\u2066{value.text.replace(' ', NO_BREAK_SPACE)}\u2069" if value.phone
            else isolate(value.text, lang))
