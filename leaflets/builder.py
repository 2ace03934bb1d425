"""Plans editions, renders them, and writes PDFs and the manifest atomically.

Gather, then write: the whole content is validated and every edition's HTML
rendered before the first PDF is written, so bad content never leaves a
half-built output folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .errors import BuildError, ContentError, Location, Problem, UsageError, shown
from .glyphs import missing_glyphs
from .i18n import load_catalog
from .model import Library, load_library
from .templates import Edition, Templates

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Paths:
    content: Path = ROOT / "content"
    output: Path = ROOT / "output"
    templates: Path = ROOT / "templates"
    locales: Path = ROOT / "locales"

    @property
    def assets(self) -> Path:
        return self.content / "assets"


@dataclass(frozen=True)
class Selection:
    languages: tuple[str, ...] = ()   # empty: every language
    leaflets: tuple[str, ...] = ()    # empty: every leaflet


@dataclass(frozen=True)
class Built:
    """One written PDF, as recorded in the manifest."""

    path: str
    leaflet: str
    language: str
    format: str
    version: str
    pages: int
    bytes: int
    sha256: str
    approval: str


@dataclass
class Prepared:
    library: Library
    editions: list[Edition]
    templates: Templates
    html: dict[Edition, str] = field(default_factory=dict)


def select(library: Library, selection: Selection) -> list[Edition]:
    for asked, known, what in ((selection.languages, library.languages, "language"),
                               (selection.leaflets, list(library.leaflets), "leaflet")):
        unknown = [item for item in asked if item not in known]
        if unknown:
            raise UsageError(f"unknown {what} {', '.join(map(repr, unknown))}; "
                             f"expected one of: {', '.join(known)}")
    languages = selection.languages or tuple(library.languages)
    leaflets = selection.leaflets or tuple(library.leaflets)
    return [Edition(leaflet, language) for leaflet in leaflets for language in languages]


def missing_translations(library: Library, editions: list[Edition]) -> list[Problem]:
    """Every block an edition uses must exist in its language: no fallback to another one."""
    problems = []
    for edition in editions:
        leaflet_file = library.leaflets[edition.leaflet]
        for index, block_id in enumerate(leaflet_file.leaflet.blocks):
            if edition.language not in library.blocks.get(block_id, {}):
                problems.append(leaflet_file.document.problem(
                    ("blocks", index),
                    f"block '{block_id}' has no '{edition.language}' translation: expected "
                    f"content/blocks/{block_id}/{edition.language}.yaml (or leave "
                    f"'{edition.language}' out with --lang)"))
    return problems


def prepare(paths: Paths, selection: Selection) -> Prepared:
    """Load and validate everything, and render every edition's HTML; write nothing."""
    library = load_library(paths.content)
    editions = select(library, selection)
    problems = missing_translations(library, editions)
    used = {(block_id, edition.language) for edition in editions
            for block_id in library.leaflets[edition.leaflet].leaflet.blocks}
    problems += missing_glyphs(library, [library.blocks[block_id][language]
                                         for block_id, language in sorted(used)
                                         if language in library.blocks.get(block_id, {})])
    templates = Templates(paths.templates, paths.locales)
    for language in dict.fromkeys(edition.language for edition in editions):
        try:
            load_catalog(paths.locales, language)
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    prepared = Prepared(library, editions, templates)
    for edition in editions:
        prepared.html[edition] = render_html(templates, library, edition)
    return prepared


def render_html(templates: Templates, library: Library, edition: Edition) -> str:
    try:
        return templates.render(library, edition)
    except TemplateSyntaxError as error:
        where = Location(shown(Path(error.filename or error.name or "?")), error.lineno or 1)
        raise ContentError([Problem(where, f"template syntax error: {error.message}")]) from None
    except TemplateError as error:
        raise BuildError(f"{edition}: template error: {error}") from None


def output_path(edition: Edition) -> str:
    """Where an edition's PDF goes, relative to the output folder."""
    return f"{edition.language}/{edition.leaflet}.pdf"


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file completely or not at all: a temporary file, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def approval(library: Library, edition: Edition) -> str:
    """The least advanced review status of the edition's blocks."""
    order = ["draft", "reviewed", "approved"]
    statuses = [library.blocks[block_id][edition.language].block.review.status
                for block_id in library.leaflets[edition.leaflet].leaflet.blocks]
    return min(statuses, key=order.index)


def build(paths: Paths, selection: Selection,
          progress: Callable[[Built], None] = lambda built: None,
          release: bool = False) -> tuple[list[Built], list[str]]:
    """Build the selected editions into the output folder.

    Returns what was written and, for a release, the editions refused because
    some of their blocks are not approved or not current, with the reasons.
    """
    from .render import Renderer  # WeasyPrint takes a second to import: only when rendering
    from .status import unreleasable

    prepared = prepare(paths, selection)
    library = prepared.library
    refused = []
    if release:
        for edition in list(prepared.editions):
            reasons = unreleasable(library, edition.leaflet, edition.language)
            if reasons:
                refused.append(f"{edition}: {'; '.join(reasons)}")
                prepared.editions.remove(edition)
    assets = [paths.assets] if paths.assets.is_dir() else []
    renderer = Renderer(library.project, paths.templates, assets)
    written = []
    for edition in prepared.editions:
        pdf, pages = renderer.render(prepared.html[edition], str(edition))
        relative = output_path(edition)
        atomic_write(paths.output / relative, pdf)
        built = Built(relative, edition.leaflet, edition.language,
                      library.format_of(edition.leaflet),
                      library.leaflets[edition.leaflet].leaflet.version, pages, len(pdf),
                      hashlib.sha256(pdf).hexdigest(), approval(library, edition))
        written.append(built)
        progress(built)
    write_manifest(paths.output, written)
    return written, refused


def write_manifest(output: Path, written: list[Built]) -> None:
    """Merge this build's PDFs into the manifest, dropping entries whose file is gone."""
    manifest_path = output / MANIFEST
    entries: dict[str, dict] = {}
    try:
        for entry in json.loads(manifest_path.read_text())["pdfs"]:
            entries[entry["path"]] = entry
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no manifest yet, or an unreadable one: rebuilt from this build
    entries.update({built.path: asdict(built) for built in written})
    pdfs = [entries[path] for path in sorted(entries) if (output / path).is_file()]
    text = json.dumps({"pdfs": pdfs}, indent=2, ensure_ascii=False) + "\n"
    atomic_write(manifest_path, text.encode())
