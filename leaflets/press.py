"""Finishing a press PDF: what a print shop needs that WeasyPrint's PDF/X-4 leaves out.

WeasyPrint lays the pages out in CMYK with their bleed and writes the PDF/X-4
identification. This module then, with pikepdf:

- writes the press profile into the output intent as the very bytes of its file
  (WeasyPrint re-serialises it through littleCMS, and the result depends on what the
  worker did before, so press PDFs were not reproducible);
- gives each page a slug outside the bleed and draws the crop, bleed and fold marks
  there in the registration colour, which prints on every plate (WeasyPrint's own
  marks are RGB hairlines inside the bleed);
- makes 100 % black fills overprint, so black text on a tint does not leave a white
  gap when the plates are slightly out of register;
- removes links, which mean nothing on paper (PDF/X allows no annotation on the page).

Pictures are converted to the press's CMYK as they are fetched (``pictures``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import pikepdf

from .formats import saddle_stitch_order

MM = 72 / 25.4
SLUG = 12 * MM          # beyond the trim edge, to hold the marks
MARK_GAP = 4 * MM       # between the trim edge and a crop mark: clear of the 3 mm bleed
MARK_LENGTH = 5 * MM
MARK_WIDTH = 0.3        # points: thicker than a hairline, which some devices drop
OVERPRINT, KNOCKOUT = pikepdf.Name("/LeafletsOverprint"), pikepdf.Name("/LeafletsKnockout")
REGISTRATION = pikepdf.Name("/LeafletsRegistration")
SET_STATE = pikepdf.Operator("gs")
FILL_COLOUR_OPERATORS = ("k", "sc", "scn", "g", "rg")


@dataclass(frozen=True)
class Profile:
    """The press's colour profile, as configured in project.yaml."""

    data: bytes
    condition: str        # OutputConditionIdentifier: the printing condition's name
    info: str = ""

    @property
    def components(self) -> int:
        """How many colorants the profile describes, from its header."""
        space = self.data[16:20]
        return {b"CMYK": 4, b"GRAY": 1, b"RGB ": 3}.get(space, 0)


def finish(pdf: bytes, profile: Profile, folds: tuple[tuple[float, ...], ...] = ()) -> bytes:
    """The press PDF as a print shop takes it; ``folds`` are the fold lines of each page,
    in millimetres from the left trim edge (repeating when there are fewer than pages)."""
    with pikepdf.open(BytesIO(pdf)) as document:
        _set_output_intent(document, profile)
        registration = _registration_space(document)
        seen: set = set()
        for number, page in enumerate(document.pages):
            page_folds = folds[number % len(folds)] if folds else ()
            _remove(page.obj, "/Annots")
            page.contents_coalesce()
            _overprint_black(document, page.obj, seen)
            add_marks(document, page, registration, [fold * MM for fold in page_folds])
        _remove(document.Root, "/AcroForm")
        return save(document)


def _remove(dictionary: pikepdf.Dictionary, key: str) -> None:
    if key in dictionary:
        del dictionary[key]


def save(document: pikepdf.Pdf) -> bytes:
    """The document's bytes, the same for the same content (no random file identifier)."""
    buffer = BytesIO()
    # WeasyPrint's identifier hashes its own output, which varies with what the worker
    # rendered before; without one, qpdf derives both halves from the content.
    _remove(document.trailer, "/ID")
    document.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def impose_booklet(pdf: bytes, right_to_left: bool) -> bytes:
    """A finished press booklet as spreads in saddle-stitch order: each pair of pages
    side by side, trimmed at the spine and bled on the three outer edges, the spread
    with its own crop and bleed marks and a fold mark at the spine."""
    with pikepdf.open(BytesIO(pdf)) as document:
        pages = list(document.pages)
        left, bottom, right, top = _box(pages[0], "/TrimBox")
        width, height = right - left, top - bottom
        bleed = left - _box(pages[0], "/BleedBox")[0]
        forms = [_whole_page(document, page) for page in pages]
        registration = _registration_space(document)
        spreads = [_spread(document, (forms[first - 1], forms[second - 1]),
                           (left, bottom, width, height, bleed), registration)
                   for first, second in saddle_stitch_order(len(pages), right_to_left)]
        del document.pages[:]
        document.pages.extend(spreads)
        for key in ("/Outlines", "/PageLabels"):   # they name the pages that are gone
            _remove(document.Root, key)
        if "/Names" in document.Root:
            _remove(document.Root.Names, "/Dests")
        return save(document)


