"""The Builder: plan the editions, find the outdated ones, render them (in parallel),
write each output kind's files atomically, record their inputs, and finish.

Gather, then write: the whole content is validated and every edition to build
has its HTML rendered before the first file is written, so bad content never
leaves a half-built output folder. Documents are laid out in worker processes
(or on a Dask cluster); pages that need no layout (the web edition) are made here;
the parent alone writes files. Each output records the
inputs its render read, as they were read, so an input saved during a build is
seen as changed by the next one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from .citation_marks import stray_citation_problems
from .editions import (
    GENERIC,
    PREVIEW,
    Edition,
    Selection,
    approval,
    missing_translations,
    printed_block_files,
    select,
    unreleasable,
)
from .errors import BuildError, ContentError, SetupError, UsageError
from .filling import filled_text
from .glyphs import catalog_glyphs, missing_glyphs
from .i18n import load_catalog, typography
from .inputs import TOOL, CurrentHashes
from .kinds import (
    EditionKind,
    OutputKind,
    Page,
    PageKind,
    Product,
    Site,
    SiteKind,
    default_edition_kinds,
    default_site_kinds,
)
from .languages import language
from .markup import hidden_text_problems, image_problems_of, unfaithful_markup_problems
from .model import Library, LibraryLoader
from .model.checks import figure_problems
from .outputs import Outputs, Record, output_lock, remove_partial_files, sha256
from .paths import Paths
from .registry import FORMATS, VARIANTS, missing_files
from .render import Job
from .tasks import Task, render_html
from .templates import Templates
from .theme import PACKAGE
from .workers import Execution, RenderSettings, executor, render_job

KNOWN_KINDS = frozenset(kind.name for kind in default_edition_kinds())
__all__ = ["Build", "Builder", "Execution", "GENERIC", "Outcome", "Paths", "Selection", "build",
           "prepare", "render_html"]


@dataclass(frozen=True)
class Outcome:
    """What became of one edition in a build."""

    edition: Edition
    record: Record | None = None      # its main file
    skipped: bool = False             # up to date: nothing rendered, nothing written
    error: str | None = None


@dataclass
class Prepared:
    library: Library
    editions: list[Edition]
    templates: Templates


@dataclass
class Build:
    """A build's result: the library it read, the records of every output in the output
    folder, an outcome per edition, the editions refused for release, and the files the
    site kinds wrote."""

    library: Library
    records: dict[str, Record] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    site_files: list[Path] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)   # files no edition makes any more
    site_errors: list[str] = field(default_factory=list)


def check_output_folder(paths: Paths) -> None:
    """The output folder is the tool's: it may not be inside what the tool reads or is."""
    output = paths.output.resolve()
    roots = paths.roots
    for name, folder in (("content", paths.content), ("templates", paths.templates),
                         ("locales", paths.locales), ("theme", roots.theme_templates),
                         ("catalogs", roots.theme_locales), ("code", PACKAGE)):
        if output.is_relative_to(folder.resolve()):
            raise UsageError(f"--output {paths.output} is inside the {name} folder "
                             f"{folder}; choose a folder of its own, such as output/")


def prepare(paths: Paths, selection: Selection) -> Prepared:
    """Load and validate everything the selected editions need; write nothing."""
    check_output_folder(paths)
    library, problems = LibraryLoader(paths.content).read()
    try:
        editions = select(library, selection)
    except UsageError:   # a name the content problems explain (a leaflet that did not load)
        if problems:
            raise ContentError(problems) from None
        raise
    missing = missing_files(paths.roots.template_folders)
    if missing:
        raise SetupError("the templates folder lacks files the registry declares: "
                         + "; ".join(missing))
    problems += image_problems_of(library) + hidden_text_problems(library)
    problems += unfaithful_markup_problems(library) + stray_citation_problems(library)
    problems += figure_problems(library.blocks, library.root)
    problems += missing_translations(library, editions)
    problems += missing_glyphs(library, editions)
    catalogs = {}
    # A preview shows what is not translated yet in the source language, strings included.
    previewed = [library.project.source_language] if any(
        edition.preview for edition in editions) else []
    for code in dict.fromkeys([edition.language for edition in editions] + previewed):
        try:
            catalogs[code] = load_catalog(paths.roots.catalog_folders, code)
        except ContentError as error:
            problems.extend(error.problems)
    problems += catalog_glyphs(library, catalogs)
    if problems:
        raise ContentError(problems)
    return Prepared(library, editions, Templates(paths.roots))


