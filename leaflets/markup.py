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
from .model.blocks_structured import FigureBlock
from .model.citations import CITATION, MARKDOWN_FIELDS, markdown_values
from .model.text import hidden_character

if TYPE_CHECKING:
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

    from .model import Block, BlockFile, Library
    from .sources import Document, KeyPath

# Fields that are identifiers or settings, not prose.
NOT_PROSE = frozenset({"type", "tone", "style", "display", "source", "cite", "value", "review",
                       "translation", "urgency", "asset"})


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
    return MarkdownIt("commonmark", {"html": False}).use(citations_plugin)


@cache
def _reading_parser() -> MarkdownIt:
    """Accepts every link, so that checks see what an author wrote (the renderer, like
    markdown-it's default, turns javascript:, file: and the like into plain text)."""
    parser = MarkdownIt("commonmark", {"html": False}).use(citations_plugin)
    parser.validateLink = lambda url: True
    return parser


def citations_plugin(parser: MarkdownIt) -> None:
    """``[@id]`` is a citation, read before links are tried: its id is not prose (no
    spelling, readability or typography) and the edition's ``cite`` (in the render
    environment) prints it, as the number of the source in the edition's list."""
    parser.inline.ruler.before("link", "citation", _citation)
    parser.add_render_rule(
        "citation", lambda renderer, tokens, index, options, env:
        env["cite"](tokens[index].meta["source"]))


def _citation(state: StateInline, silent: bool) -> bool:
    match = CITATION.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        state.push("citation", "", 0).meta = {"source": match[1]}
    state.pos = match.end()
    return True


def to_html(markdown: str, transform_text: Callable[[str], str],
            image_url: Callable[[str], str], cite: Callable[[str], str]) -> str:
    """Render Markdown; ``transform_text`` rewrites the prose (never URLs or markup),
    ``image_url`` turns an image's path under content/assets/ into its address, ``cite``
    a source's id into the citation printed for it (which joins the word before it)."""
    parser = _parser()
    tokens = parser.parse(markdown)
    for token in tokens:
        children = token.children or []
        for index, child in enumerate(children):
            if child.type == "text":
                child.content = transform_text(child.content)
            elif child.type == "image":
                child.attrSet("src", image_url(child.attrGet("src")))
            elif child.type == "citation" and index and children[index - 1].type == "text":
                children[index - 1].content = children[index - 1].content.rstrip(" ")
    return parser.renderer.render(tokens, parser.options, {"cite": cite})


def _images(markdown: str) -> Iterator[tuple[str, str]]:
    """(path, alt text) of every image in some Markdown."""
    for token in _reading_parser().parse(markdown):
        for child in token.children or ():
            if child.type == "image":
                yield child.attrGet("src"), "".join(part.content for part in child.children or ())


def images_of(block: Block) -> list[str]:
    """The paths (under content/assets/) of the images a block shows: a figure's picture,
    and those of its Markdown."""
    return [*([block.asset] if isinstance(block, FigureBlock) else []),
            *(source for _, value in markdown_values(block.model_dump(by_alias=True))
              for source, _ in _images(value))]


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
    # At any depth: a question's answer or a step's text shows its images too.
    for key_path, value in markdown_values(block_file.block.model_dump(by_alias=True)):
        for source, alt, markup in _written_images(value):
            reason = asset_problem(content_root, source, "image")
            if reason is None and not alt.strip():
                reason = (f"image '{source}' has no alt text: describe the image between the "
                          f"brackets, ![…]({source})")
            if reason is not None:
                yield Problem(_image_location(block_file, key_path, markup), reason)


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
    """The prose of each paragraph, heading or item; a citation is not prose, nor is the
    space written before it."""
    for token in _parser().parse(markdown):
        if token.type == "inline":
            prose = ""
            for child in token.children or ():
                if child.type == "citation":
                    prose = prose.rstrip(" ")
                else:
                    prose += " " if child.type in ("softbreak", "hardbreak") else child.content
            yield prose


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


# --- Markdown the leaflet would not print as written --------------------------------

_CODE = "is printed as computer code, in a font that is not the leaflet's"
_HEADING = ("is a heading inside a body: a block's title is its heading; split it into "
            "another block (e.g. 'text') or use bold")
