"""What a Dask worker is sent for a build, and how it renders with it.

Every file a render may read travels as bytes: the library's and the theme's folders, the
font files and the colour profile. A worker lays them out in a folder of its own named
after their hashes, at the client's absolute paths under it, renders with them, and maps
the input keys its renders record back to the client's, so that a cluster build writes the
same PDFs and manifest as a local one. A worker thread cannot have a timer signal, so the
render time limit is enforced here otherwise (within_time_limit).
"""

from __future__ import annotations

import json
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import astuple, dataclass, replace
from functools import partial
from pathlib import Path, PurePath

from .inputs import Roots, sha256
from .model import Project
from .render import Job, Rendered, over_the_time_limit, press_profile, project_faces
from .workers import RenderSettings, forget_renderers, renderer_for

REPEAT_SECONDS = 0.02    # how often a render past its time limit is told to stop


@dataclass(frozen=True)
class Shipment:
    """Every file a render may read, as the client has it."""

    digest: str                                # of every (path, hash): names the folder
    files: tuple[tuple[str, str, str], ...]    # (absolute path, client's input key, sha256)
    blobs: dict[str, bytes]                    # sha256 → bytes, each content once
    faces: tuple                               # the client's FontFaces

    @classmethod
    def of(cls, settings: RenderSettings) -> Shipment:
        roots = settings.roots
        project = Project.model_validate_json(settings.project_json)
        faces = tuple(project_faces(project, roots.content))
        paths = [*root_files(roots), *(face.path for face in faces),
                 press_profile(project, roots.content)[1]]
        files, blobs = [], {}
        for path in dict.fromkeys(Path(path).absolute() for path in paths):
            data = path.read_bytes()
            digest = sha256(data)
            files.append((str(path), roots.key(path), digest))
            blobs[digest] = data
        listing = "\n".join(f"{path}\0{digest}" for path, _, digest in files)
        return cls(sha256(listing.encode()), tuple(files), blobs, faces)


def root_files(roots: Roots) -> list[Path]:
    """Every file under the roots; none a symbolic link takes outside its root, which the
    render's sandbox would refuse."""
    found = []
    for folder in dict.fromkeys(astuple(roots)):
        folder = folder.resolve()
        found += [path for path in sorted(folder.rglob("*"))
                  if path.is_file() and path.resolve().is_relative_to(folder)]
    return found


@dataclass(frozen=True)
class Placement:
    """A shipment laid out on a worker: its render settings there, and its input keys."""

    settings: RenderSettings
    client_keys: dict[str, str]   # the worker's input key of each file → the client's


# The latest build's placement, with what it was placed for: a worker keeps one.
_placed: tuple[tuple[str, RenderSettings], Placement] | None = None
_worker_lock = threading.Lock()   # one render at a time: a Renderer is not thread-safe


def placement(shipment: Shipment, settings: RenderSettings) -> Placement:
    """The shipment's files in this worker's folder, laid out once per worker process."""
    global _placed
    key = (shipment.digest, settings)
    if _placed is None or _placed[0] != key:
        from distributed import get_worker

        tree = Path(get_worker().local_directory) / "leaflets-inputs" / shipment.digest
        if not tree.is_dir():
            lay_out(shipment, tree)
        # A worker keeps the latest build's inputs and renderer only.
        for other in tree.parent.iterdir():
            if other != tree:
                shutil.rmtree(other, ignore_errors=True)
        forget_renderers()
        _placed = key, placed(shipment, settings, tree)
    return _placed[1]


def lay_out(shipment: Shipment, tree: Path) -> None:
    partial_tree = tree.with_name(f"{tree.name}.{uuid.uuid4().hex}")
    for path, _, digest in shipment.files:
        target = mirrored(partial_tree, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shipment.blobs[digest])
    partial_tree.rename(tree)


def mirrored(tree: Path, path: str | PurePath) -> Path:
    """Where a file of the client is in the worker's folder: at the same path, under it."""
    path = PurePath(path)
    return tree / path.relative_to(path.anchor)


def placed(shipment: Shipment, settings: RenderSettings, tree: Path) -> Placement:
    roots = Roots(*(mirrored(tree, folder) for folder in astuple(settings.roots)))
    shipped = {path for path, _, _ in shipment.files}
    project = json.loads(settings.project_json, object_hook=lambda value: {
        key: str(mirrored(tree, item)) if isinstance(item, str) and item in shipped else item
        for key, item in value.items()})   # the colour profile, named by an absolute path
    faces = tuple(replace(face, path=mirrored(tree, face.path)) for face in shipment.faces)
    client_keys = {roots.key(mirrored(tree, path)): key for path, key, _ in shipment.files}
    return Placement(RenderSettings(json.dumps(project), roots, faces), client_keys)


def render_on_worker(shipment: Shipment, settings: RenderSettings, job: Job) -> Rendered:
    """Runs on a worker: render with the client's files, within the project's limits."""
    with _worker_lock:
        placed_here = placement(shipment, settings)
        renderer = renderer_for(placed_here.settings)
        rendered = within_time_limit(renderer.limits.seconds, job.name,
                                     partial(renderer.render, job))
    return replace(rendered, inputs={placed_here.client_keys.get(key, key): digest
                                     for key, digest in rendered.inputs.items()})


class _OverTime(BaseException):
    """Raised in a render thread past its limit; a BaseException, so that no
    ``except Exception`` of the libraries it runs swallows it."""


def within_time_limit(seconds: float, name: str, render: Callable[[], Rendered]) -> Rendered:
    """Stop a render in a worker thread after ``seconds``. A timer signal reaches only a
    process's main thread, so a timer thread raises an exception in this one (CPython's
    PyThreadState_SetAsyncExc), delivered between two bytecodes of the render; again every
    REPEAT_SECONDS, as one delivered in a callback whose errors Python ignores (a weakref's,
    the garbage collector's) is dropped there."""
    import ctypes

    target, guard, done = threading.get_ident(), threading.Lock(), threading.Event()

    def raise_in_render(exception) -> None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), exception)

    def interrupt() -> None:
        delay = seconds
        while not done.wait(delay):
            with guard:
                if not done.is_set():
                    raise_in_render(ctypes.py_object(_OverTime))
            delay = REPEAT_SECONDS

    def stop() -> None:
        """Returns once no stop can arrive any more (one may arrive while it runs)."""
        while True:
            try:
                with guard:
                    done.set()
                    raise_in_render(None)   # withdraws one raised, not delivered yet
                return
            except _OverTime:
                continue

    try:
        try:
            threading.Thread(target=interrupt, daemon=True).start()
            return render()
        finally:
            stop()
    except _OverTime:
        stop()
    # Raised here, not in the handler, so that it carries no context: tblib cannot pickle
    # the traceback of an exception delivered between two bytecodes.
    raise over_the_time_limit(name, seconds)
