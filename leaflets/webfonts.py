"""The project's fonts for web editions: WOFF2 files cut to the scripts each family is
used for.

A family stands in the font stacks of some scripts (project.yaml ``fonts.scripts``);
its web file keeps every character of the font in those scripts and the characters
common to all (digits, punctuation, symbols), with every OpenType feature, so a page
draws what the PDF draws. The cut is decided by Unicode's script property alone,
never by what pages say, so a file's name (a hash of the font and the cut) is known
before any page is written, and a language of a new script needs no code. Cutting
takes about a second a face: the result is kept under ``$XDG_CACHE_HOME/leaflets``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from .fonts import FontFace, font_faces
from .model import Project
from .outputs import atomic_write

# Unicode's script values of the characters every script uses, and of combining marks.
SHARED_SCRIPTS = ("Zyyy", "Zinh")


@dataclass(frozen=True)
class WebFont:
    """A face of a family as a web font: the file it is cut from, and its name."""

    face: FontFace
    scripts: tuple[str, ...]
    source_sha256: str

    @property
    def name(self) -> str:
        """``<hash>.woff2``: another font file, cut or tool, is another name."""
        from fontTools import version

        key = "\n".join((self.source_sha256, *self.scripts, version))
        return hashlib.sha256(key.encode()).hexdigest()[:16] + ".woff2"


def web_fonts(project: Project, content: Path) -> list[WebFont]:
    """Every face of the project's families, with the scripts it is cut to."""
    fonts = []
    for face in font_faces(project, content):
        scripts = tuple(sorted(script for script, families in project.fonts.scripts.items()
                               if face.family in families))
        if scripts:   # a family no script uses is never drawn
            fonts.append(WebFont(face, scripts, _sha256(face.path)))
    return fonts


@cache
def _sha256_of(path: Path, size: int, mtime: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sha256(path: Path) -> str:
    status = path.stat()
    return _sha256_of(path, status.st_size, status.st_mtime_ns)


def _cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "leaflets" \
        / "webfonts"


def woff2(font: WebFont) -> bytes:
    """The cut WOFF2 file of a face, from the cache or made now (and cached)."""
    cached = _cache_folder() / font.name
    try:
        data = cached.read_bytes()
        if data.startswith(b"wOF2"):   # anything else in the cache is made again
            return data
    except OSError:
        pass
    data = _cut(font)
    try:
        atomic_write(cached, data)
    except OSError:
        pass   # a read-only cache costs a second next time, nothing else
    return data


def _cut(font: WebFont) -> bytes:
    from fontTools import subset, unicodedata
    from fontTools.ttLib import TTFont

    wanted = set(font.scripts) | set(SHARED_SCRIPTS)
    ttfont = TTFont(font.face.path, recalcTimestamp=False)   # the same bytes every time
    characters = [code for code in ttfont.getBestCmap()
                  if unicodedata.script(chr(code)) in wanted]
    options = subset.Options()
    options.layout_features = ["*"]   # ligatures, Arabic joining forms, kerning
    options.name_IDs = ["*"]          # the licence and the font's names stay with it
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(ttfont)
    ttfont.flavor = "woff2"   # Brotli-compressed (fontTools' woff2 needs the brotli module)
    buffer = BytesIO()
    ttfont.save(buffer)
    return buffer.getvalue()
