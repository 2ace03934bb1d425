"""The author's preview: ``serve`` (a local web server of the output folder that shows
each save within a moment, and the side-by-side review of translations) and ``watch``
(rebuild on every save, in the terminal).

``server`` answers the browsers, ``live`` keeps what they are shown current, ``review``
and ``pages`` make the preview's own pages.
"""

from __future__ import annotations

import ipaddress
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from threading import Thread

from ..builder import Paths, Selection
from ..errors import LeafletError, UsageError
from .live import Live, Preview, warm_pool
from .pages import PREFIX, Pages
from .server import PreviewServer

__all__ = ["address_problem", "serve", "watch"]

# How long saving must pause before the PDFs are rebuilt: a page is re-rendered on each
# save, a PDF only once the author stops for a moment.
QUIET_MS = 300
LOOPBACK_NAMES = ("localhost",)
STOPPING = (signal.SIGINT, signal.SIGTERM)


def watched(paths: Paths) -> list[Path]:
    """The content, and the templates and catalogs a build reads: the library's own where
    it has them, and the theme's (a library need not override any)."""
    roots = paths.roots
    shared = [folder for folder in (*roots.template_folders, *roots.catalog_folders)
              if folder.is_dir()]
    return list(dict.fromkeys([paths.content, *shared]))


def _changes(paths: Paths, timeout_ms: int):
    """Each set of files saved, and an empty set when nothing was for ``timeout_ms``. The
    watcher is started before it is returned, so nothing saved during the first build is
    missed."""
    from watchfiles import watch as changes

    # The watcher refuses a folder that is not there, in words of its own ("No path was
    # found."): say which, before anything starts.
    missing = [folder for folder in watched(paths) if not folder.is_dir()]
    if missing:
        raise UsageError(f"{missing[0]}: no such folder to follow for changes")
    # step: how long to wait for more changes after one; an editor's save is one burst.
    watcher = changes(*watched(paths), yield_on_timeout=True, rust_timeout=timeout_ms,
                      step=20)
    next(watcher)
    return watcher


def address_problem(host: str, port: int, public: bool) -> str | None:
    """What is wrong with the address serve is asked to listen on."""
    if not 0 <= port <= 65535:
        return f"--port must be between 0 and 65535, found {port}"
    if public or host in LOOPBACK_NAMES:
        return None
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return (f"--host {host} would let other machines read the preview; serve listens on "
                "this machine only (127.0.0.1) unless you also give --public")
    return None


def serve(paths: Paths, selection: Selection, jobs: int, host: str, port: int,
          public: bool = False) -> int:
    """Serve the output folder, rebuilding it on every save, until Ctrl-C (at any moment:
    while the workers start, too)."""
    live, pool, server, thread = Live(), None, None, None
    handlers = {number: signal.getsignal(number) for number in STOPPING}
    try:
        pool = warm_pool(jobs)
        # Stopped by a service manager as by Ctrl-C: the same clean stop (workers, forked
        # already, keep the default).
        signal.signal(signal.SIGTERM, _interrupt)
        server = _listening(paths, live, host, port, public)
        address = (f"http://{host if ':' not in host else f'[{host}]'}:"
                   f"{server.server_address[1]}/")
        thread = Thread(target=server.serve_forever, name="preview server", daemon=True)
        thread.start()
        print(f"serving {paths.output} at {address} (review translations: {address}"
              f"{PREFIX.lstrip('/')}); Ctrl-C to stop", flush=True)
        Preview(paths, selection, live, pool).follow(_changes(paths, QUIET_MS))
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping (the PDF a worker lays out is finished first)
        # would leave the stop half done, with a traceback.
        for number in STOPPING:
            signal.signal(number, signal.SIG_IGN)
        live.close()              # ends the event streams
        if thread is not None:
            server.shutdown()
            thread.join()
        if server is not None:
            server.server_close()     # the port is free again
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
    print("stopped", flush=True)
    return 0


def _listening(paths: Paths, live: Live, host: str, port: int,
               public: bool) -> PreviewServer:
    try:
        pages = Pages(paths.roots.template_folders)
        return PreviewServer((host, port), paths.output, live, pages, public)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}; choose another "
                         "--port") from None


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def watch(paths: Paths, build: Callable[[], object]) -> int:
    """Build now, then again on every change; an error is shown and watching goes on."""
    # Each second without a change the watcher yields an empty set: wait on.
    watcher = _changes(paths, 1000)
    try:
        while True:
            try:
                build()
            except LeafletError as error:
                print(error, file=sys.stderr, flush=True)
            print(f"watching {', '.join(map(str, watched(paths)))} for changes "
                  "(Ctrl-C to stop)", flush=True)
            while not next(watcher):
                pass
    except KeyboardInterrupt:
        return 0
