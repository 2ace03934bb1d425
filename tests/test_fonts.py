"""Fonts from Python font packages, cut to static faces; the lock files the set-up
installs from; what the set-up says where there is no apt."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pydantic import ValidationError

from leaflets import fonts
from leaflets.bootstrap import lock_file, pango_hint
from leaflets.errors import SetupError
from leaflets.fonts import font_face_css, font_faces, mark_face, package_file, static_face
from leaflets.model import LibraryLoader
from leaflets.model.schemas import Fonts

from .conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = sorted(PROJECT["optional-dependencies"])
ARABIC = ("fontpkg-noto-sans-arabic", "NotoSansArabic[wdth,wght].ttf")
TOP_LEVEL = "leaflets (pyproject.toml)"   # what uv writes after 'via' for a direct requirement


def locked(lock: Path) -> dict[str, tuple[str, set[str]]]:
    """Package → (its pinned version, what it is there for) in a lock file."""
    entries: dict[str, tuple[str, set[str]]] = {}
    current = None
    for line in lock.read_text().splitlines():
        pin = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", line)
        if pin:
            current = canonicalize_name(pin[1])
            entries[current] = (pin[2], set())
        elif current and line.lstrip().startswith("#"):
            why = line.strip("# ").removeprefix("via").strip()
            if why:
                entries[current][1].add(why)
    return entries


@pytest.mark.parametrize("extra", [None, *EXTRAS])
def test_each_lock_pins_exactly_what_pyproject_asks_for(extra):
    wanted = [Requirement(text) for text in
              PROJECT["dependencies"] + (PROJECT["optional-dependencies"][extra] if extra else [])]
    lock = lock_file(extra)
    assert lock.is_file(), f"no {lock.name}: write it with the command in the others' first line"
    entries = locked(lock)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{lock.name} does not pin {name}"
        version, _ = entries[name]
        assert requirement.specifier.contains(version, prereleases=True), (name, version)
    direct = {name for name, (_, why) in entries.items() if TOP_LEVEL in why}
    assert direct == {canonicalize_name(requirement.name) for requirement in wanted}
    # Every pin has its hashes (pip's --require-hashes installs nothing otherwise).
    text = lock.read_text()
    assert len(re.findall(r"^\S+==.*\\\n +--hash=sha256:", text, re.M)) == len(entries)


def test_a_variable_font_becomes_the_same_static_face_in_every_cache(tmp_path, monkeypatch):
    source = package_file(*ARABIC)
    made = []
    for folder in ("one", "two"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / folder))
        fonts._static_face.cache_clear()
        made.append(static_face(source, "bold", "normal"))
    assert made[0].parent == tmp_path / "one/leaflets/fonts" and made[0].read_bytes() == \
        made[1].read_bytes()
    font = TTFont(made[0])
    assert "fvar" not in font and "gvar" not in font and font["OS/2"].usWeightClass == 700
    assert font["name"].getDebugName(6) == "NotoSansArabic-Bold"
    regular = TTFont(static_face(source, "normal", "normal"))
    assert regular["OS/2"].usWeightClass == 400
    # A damaged file in the cache is made again, never used.
    made[1].write_bytes(b"broken")
    fonts._static_face.cache_clear()
    assert static_face(source, "bold", "normal").read_bytes() == made[0].read_bytes()


def test_a_project_may_name_a_folder_of_its_own_static_files(library):
    project = LibraryLoader(library).read()[0].project
    bold = static_face(package_file(*ARABIC), "bold", "normal")
    (library / "fonts").mkdir()
    shutil.copy(bold, library / "fonts/HospitalSans-Bold.ttf")
    own = project.model_copy(update={"fonts": Fonts.model_validate({
        "families": {"Hospital Sans": {"directory": "fonts", "regular": "HospitalSans-Bold.ttf"}},
        "scripts": {"Latn": ["Hospital Sans"]}})})
    (face,) = font_faces(own, library)
    assert face.path == (library / "fonts/HospitalSans-Bold.ttf").resolve()   # used as it is


def test_every_missing_font_is_named_with_where_it_was_looked_for(library):
    project = LibraryLoader(library).read()[0].project
    broken = project.model_copy(update={"fonts": Fonts.model_validate({"families": {
        "A": {"package": "fontpkg-no-such-font", "regular": "A.ttf"},
        "B": {"package": "fontpkg-noto-sans-arabic", "regular": "NotoNaskhArabic-Regular.ttf"},
        "C": {"directory": "fonts", "regular": "C.ttf"}}, "scripts": {"Latn": ["A"]}})})
    with pytest.raises(SetupError) as raised:
        font_faces(broken, library)
    message = str(raised.value)
    assert "font package fontpkg-no-such-font is not installed; install it with: pip install " \
        "fontpkg-no-such-font" in message
    assert "fontpkg-noto-sans-arabic has no file NotoNaskhArabic-Regular.ttf; it has: " \
        "NotoSansArabic[wdth,wght].ttf" in message
    assert f"{library / 'fonts/C.ttf'} is not a file" in message


@pytest.mark.parametrize("family", [{"regular": "A.ttf"},
                                    {"package": "p", "directory": "d", "regular": "A.ttf"}])
def test_a_family_names_one_place_for_its_files(family):
    with pytest.raises(ValidationError, match="'package' .* or 'directory'"):
        Fonts.model_validate({"families": {"A": family}, "scripts": {"Latn": ["A"]}})


def test_the_pdf_embeds_static_faces_with_their_own_weights(library, tmp_path):
    """What pdffonts would list: each face embedded under its name, the bold one a bold
    font program (not the regular drawn thicker), Arabic in Debian's Noto Naskh Arabic."""
    import weasyprint

    faces = [*font_faces(LibraryLoader(library).read()[0].project, library), mark_face()]
    html = ("<style>" + font_face_css(faces) + " p { font-family: 'Noto Sans' } "
            ".ar { font-family: 'Noto Naskh Arabic' }</style><p>Texte <b>gras</b> <i>italique</i>"
            "</p><p class=ar lang=ar dir=rtl>العلاج <b>المناعي</b></p>")
    weasyprint.HTML(string=html).write_pdf(tmp_path / "fonts.pdf")
    weights = {}
    with pikepdf.open(tmp_path / "fonts.pdf") as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font)\
                .FontDescriptor
            program = TTFont(BytesIO(descriptor.FontFile2.read_bytes()))
            weights[str(font.BaseFont).split("+")[-1]] = program["OS/2"].usWeightClass
    assert weights == {"Noto-Sans": 400, "Noto-Sans-Bold": 700, "Noto-Sans-Italic": 400,
                       "Noto-Naskh-Arabic": 400, "Noto-Naskh-Arabic-Bold": 700}


@pytest.mark.parametrize("platform, os_release, command", [
    ("darwin", "", "brew install pango"),
    ("linux", 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\n', "sudo dnf install pango"),
    ("linux", 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', "sudo dnf install pango"),
    ("win32", "", "pacman -S mingw-w64-ucrt-x86_64-pango"),
])
def test_without_apt_the_set_up_says_how_to_install_pango(platform, os_release, command):
    hint = pango_hint(platform, os_release)
    assert command in hint
    assert "Pango" in hint and "https://doc.courtbouillon.org/weasyprint" in hint


def test_an_unknown_system_is_told_what_to_install():
    hint = pango_hint("linux", "ID=somethingelse\n")
    assert "install Pango 1.44 or newer with this system's package manager" in hint


def test_setup_refuses_an_extra_it_has_no_lock_for():
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "setup", "--extra", "gpu"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "usage: python3 build.py setup [--extra NAME]; NAME is one of: " + \
        ", ".join(EXTRAS) in result.stderr
