"""The build engine: incremental, reproducible, interruptible (Dask: test_dask.py)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from leaflets import builder
from leaflets.outputs import MANIFEST, sha256

from .conftest import ROOT
from .test_model import edit


def build(content: Path, output: Path, jobs: int = 2, **selection) -> builder.Build:
    """Build the generic editions (clinic editions are tested in test_distribution)."""
    paths = builder.Paths(content=content, output=output)
    return builder.build(paths, builder.Selection(clinics=("generic",), **selection),
                         builder.Execution(jobs=jobs))


def built(result: builder.Build) -> set[str]:
    return {str(outcome.edition) for outcome in result.outcomes
            if not outcome.skipped and not outcome.error}


def files(output: Path) -> dict[str, bytes]:
    return {str(path.relative_to(output)): path.read_bytes()
            for path in sorted(output.rglob("*")) if path.is_file()}


def assert_manifest_matches_disk(output: Path) -> None:
    manifest = json.loads((output / MANIFEST).read_text())
    on_disk = {str(path.relative_to(output)) for path in output.rglob("*.pdf")}
    assert {entry["path"] for entry in manifest["files"] if entry["kind"] != "web"} == on_disk
    for entry in manifest["files"]:
        assert sha256((output / entry["path"]).read_bytes()) == entry["sha256"]


def test_a_no_op_rebuild_renders_and_rewrites_nothing(content, tmp_path):
    output = tmp_path / "out"
    assert len(built(build(content, output, languages=("fr", "de")))) == 6
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*")}
    again = build(content, output, languages=("fr", "de"))
    assert built(again) == set()
    assert all(outcome.skipped for outcome in again.outcomes) and len(again.outcomes) == 6
    assert {path: path.stat().st_mtime_ns for path in output.rglob("*")} == before


def test_an_edit_rebuilds_exactly_the_outputs_that_use_what_changed(content, tmp_path):
    output = tmp_path / "out"
    build(content, output, languages=("fr", "de"))
    edit(content / "blocks/tolerance/de.yaml", "title: ", "title: Neu – ")
    assert built(build(content, output, languages=("fr", "de"))) == {
        "immunotherapy-side-effects (de, a4-leaflet)"}
    # A shared block is used by all three leaflets; its German translation becomes stale,
    # which the German editions say.
    edit(content / "blocks/talk-to-your-care-team/fr.yaml", "title: ", "title: Nouveau ")
    assert built(build(content, output, languages=("fr", "de"))) == {
        f"immunotherapy-{leaflet} ({language}, a4-leaflet)"
        for leaflet in ("basics", "response", "side-effects") for language in ("fr", "de")}
    # A translation that changes alone rebuilds only its own editions.
    edit(content / "blocks/talk-to-your-care-team/de.yaml", "title: ", "title: Neu ")
    assert built(build(content, output, languages=("fr", "de"))) == {
        f"immunotherapy-{leaflet} (de, a4-leaflet)"
        for leaflet in ("basics", "response", "side-effects")}
    assert_manifest_matches_disk(output)


def test_template_dependencies_are_recorded_while_rendering(content, tmp_path):
    templates = tmp_path / "templates"
    import shutil
    shutil.copytree(ROOT / "templates", templates)
    paths = builder.Paths(content=content, output=tmp_path / "out", templates=templates)
    selection = builder.Selection(languages=("en",), clinics=("generic",))
    builder.build(paths, selection, builder.Execution(jobs=1))
    # Only the side-effects leaflet has a wallet card.
    card = templates / "blocks/alert-card.html.j2"
    card.write_text(card.read_text().replace('class="card-cut"', 'class="card-cut x"'))
    result = builder.build(paths, selection, builder.Execution(jobs=1))
    assert built(result) == {"immunotherapy-side-effects (en, a4-leaflet)"}


def test_builds_are_byte_identical_whatever_the_number_of_workers(content, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    build(content, one, jobs=1, languages=("fr", "ar"))
    build(content, two, jobs=2, languages=("fr", "ar"))
    pdfs_one = {name: data for name, data in files(one).items() if name.endswith(".pdf")}
    assert len(pdfs_one) == 6
    assert pdfs_one == {name: data for name, data in files(two).items() if name.endswith(".pdf")}
    assert (one / MANIFEST).read_bytes() == (two / MANIFEST).read_bytes()


def test_a_build_killed_with_sigkill_leaves_no_broken_file(content, tmp_path):
    output = tmp_path / "out"
    command = [sys.executable, "-c", "import sys; from leaflets.cli import main; "
               f"sys.exit(main(['--content', {str(content)!r}, '--output', {str(output)!r}, "
               "'--clinic', 'generic']))"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(output.rglob("*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    pdfs = list(output.rglob("*.pdf"))
    assert 0 < len(pdfs) < 15, "the build should have been killed midway"
    for path in pdfs:
        assert len(PdfReader(path).pages) >= 2   # complete, readable PDFs only
    # The manifest is whole and describes the PDFs on disk, except at most the one
    # renamed into place in the instant before its manifest update was killed.
    manifest_path = output / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"files": []}
    listed = {entry["path"] for entry in manifest["files"]}
    assert all((output / path).is_file() for path in listed)
    assert len({str(path.relative_to(output)) for path in pdfs} - listed) <= 1

    result = build(content, output)
    assert len(result.outcomes) == 15 and not any(outcome.error for outcome in result.outcomes)
    assert len(list(output.rglob("*.pdf"))) == 15
    assert not [path for path in output.rglob(".*") if path.name.endswith(".partial")]
    assert_manifest_matches_disk(output)


def children() -> set[int]:
    """The process ids of this process's children (the pool's workers)."""
    found = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return found


def test_a_worker_that_crashes_fails_its_editions_and_the_next_build_completes(content,
                                                                               tmp_path):
    import threading

    output = tmp_path / "out"
    before = children()
    result: list[builder.Build] = []
    thread = threading.Thread(target=lambda: result.append(build(content, output)))
    thread.start()
    deadline = time.monotonic() + 60
    while not (children() - before) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)   # let the workers take their first jobs
    for pid in children() - before:
        os.kill(pid, signal.SIGKILL)
    thread.join(120)
    [crashed] = result
    errors = [outcome.error for outcome in crashed.outcomes if outcome.error]
    assert errors and all("worker process rendering it stopped unexpectedly" in error
                          for error in errors)
    assert_manifest_matches_disk(output) if (output / MANIFEST).exists() else None

    again = build(content, output)
    assert not [outcome.error for outcome in again.outcomes if outcome.error]
    assert len(list(output.rglob("*.pdf"))) == 15
    assert_manifest_matches_disk(output)


def test_watch_rebuilds_what_changed_on_save_and_survives_errors(content, tmp_path):
    output = tmp_path / "out"
    command = [sys.executable, "-u", "-c", "import sys; from leaflets.cli import main; "
               f"sys.exit(main(['watch', '--content', {str(content)!r}, '--output', "
               f"{str(output)!r}, '--lang', 'fr', '--leaflet', 'immunotherapy-side-effects', "
               "'--clinic', 'generic', '-j', '1']))"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)

    def read_until(marker: str) -> str:
        seen = ""
        deadline = time.monotonic() + 60
        while marker not in seen and time.monotonic() < deadline:
            # Raw reads: a buffered reader could hold lines that select() does not see.
            ready, _, _ = select.select([process.stdout], [], [], 1)
            if ready:
                seen += os.read(process.stdout.fileno(), 65536).decode()
        assert marker in seen, seen
        return seen

    try:
        assert "built   fr/immunotherapy-side-effects.pdf" in read_until("watching")
        edit(content / "blocks/tolerance/fr.yaml", "title:", "titel:")          # an error
        assert "unknown field 'titel'" in read_until("watching")
        edit(content / "blocks/tolerance/fr.yaml", "titel: ", "title: Modifié – ")  # fixed
        assert "built   fr/immunotherapy-side-effects.pdf" in read_until("watching")
    finally:
        process.kill()
        process.wait()
