"""The Jinja environment and the render context of one edition."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from io import BytesIO
from pathlib import Path

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    pass_context,
)
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from . import i18n, markup
from .editions import Edition, is_draft, online_address, printed_block_files
from .filling import fill_placeholders
from .formats import BACK_PANEL_ID, BACK_PANEL_TYPES, SHEET_SIDES, panel_widths
from .inputs import THEME_TEMPLATE, Roots, sha256
from .languages import Language, language
from .model import Block, Colour, CoverBlock, Library, Source
from .model.citations import numbering
from .registry import FORMATS, SOURCE_KINDS, URGENCY, VARIANTS

FILLER_MARKER = Markup("<!--filler-->")
# An image's address in a page that is not laid out here (the web edition): from its
# path and the bytes read.
Linker = Callable[[Path, bytes], str]


@dataclass(frozen=True)
class BlockView:
    """A block as the templates see it: its fields, plus its id for anchors, and the
    language of its text: another than the edition's only in a preview, where a block
    not yet translated is shown in the source language, in a frame that says so."""

    id: str
    block: Block
    language: str
    untranslated: bool = False

    @property
    def direction(self) -> str:
        return language(self.language).direction

    def __getattr__(self, name: str):
        return getattr(self.block, name)


# A tag or a comment of rendered HTML; what is between them is text (escaped, so "<"
# and ">" never occur in it).
_TAG = re.compile(r"(<[^>]*>)")


def typeset_body(html: str) -> str:
    """The typographic fixes every printed text needs (``markup.unbreakable``), made once
    on the text of the rendered body, whatever it comes from: blocks, catalog strings,
    clinics, sources, formatted figures. The head (title, metadata, styles) is kept."""
    start = html.find("<body")
    start = 0 if start < 0 else html.index(">", start) + 1   # a filler has no body tag
    pieces = _TAG.split(html[start:])
    return html[:start] + "".join(piece if piece.startswith("<") else markup.unbreakable(piece)
                                  for piece in pieces)


# What could end a CSS string or the <style> element it stands in.
_CSS_UNSAFE = re.compile(r'[\\"<>&\x00-\x1f\x7f\u2028\u2029]')


def _plain(value) -> str:
    """The text a value stands for: escaped markup (a catalog string) is turned back."""
    return value.unescape() if isinstance(value, Markup) else str(value)


def css_string(value) -> Markup:
    """Any text as one quoted CSS string: no content, catalog string or setting can close
    the string, the rule or the <style> element it is written in."""
    def escaped(match: re.Match) -> str:
        character = match[0]
        return "\\" + character if character in '\\"' else f"\\{ord(character):x} "
    return Markup('"' + _CSS_UNSAFE.sub(escaped, _plain(value)) + '"')


def css_counters(text) -> Markup:
    """Turn "Page {page} of {pages}" into a CSS content value with page counters."""
    pieces = []
    for piece in re.split(r"(\{pages?\})", _plain(text)):
        if piece in ("{page}", "{pages}"):
            pieces.append(f"counter({piece[1:-1]})")
        elif piece:
            pieces.append(css_string(piece))
    return Markup(" ".join(pieces))


def font_stack(library: Library, lang: Language) -> str:
    families = library.project.fonts.scripts[lang.script]
    return ", ".join(f"'{family}'" for family in families)


class RecordingLoader(BaseLoader):
    """Loads each template from the first of its roots' template folders that has it (the
    library's, then the theme's) and keeps the hash of the bytes it read for each, so
    that a template saved during a build is recorded as it was used."""

    def __init__(self, roots: Roots):
        self.roots = roots
        self.digests: dict[str, str] = {}

    def get_source(self, environment, template):
        path = self.roots.template("/".join(split_template_path(template)))
        # A link out of the templates folders would print any file of the machine.
        target = path.resolve()
        if not any(target.is_relative_to(folder.resolve())
                   for folder in self.roots.template_folders):
            raise TemplateNotFound(f"{template} (a link to {target}, outside the templates "
                                   "folders)")
        try:
            data = path.read_bytes()
            mtime = path.stat().st_mtime_ns
        except OSError:
            raise TemplateNotFound(template) from None
        self.digests[template] = sha256(data)

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime_ns == mtime
            except OSError:
                return False
        return data.decode("utf-8"), str(path), uptodate


class RecordingEnvironment(Environment):
    """A Jinja environment that notes every template a render asks for.

    Includes and extends go through ``get_template`` even when the compiled
    template is cached, so the notes are the render's real dependencies.
    """

    def __init__(self, **options):
        super().__init__(**options)
        self.requested: set[str] = set()

    def get_template(self, name, parent=None, globals=None):
        if parent is not None and name == parent:
            # A library's copy that extends or includes its own name means the theme's.
            name = THEME_TEMPLATE + name
        self.requested.add(name if parent is None else self.join_path(name, parent))
        return super().get_template(name, parent, globals)


@dataclass(frozen=True)
class RenderedHTML:
    html: str
    inputs: dict[str, str]  # every template, catalog and image the render used, hashed
    filler: str = ""        # one page to add at FILLER_MARKER until the page count fits


def colour_value(colour: Colour, variant: str) -> str:
    """A palette colour as CSS: CMYK for the press, RGB otherwise."""
    if VARIANTS[variant].colours == "cmyk":
        return f"device-cmyk({' '.join(f'{part:g}' for part in colour.cmyk)})"
    return colour.rgb


def palette_css(palette: dict[str, Colour], variant: str) -> str:
    """The palette as custom properties (--ink, --brand, …) for the stylesheets."""
    return ":root { " + " ".join(f"--{name}: {colour_value(colour, variant)};"
                                 for name, colour in palette.items()) + " }"


def qr_image(data: str) -> str:
    """A QR code as a data: URL of a gray PNG, eight pixels per module: gray prints on the
    black plate alone, and at its printed size the image has more than 300 pixels per
    inch, as a press asks. Drawn without smoothing it is as sharp as a vector, and lays
    out several times faster than the same code as an SVG path."""
    import qrcode

    # border=4: the quiet zone of four modules that scanners expect around the code.
    code = qrcode.QRCode(border=4, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    buffer = BytesIO()
    code.make_image().convert("L").save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class _SharedBytecode(BytecodeCache):
    """Compiled templates shared by the environments of all languages: compile once."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


