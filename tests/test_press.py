"""Press files a print shop's preflight accepts, and the preflight that says whether they do.

The preflight (leaflets/preflight.py) reads files only; here it runs on every press
edition of the shipped library, and on files broken on purpose to prove it can fail.
The marks, overprint and profile are also read back independently with pikepdf.
"""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from leaflets.cli import main
from leaflets.preflight import preflight
from leaflets.registry import FORMATS

from .test_integrity import cli
from .test_model import edit
from .test_print import page_text

MM = 72 / 25.4
PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
SECOND_PROFILE = Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc")


@pytest.fixture(scope="module")
def press_build(tmp_path_factory) -> Path:
    """Every press edition of the shipped library: every format, language and clinic."""
    output = tmp_path_factory.mktemp("press")
    for format in FORMATS:
        assert main(["--output", str(output), "--variant", "press", "--layout", format,
                     "-j", "2"]) == 0
    return output


def press_pdfs(output: Path) -> list[Path]:
    return sorted(output.rglob("*.press*.pdf"))


def test_preflight_passes_every_press_edition(press_build, run):
    files = press_pdfs(press_build)
    assert len(files) >= 3 * 5 * 3   # leaflets × languages × formats, and clinics besides
    assert any(path.name.endswith(".press.imposed.pdf") for path in files)
    code, out, err = run("check", "--preflight", "--output", str(press_build))
    assert (code, err) == (0, "")
    assert f"preflight: {len(files)} press PDFs, no problems" in out


# --- the preflight fails where it should ------------------------------------------------

def broken_copy(source: Path, tmp_path: Path, damage) -> Path:
    """A copy of a press PDF with ``damage(pdf, page)`` done to its first page."""
    target = tmp_path / source.name
    with pikepdf.open(source) as pdf:
        damage(pdf, pdf.pages[0])
        pdf.save(target)
    return target


