"""Inputs of an output: each file named by its root and relative path, with the hash of
the bytes that were read.

Every reader records what it serves, where it serves it: the content loader,
the Jinja loader, the catalog loader, and the sandboxed URL fetcher (fonts,
stylesheets, images, and files inside SVG images). Keys are relative to the
content, templates and locales folders, so the same output folder built from
another content folder compares the right files; files outside them (system
fonts, the colour profile) are named by their absolute path.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from pathlib import Path

from . import theme

TOOL = "tool"   # the input that stands for the code of this tool
# The tool's catalogs, where a library has catalogs of its own that override them.
THEME_CATALOGS = "theme-locales"
THEME_TEMPLATE = "!"   # "!partials/masthead.html.j2": the theme's, not the library's copy


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Roots:
    """The folders that input keys are relative to.

    A template is named by its path under the templates, wherever it was found: the
    library's folder first, then the theme's. So ``templates:leaflet.css`` changes when a
    library adds, edits or removes its own copy, and the editions using it are rebuilt.
    """

    content: Path
    templates: Path                       # the library's own templates, if it has any
    locales: Path                         # the library's own catalogs
    theme_templates: Path = theme.TEMPLATES
    theme_locales: Path = theme.CATALOGS

    def resolved(self) -> Roots:
        return Roots(*(Path(folder).resolve() for folder in astuple(self)))

    @property
    def template_folders(self) -> tuple[Path, ...]:
        """Where a template is looked for, in order: the library's, then the theme's."""
        return tuple(dict.fromkeys((self.templates, self.theme_templates)))

    @property
    def catalog_folders(self) -> tuple[Path, ...]:
        """The catalogs of a language, the overriding first: the library's, the theme's."""
        return tuple(dict.fromkeys((self.locales, self.theme_locales)))

    def template(self, name: str) -> Path:
        """The file a template name stands for: the first folder that has it; the theme's
        own with a leading ``!`` (what a library's copy of a template extends)."""
        if name.startswith(THEME_TEMPLATE):
            return self.theme_templates / name.removeprefix(THEME_TEMPLATE)
        candidates = [folder / name for folder in self.template_folders]
        return next((path for path in candidates if path.is_file()), candidates[0])

    def key(self, path: Path) -> str:
        """The input key of a file: ``content:blocks/x/fr.yaml``, or ``file:/abs/path``."""
        resolved = path.resolve()
        named = [("content", self.content), *(("templates", folder)
                                              for folder in self.template_folders),
                 ("locales", self.locales), (THEME_CATALOGS, self.theme_locales)]
        for name, root in named:
            root = root.resolve()
            if resolved.is_relative_to(root):
                return f"{name}:{resolved.relative_to(root).as_posix()}"
        return f"file:{resolved}"

    def path(self, key: str) -> Path:
        """The file an input key stands for, under these roots."""
        name, _, relative = key.partition(":")
        if name == "file":
            return Path(relative)
        if name == "templates":
            return self.template(relative)
        if name == THEME_CATALOGS:
            return self.theme_locales / relative
        return getattr(self, name) / relative


class Recorder:
    """The inputs one render read: key → hash of the bytes served."""

    def __init__(self, roots: Roots):
        self.roots = roots
        self.inputs: dict[str, str] = {}

    def read(self, path: Path) -> bytes:
        """Read a file and record exactly the bytes read."""
        data = path.read_bytes()
        self.inputs[self.roots.key(path)] = sha256(data)
        return data


class CurrentHashes:
    """The hash each input key has now, each file read at most once per build."""

    def __init__(self, roots: Roots, tool: str):
        self.roots = roots
        self._hashes: dict[str, str | None] = {TOOL: tool}

    def __call__(self, key: str) -> str | None:
        if key not in self._hashes:
            try:
                self._hashes[key] = sha256(self.roots.path(key).read_bytes())
            except (OSError, AttributeError):   # gone, or a key from another layout
                self._hashes[key] = None
        return self._hashes[key]
