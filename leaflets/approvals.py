"""Approval bound to the text: what a clinical reviewer approved stays approved only while
the text, and for a translation the source it was checked against, are unchanged.

An approval records two fingerprints: the block's own text and, for a
translation, its source's text at the time. A later change to either voids it,
and so does a source that is not itself approved: the block is then a draft,
with the reason, and so is every edition that prints it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .markup import images_of
from .model import Block, BlockFile, Library
from .model.citations import cited_sources

# From least to most advanced: an edition is as advanced as its least advanced block.
STATES = ("missing", "stale", "draft", "reviewed", "approved")


@dataclass(frozen=True)
class Verdict:
    """The state a block is in, in one language, and why (when it is not what it says)."""

    state: str
    reason: str = ""
    block_file: BlockFile | None = None

    @property
    def releasable(self) -> bool:
        return self.state == "approved"

    def __str__(self) -> str:
        return f"{self.state} ({self.reason})" if self.reason else self.state


def verdict(library: Library, block_id: str, language: str,
            _following: tuple[str, ...] = ()) -> Verdict:
    """What a block in a language really is: missing, stale, draft, reviewed or approved."""
    block_file = library.blocks.get(block_id, {}).get(language)
    if block_file is None:
        return Verdict("missing")
    block, review = block_file.block, block_file.block.review
    source = source_of(library, block_file)
    if block.translation is not None and (
            source is None or source.block.fingerprint() != block.translation.fingerprint):
        return Verdict("stale", "its source changed since it was translated", block_file)
    if review.status != "approved":
        return Verdict(review.status, "", block_file)
    problem = approval_problem(library, block_file, source)
    if problem:
        return Verdict("draft", problem, block_file)
    if source is not None:
        if source.language in _following:
            return Verdict("stale", "its translations are each other's source", block_file)
        upstream = verdict(library, block_id, source.language, (*_following, language))
        if not upstream.releasable:
            return Verdict("draft", f"its source ({source.language}) is {upstream.state}",
                           block_file)
    return Verdict("approved", "", block_file)


def seal(library: Library, block: Block) -> str:
    """What an approval approves, as one SHA-256: every field of the block that can reach
    the page (its text, figures and how they are shown — all but its review and its
    translation record), every source it cites, as sources.yaml describes them, and the
    bytes of every image it shows."""
    # A support block prints the support lines of project.yaml, with their sources.
    helplines = library.project.helplines if block.type == "support" else {}
    cited = [*cited_sources(block), *(line.source for lines in helplines.values()
                                      for line in lines)]
    content = {
        "block": block.model_dump(mode="json", by_alias=True,
                                  exclude={"review": True, "translation": True}),
        "sources": {source_id: library.sources[source_id].model_dump(mode="json")
                    for source_id in sorted(set(cited)) if source_id in library.sources},
        "images": _image_hashes(library.root / "assets", images_of(block)),
    }
    if helplines:
        content["helplines"] = {code: [line.model_dump(mode="json") for line in lines]
                                for code, lines in helplines.items()}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _image_hashes(assets: Path, names: list[str]) -> dict[str, str | None]:
    """The hash of each image's bytes and, for an SVG, of every file it draws from (an
    <image>, a <use>, a url() of its style), named by their path from content/assets/:
    their bytes reach the page as much as the SVG's own."""
    hashes: dict[str, str | None] = {}
    pending = [(name, assets / name) for name in sorted(set(names))]
    while pending:
        name, path = pending.pop(0)
        if name in hashes:
            continue
        hashes[name] = _file_hash(path)
        if path.suffix.lower() == ".svg" and hashes[name] is not None:
            pending += [(_relative(target, assets), target) for target in _drawn_from(path)]
    return hashes


# An address in an SVG: href="…", xlink:href='…', url(…); fragments (#id) are its own.
_SVG_ADDRESS = re.compile(rb"""(?:href\s*=\s*["']|url\(\s*["']?)([^"'()#\s]+)""")


def _drawn_from(svg: Path) -> list[Path]:
    """The files an SVG points at, resolved as the renderer resolves them."""
    targets = []
    for address in _SVG_ADDRESS.findall(svg.read_bytes()):
        parts = urlsplit(unquote(address.decode(errors="replace")))
        if parts.scheme in ("", "file"):
            targets.append((svg.parent / parts.path).resolve())
    return targets


def _relative(path: Path, assets: Path) -> str:
    resolved = assets.resolve()
    return path.relative_to(resolved).as_posix() if path.is_relative_to(resolved) else str(path)


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def approval_problem(library: Library, block_file: BlockFile, source: BlockFile | None) -> str:
    """Why an approval no longer holds ('' if it does): the seals it records."""
    review = block_file.block.review
    if review.fingerprint is None:
        return ("its approval records no fingerprint of the text approved; record the "
                "approval with 'python3 build.py approve'")
    if review.fingerprint != seal(library, block_file.block):
        return f"its text or the sources it cites changed since approval on {review.on}"
    if source is not None and review.source != seal(library, source.block):
        return f"its source changed since approval on {review.on}"
    return ""


def source_of(library: Library, block_file: BlockFile) -> BlockFile | None:
    translation = block_file.block.translation
    if translation is None:
        return None
    return library.blocks.get(block_file.id, {}).get(translation.from_)


def source_chain(library: Library, block_id: str, language: str) -> list[str]:
    """The languages a block's text comes from, nearest first (each translation names its
    source; the source language names none)."""
    chain: list[str] = []
    block_file = library.blocks.get(block_id, {}).get(language)
    while block_file is not None and block_file.block.translation is not None:
        origin = block_file.block.translation.from_
        if origin in chain or origin == language:
            break
        chain.append(origin)
        block_file = library.blocks.get(block_id, {}).get(origin)
    return chain