def rgb_mark(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    page.contents_add(pikepdf.Stream(pdf, b"q 0 0 0 RG 0.3 w -30 -30 m -20 -30 l S Q"))


def drawn_image(pdf: pikepdf.Pdf, page: pikepdf.Page, name: str, space: str,
                pixels: int, printed: float) -> None:
    """Draw a square image of ``pixels`` a side, ``printed`` points wide, on the page."""
    components = {"/DeviceRGB": 3, "/DeviceCMYK": 4}[space]
    image = pikepdf.Stream(pdf, bytes(pixels * pixels * components), Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Image, Width=pixels, Height=pixels,
                           ColorSpace=pikepdf.Name(space), BitsPerComponent=8)
    page.add_resource(image, pikepdf.Name.XObject, pikepdf.Name(name))
    page.contents_add(pikepdf.Stream(pdf, f"q {printed} 0 0 {printed} 50 50 cm {name} Do Q"
                                     .encode()))


def rgb_image(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    drawn_image(pdf, page, "/Broken", "/DeviceRGB", 600, 100)


def coarse_image(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """A CMYK image of 100 pixels printed 100 mm wide: 25 pixels per inch."""
    drawn_image(pdf, page, "/Coarse", "/DeviceCMYK", 100, 100 * MM)


def no_trim_box(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    del page.obj["/TrimBox"]


def unembedded_font(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    for font in page.obj.Resources.Font.values():
        descriptor = font.DescendantFonts[0].FontDescriptor
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                del descriptor[key]


def rgb_profile(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    srgb = Path("/usr/share/color/icc/ghostscript/srgb.icc").read_bytes()
    pdf.Root.OutputIntents[0].DestOutputProfile.write(srgb)


def link(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[10, 10, 50, 50])]))


@pytest.mark.parametrize("damage, expected", [
    (rgb_mark, r"page 1: error: page: colour set in DeviceRGB \('RG'\)"),
    (rgb_image, r"page 1: error: page > image /Broken: colour space /DeviceRGB"),
    (coarse_image, r"page 1: error: page > image /Coarse: 25 pixels per inch at its printed "
                   r"size \(100\.0 × 100\.0 mm\)"),
    (no_trim_box, r"page 1: error: no TrimBox"),
    (unembedded_font, r"page 1: error: page: font /\w+\+[\w-]+ is not embedded"),
    (rgb_profile, r"error: the output profile must be CMYK with /N 4; found 'RGB '"),
    (link, r"page 1: error: a /Link annotation is on the page"),
])
def test_the_preflight_finds_each_kind_of_problem(press_build, tmp_path, damage, expected):
    source = press_build / "fr/immunotherapy-basics.press.pdf"
    assert preflight(source, PROFILE.read_bytes()) == []
    broken = broken_copy(source, tmp_path, damage)
    problems = [str(problem) for problem in preflight(broken, PROFILE.read_bytes())]
    assert any(re.search(expected, problem) for problem in problems), problems


def test_check_preflight_names_the_file_and_page_and_exits_1(press_build, tmp_path, run):
    output = tmp_path / "output"
    shutil.copytree(press_build, output)
    target = output / "ar/immunotherapy-response.a5-booklet.press.pdf"
    broken = broken_copy(target, tmp_path, rgb_mark)
    shutil.copyfile(broken, target)   # the manifest lists it: a name can hide nothing
    code, out, err = run("check", "--preflight", "--output", str(output))
    assert code == 1
    assert f"{target}: page 1: error: page: colour set in DeviceRGB ('RG')" in err
    assert "preflight: 1 problems in" in err


def test_check_preflight_without_a_build_says_so(tmp_path, run):
    code, out, err = run("check", "--preflight", "--output", str(tmp_path))
    assert code == 1 and "manifest.json: no build to check" in err
    assert "Traceback" not in err


# --- what the press gets, read back independently --------------------------------------

def registration_strokes(page: pikepdf.Page) -> list[tuple[float, float, float, float]]:
    """The lines stroked in a Separation colour named All (printer's marks)."""
    spaces = page.obj.Resources.get("/ColorSpace", {})
    lines, in_registration, start = [], False, None
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name == "CS":
            space = spaces.get(operands[0], operands[0])
            in_registration = (isinstance(space, pikepdf.Array) and space[0] == "/Separation"
                               and space[1] == "/All")
        elif name == "m":
            start = tuple(map(float, operands))
        elif name == "l" and in_registration:
            lines.append((*start, *map(float, operands)))
    return lines


def box(page: pikepdf.Page, name: str) -> tuple[float, ...]:
    return tuple(float(value) for value in page.obj[name])


@pytest.mark.parametrize("name", ["fr/immunotherapy-basics.press.pdf",
                                  "ar/immunotherapy-response.a5-booklet.press.pdf",
                                  "fr/immunotherapy-basics.a5-booklet.press.imposed.pdf"])
def test_marks_are_in_the_slug_outside_the_bleed(press_build, name):
    with pikepdf.open(press_build / name) as pdf:
        for page in pdf.pages:
            trim, bleed, media = (box(page, key) for key in ("/TrimBox", "/BleedBox",
                                                             "/MediaBox"))
            assert round((trim[0] - bleed[0]) / MM, 1) == 3.0
            assert media[0] < bleed[0] - 8 * MM and media[2] > bleed[2] + 8 * MM  # a slug
            lines = registration_strokes(page)
            assert len(lines) >= 16   # crop and bleed marks at four corners
            for x0, y0, x1, y1 in lines:
                for x, y in ((x0, y0), (x1, y1)):
                    outside_bleed = not (bleed[0] <= x <= bleed[2] and bleed[1] <= y <= bleed[3])
                    assert outside_bleed, (name, x, y)
                    assert media[0] <= x <= media[2] and media[1] <= y <= media[3]


@pytest.mark.parametrize("language, outside, inside", [("fr", (97, 197), (100, 200)),
                                                       ("ar", (100, 200), (97, 197))])
def test_tri_fold_sheets_have_fold_marks_where_the_panels_fold(press_build, language,
                                                               outside, inside):
    with pikepdf.open(press_build / language / "immunotherapy-basics.tri-fold.press.pdf") as pdf:
        for page, folds in zip(pdf.pages, (outside, inside), strict=True):
            trim = box(page, "/TrimBox")
            vertical = {round((x0 - trim[0]) / MM, 1) for x0, y0, x1, y1
                        in registration_strokes(page) if x0 == x1}
            assert set(folds) <= vertical, vertical


def test_black_text_overprints_and_colour_knocks_out(press_build):
    """Every text drawn in 100 % K is drawn with fill overprint on; no other colour is."""
    with pikepdf.open(press_build / "fr/immunotherapy-basics.press.pdf") as pdf:
        counted = {True: 0, False: 0}
        for page in pdf.pages:
            states = page.obj.Resources.ExtGState
            fill, overprint, stack = None, False, []
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name == "q":
                    stack.append((fill, overprint))
                elif name == "Q":
                    fill, overprint = stack.pop()
                elif name in ("scn", "sc", "k"):
                    fill = tuple(float(value) for value in operands)
                elif name == "gs":
                    overprint = bool(states[operands[0]].get("/op", overprint))
                elif name in ("TJ", "Tj"):
                    black = fill == (0, 0, 0, 1)
                    assert overprint == black, (fill, overprint)
                    counted[black] += 1
        assert counted[True] > 50 and counted[False] > 5, counted


def test_the_output_intent_is_the_profile_file_itself(press_build):
    with pikepdf.open(press_build / "de/immunotherapy-side-effects.press.pdf") as pdf:
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 001"
        assert intent.DestOutputProfile.N == 4
        assert intent.DestOutputProfile.read_bytes() == PROFILE.read_bytes()


def test_press_pdfs_are_byte_identical_across_j1_and_j2(press_build, tmp_path):
    """The profile's bytes once depended on what a worker rendered before."""
    output = tmp_path / "j1"
    assert main(["--output", str(output), "--variant", "press", "--layout", "a5-booklet",
                 "--lang", "fr,ar", "-j", "1"]) == 0
    built = sorted(path.relative_to(output) for path in press_pdfs(output))
    assert len(built) >= 6
    for name in built:
        assert (output / name).read_bytes() == (press_build / name).read_bytes(), name


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_press_booklet_is_imposed_as_bled_spreads(press_build, language):
    path = press_build / language / "immunotherapy-basics.a5-booklet.press.imposed.pdf"
    pages = len(pikepdf.open(press_build / language /
                             "immunotherapy-basics.a5-booklet.press.pdf").pages)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == pages // 2
        for page in pdf.pages:
            trim, bleed, media = (box(page, key) for key in ("/TrimBox", "/BleedBox",
                                                             "/MediaBox"))
            assert (round((trim[2] - trim[0]) / MM), round((trim[3] - trim[1]) / MM)) == \
                (296, 210)   # two A5 pages side by side, trimmed at the spine
            assert round((trim[0] - bleed[0]) / MM, 1) == 3.0 and media[0] < bleed[0]
    # The footers say which page each half is: the last and the first, in the reading
    # direction ("Page 12 sur 12" and "Page 1 sur 12"; "صفحة 1 من 12" first in Arabic).
    first_sheet = (1, pages) if language == "ar" else (pages, 1)
    for half, number in (((0, 0.5), first_sheet[0]), ((0.5, 1), first_sheet[1])):
        text = page_text(path, 0, half)
        assert re.search(rf"\b{number} (sur|من) {pages}\b", text), (half, text[-80:])


# --- pictures and settings ------------------------------------------------------------

def clinic_with_logo(content: Path, logo: Image.Image | bytes, name: str) -> None:
    (content / "assets").mkdir(exist_ok=True)
    if isinstance(logo, bytes):
        (content / "assets" / name).write_bytes(logo)
    else:
        logo.save(content / "assets" / name)
    edit(content / "clinics/centre-du-val.yaml", "\ncontacts:", f"\nlogo: {name}\ncontacts:")


def press_of_clinic(content: Path, output: Path, run) -> tuple[int, str]:
    code, out, err = run(*cli(content, output, "--variant", "press,screen", "--clinic",
                              "centre-du-val", "--lang", "fr", "--leaflet",
                              "immunotherapy-basics"))
    return code, err


def images_of(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return sorted({str(image.get("/ColorSpace")) for page in pdf.pages
                       for image in page.get_images().values()})


def embedded_images(path: Path) -> list[tuple[str, bytes]]:
    """Each image drawn in a PDF: its colour space and its encoded bytes."""
    with pikepdf.open(path) as pdf:
        return [(str(image.get("/ColorSpace")), image.read_raw_bytes())
                for page in pdf.pages for image in page.get_images().values()]


def logo_pixels(path: Path) -> set:
    """The colours pdfium paints where the logo is (the clinic box's top corner)."""
    document = pdfium.PdfDocument(path)
    for page in document:
        text = page.get_textpage().get_text_range()
        if "Centre hospitalier du Val" in text:
            bitmap = page.render(scale=2).to_pil().convert("RGB")
            return {colour for _, colour in bitmap.getcolors(maxcolors=1 << 24)}
    raise AssertionError("no page with the clinic")


def test_a_colour_logo_is_converted_to_the_press_profile(content, tmp_path, run):
    """Red-team: WeasyPrint once embedded the file as it was on disk, under a CMYK label."""
    logo = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    logo.paste((200, 30, 40, 255), (0, 0, 450, 300))
    clinic_with_logo(content, logo, "logo.png")
    code, err = press_of_clinic(content, tmp_path, run)
    assert code == 0, err
    folder = tmp_path / "clinics/centre-du-val/fr"
    images = embedded_images(folder / "immunotherapy-basics.press.pdf")
    converted = [data for space, data in images if space == "/DeviceCMYK"]
    assert converted and converted[0].startswith(b"\xff\xd8")   # a JPEG, as labelled
    decoded = Image.open(BytesIO(converted[0]))
    assert (decoded.mode, decoded.size) == ("CMYK", (900, 300))
    cyan, magenta, yellow, black = decoded.getpixel((100, 100))
    assert magenta > 150 and yellow > 100 and cyan < 60   # the red, in the press's inks
    assert decoded.getpixel((800, 100)) == (0, 0, 0, 0)   # transparent: the paper
    # pdfium draws it: some red on the press page, as on the screen page.
    reds = {pixel for pixel in logo_pixels(folder / "immunotherapy-basics.press.pdf")
            if pixel[0] > 150 and pixel[1] < 90}
    assert reds
    assert "/DeviceRGB" in [space for space, _ in
                            embedded_images(folder / "immunotherapy-basics.pdf")]
    assert preflight(folder / "immunotherapy-basics.press.pdf", PROFILE.read_bytes()) == []


def picture(mode: str, size=(900, 300), colour=None, **save) -> bytes:
    buffer = BytesIO()
    image = Image.new(mode, size, colour if colour is not None else 0)
    image.save(buffer, **save)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, expected_space", [
    ("logo.dat", picture("RGB", colour=(200, 30, 40), format="PNG"), "/DeviceCMYK"),
    ("logo.tif", picture("CMYK", colour=(0, 200, 200, 0), format="TIFF"), "/DeviceCMYK"),
    ("logo.png", picture("LA", colour=(80, 255), format="PNG"), "/DeviceGray"),
    ("logo.png", picture("I;16", colour=30000, format="PNG"), "/DeviceGray"),
])
def test_every_picture_reaches_the_press_converted(content, tmp_path, run, name, data,
                                                   expected_space):
    """Red-team: the extension decided conversion; CMYK TIFFs, gray with alpha and 16-bit
    gray came out missing, in four inks, or black."""
    clinic_with_logo(content, data, name)
    code, err = press_of_clinic(content, tmp_path, run)
    assert code == 0, err
    press = tmp_path / "clinics/centre-du-val/fr/immunotherapy-basics.press.pdf"
    spaces = [space for space, _ in embedded_images(press)]
    assert expected_space in spaces and "/DeviceRGB" not in spaces
    assert preflight(press, PROFILE.read_bytes()) == []


def test_sixteen_bit_gray_is_scaled_not_clipped():
    from leaflets.pictures import press_picture
    data, media_type = press_picture(picture("I;16", (4, 4), 32768, format="PNG"), "g.png",
                                     PROFILE.read_bytes())
    assert media_type == "image/png"
    assert Image.open(BytesIO(data)).getpixel((0, 0)) == 128


def test_the_picture_is_turned_as_its_exif_says():
    from leaflets.pictures import press_picture
    buffer = BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6   # orientation: turned 90° clockwise
    Image.new("RGB", (600, 200), (10, 90, 160)).save(buffer, format="JPEG", exif=exif)
    data, _ = press_picture(buffer.getvalue(), "photo.jpg", PROFILE.read_bytes())
    assert Image.open(BytesIO(data)).size == (200, 600)


@pytest.mark.parametrize("data, expected", [
    (picture("RGB", format="PNG")[:-30], "cannot be read as one"),    # truncated
    (b"GIF89a not really", "cannot be read as one"),
    (picture("I", (10, 10), 5, format="TIFF"), "32-bit samples"),
])
def test_a_picture_the_press_cannot_take_is_an_error_naming_it(content, tmp_path, run, data,
                                                               expected):
    clinic_with_logo(content, data, "bad.png")
    code, err = press_of_clinic(content, tmp_path, run)
    assert code == 1
    assert "bad.png: " in err and expected in err, err
    assert "Traceback" not in err and "BytesIO" not in err
    assert not list(tmp_path.rglob("*.press.pdf"))


def test_imposed_spreads_keep_the_bleed_on_their_outer_edges():
    """Red-team: the pages were cut at the trim, so nothing reached the bleed."""
    from leaflets import press
    width, height, bleed = 148 * MM, 210 * MM, 3 * MM
    pdf = pikepdf.new()
    for _ in range(8):   # pages as WeasyPrint makes them: a tint to the bleed's edge
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, width + 2 * bleed, height + 2 * bleed],
            BleedBox=[0, 0, width + 2 * bleed, height + 2 * bleed],
            TrimBox=[bleed, bleed, width + bleed, height + bleed],
            Contents=pikepdf.Stream(pdf, f"0 0 1 0 k 0 0 {width + 2 * bleed} "
                                         f"{height + 2 * bleed} re f".encode()))))
    buffer = BytesIO()
    pdf.save(buffer)
    finished = press.finish(buffer.getvalue(), press.Profile(PROFILE.read_bytes(), "x"))
    spreads = pikepdf.open(BytesIO(press.impose_booklet(finished, right_to_left=False)))
    page = spreads.pages[0]
    media = box(page, "/MediaBox")
    scale = 2
    bitmap = pdfium.PdfDocument(BytesIO(press.save(spreads)))[0].render(scale=scale).to_pil()
    row = bitmap.height // 2

    def colour_at(x_points: float):
        return bitmap.convert("RGB").getpixel((round((x_points - media[0]) * scale), row))
    trim = box(page, "/TrimBox")
    for x in (trim[0] - 1.5 * MM, trim[2] + 1.5 * MM, trim[0] + 10, trim[2] - 10):
        assert colour_at(x)[2] < 100, x          # yellow: painted, into the bleed
    for x in (trim[0] - 5 * MM, trim[2] + 5 * MM):
        assert colour_at(x) == (255, 255, 255)   # the slug is paper


