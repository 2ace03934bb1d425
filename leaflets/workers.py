"""Where render jobs run: worker processes, this process (-j1), or a Dask cluster
(cluster.py).

A worker keeps one renderer per set of render settings, so WeasyPrint is imported,
fonts are loaded and stylesheets are parsed once per process, not once per PDF.
"""

from __future__ import annotations

import ctypes
import math
import os
import signal
import sys
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .fonts import FontFace
from .inputs import Roots
from .render import Job, Rendered


def default_jobs(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may use: its affinity, capped by a container's CPU quota
    (cgroup v2 ``cpu.max``, or v1 ``cpu.cfs_quota_us``), never the machine's count — a
    container given 2 CPUs of 64 would otherwise start 64 renderers."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    quota = _cgroup_quota(cgroup)
    return max(1, min(cores, math.ceil(quota))) if quota else cores


def _cgroup_quota(cgroup: Path) -> float | None:
    """The CPUs a cgroup quota allows (1.5 for 150 ms per 100 ms), or None: no quota."""
    candidates = ((cgroup / "cpu.max", None),
                  (cgroup / "cpu" / "cpu.cfs_quota_us", cgroup / "cpu" / "cpu.cfs_period_us"))
    for quota_file, period_file in candidates:
        try:
            fields = quota_file.read_text().split()
            if period_file is not None:
                fields.append(period_file.read_text().strip())
        except OSError:
            continue
        if len(fields) < 2 or fields[0] in ("max", "-1"):
            return None
        try:
            quota, period = int(fields[0]), int(fields[1])
        except ValueError:
            return None
        return quota / period if quota > 0 and period > 0 else None
    return None


# How long a Dask build waits for a worker, at its start or once every worker is lost,
# before it stops with a message naming the scheduler (a restarted worker is back sooner).
LOST_WORKERS_SECONDS = 30


@dataclass(frozen=True)
class Execution:
    """How render jobs run: local processes, or a Dask cluster."""

    jobs: int = field(default_factory=default_jobs)
    scheduler: str | None = None      # a Dask scheduler address, e.g. tcp://127.0.0.1:8786
    worker_wait: float = LOST_WORKERS_SECONDS


PR_SET_PDEATHSIG = 1   # prctl(2): the signal a process gets when its parent dies


@dataclass(frozen=True)
class RenderSettings:
    """What a worker needs to set up its renderer; sent with each job, cached per process."""

    project_json: str
    roots: Roots
    faces: tuple[FontFace, ...] | None = None   # the font files, if not the settings' own


_renderers: dict[RenderSettings, object] = {}


def renderer_for(settings: RenderSettings):
    """The worker process's renderer for these settings, made on first use."""
    from .model import Project
    from .render import Renderer

    if settings not in _renderers or not _renderers[settings].current():
        project = Project.model_validate_json(settings.project_json)
        _renderers[settings] = Renderer(project, settings.roots, settings.faces)
    return _renderers[settings]


def forget_renderers() -> None:
    """Drop the cached renderers (a Dask worker keeps only the latest build's)."""
    _renderers.clear()


def warm_up(settings: RenderSettings) -> None:
    """Runs in a worker before its first job: pay the set-up while the parent is busy."""
    renderer_for(settings)


def render_job(settings: RenderSettings, job: Job) -> Rendered:
    """Runs in a worker: lay out one document with the process's cached renderer."""
    return renderer_for(settings).render(job)


class InProcess(Executor):
    """Runs jobs one after the other in this process: no start-up cost for -j1."""

    def submit(self, function, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except Exception as error:  # handed to the caller through the future, as pools do
            future.set_exception(error)
        return future


def executor(execution: Execution, settings: RenderSettings, stack: ExitStack) -> Executor:
    """The executor for this build; ``stack`` closes it (and a Dask client) afterwards.
    Local workers start warming up at once, while the parent renders the HTML."""
    if execution.scheduler:
        from .cluster import cluster_executor

        return cluster_executor(execution.scheduler, execution.worker_wait, settings, stack)
    if execution.jobs <= 1:
        return InProcess()
    pool = ProcessPoolExecutor(max_workers=execution.jobs, initializer=die_with_parent,
                               initargs=(os.getpid(),))
    stack.callback(pool.shutdown, cancel_futures=True)
    with suppress(BrokenProcessPool):   # a worker that dies now fails the jobs, later
        for _ in range(execution.jobs):
            pool.submit(warm_up, settings)
    return pool


def die_with_parent(parent: int) -> None:
    """Runs first in each worker: the kernel ends it if the build process dies, however
    it dies (kill -9 included), so no worker outlives its build."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:   # the parent died before the request was made
            os._exit(1)
