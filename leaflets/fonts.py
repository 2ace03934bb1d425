"""The font files a project's settings name, found in the configured directories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import SetupError
from .model import Project
from .model.schemas import MARK_FAMILY

FONT_PACKAGE_HINT = "apt-get install fonts-noto-core"
# The DRAFT mark's own words are drawn in this face, which no setting can replace (a
# project's fonts could draw nothing for them): from fonts-noto-core, which build.py installs.
MARK_FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")
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


def mark_face() -> FontFace:
    if not MARK_FONT.is_file():
        raise SetupError(f"the font of the DRAFT mark, {MARK_FONT}, is missing; install it "
                         f"with: {FONT_PACKAGE_HINT}")
    return FontFace(MARK_FAMILY, "bold", "normal", MARK_FONT)


def font_face_css(faces: list[FontFace]) -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
        f'font-style: {face.style}; src: url("{face.path.as_uri()}"); }}'
        for face in faces)
