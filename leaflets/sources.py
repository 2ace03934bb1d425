"""Safe YAML loading that remembers where every value came from.

PyYAML composes the text into nodes (which carry marks) without constructing
any Python object from tags; we then build plain dicts, lists and scalars
ourselves, so a file cannot run code, cannot expand an alias bomb and cannot
hide a duplicate key. Every value's position is kept under its key path, e.g.
``("figures", 0, "value")``, which is the shape of a pydantic error ``loc``; every
scalar also keeps the span of text it was written in, so that a character or a
piece of Markdown inside it is located in that value and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .errors import Location, Problem
from .inputs import sha256

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 40
_SCALAR_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp")
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

KeyPath = tuple[str | int, ...]
# The line breaks PyYAML counts in its marks ("\r\n" is one), so that positions found
# inside a scalar agree with the positions PyYAML gives.
_LINE_BREAK = re.compile("\r\n?|[\n\x85\u2028\u2029]")


@dataclass(frozen=True)
class Span:
    """Where a scalar is written in the text: its quotes or block indicator included."""

    start: int      # offset of its first character in Document.text
    end: int        # offset just after its last character
    line: int       # position of ``start``, counting from 1
    column: int


@dataclass
class Document:
    """A loaded YAML file: its data, and the position of every value and key."""

    path: Path
    data: Any = None
    values: dict[KeyPath, Location] = field(default_factory=dict)
    keys: dict[KeyPath, Location] = field(default_factory=dict)
    text: str = ""
    scalars: dict[KeyPath, Span] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    digest: str | None = None   # of the bytes read: what the outputs were made from

    def where(self, key_path: KeyPath, *, key: bool = False) -> Location:
        """The position of the value (or its key) at ``key_path``, or of its nearest parent."""
        for end in range(len(key_path), -1, -1):
            prefix = tuple(key_path[:end])
            table = self.keys if key and end == len(key_path) else self.values
            if prefix in table:
                return table[prefix]
        return Location(self.path)

    def problem(self, key_path: KeyPath, message: str, *, key: bool = False) -> Problem:
        return Problem(self.where(key_path, key=key), message)

    def locate(self, key_path: KeyPath, needle: str, occurrence: int = 0) -> Location:
        """Where ``needle`` is written inside the scalar at ``key_path``: as itself or, for
        one character, as an HTML character reference (&#9731;, &#x2603;); ``occurrence``
        counts the times it is written before (0: the first). A needle that is not written
        there as such (an escape in quotes, a character added by typography) is placed at
        the scalar's start; a value that was not written, at its parent."""
        span = self.scalars.get(tuple(key_path))
        if span is None:
            return self.where(key_path)
        matches = _needle_pattern(needle).finditer(self.text, span.start, span.end)
        match = next(islice(matches, occurrence, None), None)
        return self._position(span, match.start() if match else span.start)

    def _position(self, span: Span, offset: int) -> Location:
        """The line and column of ``offset``, counted from the scalar's start as PyYAML
        counts them (a byte-order mark takes no column)."""
        breaks = list(_LINE_BREAK.finditer(self.text, span.start, offset))
        line_start = breaks[-1].end() if breaks else span.start
        width = offset - line_start - self.text.count("\ufeff", line_start, offset)
        if not breaks:
            return Location(self.path, span.line, span.column + width)
        return Location(self.path, span.line + len(breaks), 1 + width)


def _needle_pattern(needle: str) -> re.Pattern:
    if len(needle) != 1:
        return re.compile(re.escape(needle))
    code = ord(needle)
    # Only the hexadecimal digits are case-blind: a letter must not match its other case.
    return re.compile(f"{re.escape(needle)}|&#0*{code};|(?i:&#x0*{code:x};)")


def _location(path: Path, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)


def load(path: Path, shown_as: Path | None = None) -> Document:
    """Load one YAML file; problems are collected in ``Document.problems``, never raised."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        doc = Document(shown_as or path)
        doc.problems.append(Problem(Location(doc.path), f"cannot read the file: {error.strerror}"))
        return doc
    return parse(raw, shown_as or path)


@lru_cache(maxsize=4096)
def _compose(text: str) -> yaml.Node | None:
    """The node tree of a YAML text, kept for the next read of the same text: composing is
    most of the cost of reading the content, and a preview reads all of it on each save,
    where one file changed. The trees are only read, never changed, so sharing is safe."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def parse(raw: bytes, path: Path) -> Document:
    """Parse YAML bytes that came from ``path`` (used in messages)."""
    doc = Document(path, digest=sha256(raw))
    if len(raw) > MAX_FILE_BYTES:
        doc.problems.append(Problem(
            Location(doc.path),
            f"file is {len(raw)} bytes; content files may be at most {MAX_FILE_BYTES} bytes",
        ))
        return doc
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark is harmless: accept it
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        doc.problems.append(Problem(
            Location(doc.path, line, column),
            f"expected UTF-8 text, found the byte 0x{raw[error.start]:02x}; "
            "save the file as UTF-8",
        ))
        return doc
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as error:
        doc.problems.append(_syntax_problem(doc.path, error))
        return doc
    except yaml.YAMLError as error:
        doc.problems.append(Problem(Location(doc.path), f"YAML error: {error}"))
        return doc
    except RecursionError:
        doc.problems.append(Problem(
            _too_deep(doc.path, text),
            f"nesting is too deep; content may nest at most {MAX_DEPTH} levels"))
        return doc
    doc.text = text
    if root is not None:
        doc.data = _Builder(doc).build(root, (), 0)
    return doc


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    """PyYAML's message, placed where the author can fix it, with the usual fix."""
    what = error.problem or "invalid YAML"
    tab = _tab_problem(path, error.problem_mark)
    if tab is not None:
        return tab
    if error.context == "while scanning a quoted scalar" and "end of stream" in what:
        return Problem(_location(path, error.context_mark), "YAML syntax error: the quoted text "
                       "starting here has no closing quote (found the end of the file)")
    context = f" ({error.context})" if error.context else ""
    hint = ("; to write ': ' inside a text, put the whole text in quotes"
            if what == "mapping values are not allowed here" and _colon_in_value(error.problem_mark)
            else "")
    return Problem(_location(path, error.problem_mark or error.context_mark),
                   f"YAML syntax error: {what}{context}{hint}")


def _tab_problem(path: Path, mark: yaml.Mark | None) -> Problem | None:
    """YAML forbids tabs outside quoted text; PyYAML says "found character '\\t' that
    cannot start any token", which does not tell an author what to type instead."""
    if mark is None or mark.buffer is None or mark.buffer[mark.pointer:mark.pointer + 1] != "\t":
        return None
    line_start = mark.buffer.rfind("\n", 0, mark.pointer) + 1
    if mark.buffer[line_start:mark.pointer].strip(" \t"):
        return Problem(_location(path, mark), "YAML syntax error: a tab cannot separate the "
                                              "parts of a YAML line; write a space instead")
    return Problem(_location(path, mark),
                   "YAML syntax error: a tab cannot indent YAML; indent with spaces")


def _too_deep(path: Path, text: str) -> Location:
    """Where brackets first nest deeper than allowed: only [ ] and { } can nest deep
    enough on one line to exhaust the parser, so counting them finds the place."""
    depth, line, column = 0, 1, 0
    for character in text:
        column += 1
        if character == "\n":
            line, column = line + 1, 0
        elif character in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return Location(path, line, column)
        elif character in "]}":
            depth -= 1
    return Location(path)


def _colon_in_value(mark: yaml.Mark | None) -> bool:
    """Whether the ':' at ``mark`` follows a 'key:' on the same line (a colon in a text)."""
    if mark is None or mark.buffer is None:
        return False
    line_start = mark.buffer.rfind("\n", 0, mark.pointer) + 1
    return ": " in mark.buffer[line_start:mark.pointer]


class _Builder:
    """Turns composed nodes into plain Python values, recording positions and problems."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.seen: set[int] = set()
        self.constructor = SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> None:
        self.doc.problems.append(Problem(_location(self.doc.path, node.start_mark), message))

    def build(self, node: yaml.Node, key_path: KeyPath, depth: int) -> Any:
        # A node met twice was reached through an alias: refusing aliases keeps
        # the work linear in the file size (no "billion laughs").
        if id(node) in self.seen:
            self.fail(node, "this value is reused through a YAML alias (*name); aliases are not "
                            "allowed in content: write the value out where it is needed")
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.fail(node, f"nesting is too deep; content may nest at most {MAX_DEPTH} levels")
            return None
        self.doc.values[key_path] = _location(self.doc.path, node.start_mark)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            self.fail(node, f"YAML tag '{node.tag}' is not allowed in content; "
                            "remove it and write plain values")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, key_path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key_path, index), depth + 1)
                    for index, item in enumerate(node.value)]
        start = node.start_mark
        self.doc.scalars[key_path] = Span(start.pointer, node.end_mark.pointer,
                                          start.line + 1, start.column + 1)
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, key_path: KeyPath, depth: int) -> dict:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, "YAML merge keys (<<) are not allowed in content; "
                                    "write the fields out")
                continue
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag not in _SCALAR_TAGS:
                self.fail(key_node, f"YAML tag '{key_node.tag}' is not allowed in content; "
                                    "remove it and write a plain field name")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "expected a plain field name, found a complex key")
                continue
            key = str(key_node.value)
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                self.fail(key_node, f"duplicate key '{key}' (first given on line {line}); "
                                    "keep only one")
                continue
            first_seen[key] = key_node
            self.doc.keys[(*key_path, key)] = _location(self.doc.path, key_node.start_mark)
            result[key] = self.build(value_node, (*key_path, key), depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.fail(node, f"YAML tag '{node.tag}' is not allowed in content; "
                            "remove it and write plain text")
            return None
        try:
            return self.constructor.construct_object(node)
        except (ConstructorError, ValueError) as error:
            reason = getattr(error, "problem", None) or str(error)
            if node.tag.endswith(":timestamp"):
                self.fail(node, f"expected a real date (YYYY-MM-DD), found '{node.value}': "
                                f"{reason}")
            else:
                self.fail(node, f"cannot read '{node.value}': {reason}")
            return None
