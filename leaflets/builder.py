"""Plans editions, renders the ones whose inputs changed (in parallel), records the results.

Gather, then write: the whole content is validated and every edition to build
has its HTML rendered before the first PDF is written, so bad content never
leaves a half-built output folder. PDFs are laid out in worker processes (or
on a Dask cluster); the parent alone writes files, atomically.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .errors import BuildError, ContentError, Location, Problem, UsageError, shown
from .glyphs import missing_glyphs
from .i18n import CATALOG, load_catalog
from .model import Library, load_library
from .outputs import InputHashes, Outputs, Record, remove_partial_files, sha256
from .templates import Edition, RenderedHTML, Templates

ROOT = Path(__file__).resolve().parent.parent
TOOL = "tool"   # the name of the input that stands for the code of this tool


@dataclass(frozen=True)
class Paths:
    content: Path = ROOT / "content"
    output: Path = ROOT / "output"
    templates: Path = ROOT / "templates"
    locales: Path = ROOT / "locales"

    @property
    def assets(self) -> Path:
        return self.content / "assets"


@dataclass(frozen=True)
class Selection:
    languages: tuple[str, ...] = ()   # empty: every language
    leaflets: tuple[str, ...] = ()    # empty: every leaflet


@dataclass(frozen=True)
class Execution:
    """How render jobs run: local processes, or a Dask cluster."""

    jobs: int = os.cpu_count() or 1
    scheduler: str | None = None      # a Dask scheduler address, e.g. tcp://127.0.0.1:8786


@dataclass(frozen=True)
class Outcome:
    """What became of one edition in a build."""

    edition: Edition
    record: Record | None = None
    skipped: bool = False             # up to date: nothing rendered, nothing written
    error: str | None = None


@dataclass
class Prepared:
    library: Library
    editions: list[Edition]
    templates: Templates


# --- validation ---------------------------------------------------------------------

def select(library: Library, selection: Selection) -> list[Edition]:
    for asked, known, what in ((selection.languages, library.languages, "language"),
                               (selection.leaflets, list(library.leaflets), "leaflet")):
        unknown = [item for item in asked if item not in known]
        if unknown:
            raise UsageError(f"unknown {what} {', '.join(map(repr, unknown))}; "
                             f"expected one of: {', '.join(known)}")
    languages = selection.languages or tuple(library.languages)
    leaflets = selection.leaflets or tuple(library.leaflets)
    return [Edition(leaflet, language) for leaflet in leaflets for language in languages]


def missing_translations(library: Library, editions: list[Edition]) -> list[Problem]:
    """Every block an edition uses must exist in its language: no fallback to another one."""
    problems = []
    for edition in editions:
        leaflet_file = library.leaflets[edition.leaflet]
        for index, block_id in enumerate(leaflet_file.leaflet.blocks):
            if edition.language not in library.blocks.get(block_id, {}):
                problems.append(leaflet_file.document.problem(
                    ("blocks", index),
                    f"block '{block_id}' has no '{edition.language}' translation: expected "
                    f"content/blocks/{block_id}/{edition.language}.yaml (or leave "
                    f"'{edition.language}' out with --lang)"))
    return problems


def prepare(paths: Paths, selection: Selection) -> Prepared:
    """Load and validate everything the selected editions need; write nothing."""
    library = load_library(paths.content)
    editions = select(library, selection)
    problems = missing_translations(library, editions)
    used = {(block_id, edition.language) for edition in editions
            for block_id in library.leaflets[edition.leaflet].leaflet.blocks}
    problems += missing_glyphs(library, [library.blocks[block_id][language]
                                         for block_id, language in sorted(used)
                                         if language in library.blocks.get(block_id, {})])
    for language in dict.fromkeys(edition.language for edition in editions):
        try:
            load_catalog(paths.locales, language)
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    return Prepared(library, editions, Templates(paths.templates, paths.locales))


def render_html(templates: Templates, library: Library, edition: Edition) -> RenderedHTML:
    try:
        return templates.render(library, edition)
    except TemplateSyntaxError as error:
        where = Location(shown(Path(error.filename or error.name or "?")), error.lineno or 1)
        raise ContentError([Problem(where, f"template syntax error: {error.message}")]) from None
    except TemplateError as error:
        raise BuildError(f"{edition}: template error: {error}") from None


# --- inputs of an edition -----------------------------------------------------------

def tool_version() -> str:
    """Stands for the code that turns inputs into PDFs: this package and WeasyPrint."""
    digest = hashlib.sha256(version("weasyprint").encode())
    for path in sorted((ROOT / "leaflets").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def edition_files(paths: Paths, library: Library, edition: Edition,
                  templates: list[Path]) -> list[Path]:
    """Every file an edition's PDF is made from."""
    from .render import font_faces

    leaflet = library.leaflets[edition.leaflet]
    return [
        paths.content / "project.yaml", paths.content / "sources.yaml",
        leaflet.document.path,
        *(library.blocks[block_id][edition.language].document.path
          for block_id in leaflet.leaflet.blocks),
        paths.locales / edition.language / CATALOG,
        paths.templates / "leaflet.css",
        *templates,
        *(face.path for face in font_faces(library.project)),
    ]


def output_path(edition: Edition) -> str:
    """Where an edition's PDF goes, relative to the output folder."""
    return f"{edition.language}/{edition.leaflet}.pdf"


