"""Markdown in blocks: rendered to safe HTML, read back as prose, images checked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from .errors import Location, Problem
from .files import asset_problem

if TYPE_CHECKING:
    from .model import Block, BlockFile

# Fields that hold Markdown; every other text field is plain text.
MARKDOWN_FIELDS = frozenset({"body", "intro", "note"})
# Fields that are identifiers or settings, not prose.
NOT_PROSE = frozenset({"type", "tone", "style", "display", "source", "cite", "value", "review",
                       "translation"})


@cache
def _parser() -> MarkdownIt:
    # CommonMark with raw HTML off: a "<script>" in a block is shown as text.
    return MarkdownIt("commonmark", {"html": False})


@cache
def _reading_parser() -> MarkdownIt:
    """Accepts every link, so that checks see what an author wrote (the renderer, like
    markdown-it's default, turns javascript:, file: and the like into plain text)."""
    parser = MarkdownIt("commonmark", {"html": False})
    parser.validateLink = lambda url: True
    return parser


def to_html(markdown: str, transform_text: Callable[[str], str] = str,
            image_url: Callable[[str], str] = str) -> str:
    """Render Markdown; ``transform_text`` rewrites the prose (never URLs or markup),
    ``image_url`` turns an image's path under content/assets/ into its address."""
    parser = _parser()
    tokens = parser.parse(markdown)
    for token in tokens:
        for child in token.children or ():
            if child.type == "text":
                child.content = transform_text(child.content)
            elif child.type == "image":
                child.attrSet("src", image_url(child.attrGet("src")))
    return parser.renderer.render(tokens, parser.options, {})


def _images(markdown: str) -> Iterator[tuple[str, str]]:
    """(path, alt text) of every image in some Markdown."""
    for token in _reading_parser().parse(markdown):
        for child in token.children or ():
            if child.type == "image":
                yield child.attrGet("src"), "".join(part.content for part in child.children or ())


def image_problems(block_file: BlockFile, content_root: Path) -> list[Problem]:
    """Images must be files under content/assets/ and must say what they show."""
    problems = []
    for field, value in block_file.block.model_dump().items():
        if field not in MARKDOWN_FIELDS or not value:
            continue
        for source, alt in _images(value):
            reason = asset_problem(content_root, source, "image")
            if reason is None and not alt.strip():
                reason = (f"image '{source}' has no alt text: describe the image between the "
                          f"brackets, ![…]({source})")
            if reason is not None:
                problems.append(Problem(_image_location(block_file, source), reason))
    return problems


def _image_location(block_file: BlockFile, source: str) -> Location:
    path = Path(block_file.document.path)
    text = path.read_text(encoding="utf-8-sig")
    end = text.find(f"]({source}")
    start = text.rfind("![", 0, end) if end >= 0 else -1
    if start < 0:
        return Location(path)
    line_start = text.rfind("\n", 0, start) + 1
    return Location(path, text.count("\n", 0, start) + 1, start - line_start + 1)


def _markdown_passages(markdown: str) -> Iterator[str]:
    for token in _parser().parse(markdown):
        if token.type == "inline":
            yield "".join(child.content if child.type not in ("softbreak", "hardbreak") else " "
                          for child in token.children or ())


def _walk(key: str, value: object) -> Iterator[str]:
    if key in NOT_PROSE or value is None:
        return
    if isinstance(value, str):
        yield from (_markdown_passages(value) if key in MARKDOWN_FIELDS else [value])
    elif isinstance(value, list):
        for item in value:
            yield from _walk(key, item)
    elif isinstance(value, dict):
        for sub_key, sub_value in value.items():
            yield from _walk(sub_key, sub_value)


def passages(block: Block) -> list[str]:
    """The prose of a block, one passage per heading, paragraph, list item or label."""
    return list(_walk("", block.model_dump(by_alias=True)))
