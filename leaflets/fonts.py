"""The font files a project's settings name, found in the configured directories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import SetupError
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
