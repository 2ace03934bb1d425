"""Proves the browser plumbing of tests/browser.py on a tiny page; the catalogue test replaces it."""

from __future__ import annotations

from pathlib import Path

from .browser import open_page

PAGE = """<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Smoke</title>
<input id="search" type="search">
<ul id="list">
  <li>Immunotherapy basics</li>
  <li>Side effects</li>
  <li dir="rtl" lang="ar">العلاج المناعي</li>
</ul>
<script>
  const search = document.getElementById("search");
  search.addEventListener("input", () => {
    const query = search.value.toLowerCase();
    for (const item of document.querySelectorAll("#list li")) {
      item.hidden = !item.textContent.toLowerCase().includes(query);
    }
  });
</script>
</html>
"""


def test_page_filters_and_keeps_rtl(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(PAGE, encoding="utf-8")

    with open_page(path) as opened:
        page = opened.page
        arabic = page.locator("li[lang=ar]")
        assert arabic.evaluate("li => getComputedStyle(li).direction") == "rtl"

        page.locator("#search").press_sequentially("side")  # real key events, not fill()
        assert page.locator("#list li:visible").all_inner_texts() == ["Side effects"]

        page.locator("#search").fill("المناعي")
        assert page.locator("#list li:visible").all_inner_texts() == ["العلاج المناعي"]

        assert opened.errors == []
