"""The command line as mkdocs and typst users expect it: help per command, --version,
"did you mean", options of other commands refused, colour on request only, -q and -v,
JSON for tools, every unknown value at once, the library found from where you are."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leaflets import __version__
from leaflets.cli.output import colour_wanted

from .test_model import edit

ROOT = Path(__file__).resolve().parent.parent
ESCAPE = "\033["


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A library folder as 'init' makes them: the test library as its content/."""
    folder = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "library", folder / "content")
    return folder


def test_each_command_helps_with_its_own_options_only(run):
    code, out, _ = run("check", "--help")
    assert code == 0
    assert "--preflight" in out and "--today" in out and "--layout" in out
    assert "--release" not in out and "--port" not in out and "--mark-current" not in out
    code, out, _ = run("serve", "--help")
    assert code == 0 and "--port" in out and "--strict" not in out


def test_version_names_the_tool_and_its_version(run):
    assert run("--version") == (0, f"leaflets {__version__}\n", "")


def test_python_m_leaflets_is_the_command_line():
    result = subprocess.run([sys.executable, "-m", "leaflets", "--version"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == f"leaflets {__version__}\n"


def test_a_mistyped_command_gets_a_suggestion(run):
    code, _, err = run("chek")
    assert code == 2
    assert "unknown command 'chek'; did you mean 'check'?" in err


def test_a_mistyped_option_gets_a_suggestion(run):
    code, _, err = run("check", "--lnag", "fr")
    assert code == 2
    assert "unknown option '--lnag'; did you mean '--lang'?" in err
    assert "'fr'" not in err   # the value of the mistyped option is not a second problem


def test_an_option_of_another_command_is_a_usage_error(run):
    code, _, err = run("status", "--release")
    assert code == 2 and "'--release' does not apply to 'status' (it goes with build)" in err
    assert run("--port", "9000")[0] == 2          # serve's option, given to build
    assert run("approve", "--strict")[0] == 2


def test_the_old_format_option_points_to_layout(run):
    code, _, err = run("--format", "a5-booklet")
    assert code == 2 and "--layout" in err


def test_jobs_below_one_says_so_and_nothing_about_dask(run):
    code, _, err = run("-j", "0")
    assert code == 2 and err.splitlines()[-1].endswith("error: --jobs must be at least 1, found 0")


def test_colour_only_when_asked_or_on_a_terminal(run, monkeypatch):
    assert ESCAPE in run("chek", "--color", "always")[2]
    assert ESCAPE not in run("chek", "--color", "never")[2]
    assert ESCAPE not in run("chek")[2]   # auto, and stderr is not a terminal here
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        monkeypatch.delenv("NO_COLOR", raising=False)
        assert colour_wanted("auto", terminal)
        monkeypatch.setenv("NO_COLOR", "1")
        assert not colour_wanted("auto", terminal)
        assert colour_wanted("always", terminal)   # the flag wins over the environment
    os.close(leader)


def test_content_errors_are_coloured_diagnostics(run, project):
    edit(project / "content/blocks/about/fr.yaml", "type: text", "type: texte")
    code, _, err = run("check", "--project", str(project), "--color", "always")
    assert code == 1
    assert "blocks/about/fr.yaml:1:7: \033[1m\033[31merror:\033[0m unknown block type" in err
    code, _, err = run("check", "--project", str(project), "--color", "never")
    assert ESCAPE not in err and "blocks/about/fr.yaml:1:7: error: unknown block type" in err


def test_quiet_prints_nothing_but_errors(run, project):
    code, out, err = run("status", "--project", str(project))
    assert code == 0 and "every-block" in out
    assert run("status", "-q", "--project", str(project)) == (0, "", "")
    code, out, err = run("status", "-q", "--strict", "--project", str(project), "--lang", "xx")
    assert code == 2 and out == "" and "unknown language 'xx'" in err


def test_every_unknown_value_is_reported_at_once(run, project):
    code, _, err = run("check", "--project", str(project), "--lang", "xx,yy",
                       "--leaflet", "nope", "--layout", "zz", "--clinic", "nowhere")
    assert code == 2
    for value in ("'xx', 'yy'", "unknown leaflet 'nope'", "'zz'", "unknown clinic 'nowhere'"):
        assert value in err, err
    code, _, err = run("bundle", "--project", str(project), "--clinic", "nowhere,nor-here")
    assert code == 2 and "unknown clinic 'nowhere', 'nor-here'" in err


def test_check_as_json(run, project):
    code, out, _ = run("check", "--project", str(project), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert {"errors", "warnings", "editions"} <= set(report) and report["errors"] == []
    assert report["editions"] == 8
    edit(project / "content/blocks/about/fr.yaml", "type: text", "type: texte")
    code, out, _ = run("check", "--project", str(project), "--format", "json")
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert error["path"].endswith("blocks/about/fr.yaml")
    assert (error["line"], error["column"], error["severity"]) == (1, 7, "error")


def test_status_as_json(run, project):
    code, out, _ = run("status", "--project", str(project), "--format", "json")
    assert code == 0
    status = json.loads(out)
    assert status["languages"] == ["fr", "ar"]
    assert status["leaflets"]["every-block"]["about"] == {"fr": "draft", "ar": "draft"}
    assert {"clinics", "details", "incomplete"} <= set(status)


def test_build_summary_as_json_and_verbose_skips(run, project, tmp_path):
    one = ("--project", str(project), "--output", str(tmp_path / "out"), "--lang", "fr",
           "--leaflet", "more-blocks", "--clinic", "generic", "-j", "1")
    code, out, _ = run(*one, "--format", "json")
    assert code == 0
    [outcome] = json.loads(out)["outcomes"]
    assert outcome["path"] == "fr/more-blocks.pdf" and outcome["pages"] >= 1
    assert outcome["bytes"] > 0 and outcome["approval"] == "draft"
    assert outcome["skipped"] is False and outcome["error"] is None
    code, out, _ = run(*one)
    assert code == 0 and "skipped more-blocks" not in out
    code, out, _ = run(*one, "-v")
    assert code == 0 and "skipped more-blocks (fr, " in out


def test_the_library_is_found_from_the_current_folder_upwards(run, project, monkeypatch,
                                                               tmp_path):
    monkeypatch.chdir(project / "content" / "blocks")
    code, out, _ = run("status")
    assert code == 0 and "every-block" in out   # the test library, not the shipped one
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    code, _, err = run("status")
    assert code == 2 and "no library in" in err
    assert run("status", "--project", str(empty))[0] == 2


def test_schema_prints_one_kind_or_all_and_writes_files(run, tmp_path):
    code, out, _ = run("schema", "leaflet")
    assert code == 0 and "properties" in json.loads(out)
    code, out, _ = run("schema")
    assert code == 0 and {"project", "leaflet", "block"} <= set(json.loads(out))
    code, out, _ = run("schema", "--write", str(tmp_path / "schemas"))
    assert code == 0 and (tmp_path / "schemas" / "block.schema.json").is_file()
    assert run("schema", "block", "--write", str(tmp_path))[0] == 2


def test_init_then_new_in_the_library_found_from_here(run, tmp_path, monkeypatch):
    code, out, err = run("init", str(tmp_path / "demo"), "--language", "fr")
    assert code == 0, err
    assert (tmp_path / "demo" / "content" / "project.yaml").is_file()
    monkeypatch.chdir(tmp_path / "demo")
    code, out, err = run("new", "clinic", "north-clinic")
    assert code == 0, err
    assert (tmp_path / "demo" / "content" / "clinics" / "north-clinic.yaml").is_file()
