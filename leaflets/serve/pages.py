"""The preview's own pages (the located errors, the review view and its index, a page
not found), rendered from ``templates/serve/``, and the script that reloads a page.

They are the tool's words, in English as its messages are; content in them is text,
escaped by the environment, in its own language and direction.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..model import Library
from .review import review, reviewable, side

PREFIX = "/__leaflets/"                # the server's own addresses: never an output file
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "live.js"
ASSETS = {"live.js": "text/javascript; charset=utf-8", "serve.css": "text/css; charset=utf-8"}
REVIEW = re.compile(r"review/([a-z0-9][a-z0-9-]*)/([A-Za-z0-9_-]+)")
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
# The controls a message quotes from a mistaken file ("unknown field 'a\u202eb'"): shown,
# they would reorder the rest of the message, location included; named, they are found.
_BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Pages:
    """Renders the preview's pages; templates are read again when they change."""

    def __init__(self, template_folders: tuple[Path, ...]):
        self.folders = [folder / "serve" for folder in template_folders]
        self.environment = Environment(loader=FileSystemLoader(self.folders), autoescape=True,
                                       undefined=StrictUndefined, trim_blocks=True,
                                       lstrip_blocks=True)

    def render(self, name: str, version: int, **context) -> bytes:
        template = self.environment.get_template(name)
        return template.render(script=script_tag(version), prefix=PREFIX, **context).encode()

    def errors(self, problems: list[str], version: int) -> bytes:
        return self.render("errors.html.j2", version, problems=[
            _BIDI_CONTROL.sub(lambda found: f"<U+{ord(found[0]):04X}>", problem)
            for problem in problems])

    def not_found(self, address: str, version: int) -> bytes:
        return self.render("not-found.html.j2", version, address=address)

    def own(self, name: str, library: Library | None, version: int) -> bytes | None:
        """The page at ``/__leaflets/<name>``: the index, a review; None if none."""
        if library is None:   # the first pages are being made: this one reloads after
            return self.render("starting.html.j2", version)
        if name == "":
            return self.render("index.html.j2", version, leaflets=reviewable(library),
                               source=side(library.project.source_language))
        match = REVIEW.fullmatch(name)
        found = review(library, *match.groups()) if match else None
        return None if found is None else self.render("review.html.j2", version, review=found)

    def asset(self, name: str) -> bytes | None:
        if name not in ASSETS:
            return None
        found = next((path for folder in self.folders if (path := folder / name).is_file()),
                     self.folders[-1] / name)
        return found.read_bytes()


def script_tag(version: int) -> Markup:
    """The reloading script, told which version of the pages this one is."""
    return Markup(f'<script src="{SCRIPT}" data-version="{escape(str(version))}" '
                  'defer></script>')


def with_script(html: bytes, version: int) -> bytes:
    """An HTML file as served: the reloading script added before its body ends (the file
    on disk is left as it is)."""
    tag = str(script_tag(version)).encode()
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + tag
    at = ends[-1].start()
    return html[:at] + tag + html[at:]
