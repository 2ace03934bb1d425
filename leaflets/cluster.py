"""Render jobs on a Dask cluster whose machines share nothing with this one but Python.

A worker (and the scheduler, which unpickles task graphs) needs Python and the tool's
dependencies, not the tool nor this machine's folders. The client sends its own
``leaflets`` package (as a plugin, so that a worker joining later gets it too, and one
with another version of the tool installed uses the client's), and the files a render
reads (shipment.py). Losing a worker is the scheduler's business; losing every one stops
the build after a bounded wait, with a message naming the scheduler.
"""

from __future__ import annotations

import threading
import time
import uuid
import zipfile
from concurrent.futures import Executor, Future, InvalidStateError
from contextlib import ExitStack, suppress
from functools import partial
from io import BytesIO
from pathlib import Path, PurePath

from .errors import BuildError, SetupError, UsageError
from .inputs import sha256
from .shipment import Shipment, render_on_worker
from .theme import PACKAGE
from .workers import RenderSettings, render_job

CONNECT_SECONDS = 5      # an unreachable scheduler is reported within this
POLL_SECONDS = 0.5       # how often the client asks the scheduler how many workers it has
CODE_PLUGIN = "leaflets-code"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)   # fixed, so the same code gives the same archive


def cluster_executor(address: str, worker_wait: float, settings: RenderSettings,
                     stack: ExitStack) -> Executor:
    """Connect to the scheduler, send the code and the inputs; ``stack`` closes it all."""
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--executor dask needs the 'dask' extra: python3 build.py setup "
                         "--extra dask (or: pip install 'leaflets[dask]')") from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise SetupError(f"cannot reach the Dask scheduler at {address} within "
                         f"{CONNECT_SECONDS} s ({error}); is it running? Start it with: "
                         "dask scheduler") from None
    stack.callback(partial(client.close, timeout=CONNECT_SECONDS))
    for plugin in code_plugins(package_archive()):
        client.register_plugin(plugin, name=CODE_PLUGIN)
    try:
        client.wait_for_workers(1, timeout=worker_wait)
    except TimeoutError:
        raise SetupError(f"no Dask worker is connected to the scheduler at {address} (waited "
                         f"{worker_wait:g} s); start one with: dask worker {address}") from None
    shipment = client.scatter(Shipment.of(settings), broadcast=True, hash=False)
    pool = ClusterPool(client, address, shipment, worker_wait)
    stack.callback(pool.shutdown)
    return pool


# --- the code --------------------------------------------------------------------------


