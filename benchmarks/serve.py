"""Time from a save to the updated page in `build.py serve`, in a real browser.

    .venv/bin/python benchmarks/serve.py [--saves 10] [--leaflet immunotherapy-basics]

Starts the server on a copy of the shipped content (fr and ar, the generic editions),
opens the leaflet's French web edition in Debian's Chromium (as tests/browser.py drives
it), then saves a new title into one of its blocks, --saves times. For each save: the
wall-clock time of the write, and the moment the reloaded page had its new text parsed
(its navigation's start plus its DOMContentLoaded, read in the page: the same clock). A
save is made once the server has finished the previous one's PDFs (an idle server: a
save made while PDFs are rebuilt waits for that build). Prints the median and the range.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import ARGS, chromium_executable  # noqa: E402

BLOCK = "what-is-immunotherapy"
SHOWN_AT = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  return performance.timeOrigin + navigation.domContentLoadedEventEnd;
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {seconds} s")
        time.sleep(0.05)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def pdfs_done(log: Path) -> int:
    """How many times the server has said its PDFs are up to date."""
    return log.read_text().count("PDFs up to date")


def measure(work: Path, saves: int, leaflet: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    content, log, port = work / "content", work / "serve.log", free_port()
    shutil.copytree(ROOT / "content", content)
    with log.open("w") as written:
        server = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--port", str(port), "--content",
             str(content), "--output", str(work / "output"), "--lang", "fr,ar",
             "--leaflet", leaflet, "--clinic", "generic"],
            cwd=ROOT, stdout=written, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/fr/{leaflet}.html"
    block = content / "blocks" / BLOCK / "fr.yaml"
    original = block.read_text()
    seconds = []
    try:
        wait_until(lambda: answers(url) and pdfs_done(log) >= 1)
        args = [argument + ", EXCLUDE 127.0.0.1" if argument.startswith("--host-resolver")
                else argument for argument in ARGS]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_executable(),
                                                 args=args)
            page = browser.new_page()
            page.goto(url)
            for index in range(saves):
                marker = f"Mesure {index}"
                done = pdfs_done(log)
                saved = time.time() * 1000
                block.write_text(original.replace("title: ", f"title: {marker} ", 1))
                page.wait_for_function(f"document.body && document.body.innerText.includes("
                                       f"{marker!r})", polling=20, timeout=30_000)
                seconds.append((page.evaluate(SHOWN_AT) - saved) / 1000)
                wait_until(lambda done=done: pdfs_done(log) > done)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--leaflet", default="immunotherapy-basics")
    arguments = parser.parse_args()
    if chromium_executable() is None:
        raise SystemExit("needs Debian's chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder:
        seconds = measure(Path(folder), arguments.saves, arguments.leaflet)
    print(f"  serve: save to updated page (median of {len(seconds)}, fr, "
          f"{arguments.leaflet}, in Chromium) {statistics.median(seconds) * 1000:6.0f} ms   "
          f"(range {min(seconds) * 1000:.0f}–{max(seconds) * 1000:.0f} ms; target < 500 ms)")


if __name__ == "__main__":
    main()