_HTML = "is not rendered; write Markdown: **bold**, *italic*, lists, links"
_BLOCK_CONSTRUCTS = {   # markdown-it's token type → what it is and what to write instead
    "hr": ("a horizontal rule ('---') inside a body: the leaflet's parts are its blocks; "
           "split the text into another block"),
    "code_block": (f"text indented by 4 spaces or more, or by a tab, {_CODE}; remove the "
                   "indentation"),
    "fence": f"a fenced code block (```) {_CODE}; write ordinary text",
}
# The row under a pipe table's header (|---|:--:|): CommonMark has no tables, so the
# table arrives as a paragraph and would be printed as its raw text.
_TABLE_DELIMITER = re.compile(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")


@cache
def _strict_parser() -> MarkdownIt:
    """Sees raw HTML as HTML (the renderer would show it as text) and accepts every link."""
    parser = MarkdownIt("commonmark", {"html": True})
    parser.validateLink = lambda url: True
    return parser


def unfaithful_markup_problems(library: Library) -> list[Problem]:
    """Markdown that the leaflet would not print as written (a table, a heading, an image's
    title, HTML, code…), each located where it is written, with what to write instead."""
    return [problem for translations in library.blocks.values()
            for block_file in translations.values()
            for problem in unfaithful_in(block_file.document,
                                         block_file.block.model_dump(by_alias=True))]


def unfaithful_in(document: Document, data: object) -> list[Problem]:
    """The unfaithful Markdown of one block's data, located in its document (a block
    file, or one an import is about to write)."""
    return [problem for key_path, markdown in markdown_values(data)
            for problem in _unfaithful(_Finder(document, key_path, markdown))]


class _Finder:
    """Places the constructs of one Markdown value in its YAML file. A construct is found
    by a piece of its text (its needle), looked for from the line it starts on and after
    the previous construct with that needle; the file is then searched for the same
    occurrence of the needle, so that two equal constructs are told apart."""

    def __init__(self, document: Document, key_path: KeyPath, markdown: str):
        self.document, self.key_path, self.markdown = document, key_path, markdown
        self.lines = markdown.split("\n")
        self.line_starts = [0]
        for line in self.lines:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.searched_from: dict[str, int] = {}

    def line(self, number: int) -> str:
        return self.lines[number].strip() if number < len(self.lines) else ""

    def offset(self, needle: str, line: int, after: str = "") -> int:
        """Where ``needle`` is in the Markdown, from ``line`` on (and after ``after``)."""
        start = max(self.line_starts[min(line, len(self.lines))], self.searched_from.get(needle, 0))
        found = self.markdown.find(after, start) if after else -1
        return self.markdown.find(needle, start if found < 0 else found + len(after))

    def problem(self, needle: str, line: int, message: str, after: str = "") -> Problem:
        offset = self.offset(needle, line, after) if needle else -1
        if offset < 0:   # rewritten by the parser: the value itself is the best place
            return Problem(self.document.where(self.key_path), message)
        self.searched_from[needle] = offset + len(needle)
        occurrence = self.markdown.count(needle, 0, offset)
        return Problem(self.document.locate(self.key_path, needle, occurrence), message)


def _unfaithful(finder: _Finder) -> Iterator[Problem]:
    env: dict = {}
    tokens = _strict_parser().parse(finder.markdown, env)
    for token in tokens:
        if token.map is None:
            continue
        yield from _block_construct(token, finder)
        for child in token.children or ():
            yield from _inline_construct(child, token.map[0], finder)
    linked = {child.attrGet("href") or child.attrGet("src")
              for token in tokens for child in token.children or ()}
    for label, definition in env.get("references", {}).items():
        if definition["href"] not in linked:
            line = definition["map"][0]
            yield finder.problem(finder.line(line), line, (
                f"the link definition '[{label.lower()}]' is used by no link, so nothing "
                f"prints it; link to it with [text][{label.lower()}], or remove it"))


def _block_construct(token: Token, finder: _Finder) -> Iterator[Problem]:
    line = token.map[0]
    written = finder.line(line)
    if token.type == "heading_open":
        what = (f"'{token.markup} …'" if token.markup.startswith("#")
                else f"a line underlined with '{token.markup * 3}'")
        yield finder.problem(written, line, f"{what} {_HEADING}")
    elif token.type == "html_block":
        yield finder.problem(written, line, f"HTML '{_shortened(written)}' {_HTML}")
    elif token.type in _BLOCK_CONSTRUCTS:
        yield finder.problem(written, line, _BLOCK_CONSTRUCTS[token.type])
    elif token.type == "inline":
        yield from _pipe_tables(token, finder)


def _pipe_tables(token: Token, finder: _Finder) -> Iterator[Problem]:
    rows = token.content.split("\n")
    for index in range(1, len(rows)):
        delimiter = rows[index].strip()
        if "|" in rows[index - 1] and "|" in delimiter and _TABLE_DELIMITER.fullmatch(delimiter):
            yield finder.problem(rows[index - 1].strip(), token.map[0] + index - 1, (
                "a Markdown table is printed as its raw text ('| … |'); use a block of "
                "type 'table'"))


def _inline_construct(child: Token, line: int, finder: _Finder) -> Iterator[Problem]:
    if child.type == "html_inline":
        yield finder.problem(child.content, line, f"HTML '{_shortened(child.content)}' {_HTML}")
    elif child.type == "code_inline":
        yield finder.problem(child.markup + child.content, line, (
            f"{child.markup}{_shortened(child.content)}{child.markup} {_CODE}; "
            "remove the backticks"))
    elif child.type == "text":
        for footnote in _FOOTNOTE.findall(child.content):
            yield finder.problem(footnote, line, (
                f"'{footnote}' is a footnote, which Markdown here does not have: it prints as "
                "written; write the note in the text, or cite the source in a 'sources' block"))
    elif child.type in ("image", "link_open") and child.attrGet("title"):
        yield from _title(child, line, finder)


def _title(child: Token, line: int, finder: _Finder) -> Iterator[Problem]:
    """A title is shown as a tooltip by browsers and by nothing on paper."""
    title = child.attrGet("title")
    if child.type == "image":
        target = child.attrGet("src")
        message = (f"the title \"{_shortened(title)}\" of image '{target}' is not printed; "
                   "use a block of type 'figure' for a caption")
    else:
        target = child.attrGet("href")
        message = (f"the title \"{_shortened(title)}\" of the link to '{target}' is not "
                   "printed; write it in the text, or remove it")
    yield finder.problem(title, line, message, after=f"]({target}")


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
