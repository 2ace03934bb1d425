"""HTML to PDF with WeasyPrint: the fetcher sandbox, fonts from packages, metadata."""

from __future__ import annotations

import ctypes.util
import logging
import re
import signal
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import BuildError, SetupError
from .model import Project
from .templates import FILLER_MARKER, palette_css

FONT_PACKAGE_HINT = "apt-get install fonts-noto-core"
_STYLES = {"regular": ("normal", "normal"), "bold": ("bold", "normal"),
           "italic": ("normal", "italic"), "bold_italic": ("bold", "italic")}


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: str
    style: str
    path: Path


def font_faces(project: Project) -> list[FontFace]:
    """Every font file the settings name, found in the configured directories."""
    faces, missing = [], []
    for family, files in project.fonts.families.items():
        for field, (weight, style) in _STYLES.items():
            name = getattr(files, field)
            if name is None:
                continue
            found = next((Path(directory) / name for directory in project.fonts.directories
                          if (Path(directory) / name).is_file()), None)
            if found is None:
                missing.append(name)
            else:
                faces.append(FontFace(family, weight, style, found))
    if missing:
        raise SetupError(
            f"font files not found in {', '.join(project.fonts.directories)}: "
            f"{', '.join(missing)}; install them with: {FONT_PACKAGE_HINT} "
            "(or run 'python3 build.py', which installs what is missing)")
    return faces


def font_face_css(faces: list[FontFace]) -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
        f'font-style: {face.style}; src: url("{face.path.as_uri()}"); }}'
        for face in faces)


def harfbuzz_subsetter_available() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


@dataclass(frozen=True)
class Job:
    """One document for a worker to lay out and write."""

    name: str
    html: str
    format: str
    variant: str
    page_multiple: int = 1   # pad with ``filler`` pages until the page count is a multiple
    filler: str = ""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    anchors: dict[str, int]  # element id → the first page (from 1) it is on


# write_pdf options of each variant. PDF/UA-1 implies a tagged structure.
VARIANT_OPTIONS = {
    "screen": {"pdf_variant": "pdf/ua-1"},
    "large-print": {"pdf_variant": "pdf/ua-1"},
    "press": {"pdf_variant": "pdf/x-4"},
}


