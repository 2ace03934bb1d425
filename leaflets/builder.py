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
from concurrent.futures import (FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor,
                                wait)
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .errors import BuildError, ContentError, Location, Problem, UsageError, shown
from .glyphs import missing_glyphs
from .i18n import CATALOG, language, load_catalog, typography
from .model import Library, load_library
from .outputs import InputHashes, Outputs, Record, remove_partial_files, sha256
from .formats import FORMATS, LARGE_PRINT_FORMAT, impose_saddle_stitch, panel_assignment
from .render import Job, Rendered
from .templates import VARIANTS, Edition, RenderedHTML, Templates

ROOT = Path(__file__).resolve().parent.parent
TOOL = "tool"   # the name of the input that stands for the code of this tool
GENERIC = "generic"   # --clinic generic: the editions without a clinic


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
    variants: tuple[str, ...] = ("screen",)
    format: str | None = None         # instead of each leaflet's own format
    clinics: tuple[str, ...] = ()     # empty: the generic editions and every clinic's;
                                      # "generic" names the generic editions


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
                               (selection.leaflets, list(library.leaflets), "leaflet"),
                               (selection.variants, list(VARIANTS), "variant"),
                               ((selection.format,) if selection.format else (),
                                list(FORMATS), "format"),
                               (selection.clinics, [GENERIC, *library.clinics], "clinic")):
        unknown = [item for item in asked if item not in known]
        if unknown:
            raise UsageError(f"unknown {what} {', '.join(map(repr, unknown))}; "
                             f"expected one of: {', '.join(known)}")
    languages = selection.languages or tuple(library.languages)
    leaflets = selection.leaflets or tuple(library.leaflets)
    clinics = [None if clinic == GENERIC else clinic
               for clinic in selection.clinics or (GENERIC, *library.clinics)]
    return [Edition(leaflet, language, edition_format(library, leaflet, variant, selection.format),
                    variant, clinic)
            for clinic in clinics for leaflet in leaflets for language in languages
            for variant in selection.variants
            if clinic is None or library.clinics[clinic].takes(leaflet, language)]


def edition_format(library: Library, leaflet: str, variant: str, chosen: str | None = None) -> str:
    """The leaflet's own format, or the one chosen on the command line; large print is
    always A4 portrait."""
    if variant == "large-print":
        return LARGE_PRINT_FORMAT
    return chosen or library.format_of(leaflet)


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
    problems += missing_glyphs(library, editions)
    for code in dict.fromkeys(edition.language for edition in editions):
        try:
            load_catalog(paths.locales, code)
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    return Prepared(library, editions, Templates(paths.templates, paths.locales))


def render_html(templates: Templates, library: Library, edition: Edition,
                panels: dict[str, int] | None = None) -> RenderedHTML:
    try:
        return templates.render(library, edition, panels)
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
        paths.templates / "formats" / f"{edition.format}.css",
        paths.templates / "variants" / f"{edition.variant}.css",
        *templates,
        *(face.path for face in font_faces(library.project)),
        *([Path(library.project.print.output_profile)] if edition.variant == "press" else []),
        *(clinic_files(library, edition.clinic) if edition.clinic else []),
    ]


def clinic_files(library: Library, clinic_id: str) -> list[Path]:
    clinic = library.clinics[clinic_id]
    logo = [library.root / "assets" / clinic.clinic.logo] if clinic.clinic.logo else []
    return [clinic.document.path, *logo]


def output_path(library: Library, edition: Edition, imposed: bool = False) -> str:
    """Where an edition's PDF goes, relative to the output folder:
    ``[clinics/<clinic>/]<lang>/<leaflet>[.<format>][.<variant>][.imposed].pdf``, where
    the format is named only when the command line chose it, the variant unless it is
    screen."""
    parts = [edition.leaflet]
    if edition.format != edition_format(library, edition.leaflet, edition.variant):
        parts.append(edition.format)
    if edition.variant != "screen":
        parts.append(edition.variant)
    if imposed:
        parts.append("imposed")
    folder = f"clinics/{edition.clinic}/" if edition.clinic else ""
    return f"{folder}{edition.language}/{'.'.join(parts)}.pdf"


def edition_outputs(library: Library, edition: Edition) -> list[str]:
    """Every file an edition writes: its PDF, and the imposed sheets of a booklet."""
    imposed = FORMATS[edition.format].imposed and edition.variant == "screen"
    return [output_path(library, edition)] + (
        [output_path(library, edition, imposed=True)] if imposed else [])


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


def render_job(settings: RenderSettings, job: Job) -> Rendered:
    """Runs in a worker: lay out one document with the process's cached renderer."""
    return renderer_for(settings).render(job)


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


