"""Files that content points at: they must be under content/assets/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit


def asset_problem(content_root: Path, reference: str, what: str) -> str | None:
    """Why ``reference`` (an image, a logo) cannot be used, or None if it is a file
    inside content/assets/. URLs, absolute paths and paths that leave the folder
    (through '..' or a symbolic link) are refused."""
    assets = (content_root / "assets").resolve()
    if urlsplit(reference).scheme:
        download = " (download it there)" if reference.startswith(("http:", "https:")) else ""
        return (f"{what} '{reference}' is a URL: {'an' if what[0] in 'aeiou' else 'a'} {what} "
                f"must be a file under content/assets/{download}")
    if reference.startswith("/"):
        return (f"{what} '{reference}' is an absolute path: write its path relative to "
                "content/assets/")
    target = (assets / reference).resolve()   # follows symbolic links
    if not target.is_relative_to(assets):
        return (f"{what} '{reference}' is outside content/assets/: write its path relative to "
                "content/assets/, without '..'")
    if not target.is_file():
        return f"{what} '{reference}' not found: expected a file under content/assets/"
    return None
