"""Preflight of press PDFs: what a print shop's checker would refuse, read from the file.

It knows nothing of how the file was made: it parses every page's content stream and
everything it draws (forms, soft masks, patterns, shadings, Type 3 glyphs, images,
printer's-mark annotations), following the graphics state (``paint``), and reports per
file and page any colour that is not CMYK, gray or a separation of them, a missing
TrimBox or BleedBox or less than 3 mm of bleed, a font that is not embedded, an
annotation on the page, an output intent that is missing, not CMYK or not the press's
profile, and an image of less than 300 pixels per inch at the size it is printed.
A file that cannot be parsed is a problem of that file; the others are still checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from .paint import Painting

MIN_BLEED = 3 * 72 / 25.4   # points
# What a damaged or hostile file raises from pikepdf or from reading its operands.
UNREADABLE = (pikepdf.PdfError, TypeError, ValueError, IndexError, KeyError, AttributeError,
              RecursionError)


@dataclass(frozen=True)
class Problem:
    path: Path
    page: int | None      # from 1; None for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.path}" + (f": page {self.page}" if self.page else "")
        return f"{where}: error: {self.message}"


def press_files(output: Path, press_variants: set[str]) -> list[Path]:
    """The press PDFs of a build, as its manifest lists them (not as their names or
    contents claim: a press file that lost its PDF/X identification is still checked).
    A listed path that leaves the output folder is not followed."""
    try:
        manifest = json.loads((output / "manifest.json").read_text())
        paths = [entry["path"] for entry in manifest["files"]
                 if entry["variant"] in press_variants]
        folder = output.resolve()
        return [output / path for path in paths
                if "\x00" not in path and (folder / path).resolve().is_relative_to(folder)]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise FileNotFoundError(f"{output / 'manifest.json'}: no build to check ({error})") \
            from None


def preflight(path: Path, profile: bytes) -> list[Problem]:
    """Every problem of one press PDF, for a press printing with ``profile``."""
    try:
        document = pikepdf.open(path)
    except (pikepdf.PdfError, OSError, ValueError) as error:
        return [Problem(path, None, f"not a readable PDF ({error})")]
    with document:
        try:
            problems = [Problem(path, None, message)
                        for message in output_intent_problems(document.Root, profile)]
        except UNREADABLE as error:
            problems = [Problem(path, None, f"its output intent cannot be read ({error})")]
        for number, page in enumerate(document.pages, start=1):
            try:
                messages = page_problems(page, profile)
            except UNREADABLE as error:
                messages = [f"cannot be parsed ({type(error).__name__}: {error})"]
            problems += [Problem(path, number, message) for message in messages]
        return problems


def output_intent_problems(holder: pikepdf.Dictionary, profile: bytes,
                           required: bool = True) -> list[str]:
    """What is wrong with the output intents of the document (or of a page)."""
    if "/OutputIntents" not in holder and not required:
        return []
    every = list(holder.get("/OutputIntents", []))
    intents = [intent for intent in every if intent.get("/S") == pikepdf.Name.GTS_PDFX]
    if len(intents) != 1:
        return [f"expected one PDF/X output intent; found {len(intents)}"]
    others = [intent for intent in every if intent.get("/S") != pikepdf.Name.GTS_PDFX
              and intent.get("/DestOutputProfile") is not None
              and intent.DestOutputProfile.read_bytes()[16:20] != b"CMYK"]
    if others:   # a reader may take any of them for the press's
        return [f"an output intent {others[0].get('/S')} whose profile is not CMYK"]
    stream = intents[0].get("/DestOutputProfile")
    if not isinstance(stream, pikepdf.Stream):
        return ["the output intent has no DestOutputProfile"]
    problems = []
    data = stream.read_bytes()
    if data[16:20] != b"CMYK" or int(stream.get("/N", 0)) != 4:
        problems.append(f"the output profile must be CMYK with /N 4; found "
                        f"{data[16:20].decode('latin-1')!r} with /N {stream.get('/N')}")
    if data != profile:
        problems.append("the output profile is not the press's (print.output_intent)")
    if not str(intents[0].get("/OutputConditionIdentifier", "")).strip():
        problems.append("the output intent names no OutputConditionIdentifier")
    return problems


def page_problems(page: pikepdf.Page, profile: bytes) -> list[str]:
    problems = box_problems(page)
    problems += output_intent_problems(page.obj, profile, required=False)
    painting = Painting()
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    group = page.obj.get("/Group")
    if group is not None and "/CS" in group:
        painting.check_space(group.CS, resources, "page: blending")
    painting.check_default_spaces(resources, "page")
    painting.walk(page.obj, resources, (1, 0, 0, 1, 0, 0), "page")
    for annotation in page.obj.get("/Annots", []):
        subtype = annotation.get("/Subtype")
        if subtype not in (pikepdf.Name.PrinterMark, pikepdf.Name.TrapNet):
            problems.append(f"a {subtype} annotation is on the page")
        appearance = annotation.get("/AP", {}).get("/N")
        if isinstance(appearance, pikepdf.Stream):
            painting.walk(appearance, appearance.get("/Resources", pikepdf.Dictionary()),
                          (1, 0, 0, 1, 0, 0), f"{subtype} annotation")
    return problems + list(dict.fromkeys(painting.problems))   # each once, in order


def box_problems(page: pikepdf.Page) -> list[str]:
    boxes = {}
    for name in ("/MediaBox", "/BleedBox", "/TrimBox"):
        if name not in page.obj:
            return [f"no {name[1:]}"]
        x0, y0, x1, y1 = (float(value) for value in page.obj[name])
        boxes[name] = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    trim, bleed, media = boxes["/TrimBox"], boxes["/BleedBox"], boxes["/MediaBox"]
    problems = []
    margins = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
    if min(margins) < MIN_BLEED - 0.01:
        problems.append(f"{min(margins) * 25.4 / 72:.1f} mm of bleed; the press needs 3 mm "
                        "beyond the TrimBox on every side")
    if not all(media[i] <= bleed[i] + 0.01 for i in (0, 1)) or \
            not all(media[i] >= bleed[i] - 0.01 for i in (2, 3)):
        problems.append("the BleedBox is not inside the MediaBox")
    return problems

