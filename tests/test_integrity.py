"""What reaches a patient is what the content says: marks that cannot be hidden, withdrawn
files that disappear, and a build that loses nothing however it is interrupted."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from leaflets.outputs import MANIFEST, NEW_FILE_MODE

from .conftest import ROOT
from .test_engine import assert_manifest_matches_disk
from .test_model import edit

DRAFT = {"fr": "BROUILLON", "de": "ENTWURF"}


def page_texts(pdf: Path) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]


def cli(content: Path, output: Path, *options: str) -> list[str]:
    return ["--content", str(content), "--output", str(output), "-j", "1", *options]


# --- marks nobody can forge -----------------------------------------------------------

HIDING = '"}} .draft-mark { display: none } </style><style>.draft-mark { display: none }'


@pytest.mark.parametrize("field", ["reference", "version"])
def test_a_leaflet_field_cannot_break_out_of_its_css_string(content, tmp_path, run, field):
    leaflet = content / "leaflets/immunotherapy-basics.yaml"
    text = leaflet.read_text()
    line = next(line for line in text.splitlines() if line.startswith(f"{field}:"))
    value = line.split(":", 1)[1].strip().strip('"')
    leaflet.write_text(text.replace(line, f"{field}: '{value}{HIDING}'"))
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--clinic", "generic",
                            "--leaflet", "immunotherapy-basics"))
    assert code == 0, err
    pages = page_texts(tmp_path / "out/fr/immunotherapy-basics.pdf")
    assert pages and all(DRAFT["fr"] in page for page in pages)


@pytest.mark.parametrize("text", ['IMM-01"\n} .draft-mark { display: none } x {',
                                  "a\\", "</style><script>x</script>", "\u2028\x7f'"])
def test_any_text_stays_one_css_string_for_an_independent_parser(text):
    import tinycss2

    from leaflets.templates import css_string

    sheet = f"@page {{ @bottom-left {{ content: {css_string(text)}; }} }}"
    [page] = tinycss2.parse_stylesheet(sheet)
    [margin] = [node for node in tinycss2.parse_blocks_contents(page.content)
                if node.type == "at-rule"]
    [declaration] = [node for node in tinycss2.parse_blocks_contents(margin.content)
                     if node.type == "declaration"]
    tokens = [token for token in declaration.value if token.type != "whitespace"]
    assert [token.type for token in tokens] == ["string"] and tokens[0].value == text
    assert "</" not in str(css_string(text))


def test_content_text_cannot_hide_the_mark(content, tmp_path, run):
    edit(content / "blocks/basics-cover/fr.yaml", "title: ",
         "title: <style>.draft-mark{display:none}</style> ")
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--clinic", "generic",
                            "--leaflet", "immunotherapy-basics"))
    assert code == 0, err
    pages = page_texts(tmp_path / "out/fr/immunotherapy-basics.pdf")
    assert all(DRAFT["fr"] in page for page in pages)
    assert "<style>" in pages[0]   # shown as the text it is


def german_catalog(content: Path, tmp_path: Path) -> Path:
    locales = tmp_path / "locales"
    import shutil
    shutil.copytree(ROOT / "locales", locales)
    return locales / "de/LC_MESSAGES/messages.po"


@pytest.mark.parametrize("msgstr", ["<style>.draft-mark{display:none}</style>ENTWURF",
                                    "ENTWURF<script>alert(1)</script>", "ENTWURF &amp;"])
def test_a_catalog_string_with_markup_is_an_error_at_its_line(content, tmp_path, run, msgstr):
    catalog = german_catalog(content, tmp_path)
    text = catalog.read_text()
    original = 'msgstr "ENTWURF — nicht für Patienten freigegeben"'
    line = text[:text.index(original)].count("\n")   # the entry's msgid, just above
    catalog.write_text(text.replace(original, f'msgstr "{msgstr}"'))
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "de", "--locales",
                            str(tmp_path / "locales")))
    assert code == 1
    assert f"messages.po:{line}:1: error: the translation of 'DRAFT" in err and "markup" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("msgstr", [" ", "\\t"])
def test_a_blank_catalog_string_is_untranslated(content, tmp_path, run, msgstr):
    catalog = german_catalog(content, tmp_path)
    catalog.write_text(catalog.read_text().replace(
        'msgstr "ENTWURF — nicht für Patienten freigegeben"', f'msgstr "{msgstr}"'))
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "de", "--locales",
                            str(tmp_path / "locales")))
    assert code == 1 and "'DRAFT — not approved for patients' is not translated" in err


def test_a_wrong_placeholder_in_a_catalog_is_located_not_a_traceback(content, tmp_path, run):
    catalog = german_catalog(content, tmp_path)
    text = catalog.read_text()
    start = text.index('msgid "Page %(page)s of %(pages)s"')
    msgstr = text.index("msgstr", start)
    line = text[:msgstr].count("\n") + 1
    end = text.index("\n", msgstr)
    catalog.write_text(text[:msgstr] + 'msgstr "Seite %(pag)s von %(pages)s"' + text[end:])
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "de", "--locales",
                            str(tmp_path / "locales")))
    assert code == 1 and "Traceback" not in err
    # At the msgstr, where the placeholder is written wrong ('msgstr "Seite ' is 14 long).
    assert f"messages.po:{line}:15:" in err and "placeholder" in err


def test_a_catalog_that_is_not_utf8_is_located(content, tmp_path, run):
    catalog = german_catalog(content, tmp_path)
    catalog.write_bytes(catalog.read_bytes().replace("für".encode(), b"f\xfcr", 1))
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "de", "--locales",
                            str(tmp_path / "locales")))
    assert code == 1 and "Traceback" not in err and "expected UTF-8 text" in err


def catalog_copy(tmp_path: Path, language: str) -> Path:
    """A copy of the catalogs in ``tmp_path/locales``; the path of one language's."""
    import shutil
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    return tmp_path / "locales" / language / "LC_MESSAGES/messages.po"


