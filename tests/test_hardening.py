"""Hostile templates and content, limits, faults: nothing read from outside, nothing lost."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaflets import builder
from leaflets.errors import ContentError
from leaflets.model import BLOCK_TYPES, Project, validate
from leaflets.sources import parse

from .conftest import ROOT
from .test_model import edit

SECRET = "/etc/passwd"


def build_with_templates(content: Path, templates: Path, output: Path) -> builder.Build:
    paths = builder.Paths(content=content, output=output, templates=templates)
    selection = builder.Selection(languages=("fr",), leaflets=("immunotherapy-basics",),
                                  clinics=("generic",))
    return builder.build(paths, selection, builder.Execution(jobs=1))


@pytest.mark.parametrize("vector, file, old, new", [
    ("img", "blocks/text.html.j2", "<h2>", f'<img src="file://{SECRET}" alt="x"><h2>'),
    ("img over http", "blocks/text.html.j2", "<h2>",
     '<img src="https://example.org/tracker.png" alt="x"><h2>'),
    ("css url()", "leaflet.css", "body { margin: 0; }",
     f'body {{ margin: 0; background: url("file://{SECRET}"); }}'),
    ("@import", "leaflet.css", "@page {", f'@import url("file://{SECRET}");\n@page {{'),
    ("@font-face", "leaflet.css", "@page {",
     f'@font-face {{ font-family: X; src: url("file://{SECRET}"); }}\n'
     'body { font-family: X; }\n@page {'),
    ("attachment", "base.html.j2", "</head>",
     f'<link rel="attachment" href="file://{SECRET}"></head>'),
    ("symlink leaving the tree", "blocks/text.html.j2", "<h2>",
     '<img src="escape.png" alt="x"><h2>'),
])
def test_templates_cannot_read_outside_the_project(content, tmp_path, vector, file, old, new):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "escape.png").symlink_to(SECRET)
    edit(templates / file, old, new)
    output = tmp_path / "out"
    try:
        result = build_with_templates(content, templates, output)
        errors = [outcome.error for outcome in result.outcomes if outcome.error]
    except builder.BuildError as error:   # a refused stylesheet stops every render
        errors = [str(error)]
    assert errors and all("refused to load" in error for error in errors), errors
    pdfs = list(output.rglob("*.pdf"))
    assert all(b"root:" not in pdf.read_bytes() for pdf in pdfs)
    assert not pdfs


def test_a_render_over_the_page_limit_fails_alone_and_is_named(content, tmp_path, run):
    edit(content / "project.yaml", "print:", "limits: {pages: 9}\n\nprint:")
    code, out, err = run("--content", str(content), "--output", str(tmp_path / "out"),
                         "--lang", "fr", "--clinic", "generic")
    assert code == 1
    # IMM-02 and IMM-03 take 11 and 10 pages; IMM-01, 9, is within the limit.
    for leaflet, pages in (("immunotherapy-response", 11), ("immunotherapy-side-effects", 10)):
        assert (f"failed: {leaflet} (fr, a4-leaflet): {pages} pages, more than the limit of 9 "
                "(limits.pages in project.yaml)") in err
    built = sorted(path.name for path in (tmp_path / "out/fr").glob("*.pdf"))
    assert built == ["immunotherapy-basics.pdf"]
    assert re.search(r"^failed +2 ", out, re.M)


def test_a_render_over_the_time_limit_is_stopped(content, tmp_path, run):
    edit(content / "project.yaml", "print:", "limits: {seconds: 0.001}\n\nprint:")
    code, _, err = run("--content", str(content), "--output", str(tmp_path / "out"),
                       "--lang", "fr", "--leaflet", "immunotherapy-basics", "--clinic", "generic",
                       "--jobs", "1")
    assert code == 1
    assert ("failed: immunotherapy-basics (fr, a4-leaflet): stopped after 0.001 s, the limit of "
            "one render (limits.seconds in project.yaml)") in err


def test_an_output_folder_that_cannot_be_written_is_a_clear_error(tmp_path, run):
    blocked = tmp_path / "output"
    blocked.write_text("a file where the output folder should be")
    code, _, err = run("--output", str(blocked), "--lang", "fr", "--leaflet",
                       "immunotherapy-basics", "--clinic", "generic")
    assert code == 1
    assert "cannot write" in err and "Traceback" not in err
    assert blocked.read_text() == "a file where the output folder should be"


# --- property-based: the loader and the validator never fail with anything else ----------

yaml_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_load_to_data_or_located_problems(raw):
    document = parse(raw, Path("fuzz.yaml"))
    for problem in document.problems:
        assert problem.location.line >= 1 and problem.location.column >= 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_like, st.sampled_from([Project, *BLOCK_TYPES.values()]))
def test_any_data_validates_or_gives_located_problems(data, model):
    document = parse(b"", Path("fuzz.yaml"))
    document.data = data
    problems = []
    result = validate(document, model, problems)
    assert (result is None) == bool(problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_block_file_fails_only_with_content_errors(tmp_path, text):
    """A whole library with one block file replaced by arbitrary text."""
    from leaflets.model import load_library

    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    (content / "blocks/tolerance/de.yaml").write_text(text)
    try:
        load_library(content)
    except ContentError as error:
        assert error.problems


@pytest.fixture
def small_disk(tmp_path):
    """A 120 KiB tmpfs: room for two or three PDFs, then 'No space left on device'."""
    import subprocess

    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=120k", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): "
                    + mounted.stderr.decode().strip())
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_fails_cleanly_and_leaves_only_complete_files(small_disk, run):
    import json

    from pypdf import PdfReader

    code, _, err = run("--output", str(small_disk), "--lang", "fr,en,de", "--clinic", "generic",
                       "--jobs", "1")
    assert code == 1
    assert "No space left on device" in err and "Traceback" not in err
    assert not list(small_disk.rglob("*.partial"))
    for pdf in small_disk.rglob("*.pdf"):
        assert len(PdfReader(pdf).pages) >= 2          # only complete PDFs
    manifest = small_disk / "manifest.json"
    if manifest.exists():
        for entry in json.loads(manifest.read_text())["files"]:
            assert (small_disk / entry["path"]).is_file()
