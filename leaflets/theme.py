"""Where the tool's own templates and catalogs are: its theme.

A library may override any template or catalog string and inherits the rest from the
theme, so upgrading the tool upgrades every library's look. Installed, the theme is
package data (``leaflets/theme``, ``leaflets/catalogs``: pyproject.toml maps them from
this repository's ``templates/`` and ``locales/``); in a checkout it is those folders.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _folder(installed: str, checkout: str) -> Path:
    packaged = PACKAGE / installed
    return packaged if packaged.is_dir() else PACKAGE.parent / checkout


TEMPLATES = _folder("theme", "templates")
CATALOGS = _folder("catalogs", "locales")
