"""The web edition: each leaflet, in each language and for each clinic, as one web page,
and the files those pages share.

A page sits beside the PDFs of its edition (``[clinics/<clinic>/]<lang>/<leaflet>.html``)
and everything it needs is in the ``static/`` folder of its catalogue folder: the
stylesheet, the fonts, the images, each named by a hash of what it holds (a changed
file is a new name, so no browser or cache keeps an old one). No request leaves the
folder, so it works from ``file://``, a shared drive, an unzipped bundle or any static
host. Pages are rendered from the blocks' own templates, without layout.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from babel import Locale
from markupsafe import Markup

from ..editions import Edition, edition_languages, output_name, web_path
from ..inputs import Roots, sha256
from ..languages import language
from ..model import Library
from ..outputs import atomic_write, keep_listed
from ..registry import DEFAULT_VARIANT, VARIANTS
from ..tasks import edition_inputs, render_html
from ..templates import Templates, palette_css
from ..webfonts import web_fonts, woff2
from . import Page, PageKind, Product, Site, SiteKind

PAGE = "web/edition.html.j2"
STYLESHEET = "web/web.css"
STATIC = "static"
MADE = ".web-files.json"   # the shared files this kind made, to remove its own alone
OWN_NAME = re.compile(r"(clinics/[a-z0-9][a-z0-9-]*/)?static/"
                      r"(leaflets\.[0-9a-f]{16}\.css|fonts/[0-9a-f]{16}\.woff2"
                      r"|[0-9a-f]{16}\.[a-z0-9]{1,5})")
# A shared file a page links, as the page template writes its address.
LINK = re.compile(r'(?:src|href)="\.\./static/((?:leaflets\.)?[0-9a-f]{16}\.[a-z0-9]{1,5})"')
# The shared files the pages this process made link, by name (a hash of their bytes, so
# never out of date): a file saved during a build after a page was made changes what
# the files give now, not what that page links. Emptied once they are written.
_LINKED: dict[str, bytes] = {}


# What could end a CSS string, the rule, the <style> element or the style="…" attribute
# it stands in.
_CSS_UNSAFE = re.compile(r"""[\\"'<>&\x00-\x1f\x7f\u2028\u2029]""")


def css_family(family: str) -> str:
    """A font family's name as one quoted CSS string: project.yaml is content, and a name
    that closes the string, the rule or the element (a script) prints nothing but a name."""
    return "'" + _CSS_UNSAFE.sub(lambda match: f"\\{ord(match[0]):x} ", family) + "'"


def css_font_stack(library: Library, code: str) -> Markup:
    """The font stack of a language's script, as the web pages write it."""
    families = library.project.fonts.scripts[language(code).script]
    return Markup(", ".join(css_family(family) for family in families))


def hashed_name(data: bytes, suffix: str) -> str:
    return hashlib.sha256(data).hexdigest()[:16] + suffix


def catalogue_folder(path: str) -> str:
    """The catalogue folder a file of the output is in: "" or "clinics/<clinic>/"."""
    parts = path.split("/")
    return "/".join(parts[:2]) + "/" if parts[0] == "clinics" and len(parts) > 2 else ""


@dataclass(frozen=True)
class Stylesheet:
    """The web editions' stylesheet: the template's rules, the palette (in the screen
    editions' colours), the fonts."""

    data: bytes
    inputs: dict[str, str]

    @property
    def name(self) -> str:
        return f"leaflets.{hashed_name(self.data, '.css')[:-4]}.css"


def stylesheet(library: Library, roots: Roots) -> Stylesheet:
    path = roots.template(STYLESHEET)
    rules = path.read_bytes()
    inputs = {roots.key(path): sha256(rules)}
    faces = []
    for font in web_fonts(library.project, roots.content):
        inputs[roots.key(font.face.path)] = font.source_sha256
        faces.append(f"@font-face {{ font-family: {css_family(font.face.family)}; "
                     f"font-weight: {font.face.weight}; font-style: {font.face.style}; "
                     f'font-display: swap; src: url("fonts/{font.name}") format("woff2"); }}')
    text = "\n".join([*faces, palette_css(library.project.palette, DEFAULT_VARIANT), ""])
    return Stylesheet(text.encode() + rules, inputs)


class WebEdition(PageKind):
    """One page per leaflet, language and clinic (the editions in the default variant and
    the leaflet's own format): what a QR code opens, what a website links."""

    name = "web"
    extension = "html"

    def applies(self, library: Library, edition: Edition) -> bool:
        return (VARIANTS[edition.variant].default
                and edition.format == library.format_of(edition.leaflet))

    def path(self, library: Library, edition: Edition) -> str:
        return web_path(library, edition)

    def make(self, library: Library, templates: Templates, edition: Edition) -> Page:
        sheet = stylesheet(library, templates.roots)
        drawn: dict[Path, bytes] = {}

        def link(path: Path, data: bytes) -> str:
            """An image's address from a page: in the static folder beside the page's."""
            data = static_picture(path, data, library.root / "assets", drawn)
            name = hashed_name(data, path.suffix.lower())
            _LINKED[name] = data
            return f"../{STATIC}/{name}"
        _LINKED[sheet.name] = sheet.data
        rendered = render_html(templates, library, edition, page=PAGE, link=link,
                               extra=_page_context(library, edition, sheet))
        inputs = {**edition_inputs(library, edition), **rendered.inputs, **sheet.inputs,
                  **{templates.roots.key(path): sha256(data) for path, data in drawn.items()}}
        return Page(Product(rendered.html.encode(), None, "web"), inputs)