def replace_msgstr(catalog: Path, msgid: str, msgstr: str) -> None:
    text = catalog.read_text()
    start = text.index(f'msgid "{msgid}"')
    line = text.index("msgstr", start)
    end = text.index("\n", line)
    catalog.write_text(text[:line] + f'msgstr "{msgstr}"' + text[end:])


def test_catalogue_strings_are_text_in_the_catalogue_page(content, tmp_path, run):
    replace_msgstr(catalog_copy(tmp_path, "fr"), "No leaflet matches.",
                   "<script>alert(1)</script>")
    code, _, err = run(*cli(content, tmp_path / "out", "--lang", "fr", "--clinic", "generic",
                            "--locales", str(tmp_path / "locales")))
    assert code == 1 and "markup" in err
    assert not (tmp_path / "out/index.html").exists()


# --- withdrawal -----------------------------------------------------------------------

def manifest_paths(output: Path) -> set[str]:
    return {entry["path"] for entry in json.loads((output / MANIFEST).read_text())["files"]}


def test_a_deleted_leaflet_leaves_disk_manifest_and_catalogue_but_no_foreign_file(content,
                                                                                 tmp_path,
                                                                                 run):
    output = tmp_path / "out"
    args = cli(content, output, "--lang", "fr,de")
    assert run(*args)[0] == 0
    foreign = [output / "fr/notes.txt", output / "fr/immunotherapy-basics.old.pdf",
               output / "mine/keep.pdf"]
    for path in foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not made by the tool")
    (content / "leaflets/immunotherapy-basics.yaml").unlink()
    for clinic in content.glob("clinics/*.yaml"):
        clinic.write_text(clinic.read_text().replace("immunotherapy-basics, ", ""))
    code, out, err = run(*args)
    assert code == 0, err
    assert "removed fr/immunotherapy-basics.pdf" in out
    on_disk = {str(path.relative_to(output)) for path in output.rglob("*.pdf")}
    assert not [path for path in on_disk | manifest_paths(output)
                if "immunotherapy-basics" in path and "old" not in path
                and not path.startswith("mine")]
    for page in [output / "index.html", *output.glob("clinics/*/index.html")]:
        assert "immunotherapy-basics" not in page.read_text()
    assert all(path.read_bytes() == b"not made by the tool" for path in foreign)
    assert_manifest_matches_disk_but(output, {str(path.relative_to(output))
                                              for path in foreign})


