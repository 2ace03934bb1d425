"""Open a local HTML file in a real headless Chromium, for tests of generated pages.

Uses Debian's `chromium` package driven by Playwright, never a browser that Playwright
downloads itself (`playwright install` cannot reach its CDN here). Set-up:

    apt-get install -y --no-install-recommends chromium
    pip install playwright==1.65.2

Usage:

    with open_page(output / "index.html") as opened:
        opened.page.fill("#search", "immun")
        assert opened.errors == []

Many pages in one browser (a module- or session-scoped fixture keeps it):

    with open_browser() as browser, browser.open(page, width=320) as opened:
        ...
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported lazily below, so that a missing Playwright skips, not errors
    from playwright.sync_api import Page

# The ELF binary first: /usr/bin/chromium is a shell wrapper that sources
# /etc/chromium.d/* (Google API keys, --enable-remote-extensions, a /dev/shm test that
# prints a shell error when findmnt lists /dev/shm twice, as in containers). The wrapper
# works too; it is only the fallback. CHROMIUM overrides both.
CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")

# Playwright already adds --headless, --no-sandbox and a throw-away --user-data-dir
# (removed on close); they are repeated or listed here so the requirements of this
# machine (root, no sandbox, no GPU, no network) stay readable in one place.
ARGS = [
    "--headless",
    "--no-sandbox",                     # root cannot use Chromium's sandbox
    "--disable-gpu",                    # no GPU; avoids GPU-process start-up and its errors
    "--disable-dev-shm-usage",          # a small /dev/shm in containers crashes renderers
    "--disable-background-networking",  # fewer calls home (not all: see the last flag)
    "--disable-component-update",       # likewise not enough on its own
    "--disable-sync",
    "--no-first-run",
    # Even with the flags above, Chromium 156 still asks update.googleapis.com and
    # accounts.google.com at start-up. Failing every host name lookup inside the browser
    # keeps that from leaving the machine (not even a DNS query); file:// is unaffected.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]

# A page meant to open from the file system must not need the network: any such request
# is refused at once (instead of waiting for a timeout) and reported as an error.
NETWORK = re.compile(r"^(https?|wss?|ftp)://", re.IGNORECASE)

# Playwright's default of 30 s per action turns a broken page into a slow suite.
TIMEOUT_MS = 10_000


@dataclass
class OpenedPage:
    page: Page
    errors: list[str] = field(default_factory=list)


def chromium_executable() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), *CANDIDATES):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@contextmanager
def open_page(path: Path) -> Iterator[OpenedPage]:
    """Load `path` over file:// in a fresh headless Chromium; closes it all on exit.

    `errors` collects console errors (Chromium logs a missing stylesheet or image there
    too), uncaught exceptions and refused network requests, so a test can end with
    `assert opened.errors == []`. Skips the test when Chromium or Playwright is missing.
    """
    with open_browser() as browser, browser.open(path) as opened:
        yield opened


class Browser:
    """One running Chromium that opens many pages, each in a context of its own (so no
    page sees another's state): starting Chromium costs far more than a page."""

    def __init__(self, browser) -> None:
        self.browser = browser

    @contextmanager
    def open(self, path: Path, width: int = 1280, height: int = 720) -> Iterator[OpenedPage]:
        """Load `path` in a viewport of `width` × `height` CSS pixels, as `open_page`."""
        context = self.browser.new_context(viewport={"width": width, "height": height})
        try:
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            opened = OpenedPage(page)

            def refuse(route) -> None:
                opened.errors.append(f"network request: {route.request.url}")
                route.abort()

            def console(message) -> None:
                if message.type == "error":
                    location = message.location
                    opened.errors.append(f"console: {message.text} "
                                         f"({location['url']}:{location['lineNumber']})")

            context.route(NETWORK, refuse)
            page.on("console", console)
            page.on("pageerror", lambda error: opened.errors.append(f"page error: {error}"))

            page.goto(Path(path).resolve().as_uri())
            yield opened
        finally:
            context.close()


@contextmanager
def open_browser(*extra_args: str) -> Iterator[Browser]:
    """A headless Chromium for `Browser.open`, closed (its profile deleted) on exit,
    started with `ARGS` and `extra_args`. Skips the test when Chromium or Playwright is
    missing."""
    executable = chromium_executable()
    if executable is None:
        pytest.skip("no Chromium found (looked in " + ", ".join(CANDIDATES)
                    + "): install it with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright missing: install it with `pip install playwright==1.65.2`")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=[*ARGS, *extra_args], timeout=30_000)
        try:
            yield Browser(browser)
        finally:
            # Closing the browser closes its contexts and pages and deletes the profile.
            browser.close()