def test_a_coarse_logo_is_reported_at_its_printed_size(content, tmp_path, run):
    clinic_with_logo(content, Image.new("RGB", (60, 20), (10, 90, 160)), "small.png")
    assert press_of_clinic(content, tmp_path, run)[0] == 0
    press = tmp_path / "clinics/centre-du-val/fr/immunotherapy-basics.press.pdf"
    problems = [str(problem) for problem in preflight(press, PROFILE.read_bytes())]
    assert any("pixels per inch at its printed size" in problem for problem in problems)


def test_an_svg_logo_is_refused_for_the_press_with_its_name(content, tmp_path, run):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30"><rect ' \
          b'width="90" height="30" fill="#c81e28"/></svg>'
    clinic_with_logo(content, svg, "logo.svg")
    code, err = press_of_clinic(content, tmp_path, run)
    assert code == 1
    assert "logo.svg: press editions take a PNG, JPEG, GIF, WebP or TIFF picture" in err
    assert "Traceback" not in err
    assert not list(tmp_path.rglob("*.press.pdf"))


@pytest.mark.parametrize("old, new, expected", [
    # Red-team: integers had no bounds, and WeasyPrint clamped them silently.
    ("cmyk: [0.91, 0.06, 0.37, 0.35]", "cmyk: [91, 6, 37, 35]", "less than or equal to 1"),
    ("cmyk: [0, 0, 0, 1]}", "cmyk: [0, 0, 0, -1]}", "greater than or equal to 0"),
    ("cmyk: [0, 0, 0, 1]}", "cmyk: [0, 0, 0, 0]}", "'ink' is a text colour"),   # white text
    ("cmyk: [0, 0, 0, 1]}", "cmyk: [0.4, 0.1, 0, 0.9]}",
     "'ink' is a text colour: its cmyk must be black ink alone"),
    ("output_intent: swop", "output_intent: fogra39",
     "output_intent 'fogra39' is not one of output_intents: swop"),
])
def test_press_settings_are_checked_where_they_are_written(content, tmp_path, run, old, new,
                                                           expected):
    edit(content / "project.yaml", old, new)
    code, out, err = run(*cli(content, tmp_path, "--lang", "fr"))
    assert code == 1 and re.search(r"project\.yaml:\d+:\d+: ", err), err
    assert expected in err, err
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_profile_that_is_not_one_is_refused(content, tmp_path, run):
    (content / "junk.icc").write_bytes(PROFILE.read_bytes()[:128] + bytes(64))
    edit(content / "project.yaml", f"profile: {PROFILE}", "profile: junk.icc")  # relative
    code, out, err = run(*cli(content, tmp_path, "--variant", "press", "--lang", "fr"))
    assert code == 1
    assert f"{content / 'junk.icc'} (print.output_intents.swop.profile in project.yaml) is " \
           "not an ICC profile" in err, err
    assert "Traceback" not in err


def test_another_declared_output_intent_is_written_into_press_pdfs(content, tmp_path, run):
    edit(content / "project.yaml", "output_intent: swop\n  output_intents:\n",
         "output_intent: other\n  output_intents:\n    other:\n"
         f"      profile: {SECOND_PROFILE}\n      condition: Test press\n")
    code, out, err = run(*cli(content, tmp_path, "--variant", "press", "--lang", "fr",
                              "--leaflet", "immunotherapy-basics", "--clinic", "generic"))
    assert code == 0, err
    with pikepdf.open(tmp_path / "fr/immunotherapy-basics.press.pdf") as pdf:
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "Test press"
        assert intent.DestOutputProfile.read_bytes() == SECOND_PROFILE.read_bytes()
    assert preflight(tmp_path / "fr/immunotherapy-basics.press.pdf",
                     SECOND_PROFILE.read_bytes()) == []
