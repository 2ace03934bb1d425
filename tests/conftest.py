"""Shared fixtures: a copy of the shipped content to break, and one real build of it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from leaflets.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def pytest_configure(config) -> None:
    """The spelling check's cache of verdicts goes to a folder of the test run's own, not
    the user's ~/.cache: tests leave nothing outside their temporary folders."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="leaflets-test-cache-")
    # The static faces of the shipped fonts, cut once here (about half a minute) rather
    # than by every worker process of the first builds at the same time.
    from leaflets.fonts import font_faces, mark_face
    from leaflets.model import load_library
    font_faces(load_library(CONTENT).project, CONTENT)
    mark_face()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the shipped content folder."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A writable copy of the test library (tests/library: two leaflets, fr and ar, one
    clinic, every block type)."""
    copy = tmp_path / "library"
    shutil.copytree(ROOT / "tests" / "library", copy)
    return copy


@pytest.fixture
def run(capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    def run_cli(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run_cli


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> Path:
    """The shipped library built once, for every language, into a temporary folder."""
    output = tmp_path_factory.mktemp("output")
    assert main(["--output", str(output)]) == 0
    return output
