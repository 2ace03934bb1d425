"""The font files a project's settings name: found in Python font packages or folders,
and cut from a variable font to the static face each weight needs.

WeasyPrint embeds what it is given, and a variable font would be embedded whole at its
default weight, so every face is a static file: a variable font stands for a face
through its instance at that face's weight (regular 400, bold 700), made with fontTools'
instancer. Instancing takes a second or two a face; the result is kept under
``$XDG_CACHE_HOME/leaflets/fonts``, named after the source's bytes, the coordinates and
the fontTools release, so the same lock file gives the same bytes on every machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from io import BytesIO
from pathlib import Path

from .errors import SetupError
from .inputs import sha256
from .model import Project
from .model.schemas import MARK_FAMILY
from .outputs import atomic_write

# The DRAFT mark's own words are drawn in this face, which no setting can replace (a
# project's fonts could draw nothing for them): Noto Sans Bold, from a dependency.
MARK_PACKAGE, MARK_FILE = "fontpkg-noto-sans", "NotoSans[wdth,wght].ttf"
REGULAR, BOLD = 400, 700
_STYLES = {"regular": ("normal", "normal"), "bold": ("bold", "normal"),
           "italic": ("normal", "italic"), "bold_italic": ("bold", "italic")}
_WEIGHTS = {"normal": REGULAR, "bold": BOLD}


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: str
    style: str
    path: Path   # a static font file


def font_faces(project: Project, content: Path) -> list[FontFace]:
    """Every face the settings name, as static files; every missing one reported at once.
    A family's ``directory``, if relative, is relative to the content folder."""
    faces, missing = [], []
    for family, files in project.fonts.families.items():
        for field, (weight, style) in _STYLES.items():
            name = getattr(files, field)
            if name is None:
                continue
            source = (package_file(files.package, name) if files.package
                      else _folder_file(content / files.directory, name))
            if isinstance(source, str):
                missing.append(f"{family}: {source}")
            else:
                faces.append(FontFace(family, weight, style, static_face(source, weight, style)))
    if missing:
        raise SetupError("fonts.families in project.yaml names fonts that are not there: "
                         + "; ".join(missing))
    return faces


def mark_face() -> FontFace:
    source = package_file(MARK_PACKAGE, MARK_FILE)
    if isinstance(source, str):
        raise SetupError(f"the font of the DRAFT mark is missing: {source}")
    return FontFace(MARK_FAMILY, "bold", "normal", static_face(source, "bold", "normal"))


def font_face_css(faces: list[FontFace]) -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
        f'font-style: {face.style}; src: url("{face.path.as_uri()}"); }}'
        for face in faces)


@cache
def package_file(package: str, name: str) -> Path | str:
    """The file of that name a distribution installed, or what is wrong."""
    try:
        files = metadata.files(package) or []
    except metadata.PackageNotFoundError:
        return (f"the font package {package} is not installed; install it with: "
                f"pip install {package} (or run 'python3 build.py setup')")
    found = next((file for file in files if file.name == name), None)
    if found is None:
        fonts = sorted(file.name for file in files if file.suffix in (".ttf", ".otf"))
        return f"{package} has no file {name}; it has: {', '.join(fonts) or 'no font'}"
    return Path(found.locate())


def _folder_file(folder: Path, name: str) -> Path | str:
    path = folder / name
    return path if path.is_file() else f"{path} is not a file"


def static_face(source: Path, weight: str, style: str) -> Path:
    """The file itself if it is static; else its instance at the face's weight (and at
    italic, on an 'ital' axis), every other axis at its default."""
    status = source.stat()
    key = (source.resolve(), status.st_size, status.st_mtime_ns, weight, style)
    made = _static_face(*key)
    if not made.is_file():   # removed since: made again
        _static_face.cache_clear()
        made = _static_face(*key)
    return made


# A face made once in a process is not made again there, even if XDG_CACHE_HOME changes
# (tests give other caches folders of their own; a face takes seconds).
@cache
def _static_face(source: Path, size: int, mtime: int, weight: str, style: str) -> Path:
    from fontTools import version
    from fontTools.ttLib import TTFont

    data = source.read_bytes()
    with TTFont(BytesIO(data), lazy=True) as font:
        if "fvar" not in font:
            return source
        coordinates = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
    coordinates["wght"] = _WEIGHTS[weight]
    if "ital" in coordinates:
        coordinates["ital"] = 1 if style == "italic" else 0
    key = "\n".join([sha256(data), version,
                     *(f"{tag}={value:g}" for tag, value in sorted(coordinates.items()))])
    cached = _cache_folder() / (sha256(key.encode())[:24] + ".ttf")
    if not _is_font(cached):   # a damaged file is made again
        try:
            atomic_write(cached, instance(data, coordinates))
        except OSError as error:
            raise SetupError(f"{error}; the fonts' static faces are kept there: set "
                             "XDG_CACHE_HOME to a folder you can write") from None
    return cached


def instance(data: bytes, coordinates: dict[str, float]) -> bytes:
    """A variable font's static instance at these coordinates, the same bytes every time."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = TTFont(BytesIO(data), recalcTimestamp=False)   # no date: the same bytes
    static = instantiateVariableFont(font, coordinates, updateFontNames="STAT" in font)
    buffer = BytesIO()
    static.save(buffer)
    return buffer.getvalue()


def _is_font(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(4) in (b"\0\1\0\0", b"true") and path.stat().st_size > 1024
    except OSError:
        return False


def _cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "leaflets" \
        / "fonts"
