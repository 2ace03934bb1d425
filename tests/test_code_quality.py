"""The code's own rules, checked by independent tools: ruff, radon, and the stage graph."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from leaflets import registry

from .conftest import ROOT

PACKAGE = ROOT / "leaflets"
# Each module may import only modules of lower layers (or of its own layer): data flows
# from content files to the model, to HTML, to PDF, to the output folder.
LAYERS = [
    {"theme"},
    {"errors", "inputs", "registry", "languages", "files", "readability", "bootstrap",
     "paint", "pictures"},
    {"sources", "outputs", "preflight", "paths"},
    {"model"},
    {"markup", "fonts", "jsonschemas", "citation_marks"},
    {"approvals", "editions"},
    {"i18n"},
    {"glyphs", "report", "status", "reviews", "formats", "filling", "glossary", "words",
     "spelling", "webfonts"},
    {"interchange"},
    {"templates", "scaffold"},
    {"tagging", "press", "overflow"},
    {"render"},
    {"workers", "shipment", "cluster"},
    {"kinds", "tasks"},
    {"builder"},
    {"serve"},
    {"cli", "__init__", "__main__"},
]


def modules() -> list:
    return sorted(path for path in PACKAGE.rglob("*.py"))


def stage(path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def layer(name: str) -> int:
    return next(index for index, names in enumerate(LAYERS) if name in names)


def imported_stages(path) -> set[str]:
    """The package's own modules a file imports (relative imports, resolved to a stage)."""
    tree = ast.parse(path.read_text())
    depth_of_file = len(path.relative_to(PACKAGE).parts) - 1
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1 - depth_of_file   # levels above the package root: none
            if up > 0:
                continue
            inside = path.relative_to(PACKAGE).parts[:depth_of_file - node.level + 1]
            target = [*inside, *(node.module.split(".") if node.module else [])]
            if target:
                found.add(target[0])
            else:   # "from . import x": x is a module of the package
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("leaflets."):
            found.add(node.module.split(".")[1])
    return found


def test_every_module_belongs_to_a_layer():
    unplaced = {stage(path) for path in modules()} - set().union(*LAYERS)
    assert not unplaced, f"add these modules to LAYERS: {unplaced}"


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_imports_a_later_stage(path):
    own = stage(path)
    later = {name for name in imported_stages(path) - {own} if layer(name) > layer(own)}
    assert not later, f"{own} (layer {layer(own)}) imports later stages {later}"


def test_no_format_or_variant_name_is_written_outside_its_registry():
    names = [*registry.FORMATS, *registry.VARIANTS]
    pattern = re.compile("[\"'](" + "|".join(map(re.escape, names)) + ")[\"']")
    offending = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in modules() if path.name != "registry.py"
                 for number, line in enumerate(path.read_text().splitlines(), start=1)
                 if pattern.search(line)]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_modules_stay_under_400_lines(path):
    assert len(path.read_text().splitlines()) < 400


def tool(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *arguments], cwd=ROOT, capture_output=True,
                          text=True)


def test_ruff_passes_with_the_repository_configuration():
    result = tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_function_is_more_complex_than_radon_grade_c():
    result = tool("radon", "cc", "-n", "D", "leaflets")
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout


def test_every_module_is_maintainable_radon_grade_a_or_b():
    result = tool("radon", "mi", "-n", "C", "leaflets")
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout
