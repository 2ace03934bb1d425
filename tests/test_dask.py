"""Builds on a real Dask cluster: a scheduler and two workers started as a team would start
them, each in a folder of its own where the leaflets package cannot be imported."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leaflets import builder, theme
from leaflets.errors import SetupError

from .test_engine import files
from .test_model import edit

pytest.importorskip("distributed")

DASK = Path(sys.executable).with_name("dask")
SELECTION = ("--lang", "fr,de", "--leaflet", "immunotherapy-basics", "--clinic", "generic",
             "--variant", "screen")
START_SECONDS = 60


class Cluster:
    """A scheduler and two workers on 127.0.0.1; every process is killed at the end."""

    def __init__(self, folder: Path):
        self.folder, self.processes = folder, []
        environment = {name: value for name, value in os.environ.items()
                       if name != "PYTHONPATH"}
        self.environment = environment
        address_file = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", "scheduler", "--host", "127.0.0.1",
                                     "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(address_file))
        self.address = json.loads(eventually(lambda: address_file.exists() and
                                             address_file.read_text()))["address"]
        self.workers = [self._start(f"worker-{number}", "worker", self.address,
                                    "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                    "--local-directory", str(folder / f"worker-{number}"))
                        for number in (1, 2)]

    def _start(self, name: str, *arguments: str) -> subprocess.Popen:
        cwd = self.folder / f"{name}-cwd"
        cwd.mkdir(parents=True)
        process = subprocess.Popen([str(DASK), *arguments], cwd=cwd, env=self.environment,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)   # its own group: nanny and worker
        self.processes.append(process)
        return process

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=START_SECONDS, set_as_default=False)

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in reversed(self.processes):
            self.kill(process)


def built(out: str) -> int:
    """How many PDFs a build's output says it wrote."""
    return len(re.findall(r"^built +\S+\.pdf", out, re.M))


def eventually(condition, seconds: float = START_SECONDS):
    """Poll until ``condition()`` gives something true, then return it."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return result


def started(folder: Path) -> Cluster:
    cluster = Cluster(folder)
    try:
        with cluster.client() as client:
            client.wait_for_workers(2, timeout=START_SECONDS)
            # The point of the test: a worker cannot import the tool by itself.
            can_import = client.run(lambda: importlib.util.find_spec("leaflets") is not None)
        assert list(can_import.values()) == [False, False]
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = started(tmp_path_factory.mktemp("cluster"))
    yield cluster
    cluster.stop()


@pytest.fixture
def doomed_cluster(tmp_path):
    cluster = started(tmp_path / "doomed")
    yield cluster
    cluster.stop()


def test_a_cluster_build_writes_the_bytes_and_inputs_of_a_local_build(cluster, content,
                                                                       tmp_path, run):
    library = ("--project", str(content.parent))   # its templates: the theme's, until edited
    local, distributed = tmp_path / "local", tmp_path / "dask"
    dask = ("--executor", "dask", "--scheduler", cluster.address)
    code, _, err = run(*library, "--output", str(local), "-j", "1", *SELECTION)
    assert code == 0, err
    code, out, err = run(*library, "--output", str(distributed), *dask, *SELECTION)
    assert code == 0, err
    assert built(out) == 2
    assert files(local) == files(distributed)   # the PDFs, and the manifest's input keys
    # The same keys, so both ways see the other's output as up to date...
    for extra in (("-j", "1"), dask):
        code, out, err = run(*library, "--output", str(distributed), *extra, *SELECTION)
        assert code == 0 and not built(out), out + err
    # ...and an edit of a file only the workers read (a stylesheet) as a change.
    (content.parent / "templates").mkdir()
    (content.parent / "templates" / "leaflet.css").write_text(
        (theme.TEMPLATES / "leaflet.css").read_text() + "\nbody { letter-spacing: 0.01em; }\n")
    code, out, err = run(*library, "--output", str(distributed), *dask, *SELECTION)
    assert code == 0 and built(out) == 2, out + err


def test_render_limits_hold_on_workers(cluster, content, tmp_path, run):
    dask = ("--executor", "dask", "--scheduler", cluster.address)
    edit(content / "project.yaml", "print:", "limits: {seconds: 0.001}\n\nprint:")
    code, _, err = run("--content", str(content), "--output", str(tmp_path / "a"), *dask,
                       *SELECTION)
    assert code == 1 and "Traceback" not in err
    for language in ("fr", "de"):
        assert (f"failed: immunotherapy-basics ({language}, a4-leaflet): stopped after "
                "0.001 s, the limit of one render (limits.seconds in project.yaml)") in err
    edit(content / "project.yaml", "limits: {seconds: 0.001}", "limits: {pages: 2}")
    code, _, err = run("--content", str(content), "--output", str(tmp_path / "b"), *dask,
                       *SELECTION)
    assert code == 1
    assert "failed: immunotherapy-basics (fr, a4-leaflet): 9 pages, more than the limit of 2 " \
           "(limits.pages in project.yaml)" in err


def test_an_unreachable_scheduler_is_one_clear_line_within_ten_seconds(content, tmp_path,
                                                                       run):
    with socket.socket() as probe:   # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    started_at = time.monotonic()
    code, _, err = run("--content", str(content), "--output", str(tmp_path / "out"),
                       "--executor", "dask", "--scheduler", address, *SELECTION)
    assert time.monotonic() - started_at < 10
    assert code == 1
    [line] = err.strip().splitlines()
    assert f"cannot reach the Dask scheduler at {address} within 5 s" in line


def test_losing_every_worker_stops_the_build_after_a_bounded_wait(doomed_cluster, content,
                                                                  tmp_path):
    killed_at = []

    def kill_every_worker(outcome: builder.Outcome, total: int) -> None:
        if not killed_at:
            for worker in doomed_cluster.workers:
                doomed_cluster.kill(worker)
            killed_at.append(time.monotonic())

    paths = builder.Paths(content=content, output=tmp_path / "out")
    execution = builder.Execution(scheduler=doomed_cluster.address, worker_wait=3)
    selection = builder.Selection(clinics=("generic",), variants=("screen",))
    with pytest.raises(SetupError) as stopped:
        builder.Builder(paths, selection, execution, progress=kill_every_worker).build()
    assert killed_at and time.monotonic() - killed_at[0] < 3 + 10
    assert f"every Dask worker of the scheduler at {doomed_cluster.address} was lost" in \
        str(stopped.value)
