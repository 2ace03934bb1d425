"""A new language in one step: 'translate new <code>' lists it in project.yaml (comments
kept), initialises its catalog from messages.pot, writes the XLIFF of its units, and
refuses what it cannot do without writing anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translate.storage import xliff2

from leaflets.interchange.units import library_units
from leaflets.model import load_library

from .conftest import ROOT

LANGUAGES = "languages: [fr, en, de, tr, ar]\n"


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A copy of the shipped catalogs: the command writes there, never in locales/."""
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy)
    return copy


def _files(content: Path, locales: Path) -> dict[str, bytes]:
    """Every file of the content and the catalogs, to see that nothing was written."""
    return {str(path): path.read_bytes() for folder in (content, locales)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_spanish_is_added_in_one_step_and_check_still_passes(run, content, locales, tmp_path,
                                                            monkeypatch):
    project = content / "project.yaml"
    before = project.read_text()
    monkeypatch.chdir(tmp_path)    # the XLIFF goes to ./es.xlf by default
    code, out, err = run("translate", "new", "es", "--content", str(content),
                         "--locales", str(locales))
    assert code == 0, err
    assert project.read_text() == before.replace(LANGUAGES, (
        "languages: [fr, en, de, tr, ar, es]\n"
        'in_progress: [es]   # being translated (README, "Add a language")\n'))
    assert load_library(content).project.in_progress == ["es"]

    with (locales / "es" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    with (locales / "messages.pot").open("rb") as file:
        template = read_po(file)
    assert str(catalog.locale) == "es" and catalog.num_plurals == 3     # CLDR's Spanish
    assert catalog.plural_expr.startswith("(n == 1 ? 0 :")
    assert {message.id for message in catalog if message.id} == \
        {message.id for message in template if message.id}
    assert not any(message.string for message in catalog if message.id and
                   not isinstance(message.id, tuple))

    store = xliff2.Xliff2File.parsefile(str(tmp_path / "es.xlf"))
    expected = [unit.id.replace("/", ":") for block in library_units(load_library(content), "es")
                for unit in block.units]
    assert [unit.getid() for unit in store.units] == expected and len(expected) > 50
    assert all(unit.source.strip() and not unit.target for unit in store.units)
    assert "wrote es.xlf" in out

    code, out, err = run("check", "--content", str(content), "--locales", str(locales))
    assert code == 0, err
    assert "language 'es' is in progress: 0 of 32 blocks translated" in out


def test_a_language_already_in_progress_is_kept_and_the_new_one_follows(run, content, locales,
                                                                       tmp_path):
    project = content / "project.yaml"
    project.write_text(project.read_text().replace(
        LANGUAGES, "languages: [fr, en, de, tr, ar, it]  # six\nin_progress: [it]\n"))
    code, _, err = run("translate", "new", "es", "--content", str(content), "--locales",
                       str(locales), "-o", str(tmp_path / "spanish.xlf"))
    assert code == 0, err
    assert "languages: [fr, en, de, tr, ar, it, es]  # six\nin_progress: [it, es]\n" in \
        project.read_text()
    assert (tmp_path / "spanish.xlf").is_file()


def _refused(run, content: Path, locales: Path, tmp_path: Path, code: str) -> tuple[int, str]:
    before = _files(content, locales)
    status, _, err = run("translate", "new", code, "--content", str(content), "--locales",
                         str(locales), "-o", str(tmp_path / "new.xlf"))
    assert _files(content, locales) == before and not (tmp_path / "new.xlf").exists()
    assert "Traceback" not in err
    return status, err


def test_an_unknown_code_is_a_usage_error(run, content, locales, tmp_path):
    status, err = _refused(run, content, locales, tmp_path, "qq")
    assert status == 2
    assert "unknown language code 'qq': Babel (CLDR) has no locale of that name" in err


def test_a_language_already_in_the_project_is_refused_where_it_is_listed(run, content,
                                                                         locales, tmp_path):
    status, err = _refused(run, content, locales, tmp_path, "de")
    assert status == 1
    assert "project.yaml:6:21: error: language 'de' is already one of the languages" in err


def test_a_script_without_a_font_stack_says_what_to_add(run, content, locales, tmp_path):
    status, err = _refused(run, content, locales, tmp_path, "ru")
    assert status == 1
    line = next(line for line in err.splitlines() if "Cyrl" in line)
    assert "project.yaml:" in line and ("language 'ru' is written in the script Cyrl, which "
                                        "has no font stack: add 'Cyrl: [<font family>, …]' "
                                        "under fonts.scripts") in line


def test_an_existing_catalog_is_not_overwritten(run, content, locales, tmp_path):
    catalog = locales / "es" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text("# someone's work\n")
    status, err = _refused(run, content, locales, tmp_path, "es")
    assert status == 1 and "a catalog of 'es' exists already" in err
    assert catalog.read_text() == "# someone's work\n"


def test_a_project_file_of_another_shape_is_refused_not_guessed_at(run, content, locales,
                                                                   tmp_path):
    project = content / "project.yaml"
    project.write_text(project.read_text().replace(
        LANGUAGES, "languages:\n  - fr\n  - en\n  - de\n  - tr\n  - ar\n"))
    status, err = _refused(run, content, locales, tmp_path, "es")
    assert status == 1
    assert ("project.yaml:6:1: error: expected 'languages' written as one flow list of plain codes "
            "on its own line ('languages: [fr, en]')") in err
    assert "add 'es' to both by hand" in err