class Templates:
    """Renders editions to HTML; one Jinja environment per language."""

    def __init__(self, roots: Roots):
        self.roots = roots
        self.loader = RecordingLoader(roots)
        self._environments: dict[str, RecordingEnvironment] = {}
        # language → each file its catalog was compiled from, with its hash (None: absent)
        self._catalogs: dict[str, dict[Path, str | None]] = {}
        self._bytecode = _SharedBytecode()

    def environment(self, code: str) -> RecordingEnvironment:
        if code not in self._environments:
            environment = RecordingEnvironment(
                loader=self.loader,
                autoescape=True,
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                bytecode_cache=self._bytecode,
            )
            translations = i18n.load_catalog(self.roots.catalog_folders, code)
            self._catalogs[code] = translations.files
            i18n.install_catalog(environment, translations)
            environment.filters.update(_filters(language(code), translations))
            self._environments[code] = environment
        return self._environments[code]

    def render(self, library: Library, edition: Edition, panels: dict[str, int] | None = None,
               *, page: str | None = None, link: Linker | None = None,
               extra: dict | None = None) -> RenderedHTML:
        """Render an edition; ``panels`` places blocks on the panels of a folded sheet.
        ``page`` renders another template than the format's (the web edition), ``link``
        gives an image its address there, ``extra`` adds to what the template sees."""
        languages = [edition.language]
        if edition.preview:
            languages.append(library.project.source_language)
        for code in languages:
            self.environment(code).requested = set()
        environment = self.environment(edition.language)
        assets: dict[str, str] = {}
        template = environment.get_template(page or FORMATS[edition.format].template)

        def asset_url(reference: str) -> str:
            return self._asset_url(library, reference, assets, link)
        seen = _context(library, edition, panels, asset_url)
        context = template.new_context({
            **seen, **(extra or {}),
            "in_source_language": partial(self._in_source_language, library, edition, panels,
                                          asset_url, seen)})
        try:
            html = typeset_body("".join(template.root_render_func(context)))
            filler = (typeset_body("".join(template.blocks["filler"](context)))
                      if "filler" in template.blocks else "")
        except TemplateError:
            environment.handle_exception()   # re-raised with the templates' own lines

        inputs = {}
        for code in languages:
            inputs.update({f"templates:{name}": self.loader.digests[name]
                           for name in sorted(self.environment(code).requested)})
            inputs.update({self.roots.key(path): digest
                           for path, digest in self._catalogs[code].items()})
        return RenderedHTML(html, {**inputs, **assets}, filler)

    def _in_source_language(self, library: Library, edition: Edition,
                            panels: dict[str, int] | None, asset_url, preview: dict,
                            view: BlockView) -> Markup:
        """A block of a preview that is not translated yet, rendered as the source
        language's edition renders it: its typography, its catalog's strings, its numbers;
        its citations and support lines are the preview's, numbered as its list."""
        source = replace(edition, language=view.language, preview=False)
        template = self.environment(view.language).get_template("partials/block.html.j2")
        return Markup(template.render({
            **_context(library, source, panels, asset_url), "cite": preview["cite"],
            "helplines": preview["helplines"], "block": replace(view, untranslated=False)}))

    def _asset_url(self, library: Library, reference: str, assets: dict[str, str],
                   link: Linker | None) -> str:
        """The address of an image under content/assets/, recorded as an input."""
        path = library.root / "assets" / reference
        data = path.read_bytes()
        assets[self.roots.key(path)] = sha256(data)
        return link(path, data) if link else path.resolve().as_uri()