class Renderer:
    """Renders HTML documents to PDF bytes; one per worker process.

    Importing WeasyPrint, building the font configuration and parsing the
    stylesheets cost far more than laying out a leaflet, so all of it is done
    once here (stylesheets once per format and variant) and reused for every
    document.
    """

    def __init__(self, project: Project, templates_dir: Path, asset_dirs: list[Path]):
        import weasyprint
        import weasyprint.urls
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self.templates_dir = templates_dir
        self.palette = project.palette
        self.limits = project.limits
        faces = font_faces(project)
        profile = Path(project.print.output_profile)
        if not profile.is_file():
            raise SetupError(f"the press colour profile {profile} (print.output_profile in "
                             "project.yaml) does not exist; install it with: "
                             "apt-get install libgs-common")
        self.fetcher = sandboxed_fetcher(weasyprint, [templates_dir, *asset_dirs],
                                         [face.path for face in faces] + [profile])
        self.font_config = FontConfiguration()
        # Filled by @color-profile rules as stylesheets are parsed: the press output intent.
        self.color_profiles: dict = {}
        try:
            self._common = [self._css(string=font_face_css(faces)),
                            self._css(filename=templates_dir / "leaflet.css")]
            self._press_intent = self._css(string=(
                f'@color-profile device-cmyk {{ src: url("{profile.resolve().as_uri()}"); '
                "components: cyan magenta yellow black; }"))
        except weasyprint.urls.FatalURLFetchingError as error:
            raise BuildError(f"stylesheets: {error.__cause__ or error}") from None
        self._stylesheets: dict[tuple[str, str], list] = {}
        self.base_url = templates_dir.resolve().as_uri() + "/"
        # WeasyPrint reports unreachable resources as log warnings; the fetcher
        # raises instead, so its logger would only repeat what we say better.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)

    def _css(self, filename: Path | None = None, string: str | None = None):
        return self._weasyprint.CSS(filename=str(filename) if filename else None, string=string,
                                    font_config=self.font_config, url_fetcher=self.fetcher,
                                    color_profiles=self.color_profiles)

    def stylesheets(self, format: str, variant: str) -> list:
        """The parsed stylesheets of a format and variant (a refused URL in them stops
        the render, like one in the document)."""
        if (format, variant) not in self._stylesheets:
            sheets = [self._css(string=palette_css(self.palette, variant)), *self._common,
                      self._css(filename=self.templates_dir / "formats" / f"{format}.css"),
                      self._css(filename=self.templates_dir / "variants" / f"{variant}.css")]
            if variant == "press":
                sheets.append(self._press_intent)
            self._stylesheets[format, variant] = sheets
        return self._stylesheets[format, variant]

    def layout(self, html: str, format: str, variant: str):
        document = self._weasyprint.HTML(string=html, base_url=self.base_url,
                                         url_fetcher=self.fetcher)
        profiles = self.color_profiles if variant == "press" else {}
        return document.render(stylesheets=self.stylesheets(format, variant),
                               font_config=self.font_config, color_profiles=profiles)

    def render(self, job: Job) -> Rendered:
        """Lay out and write one document, within the project's limits."""
        with time_limit(self.limits.seconds, job.name):
            return self._render(job)

    def _render(self, job: Job) -> Rendered:
        try:
            document = self.layout(job.html, job.format, job.variant)
            if len(document.pages) > self.limits.pages:
                raise BuildError(f"{job.name}: {len(document.pages)} pages, more than the limit "
                                 f"of {self.limits.pages} (limits.pages in project.yaml)")
            missing = -len(document.pages) % job.page_multiple
            if missing:  # each filler page is one more page at the end
                padded = job.html.replace(FILLER_MARKER, job.filler * missing)
                document = self.layout(padded, job.format, job.variant)
                if len(document.pages) % job.page_multiple:
                    raise BuildError(f"{job.name}: {len(document.pages)} pages after padding; "
                                     f"expected a multiple of {job.page_multiple}")
            anchors: dict[str, int] = {}
            for number, page in enumerate(document.pages, start=1):
                for anchor in page.anchors:
                    anchors.setdefault(anchor, number)
            pdf = document.write_pdf(finisher=partial(_stable_document_id, job.name),
                                     **VARIANT_OPTIONS[job.variant])
            return Rendered(pdf, len(document.pages), anchors)
        except self._weasyprint.urls.FatalURLFetchingError as error:
            raise BuildError(f"{job.name}: {error.__cause__ or error}") from None


@contextmanager
def time_limit(seconds: float, name: str):
    """Stop a render that takes longer than ``seconds``. A timer signal can only be
    handled in a process's main thread (local workers, -j1); a Dask cluster applies
    its own time limits to tasks."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise BuildError(f"{name}: stopped after {seconds:g} s, the limit of one render "
                         "(limits.seconds in project.yaml)")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _stable_document_id(name: str, document, pdf) -> None:
    """Replace the random XMP DocumentID of PDF/UA and PDF/X files by one derived from
    the edition, so that the same inputs give the same bytes."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    stream = pdf.objects[int(reference.split()[0])]
    stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, name)}".encode()
    stream.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", stable, part) for part in stream.stream]


def sandboxed_fetcher(weasyprint, allowed_dirs: list[Path], allowed_files: list[Path]):
    """A URL fetcher that serves only the given folders and files, and data: URLs.

    It fails on errors, so a refused or missing resource stops the render
    instead of leaving a hole in the page.
    """
    roots = [directory.resolve() for directory in allowed_dirs]
    files = {path.resolve() for path in allowed_files}

    class SandboxedFetcher(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                # resolve() follows symbolic links, so a link leaving the tree is refused too.
                path = Path(unquote(parts.path)).resolve()
                if path in files or any(path.is_relative_to(root) for root in roots):
                    if not path.is_file():
                        raise ValueError(f"'{url}' does not exist")
                    return super().fetch(url, headers)
            raise ValueError(f"refused to load '{url}': only files under "
                             f"{', '.join(map(str, roots))}, the configured fonts and data: "
                             "URLs may be used")

    return SandboxedFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