# An address in an SVG: href="…", xlink:href='…', url(…); fragments (#id) are its own.
_SVG_ADDRESS = re.compile(rb"""(href\s*=\s*["']|url\(\s*["']?)([^"'()#\s]+)""")


def static_picture(path: Path, data: bytes, assets: Path, drawn: dict[Path, bytes],
                   within: tuple[Path, ...] = ()) -> bytes:
    """A picture as the static folder holds it. A browser shows an SVG in an <img> as a
    sealed image that loads no other file, so the files under content/assets/ an SVG
    draws from (an <image>, a <use>, a url() of its style) go inside it as data: URLs,
    as the PDF draws them; ``drawn`` collects them, inputs of the page too."""
    if path.suffix.lower() != ".svg":
        return data
    within = (*within, path.resolve())

    def inline(match: re.Match) -> bytes:
        parts = urlsplit(unquote(match[2].decode(errors="replace")))
        target = (path.parent / parts.path).resolve()
        if (parts.scheme not in ("", "file") or target in within or not target.is_file()
                or not target.is_relative_to(assets.resolve())):
            return match[0]   # not a file of the library's (or an SVG drawing itself)
        drawn[target] = target.read_bytes()
        inner = static_picture(target, drawn[target], assets, drawn, within)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return match[1] + f"data:{kind};base64,".encode() + base64.b64encode(inner)
    return _SVG_ADDRESS.sub(inline, data)


def _page_context(library: Library, edition: Edition, sheet: Stylesheet) -> dict:
    """What the web page template sees besides what every edition's template sees."""
    own = Path(output_name(library, edition)).name
    languages = [] if edition.preview else edition_languages(library, edition.leaflet,
                                                             edition.clinic)
    return dict(
        medium="web",
        # Instead of every template's own stack, which writes the names as they are.
        font_stack_of=lambda code: css_font_stack(library, code),
        stylesheet=f"../{STATIC}/{sheet.name}",
        pdf_href=f"{own}.pdf",
        # The same leaflet's other editions in this folder: (code, name in itself, href).
        switch=[(code, Locale.parse(code).get_display_name(code).capitalize(),
                 f"../{code}/{edition.leaflet}.html")
                for code in languages if code != edition.language],
    )


def withdrawn_editions(library: Library) -> list[Edition]:
    """The web editions a withdrawn leaflet had, in each folder and language it was
    distributed in: printed QR codes still open them."""
    return [Edition(leaflet, code, library.format_of(leaflet), DEFAULT_VARIANT, clinic)
            for leaflet, leaflet_file in library.leaflets.items()
            if leaflet_file.leaflet.withdrawn is not None
            for clinic in [None, *library.clinics]
            for code in edition_languages(library, leaflet, clinic)]


class WebFiles(SiteKind):
    """The stylesheet, fonts and images the web pages of each catalogue folder use, in
    its ``static/`` folder. The files it made are listed in ``.web-files.json``, so it
    removes its own when no page uses them any more, and never anyone else's."""

    name = "web files"

    def finish(self, site: Site) -> list[Path]:
        pages = [record for record in site.records if record.kind == WebEdition.name]
        # A withdrawn leaflet's page (kinds/withdrawn.py) uses the stylesheet too.
        folders = {catalogue_folder(path) for path in [
            *(record.path for record in pages),
            *(web_path(site.library, edition) for edition in withdrawn_editions(site.library))]}
        wanted = _shared_files(site, folders)
        for record in pages:
            wanted.update(_page_files(site, record, wanted))
        for name, data in sorted(wanted.items()):
            path = site.output / name
            if not path.is_file() or path.is_symlink():   # named by content: made once
                atomic_write(path, data())
        _LINKED.clear()
        keep_listed(site.output, MADE, OWN_NAME, set(wanted))
        return []   # no file here is one a person opens


def _shared_files(site: Site, folders: set[str]) -> dict[str, Callable[[], bytes]]:
    """The stylesheet and fonts of each folder's static/ (name → its bytes, when needed)."""
    if not folders:
        return {}
    sheet = stylesheet(site.library, site.roots)
    fonts = web_fonts(site.library.project, site.roots.content)
    wanted: dict[str, Callable[[], bytes]] = {}
    for folder in folders:
        static = f"{folder}{STATIC}/"
        wanted[static + sheet.name] = lambda sheet=sheet: sheet.data
        for font in fonts:
            wanted[f"{static}fonts/{font.name}"] = lambda font=font: woff2(font)
    return wanted


def _page_files(site: Site, record, wanted: dict) -> dict[str, Callable[[], bytes]]:
    """The pictures a page links, and any shared file it links that ``wanted`` lacks."""
    static = f"{catalogue_folder(record.path)}{STATIC}/"
    linked = set(LINK.findall((site.output / record.path).read_text()))
    files: dict[str, Callable[[], bytes]] = {}
    for key in record.inputs:   # a picture an SVG draws from is inside it
        if key.startswith("content:assets/"):
            path = site.roots.path(key)
            data = static_picture(path, path.read_bytes(), site.library.root / "assets", {})
            name = hashed_name(data, path.suffix.lower())
            if name in linked:
                files[static + name] = lambda data=data: data
    # A page made before a file it uses was saved again links that file as it was: it
    # stays until the next build makes the page again.
    for name in sorted(linked):
        kept = site.output / static / name
        if static + name in wanted or static + name in files:
            continue
        if name in _LINKED:
            files[static + name] = lambda name=name: _LINKED[name]
        elif kept.is_file() and not kept.is_symlink():
            files[static + name] = kept.read_bytes
    return files