def approval(library: Library, edition: Edition) -> str:
    """The least advanced review status of the edition's blocks."""
    order = ["draft", "reviewed", "approved"]
    statuses = [library.blocks[block_id][edition.language].block.review.status
                for block_id in library.leaflets[edition.leaflet].leaflet.blocks]
    return min(statuses, key=order.index)


# --- rendering in workers -----------------------------------------------------------

@dataclass(frozen=True)
class RenderSettings:
    """What a worker needs to set up its renderer; sent once per job, cached per process."""

    project_json: str
    templates: Path
    assets: tuple[Path, ...]


_renderers: dict[RenderSettings, object] = {}


def renderer_for(settings: RenderSettings):
    """The worker process's renderer for these settings, made on first use."""
    from .model import Project
    from .render import Renderer

    if settings not in _renderers:
        project = Project.model_validate_json(settings.project_json)
        _renderers[settings] = Renderer(project, settings.templates, list(settings.assets))
    return _renderers[settings]


def warm_up(settings: RenderSettings) -> None:
    """Runs in a worker before its first job: pay the set-up while the parent is busy."""
    renderer_for(settings)


def render_pdf(settings: RenderSettings, html: str, name: str) -> tuple[bytes, int]:
    """Runs in a worker: lay out one document with the process's cached renderer."""
    return renderer_for(settings).render(html, name)


class _InProcess(Executor):
    """Runs jobs one after the other in this process: no start-up cost for -j1."""

    def submit(self, function, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except Exception as error:  # handed to the caller through the future, as pools do
            future.set_exception(error)
        return future


def _executor(execution: Execution, stack: ExitStack) -> Executor:
    """The executor for this build; ``stack`` closes it (and a Dask client) afterwards."""
    if execution.scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--executor dask needs the 'dask' extra: "
                             ".venv/bin/pip install 'dask[distributed]'") from None
        return stack.enter_context(Client(execution.scheduler)).get_executor()
    if execution.jobs <= 1:
        return _InProcess()
    pool = ProcessPoolExecutor(max_workers=execution.jobs)
    stack.callback(pool.shutdown, cancel_futures=True)
    return pool


# --- the build ----------------------------------------------------------------------

@dataclass
class Build:
    """A build in progress: what it planned, and an outcome per edition."""

    outcomes: list[Outcome] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def build(paths: Paths, selection: Selection, execution: Execution = Execution(),
          progress: Callable[[Outcome, int], None] = lambda outcome, total: None,
          release: bool = False) -> Build:
    """Build the selected editions whose inputs changed; report an outcome for each.

    For a release, editions with blocks that are not approved and current are
    refused (listed in ``Build.refused``) and the others are built.
    """
    from .status import unreleasable

    prepared = prepare(paths, selection)
    library, result = prepared.library, Build()
    editions = prepared.editions
    if release:
        for edition in list(editions):
            reasons = unreleasable(library, edition.leaflet, edition.language)
            if reasons:
                result.refused.append(f"{edition}: {'; '.join(reasons)}")
                editions.remove(edition)

    outputs = Outputs(paths.output)
    hashes = InputHashes({TOOL: tool_version()})
    stale = []
    for edition in editions:
        if outputs.is_current(output_path(edition), hashes):
            outcome = Outcome(edition, outputs.records[output_path(edition)], skipped=True)
            result.outcomes.append(outcome)
            progress(outcome, len(editions))
        else:
            stale.append(edition)
    if not stale:
        return result

    remove_partial_files(paths.output)
    settings = RenderSettings(library.project.model_dump_json(), paths.templates.resolve(),
                              (paths.assets.resolve(),) if paths.assets.is_dir() else ())
    with ExitStack() as stack:
        executor = _executor(execution, stack)
        if isinstance(executor, ProcessPoolExecutor):
            # Workers import WeasyPrint and load fonts while the HTML is rendered here.
            for _ in range(execution.jobs):
                executor.submit(warm_up, settings)
        pending = [(edition, render_html(prepared.templates, library, edition))
                   for edition in stale]
        try:
            for edition, rendered, pdf, pages, error in _results(executor, settings, pending):
                if error is not None:
                    outcome = Outcome(edition, error=error)
                else:
                    files = edition_files(paths, library, edition, rendered.templates)
                    record = Record(output_path(edition), edition.leaflet, edition.language,
                                    library.format_of(edition.leaflet),
                                    library.leaflets[edition.leaflet].leaflet.version, pages,
                                    len(pdf), sha256(pdf), approval(library, edition),
                                    hashes.of(files, [TOOL]))
                    outputs.write(record, pdf)
                    outcome = Outcome(edition, record)
                result.outcomes.append(outcome)
                progress(outcome, len(editions))
        finally:
            outputs.save_state()
    return result


def _results(executor: Executor, settings: RenderSettings,
             pending: list[tuple[Edition, RenderedHTML]]) -> Iterator[tuple]:
    """Render jobs on the executor; yield each result as it completes, failures included."""
    futures = {executor.submit(render_pdf, settings, rendered.html, str(edition)):
               (edition, rendered) for edition, rendered in pending}
    for future in as_completed(futures):
        edition, rendered = futures[future]
        try:
            pdf, pages = future.result()
        except BuildError as error:
            yield edition, rendered, None, 0, str(error)
        except BrokenProcessPool:
            yield edition, rendered, None, 0, f"{edition}: the worker process crashed"
        else:
            yield edition, rendered, pdf, pages, None
