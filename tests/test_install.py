"""The tool as a team installs it: a wheel in a fresh virtual environment, used outside
this repository to start a library, check it and build it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

import leaflets

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A new virtual environment with the wheel of this checkout installed, as pipx does."""
    folder = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(folder / "dist"), str(ROOT)], check=True, cwd=folder)
    (wheel,) = (folder / "dist").glob("leaflets-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
    subprocess.run([str(folder / "venv" / "bin" / "python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", str(wheel)], check=True, cwd=folder)
    return folder / "venv"


def leaflets_command(venv: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(venv / "bin" / "leaflets"), *argv], cwd=cwd, text=True,
                          capture_output=True, env=environment, timeout=600)


def test_the_installed_package_is_not_this_checkout(venv, tmp_path):
    found = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import leaflets; print(leaflets.__file__)"],
                           cwd=tmp_path, text=True, capture_output=True, check=True)
    assert Path(found.stdout.strip()).is_relative_to(venv)


def test_version_from_the_command_and_from_python_m(venv, tmp_path):
    command = leaflets_command(venv, "--version", cwd=tmp_path)
    assert command.returncode == 0 and command.stdout.strip() == f"leaflets {leaflets.__version__}"
    module = subprocess.run([str(venv / "bin" / "python"), "-m", "leaflets", "--version"],
                            cwd=tmp_path, text=True, capture_output=True)
    assert module.returncode == 0 and module.stdout == command.stdout


def test_init_then_check_then_build_a_new_library(venv, tmp_path):
    started = leaflets_command(venv, "init", "demo", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    demo = tmp_path / "demo"
    checked = leaflets_command(venv, "check", cwd=demo)
    assert checked.returncode == 0, checked.stderr
    built = leaflets_command(venv, "build", cwd=demo / "content")   # found from inside too
    assert built.returncode == 0, built.stderr
    pdfs = sorted((demo / "output").rglob("*.pdf"))
    assert pdfs, built.stdout
    text = " ".join(page.extract_text() for page in PdfReader(pdfs[0]).pages)
    assert text.strip()
    assert "Traceback" not in built.stderr + checked.stderr


def test_outside_any_library_the_command_says_how_to_start_one(venv, tmp_path):
    lost = leaflets_command(venv, "build", cwd=tmp_path)
    assert lost.returncode == 2
    assert "leaflets init" in lost.stderr and "Traceback" not in lost.stderr
