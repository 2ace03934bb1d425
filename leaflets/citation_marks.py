"""Citations written where they would print as written, or not at all: ``[@a; @b]``, an
``[@id]`` in a one-line field, inside a link's words or address, in an image's alt text,
or made into a link. Each is an error where it is written, so that every ``[@`` a reader
could see is a number linked to the list, and every source listed has its number printed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

from markdown_it import MarkdownIt

from .errors import Problem
from .markup import citations_plugin, located_passages
from .model.citations import MARKDOWN_FIELDS, markdown_values

if TYPE_CHECKING:
    from .model import Library
    from .sources import Document, KeyPath

_WRITTEN = re.compile(r"\[ ?@[^\]\n]*\]?")
_ONE_PER_SOURCE = ("is not a citation, which is one source id between '[@' and ']': write "
                   "one per source, e.g. [@arc-2020][@asco-2018-news]")


@cache
def _parser() -> MarkdownIt:
    # The rule the renderer reads citations with; links accepted, as the author wrote them.
    parser = MarkdownIt("commonmark", {"html": False}).use(citations_plugin)
    parser.validateLink = lambda url: True
    return parser


def stray_citation_problems(library: Library) -> list[Problem]:
    """Every citation of every block file that would not print as a linked number."""
    return [problem for translations in library.blocks.values()
            for block_file in translations.values()
            for problem in stray_in(block_file.document,
                                    block_file.block.model_dump(by_alias=True),
                                    located_passages(block_file.block))]


def stray_in(document: Document, data: object,
             passages: list[tuple[KeyPath, str]]) -> Iterator[Problem]:
    """The stray citations of one block's data (a block file, or what an import writes)."""
    for key_path, passage in passages:
        if _field(key_path) not in MARKDOWN_FIELDS and "[@" in passage:
            written = _WRITTEN.search(passage)[0]
            yield Problem(document.locate(key_path, written), (
                f"'{written}': a citation goes in a text of several lines (body, intro, "
                "note, …); this one-line field would print it as written"))
    for key_path, markdown in markdown_values(data):
        for written, reason in _in_markdown(markdown):
            yield Problem(document.locate(key_path, written), f"'{written}' {reason}")


def _field(key_path: KeyPath) -> str:
    return next((key for key in reversed(key_path) if isinstance(key, str)), "")


def _in_markdown(markdown: str) -> Iterator[tuple[str, str]]:
    for token in _parser().parse(markdown):
        children = token.children or []
        inside_link = False
        for index, child in enumerate(children):
            inside_link = (child.type == "link_open") or (inside_link and
                                                          child.type != "link_close")
            following = children[index + 1] if index + 1 < len(children) else None
            yield from _stray(child, following, inside_link)


def _stray(child, following, inside_link: bool) -> Iterator[tuple[str, str]]:
    """What is wrong with one inline token, if it holds or is a citation."""
    if child.type == "link_open":
        address = unquote(child.attrGet("href") or "")
        if "[@" in address:
            yield _WRITTEN.search(address)[0], (
                "in a link's address is not a citation; cite after the link")
    elif child.type == "citation":
        yield from _misplaced(f"[@{child.meta['source']}]", following, inside_link)
    elif child.type == "image" and any(part.type == "citation" for part in child.children or ()):
        yield "![", ("an image's alt text cannot hold a citation (it is not printed there); "
                     "cite in the text around the image")
    elif child.type == "text" and ("[@" in child.content or "[ @" in child.content):
        yield _WRITTEN.search(child.content)[0], _ONE_PER_SOURCE


def _misplaced(written: str, following, inside_link: bool) -> Iterator[tuple[str, str]]:
    after = following.content if following is not None and following.type == "text" else ""
    # A citation in a link's words breaks the link: "](" is left as text.
    if inside_link or after.startswith("]("):
        yield written, "inside a link's words would print inside the link; put it after the link"
    elif after.startswith("("):
        yield written, ("followed by '(' is not a link: a citation links itself to the sources "
                        "list; remove the address")
