"""HTML to PDF with WeasyPrint: the fetcher sandbox, fonts from packages, metadata."""

from __future__ import annotations

import ctypes.util
import logging
import mimetypes
import re
import signal
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import press
from .errors import BuildError, SetupError
from .fonts import FontFace, font_face_css, font_faces, mark_face
from .inputs import Recorder, Roots, sha256
from .model import Project
from .overflow import Overflow, overflowing_frames
from .pictures import press_picture
from .registry import FORMATS, VARIANTS
from .tagging import tag_pdf
from .templates import FILLER_MARKER, palette_css


def press_profile(project: Project, content: Path) -> tuple[press.Profile, Path]:
    """The printing condition press PDFs are made for (print.output_intent) and its file,
    a relative path being relative to the content folder. (The @color-profile rule reads
    the file again through the fetcher, which makes it an input of every press edition.)"""
    from PIL import ImageCms

    intent = project.print.output_intents[project.print.output_intent]
    path = content / intent.profile
    where = f"print.output_intents.{project.print.output_intent}.profile in project.yaml"
    if not path.is_file():
        raise SetupError(f"the press colour profile {path} ({where}) is not a file"
                         + ("; install it with: apt-get install libgs-common"
                            if "ghostscript" in path.parts else ""))
    profile = press.Profile(path.read_bytes(), intent.condition, intent.info or "")
    if profile.components != 4:
        raise SetupError(f"{path} ({where}) is not a CMYK profile: press PDFs need one")
    try:   # a transform to it, as pictures need: a header alone is not a profile
        ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                ImageCms.ImageCmsProfile(BytesIO(profile.data)), "RGB", "CMYK")
    except (ImageCms.PyCMSError, OSError) as error:
        raise SetupError(f"{path} ({where}) is not an ICC profile littleCMS can read "
                         f"({error})") from None
    return profile, path


def project_faces(project: Project, content: Path) -> list[FontFace]:
    """Every font file a render uses: the settings' faces and the DRAFT mark's."""
    return [*font_faces(project, content), mark_face()]


def over_the_time_limit(name: str, seconds: float) -> BuildError:
    return BuildError(f"{name}: stopped after {seconds:g} s, the limit of one render "
                      "(limits.seconds in project.yaml)")


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
    # Press sheets: the fold lines of each side, in mm from the left trim edge.
    folds: tuple[tuple[float, ...], ...] = ()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    anchors: dict[str, int]  # element id → the first page (from 1) it is on
    inputs: dict[str, str] = field(default_factory=dict)   # every file served, with its hash
    overflows: tuple[Overflow, ...] = ()   # frames their content does not fit in


