"""Markdown in blocks: rendered to safe HTML, or read back as plain prose passages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from markdown_it import MarkdownIt

from .model import Block

# Fields that hold Markdown; every other text field is plain text.
MARKDOWN_FIELDS = frozenset({"body", "intro", "note"})
# Fields that are identifiers or settings, not prose.
NOT_PROSE = frozenset({"type", "tone", "style", "display", "source", "cite", "value", "review",
                       "translation"})


@cache
def _parser() -> MarkdownIt:
    # CommonMark with raw HTML off: a "<script>" in a block is shown as text.
    return MarkdownIt("commonmark", {"html": False})


def to_html(markdown: str, transform_text: Callable[[str], str] = str) -> str:
    """Render Markdown; ``transform_text`` rewrites the prose (never URLs or markup)."""
    parser = _parser()
    tokens = parser.parse(markdown)
    for token in tokens:
        for child in token.children or ():
            if child.type == "text":
                child.content = transform_text(child.content)
    return parser.renderer.render(tokens, parser.options, {})


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