def _whole_page(document: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Object:
    """A page as a form, bleed and slug included (pikepdf would cut it at the trim)."""
    form = page.as_form_xobject()
    form.BBox = page.obj.MediaBox
    return document.make_indirect(form)


def _spread(document: pikepdf.Pdf, forms: tuple, geometry: tuple,
            registration: pikepdf.Array) -> pikepdf.Page:
    """One side of a sheet: two pages, each clipped to its bleed except at the spine."""
    left, bottom, width, height, bleed = geometry
    drawing = []
    for slot in (0, 1):
        clip_left = -bleed if slot == 0 else width
        clip_width = width + bleed
        drawing.append(f"q {clip_left:.3f} {-bleed:.3f} {clip_width:.3f} "
                       f"{height + 2 * bleed:.3f} re W n 1 0 0 1 {slot * width - left:.3f} "
                       f"{-bottom:.3f} cm /Page{slot} Do Q")
    page = pikepdf.Page(document.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[-bleed, -bleed, 2 * width + bleed, height + bleed],
        BleedBox=[-bleed, -bleed, 2 * width + bleed, height + bleed],
        TrimBox=[0, 0, 2 * width, height],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Page0=forms[0],
                                                                Page1=forms[1])),
        Contents=pikepdf.Stream(document, "\n".join(drawing).encode()))))
    add_marks(document, page, registration, [width])
    return page


def _set_output_intent(document: pikepdf.Pdf, profile: Profile) -> None:
    """The output intent with the profile's own bytes and its number of colorants."""
    stream = pikepdf.Stream(document, profile.data)
    stream.N = profile.components
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(profile.condition),
        Info=pikepdf.String(profile.info or profile.condition),
        DestOutputProfile=document.make_indirect(stream))
    document.Root.OutputIntents = pikepdf.Array([intent])
    # WeasyPrint also names the profile as a colour space; point it at the same bytes.
    for page in document.pages:
        spaces = page.obj.Resources.get("/ColorSpace", {})
        for name in list(spaces.keys()):
            space = spaces[name]
            if isinstance(space, pikepdf.Array) and space[0] == pikepdf.Name.ICCBased \
                    and int(space[1].get("/N", 0)) == 4:
                spaces[name] = pikepdf.Array([pikepdf.Name.ICCBased, intent.DestOutputProfile])


def _registration_space(document: pikepdf.Pdf) -> pikepdf.Array:
    """The colour that prints on every plate: a Separation named All, as marks need."""
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], N=1,
                              C0=[0, 0, 0, 0], C1=[1, 1, 1, 1])
    return document.make_indirect(pikepdf.Array(
        [pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK,
         document.make_indirect(tint)]))


def _box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float]:
    return tuple(float(value) for value in page.obj.get(name, page.obj.MediaBox))