class Task:
    """The jobs that make one edition: usually one; two for a folded sheet, whose
    second pass places the blocks on the panels the first pass found for them."""

    def __init__(self, prepared: Prepared, edition: Edition):
        self.prepared, self.edition = prepared, edition
        self.format = FORMATS[edition.format]
        rendered = render_html(prepared.templates, prepared.library, edition)
        self.templates = list(rendered.templates)
        self.first = Job(str(edition), rendered.html, edition.format, edition.variant,
                         self.format.page_multiple, rendered.filler)
        self.sheet_done = False

    def next_job(self, rendered: Rendered) -> Job | None:
        """The job that follows ``rendered``, or None when the edition is complete."""
        if not self.format.panels or self.sheet_done:
            return None
        library, edition = self.prepared.library, self.edition
        block_ids = library.leaflets[edition.leaflet].leaflet.blocks_in(edition.format)
        types = {block_id: library.blocks[block_id][edition.language].block.type
                 for block_id in block_ids}
        panels = panel_assignment(str(edition), block_ids, types, rendered.anchors,
                                  rendered.pages)
        if edition.variant == "screen":
            return None  # the panels as pages, in reading order, are the screen edition
        self.sheet_done = True
        sheet = render_html(self.prepared.templates, library, edition, panels)
        self.templates += sheet.templates
        return Job(str(edition), sheet.html, edition.format, edition.variant)


# --- the build ----------------------------------------------------------------------

@dataclass
class Build:
    """A build in progress: the library it read, the records of every PDF in the output
    folder, and an outcome per edition."""

    library: Library
    records: dict[str, Record] = field(default_factory=dict)
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
    library, result = prepared.library, Build(prepared.library)
    editions = prepared.editions
    if release:
        for edition in list(editions):
            reasons = unreleasable(library, edition.leaflet, edition.language)
            if reasons:
                result.refused.append(f"{edition}: {'; '.join(reasons)}")
                editions.remove(edition)

    outputs = Outputs(paths.output)
    result.records = outputs.records   # kept up to date as PDFs are written
    hashes = InputHashes({TOOL: tool_version()})
    stale = []
    for edition in editions:
        path = output_path(library, edition)
        if all(outputs.is_current(output, hashes) for output in edition_outputs(library, edition)):
            outcome = Outcome(edition, outputs.records[path], skipped=True)
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
        tasks = {edition: Task(prepared, edition) for edition in stale}
        try:
            for edition, rendered, error in _results(executor, settings, tasks):
                if error is None:
                    try:
                        outcome = Outcome(edition, _write(paths, outputs, hashes, tasks[edition],
                                                          rendered))
                    except OSError as failure:   # a full disk, a read-only folder
                        outcome = Outcome(edition, error=f"{edition}: cannot write "
                                                         f"{failure.filename}: {failure.strerror}")
                else:
                    outcome = Outcome(edition, error=error)
                result.outcomes.append(outcome)
                progress(outcome, len(editions))
        finally:
            # The state is a cache: if it cannot be saved, the next build renders again.
            with suppress(OSError):
                outputs.save_state()
    return result


def _write(paths: Paths, outputs: Outputs, hashes: InputHashes, task: Task,
           rendered: Rendered) -> Record:
    """Write an edition's PDF (and its imposed sheets, for booklets); return its record."""
    library, edition = task.prepared.library, task.edition
    inputs = hashes.of(edition_files(paths, library, edition, task.templates), [TOOL])
    leaflet = library.leaflets[edition.leaflet].leaflet

    cover = library.blocks[leaflet.blocks[0]][edition.language].block

    def record(path: str, pdf: bytes, pages: int, layout: str) -> Record:
        lang = language(edition.language)
        return Record(path, edition.leaflet, edition.language, edition.clinic, edition.format,
                      edition.variant, layout, typography(cover.title, lang), lang.direction,
                      leaflet.version, leaflet.review_by.isoformat(), pages, len(pdf),
                      sha256(pdf), approval(library, edition), inputs)

    main_path, *imposed = edition_outputs(library, edition)
    main = record(main_path, rendered.pdf, rendered.pages, "pages")
    outputs.write(main, rendered.pdf)
    if imposed:
        sheets = impose_saddle_stitch(rendered.pdf, language(edition.language).rtl)
        outputs.write(record(imposed[0], sheets, rendered.pages // 2, "saddle-stitch"), sheets)
    return main


def _results(executor: Executor, settings: RenderSettings,
             tasks: dict[Edition, Task]) -> Iterator[tuple]:
    """Run every task's jobs; yield (edition, rendered, error) as each edition completes."""
    futures = {executor.submit(render_job, settings, task.first): edition
               for edition, task in tasks.items()}
    while futures:
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        for future in done:
            edition = futures.pop(future)
            try:
                rendered = future.result()
                follow_up = tasks[edition].next_job(rendered)
            except BuildError as error:
                yield edition, None, str(error)
            except BrokenProcessPool:
                yield edition, None, f"{edition}: the worker process crashed"
            else:
                if follow_up is None:
                    yield edition, rendered, None
                else:
                    futures[executor.submit(render_job, settings, follow_up)] = edition