class Renderer:
    """Renders HTML documents to PDF bytes; one per worker process.

    Importing WeasyPrint, building the font configuration and parsing the
    stylesheets cost far more than laying out a leaflet, so all of it is done
    once here (stylesheets once per format and variant) and reused for every
    document. What the parsing read (stylesheets, fonts, the colour profile) is
    remembered with the parsed sheets, so every document that uses them records it.
    """

    def __init__(self, project: Project, roots: Roots, faces: tuple[FontFace, ...] | None = None):
        import weasyprint
        import weasyprint.urls
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self.roots = roots
        self.palette = project.palette
        self.limits = project.limits
        # A Dask worker is given the client's font files (``faces``), not its own.
        faces = list(faces) if faces is not None else project_faces(project, roots.content)
        self.recorder = Recorder(roots)
        self.font_config = FontConfiguration()
        self._stylesheets: dict[tuple[str, str], tuple[list, dict[str, str]]] = {}
        self._parsed_files: dict[str, tuple | None] = {}
        self.press_profile, profile_path = press_profile(project, roots.content)
        fetcher = partial(sandboxed_fetcher, weasyprint, self.recorder,
                          [*roots.template_folders, roots.content / "assets"],
                          [face.path for face in faces] + [profile_path])
        self.fetcher, self.press_fetcher = fetcher(), fetcher(self.press_profile)
        # Filled by the @color-profile rule below: WeasyPrint draws groups and shadings
        # in the profile's CMYK when it knows one (press.finish writes its bytes).
        self.color_profiles: dict = {}
        try:
            self._common = self._parsed(lambda: [
                self._css(string=font_face_css(faces)), self._css(file="leaflet.css")])
            self._press_intent = self._parsed(lambda: [self._css(string=(
                f'@color-profile device-cmyk {{ src: url("{profile_path.resolve().as_uri()}"); '
                "components: cyan, magenta, yellow, black; }"))])
        except weasyprint.urls.FatalURLFetchingError as error:
            raise BuildError(f"stylesheets: {error.__cause__ or error}") from None
        self.base_url = roots.templates.resolve().as_uri() + "/"
        # WeasyPrint reports unreachable resources as log warnings; the fetcher
        # raises instead, so its logger would only repeat what we say better.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)

    def _parsed(self, parse) -> tuple[list, dict[str, str]]:
        """Parse some stylesheets; return them with every file the parsing read."""
        self.recorder.inputs = {}
        parsed = parse()
        self._parsed_files.update({key: self._signature(key) for key in self.recorder.inputs})
        return parsed, self.recorder.inputs

    def _signature(self, key: str) -> tuple | None:
        """Which file an input key stands for now, and its size and time of change."""
        path = self.roots.path(key)
        try:
            status = path.stat()
        except OSError:
            return None
        return str(path), status.st_size, status.st_mtime_ns

    def current(self) -> bool:
        """Whether every file the parsed stylesheets read is still as it was parsed: a
        renderer that outlives a build (-j1, watch) must not lay out with an old sheet,
        nor the theme's once the library has its own."""
        return all(self._signature(key) == seen for key, seen in self._parsed_files.items())

    def _css(self, file: str | None = None, string: str | None = None):
        """A stylesheet from a string, or from a file of the templates (the library's or
        the theme's) read through the recorder (so that it is an input of every document
        using it)."""
        base_url = None
        if file is not None:
            path = self.roots.template(file)
            string, base_url = self.recorder.read(path).decode(), path.resolve().as_uri()
        return self._weasyprint.CSS(string=string, base_url=base_url,
                                    font_config=self.font_config, url_fetcher=self.fetcher,
                                    color_profiles=self.color_profiles)

    def stylesheets(self, format: str, variant: str) -> tuple[list, dict[str, str]]:
        """The parsed stylesheets of a format and variant in cascade order, with what they
        read (a refused URL in them stops the render, like one in the document)."""
        if (format, variant) not in self._stylesheets:
            entry = VARIANTS[variant]
            (palette,), palette_read = self._parsed(
                lambda: [self._css(string=palette_css(self.palette, variant))])
            own, own_read = self._parsed(lambda: [self._css(file=FORMATS[format].stylesheet),
                                                  self._css(file=entry.stylesheet)])
            intent, intent_read = self._press_intent if entry.finished_for_press else ([], {})
            common, common_read = self._common
            self._stylesheets[format, variant] = (
                [palette, *common, *own, *intent],
                {**palette_read, **common_read, **own_read, **intent_read})
        return self._stylesheets[format, variant]

    def layout(self, html: str, format: str, variant: str):
        press_edition = VARIANTS[variant].finished_for_press
        document = self._weasyprint.HTML(
            string=html, base_url=self.base_url,
            url_fetcher=self.press_fetcher if press_edition else self.fetcher)
        profiles = self.color_profiles if press_edition else {}
        return document.render(stylesheets=self.stylesheets(format, variant)[0],
                               font_config=self.font_config, color_profiles=profiles)

    def render(self, job: Job) -> Rendered:
        """Lay out and write one document, within the project's limits."""
        with time_limit(self.limits.seconds, job.name):
            sheets_read = self.stylesheets(job.format, job.variant)[1]
            self.recorder.inputs = {}
            rendered = self._render(job)
            return Rendered(rendered.pdf, rendered.pages, rendered.anchors,
                            {**sheets_read, **self.recorder.inputs}, rendered.overflows)

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
                                     pdf_variant=VARIANTS[job.variant].pdf_variant)
            pdf = tag_pdf(pdf, document, VARIANTS[job.variant].pdf_variant)   # PDF/UA only
            if VARIANTS[job.variant].finished_for_press:
                pdf = press.finish(pdf, self.press_profile, job.folds)
            return Rendered(pdf, len(document.pages), anchors,
                            overflows=overflowing_frames(document))
        except self._weasyprint.urls.FatalURLFetchingError as error:
            raise BuildError(f"{job.name}: {error.__cause__ or error}") from None


@contextmanager
def time_limit(seconds: float, name: str):
    """Stop a render that takes longer than ``seconds``. A timer signal can only be
    handled in a process's main thread (local workers, -j1); a Dask worker's threads
    have their own limit (cluster.within_time_limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise over_the_time_limit(name, seconds)

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


def _inherited(path: Path, roots: Roots) -> Path:
    """A file a template or stylesheet refers to: where it is, or, if it is not there and
    lies under a templates folder, the same file of the next folder that has it (a
    library's stylesheet may use the theme's pictures, and the theme's the library's)."""
    if path.is_file():
        return path
    for folder in roots.template_folders:
        folder = folder.resolve()
        if path.is_relative_to(folder):
            return roots.template(path.relative_to(folder).as_posix()).resolve()
    return path


def sandboxed_fetcher(weasyprint, recorder: Recorder, allowed_dirs: list[Path],
                      allowed_files: list[Path], press_profile: press.Profile | None = None):
    """A URL fetcher that serves only the given folders and files, and data: URLs, and
    records each file it serves with the hash of the very bytes it read. With a press
    profile, it serves pictures (any image, and any file of the last folder, the
    pictures') converted to the press's colours.

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
                path = _inherited(Path(unquote(parts.path)).resolve(), recorder.roots)
                if path in files or any(path.is_relative_to(root) for root in roots):
                    if not path.is_file():
                        raise ValueError(f"'{url}' does not exist")
                    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    body = recorder.read(path)
                    if press_profile is not None and (mime_type.startswith("image/")
                                                      or path.is_relative_to(roots[-1])):
                        body, mime_type = press_picture(body, str(path), press_profile.data)
                        # Not a file: URL, or WeasyPrint embeds the file as it is on disk.
                        url = f"leaflets-press-picture:{sha256(body)}"
                    return weasyprint.urls.URLFetcherResponse(
                        url, body, {"Content-Type": mime_type})
            raise ValueError(f"refused to load '{url}': only files under "
                             f"{', '.join(map(str, roots))}, the configured fonts and data: "
                             "URLs may be used")

    return SandboxedFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
