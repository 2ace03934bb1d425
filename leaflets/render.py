"""HTML to PDF with WeasyPrint: the fetcher sandbox, fonts from packages, metadata."""

from __future__ import annotations

import ctypes.util
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import BuildError, SetupError
from .model import Project

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


class Renderer:
    """Renders HTML documents to PDF bytes; one per worker process.

    Importing WeasyPrint, building the font configuration and parsing the
    stylesheets cost far more than laying out a leaflet, so all of it is done
    once here and reused for every document.
    """

    def __init__(self, project: Project, templates_dir: Path, asset_dirs: list[Path]):
        import weasyprint
        import weasyprint.urls
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        faces = font_faces(project)
        allowed = [templates_dir, *asset_dirs]
        self.fetcher = sandboxed_fetcher(weasyprint, allowed, [face.path for face in faces])
        self.font_config = FontConfiguration()
        self.stylesheets = [
            weasyprint.CSS(string=font_face_css(faces), font_config=self.font_config,
                           url_fetcher=self.fetcher),
            weasyprint.CSS(filename=str(templates_dir / "leaflet.css"),
                           font_config=self.font_config, url_fetcher=self.fetcher),
        ]
        self.base_url = templates_dir.resolve().as_uri() + "/"
        # WeasyPrint reports unreachable resources as log warnings; the fetcher
        # raises instead, so its logger would only repeat what we say better.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)

    def render(self, html: str, name: str) -> tuple[bytes, int]:
        """Lay out and write one document; returns the PDF bytes and the page count."""
        document = self._weasyprint.HTML(string=html, base_url=self.base_url,
                                         url_fetcher=self.fetcher)
        try:
            rendered = document.render(stylesheets=self.stylesheets,
                                       font_config=self.font_config)
            return rendered.write_pdf(), len(rendered.pages)
        except self._weasyprint.urls.FatalURLFetchingError as error:
            raise BuildError(f"{name}: {error.__cause__ or error}") from None


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
