"""axe-core, the accessibility rules engine, run inside a page opened by tests/browser.py.

axe-core comes from the npm registry, never from the repository: the pinned version's
tarball is downloaded once, checked against the registry's own ``dist.integrity``
(SHA-512, pinned below: a changed or truncated file is refused, never run), kept in a
cache and unpacked in memory. The cache is pytest's (``.pytest_cache``, which survives
between runs: tests/conftest.py gives every run a fresh ``$XDG_CACHE_HOME``), or
``$XDG_CACHE_HOME/leaflets/`` when pytest's cache is turned off. A registry that cannot
be reached fails the test that needs axe, with the reason: an accessibility check that
quietly did not run is worse than a red test.

Usage:

    source = axe_source(pytestconfig)
    with open_browser(*CHROMIUM_ARGS) as browser, browser.open(path) as opened:
        assert violations(opened.page, source) == []
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# `dist.integrity` of https://registry.npmjs.org/axe-core/4.14.1
INTEGRITY = ("sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyF"
             "NNtuFooJpZe37OgudVGtQ==")
SCRIPT = "package/axe.min.js"
# WCAG 2.2 at level AA, as axe tags its rules: every level and version up to it.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DOWNLOAD_TIMEOUT_S = 60
# axe reads the page's stylesheets again with XMLHttpRequest (for its CSS rules, such as
# css-orientation-lock), which Chromium refuses from file:// unless told otherwise:
# give it to `open_browser`. The pages themselves make no such request.
CHROMIUM_ARGS = ("--allow-file-access-from-files",)


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _cache_folder(config: pytest.Config | None) -> Path:
    cache = getattr(config, "cache", None)   # None when run with -p no:cacheprovider
    if cache is not None:
        return cache.mkdir("axe-core")
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "leaflets"


def _download() -> bytes:
    try:
        with urllib.request.urlopen(TARBALL, timeout=DOWNLOAD_TIMEOUT_S) as response:
            return response.read()
    except OSError as error:
        pytest.fail(f"axe-core {VERSION} is needed to check the pages' accessibility, and "
                    f"{TARBALL} cannot be downloaded: {error}. Connect to the npm registry "
                    f"(or put the tarball, checked against {INTEGRITY}, in the cache) and "
                    "run again.", pytrace=False)


def axe_source(config: pytest.Config | None = None) -> str:
    """The text of axe.min.js, from the cache or the registry, checked."""
    tarball = _cache_folder(config) / f"axe-core-{VERSION}.tgz"
    data = tarball.read_bytes() if tarball.is_file() else b""
    if _integrity(data) != INTEGRITY:   # absent, truncated or changed: fetch it again
        data = _download()
        if _integrity(data) != INTEGRITY:
            pytest.fail(f"{TARBALL} is not the published file: its integrity is "
                        f"{_integrity(data)}, the registry says {INTEGRITY}", pytrace=False)
        tarball.parent.mkdir(parents=True, exist_ok=True)
        temporary = tarball.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(tarball)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile(SCRIPT)
        assert member is not None, f"{SCRIPT} missing from {TARBALL}"
        return member.read().decode("utf-8")


def violations(page: Page, source: str) -> list[str]:
    """axe's WCAG 2.2 AA violations in the page as it is now, one line per element:
    the rule, what it says, and where (a CSS selector)."""
    page.add_script_tag(content=source)
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(result => result.violations)""", TAGS)
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            f"{' '.join(map(str, node['target']))}: {node['failureSummary']}"
            for violation in result for node in violation["nodes"]]