def _filters(lang: Language, translations) -> dict:
    """The filters templates format and typeset text with, in one language."""
    typeset = partial(i18n.typography, lang=lang, quotes=i18n.quotation_marks(translations))
    return dict(
        # Block text fills its placeholders ({clinic.name}) with the edition's clinic's
        # values, or blanks to write on: the generic edition has no clinic.
        text=pass_context(lambda context, value: fill_placeholders(
            str(value), context.get("clinic"), lang, lambda text: escape(typeset(text)))),
        plain=pass_context(lambda context, value: fill_placeholders(
            str(value), context.get("clinic"), lang, escape)),
        markdown=pass_context(lambda context, value: fill_placeholders(
            str(value), context.get("clinic"), lang,
            lambda text: markup.to_html(text, typeset, context["asset_url"], context["cite"]))),
        figure=lambda value, style: i18n.format_figure(value, style, lang),
        day=lambda value: i18n.format_day(value, lang),
        partial_date=lambda value, code=lang.code: i18n.format_partial_date(
            value, language(code)),
        isolated=lambda value: i18n.isolate(str(value), lang),
        # A phone number reads left to right in every language, whatever surrounds it.
        phone=lambda value: f"\u2066{value}\u2069",
        weekdays=lambda days: i18n.format_days(days, lang),
        hours=lambda opens, closes: i18n.isolate(
            i18n.format_opening_hours(opens, closes, lang), lang),
        cite_short=lambda source: i18n.isolate(short_citation(
            source, translations.gettext(SOURCE_KINDS[source.kind])), lang),
        css_counters=css_counters,
        css_string=css_string,
        urgency=URGENCY.__getitem__,   # a symptom's level: its word, colour and shape
    )


def _context(library: Library, edition: Edition, panels: dict[str, int] | None,
             asset_url) -> dict:
    """What an edition's templates see."""
    lang = language(edition.language)
    views = [BlockView(block_file.block_id, block_file.block, block_file.language,
                       block_file.language != edition.language)
             for block_file in printed_block_files(library, edition)]
    cover = next(view.block for view in views if isinstance(view.block, CoverBlock))
    helplines = library.project.helplines.get(edition.language, [])
    numbers = numbering((view.block for view in views), [line.source for line in helplines])
    return dict(
        lang=lang,
        leaflet=library.leaflets[edition.leaflet].leaflet,
        leaflet_id=edition.leaflet,
        title=cover.title,
        blocks=views,
        sources=library.sources,
        cited_sources=list(numbers),
        source_years=_years(library.sources[source_id] for source_id in numbers),
        source_kinds=SOURCE_KINDS,
        helplines=helplines,
        cite=partial(citation_html, numbers),
        publisher=library.project.publisher,
        publisher_language=library.project.publisher_language,
        format=edition.format,
        variant=edition.variant,
        draft=is_draft(library, edition),
        online_url=online_address(library, edition),
        medium="print",   # the web edition says "web"
        qr_image=qr_image,
        colour=lambda name: colour_value(library.project.palette[name], edition.variant),
        panels=panels,
        back_panel_types=BACK_PANEL_TYPES,
        back_panel_id=BACK_PANEL_ID,
        sheet_sides=SHEET_SIDES,
        panel_widths=panel_widths(FORMATS[edition.format].panel_widths),
        clinic=library.clinics[edition.clinic].clinic if edition.clinic else None,
        asset_url=asset_url,
        filler_marker=FILLER_MARKER,
        font_stack_of=lambda code: Markup(font_stack(library, language(code))),
        script_of=lambda code: language(code).script,
        start_side="right" if lang.rtl else "left",
        end_side="left" if lang.rtl else "right",
    )


def _years(sources) -> list[int]:
    """The first and last years the dated sources were published in (one if the same)."""
    years = sorted({source.published.year if hasattr(source.published, "year")
                    else int(str(source.published)[:4])
                    for source in sources if source.published is not None})
    return sorted({years[0], years[-1]}) if years else []


def citation_html(numbers: dict[str, int], source_id: str) -> Markup:
    """A citation as printed: the source's number in the edition's list, in brackets,
    linked to the list's entry. It follows the word before it with no space (a letter
    then "[" is no break opportunity): a no-break space there makes WeasyPrint end lines
    early, leaving a word alone on a line; the stylesheet puts a little room before it."""
    return Markup('<a class="citation" href="#source-{0}">[{1}]</a>').format(
        source_id, numbers[source_id])


def short_citation(source: Source, kind: str) -> str:
    """A source as key figures cite it: "Institut Curie, 2019", with what it gives (its
    ``kind``, in the reader's language, where it names no publisher)."""
    published = source.published
    year = str(published.year) if hasattr(published, "year") else (published or "")[:4]
    return ", ".join(part for part in (source.publisher or kind, year) if part)
