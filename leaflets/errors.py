"""The project's exception tree.

Expected failures (bad content, a missing system library, a render that cannot
finish) are ``LeafletError``s: the CLI prints them and exits 1 without a
traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a content file; line and column count from 1."""

    path: Path
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content: where, and what was expected and found."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def diagnostic(self, severity: str) -> str:
        """As compilers print it, for editors' problem matchers: path:line:col: error: …"""
        return f"{self.location}: {severity}: {self.message}"


def shown(path: Path) -> Path:
    """A path as an author finds it: relative to the working directory where possible."""
    # absolute(), not resolve(): a symbolic link is shown where it is, not where it points.
    try:
        return path.absolute().relative_to(Path.cwd().absolute())
    except ValueError:
        return path


class LeafletError(Exception):
    """Base of every expected failure."""


class ContentError(LeafletError):
    """The content is invalid; carries every problem found, sorted by place."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        self.summary = f"{count} problem{'s' if count != 1 else ''} in the content"
        super().__init__("\n".join([*map(str, self.problems), self.summary]))


class SetupError(LeafletError):
    """The machine lacks something the build needs (a library, a font)."""


class BuildError(LeafletError):
    """An edition could not be rendered or written."""


class UsageError(LeafletError):
    """The command line asks for something that does not exist (exit code 2)."""
