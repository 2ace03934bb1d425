"""The commands that rewrite content files for translators and reviewers: mark a
translation current, record an approval.

Only the value concerned changes in the file, so comments and layout stay as
their authors wrote them, and the file keeps its mode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import yaml

from .approvals import seal, verdict
from .errors import ContentError, Problem, UsageError
from .model import BlockFile, Library
from .outputs import atomic_write


def _specs(library: Library, specs: list[str], translated_only: bool,
           problems: Sequence[Problem] = ()) -> list[BlockFile]:
    """The block files that ``LANG`` or ``LANG:BLOCK`` specs name; a spec naming a block
    that does not exist is a usage error, all of them reported at once. ``problems``: the
    content's, when it was read leniently: a file that is there but did not load is told
    what is wrong with it, not that it does not exist."""
    wrong, found, unread = [], [], []
    for spec in specs:
        language, _, block_id = spec.partition(":")
        languages = [code for code in library.languages
                     if not (translated_only and code == library.project.source_language)]
        if language not in languages:
            wrong.append(f"'{spec}': expected LANG or LANG:BLOCK with LANG one of "
                         f"{', '.join(languages)}")
            continue
        if block_id and language not in library.blocks.get(block_id, {}):
            own = _problems_of(library, block_id, language, problems)
            unread += own
            if not own:
                wrong.append(f"'{spec}': there is no {language} text of '{block_id}'")
            continue
        for current in [block_id] if block_id else sorted(library.blocks):
            block_file = library.blocks.get(current, {}).get(language)
            if block_file is not None:
                found.append(block_file)
    if unread:
        raise ContentError(unread)
    if wrong:
        raise UsageError("; ".join(wrong))
    return found


def _problems_of(library: Library, block_id: str, language: str,
                 problems: Sequence[Problem]) -> list[Problem]:
    """The problems of a block's file in a language, found next to its other files."""
    files = {Path(block_file.document.path).resolve().with_name(f"{language}.yaml")
             for block_file in library.blocks.get(block_id, {}).values()}
    return [problem for problem in problems if Path(problem.location.path).resolve() in files]


def mark_current(library: Library, specs: list[str], problems: Sequence[Problem] = ()
                 ) -> list[str]:
    """Record the current source fingerprint in the named translations (and the whole
    record where it is missing: translated from the source language). An approved
    translation goes back to 'reviewed': what it was approved against has changed."""
    changed = []
    for block_file in _specs(library, specs, translated_only=True, problems=problems):
        translation = block_file.block.translation
        origin = translation.from_ if translation else library.project.source_language
        source = library.blocks[block_file.id].get(origin)
        if source is None:
            raise UsageError(f"{block_file.document.path}: it is translated from "
                             f"'{origin}', which has no text of this block")
        new = source.block.fingerprint()
        path = Path(block_file.document.path)
        if translation is None:
            insert_after(path, "review", f"translation: {{from: {origin}, fingerprint: "
                                         f"{json.dumps(new)}}}")
            changed.append(f"{path}: translation record added, from {origin}, fingerprint {new}")
            continue
        if new == translation.fingerprint:
            continue
        rewrite(path, ("translation", "fingerprint"), json.dumps(new))
        message = f"{path}: fingerprint {translation.fingerprint} → {new}"
        if block_file.block.review.status == "approved":
            rewrite(path, ("review",), "{status: reviewed}")
            message += "; approval withdrawn (review it again, then approve it)"
        changed.append(message)
    return changed


def approve(library: Library, specs: list[str], by: str, on: date) -> list[str]:
    """Record approvals by ``by`` on ``on``, with the fingerprints of what was approved."""
    if not by.strip() or re.search(r"[\x00-\x1f\x7f]", by):
        raise UsageError("--by needs the reviewer's name, on one line")
    approved, refused = [], []
    for block_file in _specs(library, specs, translated_only=False):
        state = verdict(library, block_file.id, block_file.language)
        if state.state == "stale":
            refused.append(f"{block_file.document.path}: stale — update it to its source and "
                           f"run 'status --mark-current {block_file.language}:"
                           f"{block_file.id}' first")
            continue
        review = _approval_text(library, block_file, by, on)
        rewrite(Path(block_file.document.path), ("review",), review)
        approved.append(f"{block_file.document.path}: approved by {by} on {on}")
    if refused and any(":" in spec for spec in specs):
        raise UsageError("\n".join(refused))
    return approved + [f"not approved: {reason}" for reason in refused]


def _approval_text(library: Library, block_file: BlockFile, by: str, on: date) -> str:
    block = block_file.block
    fields = [f"status: approved, by: {json.dumps(by, ensure_ascii=False)}, on: {on}",
              f"fingerprint: {json.dumps(seal(library, block))}"]
    if block.translation is not None:
        source = library.blocks[block_file.id][block.translation.from_]
        fields.append(f"source: {json.dumps(seal(library, source.block))}")
    return "{" + ", ".join(fields) + "}"


def insert_after(path: Path, key: str, line: str) -> None:
    """Add ``line`` (YAML text) on a line of its own after the top-level ``key``'s entry,
    leaving every other character of the file as it was."""
    raw = path.read_bytes()
    mark = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    text = raw.decode("utf-8-sig")
    line_end = "\r\n" if "\r\n" in text else "\n"
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    value = next(value_node for key_node, value_node in node.value if key_node.value == key)
    # A block mapping ends where the next key starts; anything else ends on its own line.
    start = text.find("\n", value.end_mark.index - 1) + 1 or len(text)
    before = text[:start] if text[:start].endswith("\n") else text[:start] + line_end
    atomic_write(path, (mark + before + line + line_end + text[start:]).encode(),
                 keep_mode=True)


def rewrite(path: Path, key_path: tuple[str, ...], value: str) -> None:
    """Replace the value at ``key_path`` in a YAML file by ``value`` (YAML text), leaving
    every other character of the file as it was."""
    raw = path.read_bytes()
    mark = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    text = raw.decode("utf-8-sig")   # line ends kept as written (CRLF stays CRLF)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    for key in key_path:
        node = next(value_node for key_node, value_node in node.value if key_node.value == key)
    start, end = node.start_mark.index, node.end_mark.index
    # A block mapping ends where the next key starts: keep its line break.
    replaced = text[start:end]
    tail = ""
    if getattr(node, "flow_style", None) is False:   # a block mapping ends at the next key
        line_end = replaced[len(replaced.rstrip("\r\n")):] or "\n"
        comments = [line for line in replaced.splitlines(keepends=True)[1:]
                    if line.lstrip().startswith("#")]
        tail = line_end + "".join(comments)
        tail = tail if tail.endswith(("\n", "\r")) else tail + line_end
    atomic_write(path, (mark + text[:start] + value + tail + text[end:]).encode(),
                 keep_mode=True)
