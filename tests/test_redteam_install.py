"""Red-team findings on issue #18 (a library is a folder; init/new/schema; CLI conventions).

Each test names a defect found by attacking the installed tool as a new team, a careless
colleague and a hostile contributor would. Those fixed in leaflets/scaffold.py or
leaflets/cli/ pass; the others are marked xfail(strict=True) until they are fixed.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from leaflets import scaffold
from leaflets import status as translation_status
from leaflets.builder import Paths, check_output_folder
from leaflets.cli import main
from leaflets.errors import UsageError
from leaflets.model import load_library
from leaflets.serve import watched

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*argv: str, cwd: Path, preexec=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "leaflets", *argv], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=300,
                          preexec_fn=preexec)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    scaffold.init(root, "fr")
    return root


# --- fixed ---------------------------------------------------------------------------------

def _small_files_only() -> None:
    """In the child: a file may not grow past 20 kB, as on a nearly full disk (root
    writes into a read-only folder, so a full disk is what makes a write fail)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_init_that_fails_midway_leaves_no_half_library(tmp_path: Path):
    """The schemas come first and one is larger than the limit: before the fix, .gitignore,
    .vscode/ and three schemas stayed, and 'init' refused the folder as not empty."""
    result = run_cli("init", "lib", cwd=tmp_path, preexec=_small_files_only)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "lib").exists(), sorted((tmp_path / "lib").rglob("*"))


def test_init_into_an_empty_folder_that_fails_midway_leaves_it_empty(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    result = run_cli("init", "lib", cwd=tmp_path, preexec=_small_files_only)
    assert result.returncode == 1
    assert list((tmp_path / "lib").iterdir()) == []


def test_a_clinic_may_not_be_named_generic(library: Path):
    """'--clinic generic' selects the editions without a clinic: a clinic of that name
    could never be chosen alone."""
    with pytest.raises(UsageError, match="generic"):
        scaffold.new(library, "clinic", "generic")
    assert not (library / "content" / "clinics" / "generic.yaml").exists()


@pytest.mark.parametrize("argv", [
    ["check", "--format", "json", "--lang", "zz"],
    ["status", "--format", "json", "--lang", "zz"],
    ["build", "--format", "json", "--leaflet", "nope", "--output", "OUT"],
    ["build", "--format", "json", "--output", "content/out"],
    ["check", "--format=json", "--bogus"],
    ["build", "--format", "json", "-j", "0"],
    ["check", "--format", "json", "--preflight"],
])
def test_format_json_gives_json_on_stdout_even_on_errors(library: Path, tmp_path: Path,
                                                         monkeypatch, capsys, argv):
    monkeypatch.chdir(library)
    argv = [str(tmp_path / "out") if item == "OUT" else item for item in argv]
    code = main(argv)
    out = capsys.readouterr().out
    assert code in (1, 2)
    assert json.loads(out)["errors"], out


def test_format_json_outside_a_library_gives_json(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json"]) == 2
    assert "no library" in json.loads(capsys.readouterr().out)["errors"][0]["message"]


# --- not fixed yet (outside scaffold.py and cli/) ------------------------------------------

def test_an_override_that_extends_the_theme_template_of_its_name(library: Path):
    partials = library / "templates" / "partials"
    partials.mkdir(parents=True)
    (partials / "masthead.html.j2").write_text('{% extends "partials/masthead.html.j2" %}\n')
    result = run_cli("check", cwd=library)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_template_symlink_outside_the_library_is_refused(library: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret-of-the-build-machine")
    formats = library / "templates" / "formats"
    formats.mkdir(parents=True)
    (library / "templates" / "partials").mkdir()
    (library / "templates" / "partials" / "leak.html.j2").symlink_to(secret)
    theme = (ROOT / "templates" / "formats" / "a4-leaflet.html.j2").read_text()
    (formats / "a4-leaflet.html.j2").write_text(
        theme + '{% include "partials/leak.html.j2" %}\n')
    result = run_cli("check", cwd=library)
    assert result.returncode == 1
    assert "leak.html.j2" in result.stderr


@pytest.mark.xfail(strict=True, reason="serve/watch follow only the folders there at start: "
                   "a library's templates/ (or locales/) made while watching is never seen")
def test_watch_follows_a_templates_folder_made_after_it_started(library: Path):
    paths = Paths.of(library)
    assert not paths.templates.exists()
    assert any(paths.templates.is_relative_to(folder) for folder in watched(paths))


def test_an_override_of_a_string_the_theme_lacks_is_reported(library: Path):
    catalog = library / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n'
                       '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                       'msgid "Review By"\nmsgstr "À relire avant le"\n', encoding="utf-8")
    result = run_cli("check", cwd=library)
    assert "Review By" in result.stderr


@pytest.mark.xfail(strict=True, reason="--output may be a folder that holds the library "
                   "(--output .): the build writes index.html, fr/, static/, manifest.json "
                   "among content/ and templates/ (refusing it outright refuses the tests' "
                   "own --output tmp_path beside tmp_path/content: needs a finer rule)")
def test_output_may_not_hold_the_library(library: Path):
    with pytest.raises(UsageError):
        check_output_folder(replace(Paths.of(library), output=library))


@pytest.mark.xfail(strict=True, reason="'new language pt-BR' after 'new language pt_BR' adds "
                   "the same locale a second time, with its own catalog and export")
def test_a_language_is_not_added_twice_under_two_spellings(library: Path):
    scaffold.new(library, "language", "pt_BR")
    with pytest.raises(UsageError):
        scaffold.new(library, "language", "pt-BR")


@pytest.mark.xfail(strict=True, reason="status and check tell a library outside this "
                   "repository to run 'python3 build.py --lang de --preview'; it has no "
                   "build.py (the command is 'leaflets')")
def test_in_progress_hint_names_a_command_the_library_has(library: Path):
    scaffold.new(library, "language", "de")
    lines = translation_status.in_progress(load_library(library / "content"))
    assert lines
    assert not any("build.py" in line for line in lines), lines
