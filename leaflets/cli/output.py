"""What the user reads: quiet and verbose levels, colour on a terminal only, diagnostics
as editors' problem matchers read them (``path:line:col: error: message``), JSON."""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from typing import TextIO

from ..errors import Problem

RED, YELLOW, BOLD, RESET = "\033[31m", "\033[33m", "\033[1m", "\033[0m"
SEVERITY_COLOURS = {"error": RED, "failed": RED, "warning": YELLOW}
# The severity word of a diagnostic: at the start of the line or after its location.
SEVERITY = re.compile(r"(?:^|(?<=: ))(error|failed|warning):")
LOCATED = re.compile(r"^\S.*?:\d+:\d+: ")
COLOR_CHOICES = ("auto", "always", "never")
# Exit codes: success; content or build errors; wrong usage.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def colour_wanted(choice: str, stream: TextIO) -> bool:
    """--color always/never decide; auto colours a terminal unless NO_COLOR is set
    (https://no-color.org: present and not empty, whatever its value)."""
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and stream.isatty()


@dataclass(frozen=True)
class Console:
    """Where and how much to say: -q says only errors, -v says more."""

    quiet: bool = False
    verbose: bool = False
    color: str = "auto"

    def say(self, text: str = "") -> None:
        """Normal output (stdout), silenced by -q."""
        if not self.quiet:
            print(text, flush=True)

    def detail(self, text: str) -> None:
        """Output only -v asks for."""
        if self.verbose and not self.quiet:
            print(text, flush=True)

    def data(self, value: object) -> None:
        """One JSON document on stdout (--format json): printed even with -q."""
        print(json.dumps(value, ensure_ascii=False, indent=2, default=str), flush=True)

    def error(self, text: str) -> None:
        """An error line on stderr; 'error:' is added, after the place it names if it names
        one, unless the line has its severity."""
        self._err(text if SEVERITY.search(text) else LOCATED.sub(r"\g<0>error: ", text, count=1)
                  if LOCATED.match(text) else f"error: {text}")

    def warning(self, text: str) -> None:
        if not self.quiet:
            self._err(text if SEVERITY.search(text) else f"warning: {text}")

    def note(self, text: str) -> None:
        """Information on stderr (waiting for a lock, a refused edition's reason)."""
        if not self.quiet:
            self._err(text)

    def problem(self, problem: Problem, severity: str = "error") -> None:
        line = problem.diagnostic(severity)
        self.warning(line) if severity == "warning" else self.error(line)

    def _err(self, text: str) -> None:
        if colour_wanted(self.color, sys.stderr):
            text = "\n".join(SEVERITY.sub(_coloured, line, count=1)
                             for line in text.splitlines())
        print(text, file=sys.stderr, flush=True)


def _coloured(match: re.Match) -> str:
    return f"{BOLD}{SEVERITY_COLOURS[match.group(1)]}{match.group(0)}{RESET}"


def problem_data(problem: Problem, severity: str) -> dict[str, object]:
    """A diagnostic as --format json gives it."""
    location = problem.location
    return {"path": str(location.path), "line": location.line, "column": location.column,
            "severity": severity, "message": problem.message}
