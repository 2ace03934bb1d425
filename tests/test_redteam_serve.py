"""Red team of `build.py serve`: requests a browser (or something else on this machine)
may send, an open page that outlives its server, and Ctrl-C while the server starts. The
server runs in-process on a small output folder; its request threads print a traceback
to stderr when a request breaks them, which each test looks for."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from threading import Thread

import pytest

from leaflets.serve.live import EVERYTHING, Live
from leaflets.serve.pages import Pages
from leaflets.serve.server import PreviewServer

from .test_serve import get

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Running:
    port: int
    output: Path
    live: Live


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Running]:
    output = tmp_path / "output"
    (output / "fr").mkdir(parents=True)
    (output / "fr/page.html").write_text("<html><body><p>Bonjour</p></body></html>")
    (output / "fr/page.pdf").write_bytes(b"%PDF-1.7 ...")
    live = Live()
    preview = PreviewServer(("127.0.0.1", 0), output, live, Pages((ROOT / "templates",)), False)
    thread = Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running(preview.server_address[1], output, live)
    finally:
        live.close()
        preview.shutdown()
        preview.server_close()
        thread.join()


def raw(port: int, request: bytes, seconds: float = 3) -> tuple[bytes, bool]:
    """What the server answers to ``request`` within ``seconds``, and whether it closed
    the connection by then."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as connection:
        connection.sendall(request)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            return received, False
        return received, True


def test_an_address_too_long_for_the_file_system_is_not_found_not_a_traceback(server, capsys):
    for path in ("/" + "a" * 300, "/fr/" + "a/" * 3000 + "x.html", "/" + "b" * 300 + ".pdf"):
        response = get(server.port, path)
        assert response.status == 404, path[:40]
    assert "Traceback" not in capsys.readouterr().err


def test_a_file_removed_by_a_build_while_it_is_sent_is_not_found(server, capsys, monkeypatch):
    """The builder removes files (a shared file no page uses any more) between the
    server's look at the folder and its read of the file."""
    original = Path.read_bytes

    def removed_meanwhile(path: Path) -> bytes:
        if path.parent.name == "fr":
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", removed_meanwhile)
    for path in ("/fr/page.html", "/fr/page.pdf"):
        assert get(server.port, path).status == 404, path
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("since", ["%C2%B2", "9" * 5000, "-1", "abc", ""])
def test_events_from_any_since_start_the_stream(server, capsys, since):
    request = (f"GET /__leaflets/events?since={since} HTTP/1.1\r\n"
               f"Host: 127.0.0.1:{server.port}\r\n\r\n").encode()
    received, _ = raw(server.port, request, seconds=1)
    assert received.startswith(b"HTTP/1.1 200") and b"retry: 500" in received
    assert "Traceback" not in capsys.readouterr().err


def test_a_last_event_id_that_is_no_number_starts_the_stream(server, capsys):
    request = (f"GET /__leaflets/events HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               "Last-Event-ID: \u00b9\u00b2\r\n\r\n").encode("latin-1")
    received, _ = raw(server.port, request, seconds=1)
    assert received.startswith(b"HTTP/1.1 200") and b"retry: 500" in received
    assert "Traceback" not in capsys.readouterr().err


def test_head_of_the_event_stream_is_headers_alone(server):
    request = (f"HEAD /__leaflets/events HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               "\r\n").encode()
    received, closed = raw(server.port, request)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head
    assert body == b"" and closed


def test_a_folder_redirect_stays_on_this_server(server):
    """'///fr/' is a URL of the host 'fr' to a browser: an address made of slashes must
    not send it off this server."""
    for path in ("/%2F%2Ffr", "//%2Ffr", "/%2F/fr"):
        response = get(server.port, path)
        assert (response.status, response.getheader("Location")) == (301, "/fr/"), path


def test_a_page_shown_by_an_earlier_server_reloads_at_the_next_one():
    """The browser keeps the page and its event stream (with the last event's id) when
    the server is stopped and started again: the new server must not take that page for
    one of its own versions, or it stays stale until the new one has made as many."""
    earlier = Live()
    for number in range(5):
        earlier.publish({f"fr/page-{number}.html"}, [], None)
    time.sleep(0.01)   # a restart takes a moment
    later = Live()
    later.publish({"fr/page.html"}, [], None)
    change = later.changes_since(earlier.version, 0.1)
    assert change is not None and EVERYTHING in change.paths


def test_ctrl_c_while_the_server_starts_stops_it_cleanly(run, content, tmp_path, monkeypatch):
    from leaflets import serve

    def interrupted(jobs: int):
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "warm_pool", interrupted)
    try:
        code, out, err = run("serve", "--content", str(content), "--output",
                             str(tmp_path / "output"), "--port", "0")
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C while the server starts escaped as a traceback")
    assert code == 0 and "Traceback" not in err


def test_a_second_ctrl_c_while_stopping_is_no_traceback(run, content, tmp_path, monkeypatch):
    """The first Ctrl-C stops the server, which then waits for the PDF a worker lays out:
    the impatient press Ctrl-C again."""
    import os
    import signal

    from leaflets import serve

    class Pool:
        def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
            os.kill(os.getpid(), signal.SIGINT)   # as the terminal does, to this process
            time.sleep(0.2)

    class Preview:
        def __init__(self, *arguments) -> None:
            pass

        def follow(self, changes) -> None:
            raise KeyboardInterrupt

    monkeypatch.setattr(serve, "warm_pool", lambda jobs: Pool())
    monkeypatch.setattr(serve, "Preview", Preview)
    monkeypatch.setattr(serve, "_changes", lambda paths, timeout_ms: iter(()))
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        code, out, err = run("serve", "--content", str(content), "--output",
                             str(tmp_path / "output"), "--port", "0")
    except KeyboardInterrupt:
        pytest.fail("a second Ctrl-C while stopping escaped as a traceback")
    assert code == 0 and out.rstrip().endswith("stopped")
    # The handlers are the caller's again (the CLI runs in-process in tests and tools).
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_a_content_folder_that_is_not_there_is_named(run, tmp_path):
    missing = tmp_path / "no-such-content"
    code, _, err = run("serve", "--content", str(missing), "--output", str(tmp_path / "out"),
                       "--port", "0", "-j", "1")
    assert code == 2 and f"{missing}: no such folder to follow for changes" in err
    assert "None" not in err


def test_a_bidi_control_quoted_by_an_error_is_named_not_obeyed(content):
    """An unknown field's name is quoted as written: a right-to-left override in it would
    turn the rest of the message, its location too, around on the error page."""
    from leaflets.errors import ContentError
    from leaflets.model import load_library
    from leaflets.serve.live import problems_of

    block = content / "blocks/contact/fr.yaml"
    block.write_text(block.read_text(encoding="utf-8") + '"a\\u202eb": 1\n', encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_library(content)
    problems = problems_of(raised.value)
    assert any("\u202e" in problem for problem in problems)
    page = Pages((ROOT / "templates",)).errors(problems, 1).decode()
    assert "\u202e" not in page and "unknown field &#39;a&lt;U+202E&gt;b&#39;" in page
