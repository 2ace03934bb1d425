"""What a PDF content stream paints, and in which colours: the preflight's reader.

``Painting.walk`` follows one content stream and everything it draws, keeping the
current transformation matrix so that an image's printed size is known, and collects
every colour space or operator the press cannot print, every unembedded font and every
image of too few pixels per inch.
"""

from __future__ import annotations

import math

import pikepdf

MIN_PPI = 300
RGB_OPERATORS = {"rg", "RG"}   # k/K (CMYK) and g/G (gray) are what the press prints
PRESS_SPACES = {"/DeviceCMYK", "/DeviceGray", "/Pattern"}
PRESS_PROFILES = {b"CMYK": 4, b"GRAY": 1}   # an ICC profile's colour space, its components
IDENTITY = (1, 0, 0, 1, 0, 0)
INLINE_SPACES = {"/G": "/DeviceGray", "/CMYK": "/DeviceCMYK", "/RGB": "/DeviceRGB"}


def multiply(first: tuple, second: tuple) -> tuple:
    a, b, c, d, e, f = first
    g, h, i, j, k, m = second
    return (a * g + b * i, a * h + b * j, c * g + d * i, c * h + d * j,
            e * g + f * i + k, e * h + f * j + m)


def space_problem(space, resources) -> str | None:
    """What is wrong with a colour space for the press, or None."""
    if space is None:
        return None
    if isinstance(space, pikepdf.Name):
        return None if str(space) in PRESS_SPACES else f"colour space {space}"
    family = str(space[0])
    if family == "/ICCBased":
        components, kind = int(space[1].get("/N", 0)), space[1].read_bytes()[16:20]
        if PRESS_PROFILES.get(kind) == components:
            return None
        return (f"ICC-based colour space of {kind.decode('latin-1')!r} with {components} "
                "components (not CMYK or gray)")
    if family in ("/Separation", "/DeviceN"):
        return space_problem(space[2], resources)   # its alternate space
    if family == "/Indexed":
        return space_problem(space[1], resources)
    if family == "/Pattern":
        return None if len(space) == 1 else space_problem(space[1], resources)
    if family == "/CalGray":
        return None
    return f"colour space {family}"