def package_archive() -> bytes:
    """This process's leaflets package as a zip archive, the same bytes for the same code."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(PACKAGE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                name = (PurePath("leaflets") / path.relative_to(PACKAGE)).as_posix()
                info = zipfile.ZipInfo(name, _ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def code_plugins(archive: bytes) -> list:
    """A worker plugin and a scheduler plugin that install this package from ``archive``.

    Their classes are made here, not at module level, so that cloudpickle sends them by
    value: a worker cannot import anything of leaflets before it has received it."""
    import importlib
    import sys

    from distributed.diagnostics.plugin import SchedulerPlugin, WorkerPlugin

    folder_name = f"leaflets-code-{sha256(archive)[:16]}"

    def install(local_directory: str) -> None:
        folder = Path(local_directory) / folder_name
        loaded = sys.modules.get("leaflets")
        if loaded is not None and Path(loaded.__file__).parent.parent == folder:
            return   # this version already runs here
        if not folder.is_dir():
            partial_folder = folder.with_name(f"{folder_name}.{uuid.uuid4().hex}")
            zipfile.ZipFile(BytesIO(archive)).extractall(partial_folder)
            partial_folder.rename(folder)
        # Another version's modules (an earlier build's, or an installed one) give way.
        for name in [name for name in sys.modules if name.partition(".")[0] == "leaflets"]:
            del sys.modules[name]
        sys.path[:] = [entry for entry in sys.path
                       if not Path(entry).name.startswith("leaflets-code-")]
        sys.path.insert(0, str(folder))
        importlib.invalidate_caches()

    class InstallOnWorker(WorkerPlugin):
        def setup(self, worker) -> None:
            install(worker.local_directory)

    class InstallOnScheduler(SchedulerPlugin):
        async def start(self, scheduler) -> None:
            install(scheduler.local_directory)

    return [InstallOnWorker(), InstallOnScheduler()]


# --- the jobs ----------------------------------------------------------------------------


class ClusterPool(Executor):
    """Render jobs as Dask tasks, with concurrent.futures futures for the builder.

    The scheduler reschedules the jobs of a lost worker; when every worker is lost and
    none joins within ``worker_wait`` seconds, every job still running fails with one
    message naming the scheduler."""

    def __init__(self, client, address: str, shipment, worker_wait: float):
        self.client, self.address, self.shipment = client, address, shipment
        self.worker_wait = worker_wait
        self._running: dict[Future, object] = {}   # ours → the Dask future
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._watch = threading.Thread(target=self._watch_workers, daemon=True)
        self._watch.start()

    def submit(self, function, /, *args, **kwargs) -> Future:
        if function is not render_job or kwargs:
            raise TypeError("a Dask cluster runs render jobs only")
        settings, job = args
        future: Future = Future()
        task = self.client.submit(render_on_worker, self.shipment, settings, job, pure=False,
                                  key=f"render-{job.name}-{uuid.uuid4().hex}")
        with self._lock:
            self._running[future] = task
        task.add_done_callback(partial(self._settle, future, job.name))
        return future

    def _settle(self, future: Future, name: str, task) -> None:
        if task.cancelled() and not self._workers():
            # The files sent for the build were lost with the workers that held them.
            self._fail_running("was lost, and the files sent to them with them")
            return
        with self._lock:
            if self._running.pop(future, None) is None:
                return   # already failed: every worker was lost
        try:
            outcome = task.result()
        except BaseException as error:   # each one settles the future, or the build waits
            outcome = self._failure(name, task, error)
        with suppress(InvalidStateError):
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    def _failure(self, name: str, task, error: BaseException) -> BaseException:
        """A worker's failure as the builder reports it; a bug keeps its traceback."""
        from distributed.scheduler import KilledWorker

        if task.cancelled():
            return SetupError(f"the Dask scheduler at {self.address} dropped the render of "
                              f"{name} (it restarted, or another client cancelled it)")
        if isinstance(error, ImportError):
            return SetupError(f"a Dask worker of {self.address} cannot run the tool: {error}; "
                              "install its dependencies there (docs/dask.md)")
        if isinstance(error, KilledWorker):
            return BuildError(f"{name}: the Dask workers rendering it stopped unexpectedly, "
                              "again and again (killed, or out of memory)")
        return error

    def _workers(self) -> int:
        try:
            return len(self.client.nthreads(callback_timeout=CONNECT_SECONDS))
        except Exception:  # the scheduler cannot be asked: it has no worker for us either
            return 0

    def _watch_workers(self) -> None:
        lost_since = None
        while not self._stopped.wait(POLL_SECONDS):
            if not self._running or self._workers():
                lost_since = None
                continue
            lost_since = lost_since or time.monotonic()
            if time.monotonic() - lost_since >= self.worker_wait:
                self._fail_running(f"was lost and none joined within {self.worker_wait:g} s")

    def _fail_running(self, what_happened: str) -> None:
        with self._lock:
            running, self._running = self._running, {}
        if not running:
            return
        error = SetupError(
            f"every Dask worker of the scheduler at {self.address} {what_happened}: the build "
            f"stopped, {len(running)} renders unfinished; start workers with: dask worker "
            f"{self.address}, and build again")
        for future in running:
            with suppress(InvalidStateError):
                future.set_exception(error)
        with suppress(Exception):   # the scheduler may be gone too
            self.client.cancel(list(running.values()))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._stopped.set()
        self._watch.join()
        with self._lock:
            running, self._running = self._running, {}
        with suppress(Exception):
            self.client.cancel(list(running.values()))

