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
from dataclasses import dataclass
from pathlib import Path

TOOL = "tool"   # the input that stands for the code of this tool
_ROOT_NAMES = ("content", "templates", "locales")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Roots:
    """The folders that input keys are relative to."""

    content: Path
    templates: Path
    locales: Path

    def key(self, path: Path) -> str:
        """The input key of a file: ``content:blocks/x/fr.yaml``, or ``file:/abs/path``."""
        resolved = path.resolve()
        for name in _ROOT_NAMES:
            root = getattr(self, name).resolve()
            if resolved.is_relative_to(root):
                return f"{name}:{resolved.relative_to(root).as_posix()}"
        return f"file:{resolved}"

    def path(self, key: str) -> Path:
        """The file an input key stands for, under these roots."""
        name, _, relative = key.partition(":")
        if name == "file":
            return Path(relative)
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
