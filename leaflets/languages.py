"""What the tool knows of a language, from CLDR: direction and script.

A leaf of the stage graph: the model checks languages with it, and every later
stage formats and lays out with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.core import get_global, parse_locale


@dataclass(frozen=True)
class Language:
    """What the templates need to know about one language."""

    code: str
    locale: Locale
    direction: str  # "ltr" or "rtl"
    script: str     # ISO 15924, e.g. "Latn", "Arab"

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


# The project's locale of a language where it is not CLDR's default ("en" → "en_GB").
_locales: dict[str, str] = {}


def use_locales(locales: dict[str, str]) -> None:
    """Format each language with the locale the project names for it (project.yaml)."""
    _locales.clear()
    _locales.update(locales)
    language.cache_clear()


@cache
def language(code: str) -> Language:
    locale = Locale.parse(_locales.get(code, code).replace("-", "_"))
    likely = get_global("likely_subtags").get(str(locale)) or get_global("likely_subtags").get(
        locale.language, str(locale))
    script = locale.script or parse_locale(likely)[2] or "Latn"
    return Language(code, locale, "rtl" if locale.text_direction == "rtl" else "ltr", script)


def folded(code: str, text: str) -> str:
    """Text without case, as its language lowers it (Turkish: İ → i, I → ı): how words are
    compared by the spelling check and the glossary."""
    if code == "tr":
        text = text.replace("İ", "i").replace("I", "ı")
    return text.casefold()
