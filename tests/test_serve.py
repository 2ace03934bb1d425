"""`build.py serve`: a real server process on a copy of the test library, read over HTTP
and in a real Chromium (Debian's, as tests/browser.py drives it): pages follow each save,
a broken file shows its located errors until fixed, the review view shows source and
translation side by side, Ctrl-C stops everything."""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .test_model import edit

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = Path(__file__).parent / "library"
STARTUP_SECONDS = 120   # a cold start cuts the web fonts (cached after) and builds PDFs
WAIT_MS = 30_000        # how long a page may take to show a change (the target is 0.5 s)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def get(port: int, path: str, host: str | None = None) -> http.client.HTTPResponse:
    """A request sent as written: no client folds '..' out of the path first."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    content: Path
    output: Path
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def library_in_git(folder: Path) -> Path:
    """A copy of the test library, committed, so that status finds a stale block's source
    as it was translated."""
    content = folder / "content"
    shutil.copytree(LIBRARY, content)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q", str(content)], check=True)
    subprocess.run([*git, "add", "."], cwd=content, check=True)
    subprocess.run([*git, "commit", "-qm", "library"], cwd=content, check=True)
    return content


@contextmanager
def serving(folder: Path, *options: str) -> Iterator[Served]:
    """`build.py serve` as a subprocess, once its first page answers; killed if a test
    leaves it running."""
    content, output, log = library_in_git(folder), folder / "output", folder / "serve.log"
    port = free_port()
    with log.open("w") as written:
        process = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--port", str(port), "--content", str(content),
             "--output", str(output), "--lang", "fr,ar", "--clinic", "generic", "-j", "1",
             *options], cwd=ROOT, stdout=written, stderr=subprocess.STDOUT)
    served = Served(process, port, content, output, log)
    try:
        eventually(lambda: process.poll() is not None or _answers(served,
                                                                  "/fr/every-block.html"))
        assert process.poll() is None, log.read_text()
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _answers(served: Served, path: str) -> bool:
    try:
        return get(served.port, path).status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("serve"), "--leaflet", "every-block") as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from .browser import ARGS, chromium_executable
    executable = chromium_executable()
    if executable is None:
        pytest.skip("no Chromium found: install it with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright missing: install it with `pip install playwright==1.65.2`")
    with sync_playwright() as playwright:
        # The server is the one host this browser may reach (tests/browser.py fails every
        # other lookup, IP literals included).
        args = [argument + ", EXCLUDE 127.0.0.1" if argument.startswith("--host-resolver")
                else argument for argument in ARGS]
        launched = playwright.chromium.launch(executable_path=executable, args=args)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    opened = context.new_page()
    opened.errors = []
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    try:
        yield opened
    finally:
        context.close()


def test_an_open_page_follows_each_save_and_shows_located_errors_until_fixed(served, page):
    from playwright.sync_api import expect

    block = served.content / "blocks/about/fr.yaml"
    page.goto(served.url("/fr/every-block.html"))
    loaded = page.evaluate("performance.timeOrigin")
    assert page.locator('script[src="/__leaflets/live.js"]').count() == 1
    main = page.locator("main")
    edit(block, "title: ", "title: Édité en direct – ")
    expect(main).to_contain_text("Édité en direct", timeout=WAIT_MS)
    assert page.evaluate("performance.timeOrigin") != loaded   # the page reloaded itself

    # Broken: an unknown field named in markup, which the error page must print as text.
    edit(block, "title: ", "<img src=x onerror=alert(1)>: 1\ntitle: ")
    problems = page.locator("ol.problems")
    expect(problems).to_contain_text("blocks/about/fr.yaml:3:1: error: unknown field "
                                     "'<img src=x onerror=alert(1)>'", timeout=WAIT_MS)
    assert problems.locator("img").count() == 0 and page.errors == []
    # Every HTML page is the error page while the content is broken, never a stale one.
    for path in ("/ar/every-block.html", "/", "/__leaflets/review/every-block/ar"):
        assert b"The content does not build" in get(served.port, path).body, path

    edit(block, "<img src=x onerror=alert(1)>: 1\n", "")
    expect(main).to_contain_text("Édité en direct", timeout=WAIT_MS)
    assert page.locator("ol.problems").count() == 0
    assert "Édité en direct" in (served.output / "fr/every-block.html").read_text()


def eventually(condition, seconds: float = STARTUP_SECONDS) -> None:
    """Poll until ``condition()`` holds (the PDFs follow the pages by seconds)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still not true after {seconds} s"
        time.sleep(0.2)


