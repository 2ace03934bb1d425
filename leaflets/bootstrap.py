"""Set-up on first run: system libraries, a virtual environment, Python packages.

Standard library only: this runs before any dependency is installed. It makes
``python3 build.py`` the one command a newcomer needs on a fresh Debian or
Ubuntu clone, ``python3 build.py test`` the one that runs the tests, and
``python3 build.py setup [--extra NAME]`` the one that installs and stops.
Python packages come from the lock files at the repository's root, exact releases
with their hashes, so two fresh machines install the same bytes (and render the same
PDFs); ``uv pip compile`` writes them from pyproject.toml (see their first lines).
"""

from __future__ import annotations

import ctypes.util
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# What WeasyPrint needs from the system, the press colour profile (libgs-common), the
# shipped library's Arabic face (fonts-noto-core: see content/project.yaml) and the
# Hunspell dictionaries of the shipped languages (check's spelling). The Latin fonts are
# Python packages, in the lock files.
SYSTEM_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "libgs-common",
                   "fonts-noto-core", "hunspell-fr", "hunspell-en-gb", "hunspell-de-de",
                   "hunspell-tr", "hunspell-ar"]
# Where there is no apt: the command that installs Pango (and HarfBuzz with it), by
# sys.platform, or by the ID of /etc/os-release on Linux; Windows's is WeasyPrint's own.
PANGO_COMMANDS = {
    "darwin": "brew install pango",
    "win32": "install MSYS2 (https://www.msys2.org), then in its UCRT64 shell: "
             "pacman -S mingw-w64-ucrt-x86_64-pango",
    "fedora": "sudo dnf install pango", "rhel": "sudo dnf install pango",
    "centos": "sudo dnf install pango", "arch": "sudo pacman -S pango",
    "alpine": "apk add so:libgobject-2.0.so.0 so:libpango-1.0.so.0 so:libharfbuzz.so.0 "
              "so:libharfbuzz-subset.so.0 so:libfontconfig.so.1 so:libpangoft2-1.0.so.0",
}
PANGO_DOCUMENTATION = "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
# The catalogue page is tested in a real browser: Debian's Chromium, driven by Playwright.
# Without root it cannot be installed here; those tests then skip and say why.
TEST_SYSTEM_PACKAGES = ["chromium"]


def _say(message: str) -> None:
    print(f"build.py: {message}", file=sys.stderr, flush=True)


def pango_hint(platform: str, os_release: str = "") -> str:
    """What to run to install Pango on a system without apt: ``platform`` is a value of
    sys.platform, ``os_release`` the text of /etc/os-release (Linux)."""
    names = [platform]
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            names += value.strip().strip('"').split()
    command = next((PANGO_COMMANDS[name] for name in names if name in PANGO_COMMANDS), None)
    return ("WeasyPrint draws text with Pango and HarfBuzz, system libraries that are not "
            "found here; " + (f"install them with: {command}" if command else
                              "install Pango 1.44 or newer with this system's package manager")
            + f" (see {PANGO_DOCUMENTATION})")


def _read_os_release() -> str:
    try:
        return Path("/etc/os-release").read_text()
    except OSError:
        return ""


def _missing_system_packages(packages: list[str]) -> list[str]:
    missing = []
    for package in packages:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True)
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def _install_system_packages(packages: list[str], required: bool = True) -> None:
    if shutil.which("dpkg-query") is None:   # not Debian/Ubuntu: no package names to check
        return
    missing = _missing_system_packages(packages)
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() != 0:
        _say("these system packages are missing: " + " ".join(missing))
        _say(("install them, then run this command again" if required else
              "the tests that need them will be skipped; to run them, install them")
             + ":\n\n    sudo apt-get update && sudo " + " ".join(command) + "\n")
        if required:
            raise SystemExit(1)
        return
    _say("installing system packages: " + " ".join(missing))
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-q"], command):
        if subprocess.run(step, env=environment, stdout=subprocess.DEVNULL).returncode != 0:
            _say("failed: " + " ".join(step))
            if required:
                raise SystemExit(1)
            return


def lock_file(extra: str | None) -> Path:
    """The lock file of the dependencies, with an extra's if one is named."""
    return ROOT / (f"requirements-{extra}.lock" if extra else "requirements.lock")


def _ensure_venv(extra: str | None) -> Path:
    python = VENV / "bin" / "python"
    lock = lock_file(extra)
    # One stamp a lock file, holding the hash of its bytes: a changed lock installs again,
    # and switching between build.py and build.py test installs nothing.
    stamp = VENV / f".leaflets-installed-{lock.name}"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if not python.exists():
        _say(f"creating a virtual environment in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError):
            shutil.rmtree(VENV, ignore_errors=True)
            _install_system_packages(["python3-venv"])
            venv.EnvBuilder(with_pip=True).create(VENV)
    _say(f"installing Python packages from {lock.name}")
    result = subprocess.run([str(python), "-m", "pip", "install", "-q",
                             "--disable-pip-version-check", "--require-hashes", "-r", str(lock)])
    if result.returncode != 0:
        _say("pip could not install the Python packages; see the messages above")
        raise SystemExit(1)
    stamp.write_text(wanted)
    return python


def _setup_extra(arguments: list[str]) -> str | None:
    """The extra that ``setup [--extra NAME]`` names; a usage error ends the command."""
    if arguments and arguments[0].startswith("--extra="):
        arguments = ["--extra", arguments[0].partition("=")[2], *arguments[1:]]
    if not arguments:
        return None
    extras = sorted(path.name[len("requirements-"):-len(".lock")]
                    for path in ROOT.glob("requirements-*.lock"))
    if len(arguments) != 2 or arguments[0] != "--extra" or arguments[1] not in extras:
        _say("usage: python3 build.py setup [--extra NAME]; NAME is one of: "
             + ", ".join(extras))
        raise SystemExit(2)
    return arguments[1]


def ensure_environment(argv: list[str]) -> None:
    """Make sure everything is installed, then continue in the project's environment.

    Returns when the current interpreter is ready; otherwise re-executes the
    command with the virtual environment's Python (which never returns).
    """
    if sys.version_info < (3, 11):  # noqa: UP036 (this runs on any python3, to say so)
        _say(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
        raise SystemExit(1)
    testing, setting_up = argv[:1] == ["test"], argv[:1] == ["setup"]
    extra = "test" if testing else _setup_extra(argv[1:]) if setting_up else None
    _install_system_packages(SYSTEM_PACKAGES)
    if shutil.which("dpkg-query") is None and ctypes.util.find_library("pango-1.0") is None:
        _say(pango_hint(sys.platform, _read_os_release()))   # once, where there is no apt
    if testing:
        _install_system_packages(TEST_SYSTEM_PACKAGES, required=False)
    python = _ensure_venv(extra)
    if setting_up:
        _say(f"set-up done: {python} has the packages of {lock_file(extra).name}")
        raise SystemExit(0)
    if testing:
        os.chdir(ROOT)
        os.execv(python, [str(python), "-m", "pytest", *argv[1:]])
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(python, [str(python), str(ROOT / "build.py"), *argv])
