"""The bad-input corpus: every case in tests/corpus/<name>/case.yaml, run through the CLI.

Each case copies the shipped content (and the locales) into a fresh folder, changes a
few files as its ``case.yaml`` says, runs ``leaflets.cli.main`` in-process on the copy and
checks what an author would see. See tests/corpus/README.md for the format of a case.

For a case that must fail: exit code 1, exactly the expected ``path:line:col: error: message``
lines (paths relative to the case folder, e.g. ``content/blocks/tolerance/fr.yaml:3:1``),
no traceback, and an output folder built before the content was broken left
byte-for-byte unchanged. For a case that must work: exit code 0 and, where the case
says so, the text and links of the PDF it produced.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from leaflets.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
CONTENT, LOCALES = ROOT / "content", ROOT / "locales"
# The edition built once before any case breaks the content, and what a case builds by default.
DEFAULT_ARGS = ["--lang", "fr", "--leaflet", "immunotherapy-basics"]
LOCATED = re.compile(r"^\S.*?:\d+:\d+: ")
CASE_FIELDS = {"about", "args", "changes", "expect", "xfail"}
CHANGE_FIELDS = {"file", "content", "content_base64", "replace", "delete", "symlink", "rename",
                 "encoding", "bom", "line_ends", "pad_to_bytes"}
EXPECT_FIELDS = {"exit", "errors", "pdf"}
PDF_FIELDS = {"file", "contains", "lacks", "no_javascript_links", "links", "images"}


# --- reading the corpus -------------------------------------------------------------

def load_case(folder: Path) -> dict[str, Any]:
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(case, dict), f"{folder.name}/case.yaml: expected a mapping"
    if "file" in case:  # a single change may be written at the top level
        case.setdefault("changes", []).insert(
            0, {key: case.pop(key) for key in list(case) if key in CHANGE_FIELDS})
    unknown = set(case) - CASE_FIELDS
    assert not unknown, f"{folder.name}/case.yaml: unknown fields {sorted(unknown)}"
    for change in case.get("changes", []):
        unknown = set(change) - CHANGE_FIELDS
        assert not unknown, f"{folder.name}/case.yaml: unknown change fields {sorted(unknown)}"
    expect = case.setdefault("expect", {})
    unknown = set(expect) - EXPECT_FIELDS
    assert not unknown, f"{folder.name}/case.yaml: unknown expect fields {sorted(unknown)}"
    expect.setdefault("exit", 1)
    assert expect["exit"] in (0, 1), f"{folder.name}: exit must be 0 or 1"
    unknown = set(expect.get("pdf") or {}) - PDF_FIELDS
    assert not unknown, f"{folder.name}/case.yaml: unknown pdf fields {sorted(unknown)}"
    return case


def case_params() -> list:
    params = []
    for folder in sorted(path for path in CORPUS.iterdir() if (path / "case.yaml").is_file()):
        case = load_case(folder)
        marks = []
        if case.get("xfail"):
            reason = case["xfail"]
            assert reason.startswith(("bug: ", "not implemented yet: ")), \
                f"{folder.name}: xfail reason starts with 'bug: ' or 'not implemented yet: '"
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(folder, case, id=folder.name, marks=marks))
    return params


# --- applying a case to a copy of the content ----------------------------------------

def _text(content: str | list) -> str:
    """``content`` is text, or a list of texts and ``{repeat: text, times: n}`` pieces."""
    if isinstance(content, str):
        return content
    pieces = []
    for piece in content:
        pieces.append(piece if isinstance(piece, str) else piece["repeat"] * piece["times"])
    return "".join(pieces)


def _encode(text: str, change: dict) -> bytes:
    if change.get("line_ends") == "crlf":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    data = text.encode(change.get("encoding", "utf-8"))
    if change.get("bom"):
        data = b"\xef\xbb\xbf" + data
    if "pad_to_bytes" in change:  # grow the file with YAML comment lines to an exact size
        missing = change["pad_to_bytes"] - len(data)
        assert missing >= 1, "pad_to_bytes is smaller than the content"
        full, rest = divmod(missing, 80)
        data += (b"# " + b"x" * 77 + b"\n") * full + (b"#" * (rest - 1) + b"\n" if rest else b"")
    return data


def apply(change: dict, work: Path) -> None:
    if any(character in change["file"] for character in "*?["):  # the same edit in several files
        paths = sorted(work.glob(change["file"]))
        assert paths, f"no file matches {change['file']}"
        for path in paths:
            apply({**change, "file": str(path.relative_to(work))}, work)
        return
    path = work / change["file"]
    if change.get("delete"):
        assert path.exists() or path.is_symlink(), f"nothing to delete at {change['file']}"
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        return
    if "rename" in change:
        assert path.exists(), f"nothing to rename at {change['file']}"
        path.rename(work / change["rename"])
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if "symlink" in change:
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(change["symlink"])
        return
    if "content_base64" in change:  # binary files (images) are given in base64
        path.write_bytes(base64.b64decode(change["content_base64"]))
        return
    if "content" in change:
        text = _text(change["content"])
    else:
        text = path.read_bytes().decode("utf-8")
    replacements = change.get("replace") or []
    for replacement in [replacements] if isinstance(replacements, dict) else replacements:
        old, new = replacement["old"], _text(replacement["new"])
        assert old in text, f"{old!r} is not in {change['file']}"
        text = text.replace(old, new, replacement.get("count", 1))
    path.write_bytes(_encode(text, change))


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, hidden files and links included."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


# --- fixtures -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def built_output(tmp_path_factory) -> Path:
    """The default edition built once from an unbroken copy; each case gets its own copy."""
    work = tmp_path_factory.mktemp("corpus-baseline")
    shutil.copytree(CONTENT, work / "content")
    shutil.copytree(LOCALES, work / "locales")
    output = work / "output"
    code = main([*DEFAULT_ARGS, "--jobs", "1", "--content", str(work / "content"),
                 "--locales", str(work / "locales"), "--output", str(output)])
    assert code == 0, "the shipped content must build before the corpus can break it"
    assert list(output.rglob("*.pdf")), "the baseline build wrote no PDF"
    return output


@pytest.fixture
def case_folder(tmp_path, monkeypatch) -> Path:
    """A fresh copy of content/ and locales/; the working directory, so paths show relative."""
    shutil.copytree(CONTENT, tmp_path / "content", symlinks=True)
    shutil.copytree(LOCALES, tmp_path / "locales", symlinks=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_case(case: dict, work: Path, output: str, capsys) -> tuple[int, str, str]:
    for change in case.get("changes", []):
        apply(change, work)
    capsys.readouterr()
    code = main([*case.get("args", DEFAULT_ARGS), "--jobs", "1", "--content", "content",
                 "--locales", "locales", "--output", output])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the test -----------------------------------------------------------------------

@pytest.mark.parametrize("folder, case", case_params())
def test_case(folder, case, case_folder, built_output, capsys):
    expect = case["expect"]
    assert expect["exit"] == 0 or expect.get("errors"), "a failing case lists its errors"
    output = case_folder / "output"
    if expect["exit"] == 1:
        shutil.copytree(built_output, output, symlinks=True)
    before = snapshot(output) if output.exists() else {}

    code, out, err = run_case(case, case_folder, "output", capsys)

    assert "Traceback" not in err and "Traceback" not in out, err
    assert code == expect["exit"], f"exit code {code}; stderr:\n{err}"
    if expect["exit"] == 1:
        wanted = [f"{error['at']}: error: {error['message']}" for error in expect["errors"]]
        located = [line for line in err.splitlines() if LOCATED.match(line)]
        assert sorted(located) == sorted(wanted), f"stderr:\n{err}"
        assert snapshot(output) == before, "a failed build changed the output folder"
    elif "pdf" in expect:
        check_pdf(output / expect["pdf"].get("file", "fr/immunotherapy-basics.pdf"),
                  expect["pdf"])


def check_pdf(path: Path, expect: dict) -> None:
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    document = pdfium.PdfDocument(path)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    # Line breaks, hyphenation and French narrow no-break spaces are layout, not content.
    text = re.sub(r"[\u2010\ufffe\x02]\r?\n", "", text).replace("\u202f", " ")
    flat = re.sub(r"\s+", " ", text)
    for wanted in expect.get("contains", []):
        assert wanted in flat, f"{wanted!r} is not in the text of {path.name}:\n{flat}"
    for unwanted in expect.get("lacks", []):
        assert unwanted not in flat, f"{unwanted!r} is in the text of {path.name}"
    reader = PdfReader(path)
    if "images" in expect:
        count = sum(len(page.images) for page in reader.pages)
        assert count >= expect["images"], f"{path.name} has {count} images"
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                uris.append(str(action.get_object()["/URI"]))
    if expect.get("no_javascript_links"):
        assert not [uri for uri in uris if uri.strip().lower().startswith("javascript")], uris
    for uri in expect.get("links", []):
        assert uri in uris, f"no link to {uri!r} in {path.name}; links: {uris}"


if __name__ == "__main__":
    # What the tool says now for some cases, to write or refresh their 'expect' block:
    #   .venv/bin/python -m tests.test_corpus yaml-tab-indentation catalog-fuzzy-entry
    import contextlib
    import io
    import os
    import sys
    import tempfile

    for name in sys.argv[1:] or sorted(path.name for path in CORPUS.iterdir() if path.is_dir()):
        case, here = load_case(CORPUS / name), os.getcwd()
        with tempfile.TemporaryDirectory() as temporary:
            work = Path(temporary)
            shutil.copytree(CONTENT, work / "content", symlinks=True)
            shutil.copytree(LOCALES, work / "locales", symlinks=True)
            os.chdir(work)
            try:
                for change in case.get("changes", []):
                    apply(change, work)
                err = io.StringIO()
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                    code = main([*case.get("args", DEFAULT_ARGS), "--jobs", "1", "--content",
                                 "content", "--locales", "locales", "--output", "output"])
            finally:
                os.chdir(here)
        print(f"# {name}: exit {code}")
        errors = [dict(zip(("at", "message"), line.split(": error: ", 1), strict=False))
                  for line in err.getvalue().splitlines() if LOCATED.match(line)]
        print(yaml.safe_dump({"errors": errors}, allow_unicode=True, width=10_000,
                             sort_keys=False) if errors else err.getvalue())