class Painting:
    """Follows content streams and what they draw, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen_fonts: set = set()
        self.active: set = set()   # streams being walked: a form drawing itself is a loop

    def walk(self, owner, resources, matrix: tuple, where: str) -> None:
        key = owner.objgen
        if key != (0, 0) and key in self.active:
            self.problems.append(f"{where}: draws itself (a loop)")
            return
        self.active.add(key)
        try:
            self._follow(owner, resources, matrix, where)
        finally:
            self.active.discard(key)

    def _follow(self, owner, resources, matrix: tuple, where: str) -> None:
        base, stack = matrix, []
        for operands, operator in pikepdf.parse_content_stream(owner):
            name = str(operator)
            if name == "q":
                stack.append(matrix)
            elif name == "Q" and stack:
                matrix = stack.pop()
            elif name == "cm":
                matrix = multiply(tuple(float(value) for value in operands), matrix)
            else:
                self._paint(name, operands, resources, (matrix, base), where)

    def _paint(self, name: str, operands, resources, matrices: tuple, where: str) -> None:
        matrix, base = matrices
        if name in RGB_OPERATORS:
            self.problems.append(f"{where}: colour set in DeviceRGB ('{name}')")
        elif name in ("cs", "CS"):
            self.check_space(resources.get("/ColorSpace", {}).get(operands[0], operands[0]),
                             resources, where)
        elif name in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
            self.pattern(resources.get("/Pattern", {}).get(operands[-1]), base,
                         f"{where} > pattern {operands[-1]}")
        elif name == "sh":
            self.shading(resources.get("/Shading", {}).get(operands[0]), where)
        elif name == "gs":
            self.graphics_state(resources.get("/ExtGState", {}).get(operands[0]), matrix,
                                where)
        elif name == "Tf":
            self.font(resources.get("/Font", {}).get(operands[0]), matrix, where)
        elif name == "Do":
            self.xobject(resources, operands[0], matrix, where)
        elif name == "INLINE IMAGE":   # its dictionary is in the content stream
            self.image(operands[0].obj, matrix, f"{where} > inline image", resources)

    def check_space(self, space, resources, where: str) -> None:
        problem = space_problem(space, resources)
        if problem:
            self.problems.append(f"{where}: {problem}")

    def check_default_spaces(self, resources, where: str) -> None:
        """DefaultGray and DefaultCMYK replace the device spaces they name."""
        spaces = resources.get("/ColorSpace", {})
        for name in ("/DefaultGray", "/DefaultCMYK", "/DefaultRGB"):
            if name in spaces:
                self.check_space(spaces[name], resources, f"{where}: {name[1:]}")

    def pattern(self, pattern, base: tuple, where: str) -> None:
        """A pattern lives in the space of the stream that uses it, not the current one."""
        if pattern is None:
            return
        matrix = multiply(tuple(float(value) for value in pattern.get("/Matrix", IDENTITY)),
                          base)
        if pattern.get("/PatternType") == 1:
            self.walk(pattern, pattern.get("/Resources", pikepdf.Dictionary()), matrix, where)
        else:
            self.shading(pattern.get("/Shading"), where)

    def shading(self, shading, where: str) -> None:
        if shading is not None:
            self.check_space(shading.get("/ColorSpace"), pikepdf.Dictionary(),
                             f"{where}: shading")

    def graphics_state(self, state, matrix: tuple, where: str) -> None:
        """A soft mask draws a group of its own."""
        mask = state.get("/SMask") if state is not None else None
        if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
            self.form(mask.G, matrix, f"{where} > soft mask", pikepdf.Dictionary())

    def font(self, font, matrix: tuple, where: str) -> None:
        if font is None or font.objgen in self.seen_fonts:
            return
        self.seen_fonts.add(font.objgen)
        if font.get("/Subtype") == pikepdf.Name.Type3:   # glyphs drawn by streams of their own
            resources = font.get("/Resources", pikepdf.Dictionary())
            for glyph, procedure in font.get("/CharProcs", {}).items():
                self.walk(procedure, resources, matrix, f"{where} > Type 3 glyph {glyph}")
            return
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.get("/FontDescriptor", pikepdf.Dictionary())
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            self.problems.append(f"{where}: font {font.get('/BaseFont')} is not embedded")

    def xobject(self, resources, name, matrix: tuple, where: str) -> None:
        xobject = resources.get("/XObject", {}).get(name)
        if xobject is None:
            self.problems.append(f"{where}: draws {name}, which is not in its resources")
        elif xobject.get("/Subtype") == pikepdf.Name.Image:
            self.image(xobject, matrix, f"{where} > image {name}", resources)
        elif xobject.get("/Subtype") == pikepdf.Name.Form:
            self.form(xobject, matrix, f"{where} > form {name}", resources)

    def form(self, form, matrix: tuple, where: str, resources) -> None:
        group = form.get("/Group")
        if group is not None and "/CS" in group:
            self.check_space(group.CS, resources, f"{where}: blending")
        form_matrix = tuple(float(value) for value in form.get("/Matrix", IDENTITY))
        self.walk(form, form.get("/Resources", resources), multiply(form_matrix, matrix),
                  where)

    def image(self, image, matrix: tuple, where: str, resources) -> None:
        if image.get("/ImageMask") or image.get("/IM"):
            return   # painted in the current fill colour, checked where that is set
        space = image.get("/ColorSpace", image.get("/CS"))
        if space is None and "/JPXDecode" in str(image.get("/Filter", "")):
            self.problems.append(f"{where}: a JPEG 2000 image whose colours are only in its "
                                 "codestream (give it a CMYK or gray /ColorSpace)")
        if isinstance(space, pikepdf.Name):   # a name of the resources, or a device space
            space = resources.get("/ColorSpace", {}).get(space, space)
        if isinstance(space, pikepdf.Name) and str(space) in INLINE_SPACES:
            space = pikepdf.Name(INLINE_SPACES[str(space)])
        self.check_space(space, resources, where)
        mask = image.get("/SMask")
        if isinstance(mask, pikepdf.Stream):
            self.check_space(mask.get("/ColorSpace"), resources, f"{where} > soft mask")
        self.resolution(image, matrix, where)

    def resolution(self, image, matrix: tuple, where: str) -> None:
        """The image fills the unit square, which the matrix maps to its printed size."""
        pixels_wide = int(image.get("/Width", image.get("/W", 0)))
        pixels_high = int(image.get("/Height", image.get("/H", 0)))
        a, b, c, d = matrix[:4]
        inches_wide, inches_high = math.hypot(a, b) / 72, math.hypot(c, d) / 72
        if not (inches_wide and inches_high):
            return
        ppi = min(pixels_wide / inches_wide, pixels_high / inches_high)
        if ppi < MIN_PPI - 0.5:
            self.problems.append(f"{where}: {ppi:.0f} pixels per inch at its printed size "
                                 f"({inches_wide * 25.4:.1f} × {inches_high * 25.4:.1f} mm); "
                                 f"the press needs {MIN_PPI}")