def assert_manifest_matches_disk_but(output: Path, foreign: set[str]) -> None:
    # The editions' files: PDFs and web pages (not the catalogue's index pages).
    made = [*output.rglob("*.pdf"), *output.glob("*/*.html"), *output.glob("clinics/*/*/*.html")]
    on_disk = {str(path.relative_to(output)) for path in made} - foreign
    assert manifest_paths(output) == on_disk


def test_a_language_taken_from_a_clinic_leaves_its_files_catalogue_and_bundle(content,
                                                                             tmp_path, run):
    output = tmp_path / "out"
    args = cli(content, output, "--clinic", "centre-du-val")
    assert run(*args)[0] == 0
    clinic = content / "clinics/centre-du-val.yaml"
    assert "languages: [fr, de, tr]" in clinic.read_text()
    edit(clinic, "languages: [fr, de, tr]", "languages: [fr, de]")
    assert run(*args)[0] == 0
    assert not list((output / "clinics/centre-du-val/tr").glob("*.pdf"))
    assert not [path for path in manifest_paths(output) if "/tr/" in path]
    assert 'data-language="tr"' not in (output / "clinics/centre-du-val/index.html").read_text()
    code, out, err = run("bundle", "--clinic", "centre-du-val", "--content", str(content),
                         "--output", str(output))
    assert code == 0, err
    import zipfile
    names = zipfile.ZipFile(output / "bundles/centre-du-val.zip").namelist()
    assert names and not [name for name in names if "/tr/" in name]


def test_a_language_taken_from_the_project_leaves_no_trace_and_no_traceback(content, tmp_path,
                                                                           run):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--lang", "fr,tr", "--clinic", "generic"))[0] == 0
    for block in [*content.glob("blocks/*/tr.yaml"), *content.glob("clinics/*/blocks/*/tr.yaml")]:
        block.unlink()
    for clinic in content.glob("clinics/*.yaml"):
        clinic.write_text(clinic.read_text().replace(", tr]", "]"))
    edit(content / "project.yaml", "languages: [fr, en, de, tr, ar]",
         "languages: [fr, en, de, ar]")
    code, out, err = run(*cli(content, output, "--lang", "fr", "--clinic", "generic"))
    assert code == 0, err
    assert not (output / "tr").exists() and 'data-language="tr"' not in (
        output / "index.html").read_text()


# --- nothing lost -----------------------------------------------------------------------

def test_files_are_written_with_the_users_permissions(content, tmp_path, run):
    output = tmp_path / "out"
    assert run(*cli(content, output, "--lang", "fr", "--clinic", "generic",
                    "--leaflet", "immunotherapy-basics"))[0] == 0
    umask = os.umask(0o022)
    os.umask(umask)
    assert NEW_FILE_MODE == 0o666 & ~umask
    for path in [output / "fr/immunotherapy-basics.pdf", output / MANIFEST,
                 output / "index.html"]:
        assert stat.S_IMODE(path.stat().st_mode) == NEW_FILE_MODE, path


def test_mark_current_keeps_the_mode_of_the_file_it_rewrites(content, run):
    edit(content / "blocks/tolerance/fr.yaml", "title: ", "title: Nouveau ")
    translation = content / "blocks/tolerance/de.yaml"
    translation.chmod(0o640)
    code, out, err = run("status", "--content", str(content), "--mark-current", "de:tolerance")
    assert code == 0, err
    assert "fingerprint" in out
    assert stat.S_IMODE(translation.stat().st_mode) == 0o640