def tool_version() -> str:
    """Stands for the code that turns inputs into outputs: this package and WeasyPrint."""
    digest = hashlib.sha256(version("weasyprint").encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Builder:
    """Builds the selected editions whose inputs changed, with the given output kinds."""

    def __init__(self, paths: Paths, selection: Selection = Selection(),
                 execution: Execution = Execution(), *, release: bool = False,
                 progress: Callable[[Outcome, int], None] = lambda outcome, total: None,
                 waiting: Callable[[Path], None] = lambda lock: None,
                 edition_kinds: tuple[OutputKind, ...] | None = None,
                 site_kinds: tuple[SiteKind, ...] | None = None,
                 pool: Executor | None = None):
        self.paths, self.selection, self.execution = paths, selection, execution
        self.release, self.progress, self.waiting = release, progress, waiting
        self.edition_kinds = edition_kinds if edition_kinds is not None else \
            default_edition_kinds()
        self.site_kinds = site_kinds if site_kinds is not None else default_site_kinds()
        self.pool = pool   # workers kept warm by the caller (serve), instead of a new pool
        self._refused: set[Edition] = set()

    def build(self) -> Build:
        prepared = prepare(self.paths, self.selection)
        with output_lock(self.paths.output, self.waiting):
            return self._build(prepared)

    def _build(self, prepared: Prepared) -> Build:
        result = Build(prepared.library)
        editions = self._releasable(prepared, result)
        outputs = Outputs(self.paths.output)
        result.records = outputs.records   # kept up to date as files are written
        result.removed = outputs.prune(lambda record: self._still_made(prepared.library,
                                                                       record))
        hashes = CurrentHashes(self.paths.roots, tool_version())
        outdated = self._outdated(prepared.library, editions, outputs, hashes, result)
        if outdated:
            remove_partial_files(self.paths.output)
            try:
                self._render_and_write(prepared, outdated, outputs, hashes, result)
            finally:
                # The state is a cache: if it cannot be saved, the next build renders again.
                with suppress(OSError):
                    outputs.save_state()
        site = Site(self.paths.output, self.paths.roots, prepared.library,
                    list(result.records.values()))
        for kind in self.site_kinds:
            try:
                result.site_files += kind.finish(site)
            except OSError as failure:   # the editions are written: say what is missing
                result.site_errors.append(f"{kind.name}: cannot write {failure.filename}: "
                                          f"{failure.strerror}")
        return result

    def kinds_of(self, library: Library, edition: Edition) -> list[OutputKind]:
        return [kind for kind in self.edition_kinds if kind.applies(library, edition)]

    def _still_made(self, library: Library, record: Record) -> bool:
        """Whether an edition of the library still makes this file, where it is. A file
        of a kind this builder does not make, but the tool does, is left as it is (serve
        writes web pages alone first, then the rest)."""
        kind = next((kind for kind in self.edition_kinds if kind.name == record.kind), None)
        if kind is None and record.kind in KNOWN_KINDS:
            return True
        clinic = library.clinics.get(record.clinic) if record.clinic else None
        if (kind is None or record.leaflet not in library.leaflets
                or library.leaflets[record.leaflet].leaflet.withdrawn is not None
                or record.language not in library.languages
                or record.format not in FORMATS or record.variant not in VARIANTS
                or (record.clinic and not (clinic and clinic.takes(record.leaflet,
                                                                    record.language)))):
            return False
        preview = record.approval == PREVIEW
        # A release's folder holds no preview, nor an edition of a language in progress
        # (built with --lang, never released while in progress).
        if self.release and (preview or record.language in library.project.in_progress):
            return False
        edition = Edition(record.leaflet, record.language, record.format, record.variant,
                          record.clinic, preview)
        return (kind.applies(library, edition) and kind.path(library, edition) == record.path
                and edition not in self._refused)

    def _releasable(self, prepared: Prepared, result: Build) -> list[Edition]:
        """For a release, the editions whose printed blocks are all approved and current;
        the others are listed in ``result.refused``."""
        if not self.release:
            return prepared.editions
        editions = []
        for edition in prepared.editions:
            reasons = unreleasable(prepared.library, edition)
            if reasons:   # nor does an earlier file of it stay in a release's folder
                self._refused.add(edition)
                result.refused.append(f"{edition}: {'; '.join(reasons)}")
            else:
                editions.append(edition)
        return editions

    def _outdated(self, library: Library, editions: list[Edition], outputs: Outputs,
                  hashes: CurrentHashes, result: Build) -> dict[Edition, list[OutputKind]]:
        """Each edition with an output whose recorded inputs changed (or that is missing),
        with the kinds to make again; an outcome is reported now for each of the others."""
        outdated = {}
        for edition in editions:
            kinds = self.kinds_of(library, edition)
            stale = [kind for kind in kinds
                     if not outputs.is_current(kind.path(library, edition), hashes)]
            if stale:
                outdated[edition] = stale
            elif kinds:
                self._report(result, Outcome(edition, outputs.records[kinds[0].path(
                    library, edition)], skipped=True), len(editions))
        return outdated

    def _report(self, result: Build, outcome: Outcome, total: int) -> None:
        result.outcomes.append(outcome)
        self.progress(outcome, total)

    def _render_and_write(self, prepared: Prepared, outdated: dict[Edition, list[OutputKind]],
                          outputs: Outputs, hashes: CurrentHashes, result: Build) -> None:
        total = len(result.outcomes) + len(outdated)
        library = prepared.library
        # Gather, then write: every page and every edition's HTML, before the first file.
        pages, failed = {}, {}
        for edition, kinds in outdated.items():
            try:
                pages[edition] = [(kind, kind.make(library, prepared.templates, edition))
                                  for kind in kinds if isinstance(kind, PageKind)]
            except BuildError as error:
                failed[edition] = str(error)
        tasks = {edition: Task(library, prepared.templates, edition)
                 for edition, kinds in outdated.items() if edition not in failed
                 and any(isinstance(kind, EditionKind) for kind in kinds)}
        for edition, error in failed.items():
            self._report(result, Outcome(edition, error=error), total)
        for edition in pages.keys() - tasks.keys():   # their pages alone were outdated
            self._finish(result, total, *self._write(library, edition, [], pages[edition],
                                                     outputs, hashes(TOOL)), edition)
        if not tasks:
            return
        settings = RenderSettings(library.project.model_dump_json(), self.paths.roots.resolved())
        with ExitStack() as stack:
            pool = self.pool or executor(self.execution, settings, stack)
            for edition, rendered, error in _results(pool, settings, tasks):
                record = None
                if error is None:
                    task = tasks[edition]
                    laid_out = [(kind, kind.make(edition, rendered), task.inputs)
                                for kind in outdated[edition] if isinstance(kind, EditionKind)]
                    error, record = self._write(library, edition, laid_out, pages[edition],
                                                outputs, hashes(TOOL))
                self._finish(result, total, error, record, edition)

    def _finish(self, result: Build, total: int, error: str | None, record: Record | None,
                edition: Edition) -> None:
        self._report(result, Outcome(edition, None if error else record, error=error), total)

    def _write(self, library: Library, edition: Edition,
               laid_out: list[tuple[EditionKind, Product, dict[str, str]]],
               pages: list[tuple[PageKind, Page]], outputs: Outputs,
               tool: str) -> tuple[str | None, Record | None]:
        """Write an edition's files, each recorded with the inputs it was made from;
        return (error, main record)."""
        made = laid_out + [(kind, page.product, page.inputs) for kind, page in pages]
        records = []
        try:
            for kind, product, read in made:
                inputs = {**dict(sorted(read.items())), TOOL: tool}
                record = _record(library, edition, kind, kind.path(library, edition), product,
                                 inputs)
                outputs.write(record, product.data)
                records.append(record)
        except OSError as failure:   # a full disk, a read-only folder
            return (f"{edition}: cannot write {failure.filename}: {failure.strerror}", None)
        return None, records[0]


def _record(library: Library, edition: Edition, kind: OutputKind, path: str, product: Product,
            inputs: dict[str, str]) -> Record:
    lang = language(edition.language)
    leaflet = library.leaflets[edition.leaflet].leaflet
    cover = printed_block_files(library, edition)[0].block
    # The title as the first page prints it: typeset, then its placeholders filled.
    clinic = library.clinics[edition.clinic].clinic if edition.clinic else None
    title = filled_text(typography(cover.title, lang), clinic, lang)
    return Record(path, kind.name, edition.leaflet, edition.language, edition.clinic,
                  edition.format, edition.variant, product.layout, title,
                  lang.direction, leaflet.version, leaflet.review_by.isoformat(), product.pages,
                  len(product.data), sha256(product.data), approval(library, edition), inputs)


CRASHED = "the worker process rendering it stopped unexpectedly (killed, or out of memory)"


def _results(pool: Executor, settings: RenderSettings,
             tasks: dict[Edition, Task]) -> Iterator[tuple]:
    """Run every task's jobs; yield (edition, rendered, error) as each edition completes.
    A worker that dies fails the editions it took down, each with its own error."""
    futures: dict[Future, Edition] = {}

    def submit(edition: Edition, job: Job) -> tuple | None:
        try:
            futures[pool.submit(render_job, settings, job)] = edition
        except BrokenProcessPool:
            return edition, None, f"{edition}: {CRASHED}"
        return None

    failed = [submit(edition, task.first) for edition, task in tasks.items()]
    yield from (failure for failure in failed if failure)
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
                yield edition, None, f"{edition}: {CRASHED}"
            else:
                failure = None if follow_up is None else submit(edition, follow_up)
                if follow_up is None or failure:
                    yield failure or (edition, rendered, None)


def build(paths: Paths, selection: Selection = Selection(), execution: Execution = Execution(),
          progress: Callable[[Outcome, int], None] = lambda outcome, total: None,
          release: bool = False) -> Build:
    """Build the selected editions whose inputs changed, and the catalogue pages."""
    return Builder(paths, selection, execution, release=release, progress=progress).build()