def add_marks(document: pikepdf.Pdf, page: pikepdf.Page, registration: pikepdf.Array,
              folds: list[float]) -> None:
    """Widen the page by a slug and draw the marks in it, outside the bleed."""
    left, bottom, right, top = _box(page, "/TrimBox")
    bleed = left - _box(page, "/BleedBox")[0]
    page.obj.MediaBox = pikepdf.Array([left - SLUG, bottom - SLUG, right + SLUG, top + SLUG])
    _remove(page.obj, "/CropBox")
    lines = crop_marks(left, bottom, right, top, bleed) + fold_marks(left, bottom, top, folds)
    resources = page.obj.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    resources.ColorSpace[REGISTRATION] = registration
    drawing = "\n".join(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S"
                         for x0, y0, x1, y1 in lines)
    marks = f"q {REGISTRATION} CS 1 SCN {MARK_WIDTH} w 0 J\n{drawing}\nQ\n"
    # The page's own drawing is closed in q … Q, so no state it leaves changes the marks.
    page.contents_add(pikepdf.Stream(document, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(document, b"\nQ\n" + marks.encode()))


Line = tuple[float, float, float, float]


def crop_marks(left: float, bottom: float, right: float, top: float, bleed: float) -> list[Line]:
    """At each corner, a line along each trim edge (crop) and along each bleed edge (bleed),
    both starting clear of the bleed and running out into the slug."""
    near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
    lines: list[Line] = []
    for x, outward_x in ((left, -1), (right, 1)):
        for y, outward_y in ((bottom, -1), (top, 1)):
            for offset in (0.0, bleed):   # the trim edge, then the bleed edge
                edge_x, edge_y = x + outward_x * offset, y + outward_y * offset
                lines.append((x + outward_x * near, edge_y, x + outward_x * far, edge_y))
                lines.append((edge_x, y + outward_y * near, edge_x, y + outward_y * far))
    return lines


def fold_marks(left: float, bottom: float, top: float, folds: list[float]) -> list[Line]:
    """A line above and below the trim at each fold, in the slug."""
    return [(left + fold, y + outward * MARK_GAP, left + fold,
             y + outward * (MARK_GAP + MARK_LENGTH))
            for fold in folds for y, outward in ((bottom, -1), (top, 1))]


def _is_black(operands) -> bool:
    """Four components, the last one full and the others empty: 100 % K."""
    if len(operands) != 4 or not all(isinstance(value, (int, float, Decimal))
                                     for value in operands):
        return False   # a pattern, or a colour of another space
    return [float(value) for value in operands] == [0, 0, 0, 1]


def _overprint_black(document: pikepdf.Pdf, owner: pikepdf.Object, seen: set) -> None:
    """Make 100 % black fills overprint in a content stream and the forms it draws."""
    if owner.objgen in seen or owner.get("/Resources") is None:
        return
    seen.add(owner.objgen)
    resources = owner.Resources
    instructions, changed = _with_overprint(pikepdf.parse_content_stream(owner))
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == pikepdf.Name.Form:
            _overprint_black(document, xobject, seen)
    if changed:
        _add_states(document, resources)
        content = pikepdf.unparse_content_stream(instructions)
        if isinstance(owner, pikepdf.Stream):
            owner.write(content)
        else:
            owner.Contents = pikepdf.Stream(document, content)


def _with_overprint(parsed) -> tuple[list, bool]:
    """The instructions with, after each fill colour that changes the state, a graphics
    state that overprints (100 % black) or knocks out (any other colour); and whether
    any was added. A form starts with the state unknown: it inherits its caller's."""
    instructions, overprinting, stack, changed = [], None, [], False
    for operands, operator in parsed:
        instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
        name = str(operator)
        if name == "q":
            stack.append(overprinting)
        elif name == "Q" and stack:
            overprinting = stack.pop()
        elif name in FILL_COLOUR_OPERATORS:
            black = name != "g" and _is_black(operands)
            if black != overprinting:
                state = OVERPRINT if black else KNOCKOUT
                instructions.append(pikepdf.ContentStreamInstruction([state], SET_STATE))
                overprinting, changed = black, True
    return instructions, changed


def _add_states(document: pikepdf.Pdf, resources: pikepdf.Dictionary) -> None:
    if "/ExtGState" not in resources:
        resources.ExtGState = pikepdf.Dictionary()
    resources.ExtGState[OVERPRINT] = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState,
                                                        op=True, OPM=1)
    resources.ExtGState[KNOCKOUT] = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, op=False)
