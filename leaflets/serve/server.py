"""The preview's HTTP server: the output folder's files, each HTML page with the reloading
script, the located errors instead of any page while the content does not build, the
review view, and the events that tell browsers what changed.

Only files inside the output folder are served: no ``..``, no hidden file (the build's
own records), no symbolic link that leads out. A request must name this server as its
host, so a web page elsewhere cannot read the preview through a DNS name it rebinds to
this machine.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..outputs import inside
from .live import Live
from .pages import ASSETS, EVENTS, PREFIX, Pages, with_script

TYPES = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
         ".css": "text/css; charset=utf-8", ".woff2": "font/woff2", ".svg": "image/svg+xml",
         ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".json": "application/json", ".zip": "application/zip",
         ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
HTML = TYPES[".html"]
KEEP_ALIVE_SECONDS = 15   # a comment on a quiet event stream, so proxies keep it open
_VERSION = re.compile(r"[0-9]{1,30}")


def refusal(output: Path, relative: str) -> str | None:
    """Why a path of the output folder is not served, if it is not."""
    parts = relative.split("/")
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
        return "only the output folder's own files are served, and no '..'"
    if any(part.startswith(".") for part in parts):
        return "the build's own records are not served"
    if relative and not inside(output, relative):
        return "a symbolic link that leads out of the output folder is not served"
    return None


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True      # an open event stream never keeps the server from stopping
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], output: Path, live: Live, pages: Pages,
                 public: bool):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, PreviewHandler)
        self.output, self.live, self.pages, self.public = output.resolve(), live, pages, public

    @property
    def hosts(self) -> set[str]:
        """The Host headers a request may carry."""
        port = self.server_address[1]
        return {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]",
                                              self.server_address[0])}


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:   # noqa: A002 (the base's name)
        """Quiet: the terminal shows what the builds say, not every request."""

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        if not self.server.public and self.headers.get("Host") not in self.server.hosts:
            return self._text(HTTPStatus.FORBIDDEN, "this preview answers to "
                              f"http://127.0.0.1:{self.server.server_address[1]}/ only", head)
        address = urlsplit(self.path)
        path = unquote(address.path)
        if path == EVENTS:
            return self._events(address.query, head)
        if path.startswith(PREFIX):
            return self._own(path.removeprefix(PREFIX), head)
        return self._file(path, head)

    def _file(self, path: str, head: bool) -> None:
        relative = path.lstrip("/")
        refused = refusal(self.server.output, relative)
        if refused:
            return self._text(HTTPStatus.FORBIDDEN, f"{path}: {refused}", head)
        found = self.server.output / relative
        if _is_folder(found):
            if relative and not path.endswith("/"):
                # From the folder's own name: '///fr/' (of '/%2F%2Ffr') is the host 'fr'.
                return self._redirect(quote("/" + relative.strip("/") + "/"))
            found = found / "index.html"
        content_type = TYPES.get(found.suffix.lower(), "application/octet-stream")
        data = _read(found)
        if content_type == HTML or data is None:
            return self._page(lambda version: None if data is None
                              else with_script(data, version), path, head)
        self._send(HTTPStatus.OK, content_type, data, head)

    def _own(self, name: str, head: bool) -> None:
        """The server's own pages, the script and the stylesheet they use."""
        pages, live = self.server.pages, self.server.live
        asset = pages.asset(name)
        if asset is not None:
            return self._send(HTTPStatus.OK, ASSETS[name], asset, head)
        self._page(lambda version: pages.own(name, live.library, version), PREFIX + name, head)

    def _page(self, make: Callable[[int], bytes | None], path: str, head: bool) -> None:
        """An HTML page as it stands now (``make`` gives None if there is none), or the
        located errors while there are any: never a page from before the content broke,
        nor a "not found" that they explain."""
        pages, live = self.server.pages, self.server.live
        version, problems = live.version, live.problems
        if problems:
            return self._send(HTTPStatus.OK, HTML, pages.errors(problems, version), head)
        data = make(version)
        if data is None:
            return self._send(HTTPStatus.NOT_FOUND, HTML, pages.not_found(path, version), head)
        self._send(HTTPStatus.OK, HTML, data, head)

    def _events(self, query: str, head: bool) -> None:
        """Server-sent events: one 'change' event (the pages changed, as JSON) each time a
        build changes something after the version the browser shows."""
        seen = self._seen(query)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        live = self.server.live
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not live.closed:
                change = live.changes_since(seen, KEEP_ALIVE_SECONDS)
                if change is None:
                    self.wfile.write(b": waiting\n\n")
                else:
                    seen = change.version
                    paths = json.dumps(sorted("/" + path if path != "*" else path
                                              for path in change.paths))
                    self.wfile.write(f"id: {seen}\nevent: change\ndata: {paths}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):   # the browser left the page
            return

    def _seen(self, query: str) -> int:
        """The version the browser shows: the event it saw last, or the page's own (or,
        said by neither, the current one)."""
        last = self.headers.get("Last-Event-ID") or parse_qs(query).get("since", [""])[0]
        # ASCII digits only, and few: int() refuses '²' and 5000 digits, both isdigit().
        return int(last) if _VERSION.fullmatch(last) else self.server.live.version

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _text(self, status: HTTPStatus, message: str, head: bool) -> None:
        self._send(status, TYPES[".txt"], (message + "\n").encode(), head)

    def _send(self, status: HTTPStatus, content_type: str, data: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:   # a name longer than the file system takes: no such folder
        return False


def _read(path: Path) -> bytes | None:
    """The file's bytes; None if there is no such file, or no more: a build removes files
    (one no page uses any more) while browsers ask for them."""
    try:
        return path.read_bytes()
    except OSError:
        return None
