"""What the preview server shows, kept current: each save re-renders the web pages that
changed (templates alone, in milliseconds), tells the browsers which, then rebuilds the
PDFs in workers kept warm for the server's life.

``Live`` is the state the request threads read: the last library that loaded, the
problems that stop the content from building (shown instead of every page until they are
fixed), and a numbered history of what changed, which the browsers follow.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from threading import Condition

from ..builder import Build, Builder, Paths, Selection
from ..errors import ContentError, LeafletError
from ..kinds.web import WebEdition, WebFiles
from ..model import Library
from ..workers import die_with_parent

EVERYTHING = "*"     # a change every page shows: the content broke, or was fixed
OWN_PAGES = "__leaflets/"   # a change the preview's own pages show: the library was read
KEPT_CHANGES = 200   # a browser further behind than this reloads whatever it shows


@dataclass(frozen=True)
class Change:
    """What a browser needs to know since the version it shows: which pages (output paths,
    or ``EVERYTHING``)."""

    version: int
    paths: frozenset[str]


@dataclass
class Live:
    """The state the server shares between the building thread and the request threads."""

    library: Library | None = None
    problems: list[str] = field(default_factory=list)   # located, one line each
    # Counted on from the clock, not from 0: a page an earlier server showed (the browser
    # keeps it, and its event stream's last id, across a restart) is then always behind
    # this server's versions, and reloads, instead of waiting for as many of them.
    version: int = field(default_factory=lambda: time.time_ns() // 1_000_000)
    closed: bool = False
    _history: list[frozenset[str]] = field(default_factory=list)
    _condition: Condition = field(default_factory=Condition)

    def publish(self, paths: set[str], problems: list[str], library: Library | None) -> None:
        """A build finished: what it changed, and what now stops the content (if anything).
        Nothing changed and nothing newly broken or fixed is no news."""
        with self._condition:
            if problems != self.problems:
                paths = {EVERYTHING}
            self.problems = problems
            if library is not None:
                self.library = library
            if not paths:
                return
            self._history = [*self._history, frozenset(paths)][-KEPT_CHANGES:]
            self.version += 1
            self._condition.notify_all()

    def changes_since(self, seen: int, timeout: float) -> Change | None:
        """The pages changed after version ``seen``, waiting up to ``timeout`` seconds for
        one; None if nothing changed (or the server is closing)."""
        with self._condition:
            self._condition.wait_for(lambda: self.version > seen or self.closed, timeout)
            if self.closed or self.version <= seen:
                return None
            missed = self.version - seen
            if missed > len(self._history):
                return Change(self.version, frozenset({EVERYTHING}))
            return Change(self.version, frozenset().union(*self._history[-missed:]))

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()


def serving_worker(parent: int) -> None:
    """A render worker of the server: as the builder's (it dies with the server), and deaf
    to Ctrl-C, which the terminal sends to the whole process group: the server stops its
    workers itself, so none prints an interrupted job's traceback."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm_pool(jobs: int) -> ProcessPoolExecutor:
    """The workers every PDF rebuild of the server's life uses, started now, before the
    server listens or a build holds the output folder's lock: a worker forked later would
    inherit both, and hold the lock for the server's life."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=serving_worker,
                               initargs=(os.getpid(),))
    try:
        for started in [pool.submit(os.getpid) for _ in range(jobs)]:
            started.result()
    except BaseException:   # Ctrl-C while they start: none is left behind
        pool.shutdown(cancel_futures=True)
        raise
    return pool


def problems_of(error: LeafletError) -> list[str]:
    """Each located message of an error, as the compilers print them."""
    if isinstance(error, ContentError):
        return [problem.diagnostic("error") for problem in error.problems]
    return [f"error: {line}" for line in str(error).splitlines()]


class Preview:
    """Builds into the served folder: web pages first on each change, then the PDFs."""

    def __init__(self, paths: Paths, selection: Selection, live: Live, pool: Executor):
        self.paths, self.selection, self.live, self.pool = paths, selection, live, pool
        self._known: dict[str, str] = {}   # output path → sha256, as the browsers have it

    def pages(self) -> bool:
        """Re-render the outdated web pages (no layout); True if the content builds."""
        builder = Builder(self.paths, self.selection, edition_kinds=(WebEdition(),),
                          site_kinds=(WebFiles(),), waiting=_waiting)
        return self._run(builder, {OWN_PAGES})

    def pdfs(self) -> bool:
        """Rebuild everything else the build makes (PDFs, catalogue pages) in the warm
        workers; True if the content builds."""
        builder = Builder(self.paths, self.selection, pool=self.pool, waiting=_waiting)
        built = self._run(builder)
        if built:
            print("PDFs up to date; watching for changes (Ctrl-C to stop)", flush=True)
        return built

    def _run(self, builder: Builder, also: frozenset[str] | set[str] = frozenset()) -> bool:
        try:
            result = builder.build()
        except LeafletError as error:
            problems = problems_of(error)
            self.live.publish(set(), problems, None)
            print("\n".join(problems), file=sys.stderr, flush=True)
            return False
        failures = [f"error: {outcome.error}" for outcome in result.outcomes
                    if outcome.error] + [f"error: {error}" for error in result.site_errors]
        self.live.publish(self._changed(result) | also, failures, result.library)
        for failure in failures:
            print(failure, file=sys.stderr, flush=True)
        return not failures

    def _changed(self, result: Build) -> set[str]:
        """The output paths whose bytes differ from what the browsers were last told of,
        and the pages the site kinds wrote (the catalogue)."""
        now = {path: record.sha256 for path, record in result.records.items()}
        changed = {path for path, digest in now.items() if self._known.get(path) != digest}
        changed |= set(self._known) - set(now)
        self._known = now
        output = self.paths.output.resolve()
        for written in result.site_files:
            absolute = written.resolve()
            if absolute.is_relative_to(output):
                changed.add(absolute.relative_to(output).as_posix())
        return changed

    def follow(self, changes: Iterator[set]) -> None:
        """Build now, then on every save: pages at once, PDFs once saving pauses (the
        watcher yields an empty set when nothing changed for a moment)."""
        pdfs_due = self.pages()
        for changed in changes:
            if changed:
                pdfs_due = self.pages()
            elif pdfs_due:
                pdfs_due = False
                self.pdfs()


def _waiting(lock) -> None:
    print(f"waiting for another build into the same folder to finish (it holds {lock})",
          file=sys.stderr, flush=True)