def test_output_inside_what_the_tool_reads_is_refused(content, run):
    for inside in (content / "out", ROOT / "templates" / "out", ROOT / "leaflets" / "out"):
        code, _, err = run("--content", str(content), "--output", str(inside))
        assert code == 2 and "choose a folder of its own" in err
        assert not inside.exists()


def build_process(content: Path, output: Path, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-u", "-c", "import sys; from leaflets.cli import main; "
               f"sys.exit(main({cli(content, output, *options)!r}))"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_builds_into_one_folder_at_once_leave_a_consistent_manifest(content, tmp_path):
    output = tmp_path / "out"
    first = build_process(content, output, "--lang", "fr", "--clinic", "generic")
    second = build_process(content, output, "--lang", "de", "--clinic", "generic")
    for process in (first, second):
        assert process.wait(300) == 0, process.stderr.read().decode()
    paths = manifest_paths(output)
    assert {path.split("/")[0] for path in paths} == {"fr", "de"} and len(paths) == 12
    assert_manifest_matches_disk(output)
    page = (output / "index.html").read_text()
    assert 'data-language="fr"' in page and 'data-language="de"' in page


def workers_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def wait_for_built_lines(process: subprocess.Popen, count: int) -> None:
    seen, deadline = "", time.monotonic() + 120
    while seen.count("built   ") < count and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1)
        if ready:
            seen += os.read(process.stdout.fileno(), 65536).decode()
    assert seen.count("built   ") >= count, seen


def test_a_worker_killed_at_random_moments_fails_only_its_editions(content, tmp_path):
    output = tmp_path / "out"
    for _ in range(3):
        process = build_process(content, output, "-j", "2")
        wait_for_built_lines(process, random.randint(1, 4))
        workers = workers_of(process.pid)
        assert workers
        os.kill(random.choice(sorted(workers)), signal.SIGKILL)
        out, err = (stream.decode() for stream in process.communicate(timeout=300))
        assert process.returncode == 1, out + err
        assert "Traceback" not in err
        failed = [line for line in err.splitlines() if line.startswith("failed: ")]
        assert failed and all("stopped unexpectedly" in line for line in failed)
        assert len(set(failed)) == len(failed)   # one error per lost edition
        assert_manifest_matches_disk(output)
        (output / "fr/immunotherapy-basics.pdf").unlink(missing_ok=True)   # work for next
    process = build_process(content, output, "-j", "2")
    assert process.wait(300) == 0
    assert_manifest_matches_disk(output)


def test_no_worker_outlives_a_killed_build(content, tmp_path):
    process = build_process(content, tmp_path / "out", "-j", "2")
    wait_for_built_lines(process, 1)
    workers = workers_of(process.pid)
    assert workers
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and
                                              "zombie" not in _state(pid) for pid in workers):
        time.sleep(0.05)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()
                and "zombie" not in _state(pid)]


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


def test_catalog_strings_reach_a_page_as_text_even_if_a_check_missed_them():
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations
    from jinja2 import Environment

    from leaflets.i18n import install_catalog

    catalog = Catalog(locale="de")
    catalog.add("DRAFT", "<style>.draft-mark{display:none}</style>")
    catalog.add(("%(num)s page", "%(num)s pages"),
                ("<b>%(num)s</b> Seite", "<b>%(num)s</b> Seiten"))
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    environment = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    install_catalog(environment, Translations(buffer))
    page = environment.from_string(
        '{{ _("DRAFT") }} {{ ngettext("%(num)s page", "%(num)s pages", 2) }}').render()
    assert "<" not in page and "&lt;style&gt;" in page and "&lt;b&gt;2&lt;/b&gt; Seiten" in page
