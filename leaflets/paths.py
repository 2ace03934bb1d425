"""Where a library's files are: a library is a folder with ``content/project.yaml``.

Its ``templates/`` and ``locales/`` are optional: what they lack comes from the tool's
theme (leaflets/theme.py). The tool finds the library from the current folder upwards,
as git finds a repository, or is told with ``--project``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import theme
from .errors import UsageError
from .inputs import Roots

MARKER = Path("content") / "project.yaml"
CHECKOUT = theme.PACKAGE.parent   # this repository, when the tool runs from its checkout


@dataclass(frozen=True)
class Paths:
    content: Path = CHECKOUT / "content"
    output: Path = CHECKOUT / "output"
    templates: Path = CHECKOUT / "templates"
    locales: Path = CHECKOUT / "locales"

    @property
    def roots(self) -> Roots:
        return Roots(self.content, self.templates, self.locales)

    @classmethod
    def of(cls, library: Path) -> Paths:
        """The folders of the library at ``library``."""
        return cls(content=library / "content", output=library / "output",
                   templates=library / "templates", locales=library / "locales")

    @classmethod
    def discover(cls, start: Path, project: Path | None = None) -> Paths:
        """The library named by ``--project``, or the nearest folder from ``start`` upwards
        that has content/project.yaml."""
        if project is not None:
            if not (project / MARKER).is_file():
                raise UsageError(f"--project {project}: no library there (it has no {MARKER}); "
                                 "start one with 'leaflets init'")
            return cls.of(project)
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / MARKER).is_file():
                return cls.of(folder)
        raise UsageError(f"no library in {start} or above it (no {MARKER}): go to a library's "
                         "folder, name one with --project DIR, or start one with "
                         "'leaflets init DIR'")
