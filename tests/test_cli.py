"""The command-line contract: exit codes, messages, and nothing written on failure."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .test_model import edit


def snapshot(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_help_lists_the_commands_and_the_options_every_command_takes(run):
    code, out, _ = run("--help")
    assert code == 0
    for word in ("--project", "--content", "--output", "--quiet", "--color", "--version",
                 "check", "status", "init", "schema"):
        assert word in out


def test_wrong_usage_exits_2(run):
    assert run("--no-such-option")[0] == 2
    code, _, err = run("check", "--lang", "xx")
    assert code == 2
    assert "unknown language 'xx'; expected one of: fr, en, de, tr, ar" in err


def test_check_on_shipped_content_passes_and_reports_readability(run):
    code, out, err = run("check", "--strict")
    assert code == 0, err
    assert "Kandel–Moles" in out and "Ateşman" in out and "n/s = not scored (ar" in out
    assert "content is valid: 30 editions checked" in out


def test_yaml_error_fails_with_location_and_leaves_output_untouched(run, content, tmp_path):
    output = tmp_path / "output"
    assert run("--content", str(content), "--output", str(output), "--lang", "fr",
               "--leaflet", "immunotherapy-basics")[0] == 0
    before = snapshot(output)
    edit(content / "blocks/tolerance/fr.yaml", "title:", "title: [broken")
    code, out, err = run("--content", str(content), "--output", str(output))
    assert code == 1
    assert ("/content/blocks/tolerance/fr.yaml:4:5: error: YAML syntax error: expected ',' "
            "or ']'") in err
    assert "Traceback" not in err and "built" not in out
    assert snapshot(output) == before


def test_failed_build_in_an_empty_folder_writes_no_pdf(run, content, tmp_path):
    edit(content / "blocks/tolerance/de.yaml", "type: text", "type: texte")
    output = tmp_path / "fresh"
    code, _, err = run("--content", str(content), "--output", str(output))
    assert code == 1
    assert "content/blocks/tolerance/de.yaml:1:7: error: unknown block type 'texte'" in err
    assert not output.exists() or not list(output.rglob("*.pdf"))


def test_release_refuses_unapproved_editions(run, content, tmp_path):
    code, out, err = run("--content", str(content), "--output", str(tmp_path / "out"),
                         "--release", "--lang", "fr", "--leaflet", "immunotherapy-basics")
    assert code == 1
    assert "immunotherapy-basics (fr, a4-leaflet): basics-cover is draft" in err
    assert not (tmp_path / "out" / "fr").exists()
