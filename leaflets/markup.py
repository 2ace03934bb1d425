"""Markdown in blocks: rendered to safe HTML, read back as prose, images checked."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from .errors import Location, Problem
from .files import asset_problem
from .model.text import hidden_character

if TYPE_CHECKING:
    from .model import Block, BlockFile, Library
    from .sources import KeyPath

# Fields that hold Markdown; every other text field is plain text.
MARKDOWN_FIELDS = frozenset({"body", "intro", "note"})
# Fields that are identifiers or settings, not prose.
NOT_PROSE = frozenset({"type", "tone", "style", "display", "source", "cite", "value", "review",
                       "translation"})


# No line may break inside an identifier such as PD-L1, CTLA-4 or IMM-01 (capitals and
# digits joined by hyphens, not inside a path), or before a per cent sign. Addresses
# are left as they are: a copied one must still work. The hyphen stays U+002D between
# two word joiners rather than U+2011, the non-breaking hyphen: the Arabic font draws
# that one as a stroke on the baseline ("PD_1"), and a reader searching the PDF for
# "PD-L1" would not find it; the joiners are not drawn, nor written in the text layer.
WORD_JOINER, NO_BREAK_SPACE = "\u2060", "\u00a0"
JOINED_HYPHEN = WORD_JOINER + "-" + WORD_JOINER
_ADDRESS = re.compile(r"((?:https?://|www\.)\S+|\S+@\S+)")
_IDENTIFIER = re.compile(r"(?<![\w/.])[A-Z0-9]+(?:-[A-Z0-9]+)+(?!\w)")
# U+00A0 rather than the narrow U+202F, which the Arabic font does not have.
_SPACE_BEFORE_PERCENT = re.compile(r" +(?=%)")
# A left-to-right phrase isolated in right-to-left text (i18n.isolate, typography):
# broken at a hyphen, its pieces would be read in the wrong order ("(-pseudo").
_ISOLATED = re.compile(r"\u2068[^\u2069]*\u2069")


def _joined(match: re.Match) -> str:
    return match[0].replace(JOINED_HYPHEN, "-").replace("-", JOINED_HYPHEN)


def unbreakable(text: str) -> str:
    """Printed text with the hyphens of its identifiers and of its isolated phrases
    joined, and a no-break space before "%": no line ends inside "PD-L1", inside a
    Latin phrase in Arabic text, or between "25" and "%"."""
    pieces = _ADDRESS.split(text)
    for index in range(0, len(pieces), 2):   # the pieces between addresses
        piece = _IDENTIFIER.sub(_joined, pieces[index])
        piece = _ISOLATED.sub(_joined, piece)
        pieces[index] = _SPACE_BEFORE_PERCENT.sub(NO_BREAK_SPACE, piece)
    return "".join(pieces)


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


def images_of(block: Block) -> list[str]:
    """The paths (under content/assets/) of the images a block's Markdown shows."""
    return [source for field, value in block.model_dump(by_alias=True).items()
            if field in MARKDOWN_FIELDS and value for source, _ in _images(value)]


def image_problems_of(library: Library) -> list[Problem]:
    """Images must be files under content/assets/ and must say what they show: checked
    in every block of every language of a loaded library."""
    return [problem for translations in library.blocks.values()
            for block_file in translations.values()
            for problem in _image_problems(block_file, library.root)]


def hidden_text_problems(library: Library) -> list[Problem]:
    """Invisible characters that Markdown brings in as character references (&#x202E;):
    the YAML text is checked as written, the page shows them decoded."""
    problems = []
    for translations in library.blocks.values():
        for block_file in translations.values():
            for key_path, passage in located_passages(block_file.block):
                hidden = hidden_character(passage, one_line=False, joiners=True)
                if hidden is not None:
                    problems.append(Problem(block_file.document.locate(key_path, hidden), (
                        f"U+{ord(hidden):04X} ({unicodedata.name(hidden, 'a control')}), "
                        "written as a character reference, is an invisible character that can "
                        "change the order or the look of the printed text; remove it")))
    return problems


def _image_problems(block_file: BlockFile, content_root: Path) -> Iterator[Problem]:
    for field, value in block_file.block.model_dump(by_alias=True).items():
        if field not in MARKDOWN_FIELDS or not value:
            continue
        for source, alt, markup in _written_images(value):
            reason = asset_problem(content_root, source, "image")
            if reason is None and not alt.strip():
                reason = (f"image '{source}' has no alt text: describe the image between the "
                          f"brackets, ![…]({source})")
            if reason is not None:
                yield Problem(_image_location(block_file, (field,), markup), reason)


def _written_images(markdown: str) -> Iterator[tuple[str, str, str]]:
    """(path, alt text, its Markdown up to the path) of every image, in order. Each is
    looked for after the previous one, so that two images of one file with other alt
    texts are told apart; "" when the parser rewrote the path (it escapes some)."""
    searched_from = 0
    for source, alt in _images(markdown):
        end = markdown.find(f"]({source}", searched_from)
        start = markdown.rfind("![", searched_from, end) if end >= 0 else -1
        if start < 0:
            yield source, alt, ""
            continue
        searched_from = end + len(source) + 2
        yield source, alt, markdown[start:searched_from]


def _image_location(block_file: BlockFile, key_path: KeyPath, markup: str) -> Location:
    # An image's Markdown may span lines, which a block scalar writes indented: its first
    # line is enough to find where it starts. Without it, the field's first image.
    return block_file.document.locate(key_path, markup.split("\n", 1)[0] or "![")


def _markdown_passages(markdown: str) -> Iterator[str]:
    for token in _parser().parse(markdown):
        if token.type == "inline":
            yield "".join(child.content if child.type not in ("softbreak", "hardbreak") else " "
                          for child in token.children or ())


def _walk(key: str, value: object, key_path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if key in NOT_PROSE or value is None:
        return
    if isinstance(value, str):
        for passage in (_markdown_passages(value) if key in MARKDOWN_FIELDS else [value]):
            yield key_path, passage
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(key, item, (*key_path, index))
    elif isinstance(value, dict):
        for sub_key, sub_value in value.items():
            yield from _walk(sub_key, sub_value, (*key_path, sub_key))


def located_passages(block: Block) -> list[tuple[KeyPath, str]]:
    """The prose of a block, each passage with the key path of the field it is written in
    (as in the block's document), to locate what is found in it."""
    return list(_walk("", block.model_dump(by_alias=True), ()))


def passages(block: Block) -> list[str]:
    """The prose of a block, one passage per heading, paragraph, list item or label."""
    return [passage for _, passage in located_passages(block)]