def test_files_are_served_with_their_types_and_the_script_only_on_the_wire(served):
    eventually(lambda: _answers(served, "/fr/every-block.pdf"))
    page = get(served.port, "/fr/every-block.html")
    assert page.getheader("Content-Type") == "text/html; charset=utf-8"
    assert b"/__leaflets/live.js" in page.body
    assert b"/__leaflets/live.js" not in (served.output / "fr/every-block.html").read_bytes()
    stylesheet = re.search(rb'href="\.\./(static/leaflets\.[0-9a-f]{16}\.css)"', page.body)[1]
    font = next((served.output / "static/fonts").glob("*.woff2")).name
    expected = {"/fr/every-block.pdf": "application/pdf",
                "/" + stylesheet.decode(): "text/css; charset=utf-8",
                f"/static/fonts/{font}": "font/woff2",
                "/__leaflets/live.js": "text/javascript; charset=utf-8"}
    for path, content_type in expected.items():
        response = get(served.port, path)
        assert (response.status, response.getheader("Content-Type")) == (200, content_type), path
    pdf = get(served.port, "/fr/every-block.pdf").body
    assert pdf.startswith(b"%PDF") and pdf == (served.output / "fr/every-block.pdf").read_bytes()
    assert get(served.port, "/fr/no-such-leaflet.html").status == 404


def test_only_the_output_folders_own_files_are_served(served, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser")
    (served.output / "outside").symlink_to(tmp_path, target_is_directory=True)
    for path in ("/../secret.txt", "/fr/../../secret.txt", "/%2e%2e/secret.txt",
                 "/fr/%2E%2E/%2E%2E/secret.txt", "/outside/secret.txt", "/.build-state.json"):
        response = get(served.port, path)
        assert response.status == 403, path
        assert b"not for the browser" not in response.body and b'"inputs"' not in response.body
    # A page elsewhere that rebinds its name to this machine cannot read the preview.
    assert get(served.port, "/fr/every-block.html", host="attacker.example").status == 403


def test_the_review_view_puts_each_block_beside_its_translation_with_its_status(served, page):
    from playwright.sync_api import expect

    page.goto(served.url("/__leaflets/"))
    page.get_by_role("link", name="Arabic").first.click()
    assert page.url == served.url("/__leaflets/review/every-block/ar")
    blocks = ["first-cover", "contents", "about", "remember", "figures", "questions",
              "schedule", "symptoms", "contact", "sources"]
    headings = page.locator("section.block h2 code").all_inner_texts()
    assert headings == blocks
    assert set(page.locator("section.block .status").all_text_contents()) <= {
        "missing", "stale", "draft", "reviewed", "approved"}
    remember = page.locator("section.block", has=page.locator("#block-remember"))
    assert remember.locator(".status").text_content() == "draft"
    assert remember.locator("pre.diff").count() == 0
    source = remember.locator('td[lang="fr"][dir="ltr"]').first
    translation = remember.locator('td[lang="ar"][dir="rtl"]').first
    assert source.inner_text() and translation.inner_text()
    assert page.locator("html").get_attribute("lang") == "en"

    edit(served.content / "blocks/remember/fr.yaml", "title: ", "title: Changé – ")
    expect(remember.locator(".status")).to_have_text("stale", timeout=WAIT_MS)
    diff = remember.locator("pre.diff")
    expect(diff.locator("ins")).to_contain_text("Changé –")
    expect(diff.locator("del")).not_to_contain_text("Changé")
    assert remember.locator("del").count() >= 1
    assert "its source changed since it was translated" in remember.inner_text()
    assert page.errors == []


def test_ctrl_c_stops_the_server_its_workers_and_frees_the_port(tmp_path):
    with serving(tmp_path, "--leaflet", "every-block", "-j", "2") as running:
        workers = _children(running.process.pid)
        assert workers, "the server keeps its render workers"
        running.process.send_signal(signal.SIGINT)   # as Ctrl-C: during the PDF build, too
        assert running.process.wait(timeout=60) == 0
        log = running.log.read_text()
        assert "Traceback" not in log and "stopped" in log, log
        assert port_is_free(running.port)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):   # ended while we looked
            continue
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_another_interface_than_this_machine_is_refused_without_public(run, host):
    code, _, err = run("serve", "--host", host)
    assert code == 2
    assert f"--host {host} would let other machines read the preview" in err
    assert "--public" in err


def test_a_port_out_of_range_is_refused(run):
    code, _, err = run("serve", "--port", "70000")
    assert code == 2 and "--port must be between 0 and 65535, found 70000" in err


def test_the_loopback_interface_needs_no_public():
    from leaflets.serve import address_problem
    assert address_problem("127.0.0.1", 8000, False) is None
    assert address_problem("::1", 8000, False) is None
    assert address_problem("localhost", 8000, False) is None
    assert address_problem("0.0.0.0", 8000, True) is None



def test_the_previews_own_pages_pass_axe(served, page, pytestconfig):
    from playwright.sync_api import expect

    from .axe import axe_source, violations

    source = axe_source(pytestconfig)
    for path in ("/__leaflets/", "/__leaflets/review/every-block/ar", "/fr/no-such.html"):
        page.goto(served.url(path))
        assert violations(page, source) == [], path
    block = served.content / "blocks/questions/fr.yaml"
    page.goto(served.url("/__leaflets/review/every-block/ar"))
    edit(block, "title: ", "title: [ouvert: ")   # a YAML syntax error
    expect(page.locator("ol.problems")).to_contain_text("questions/fr.yaml:", timeout=WAIT_MS)
    assert violations(page, source) == []
    edit(block, "title: [ouvert: ", "title: ")
    expect(page.locator("#block-questions")).to_be_visible(timeout=WAIT_MS)
