"""Set-up on first run: system libraries, a virtual environment, Python packages.

Standard library only: this runs before any dependency is installed. It makes
``python3 build.py`` the one command a newcomer needs on a fresh Debian or
Ubuntu clone, and ``python3 build.py test`` the one that runs the tests.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".leaflets-installed"
# What WeasyPrint needs from the system, the fonts the shipped project uses, and the
# Hunspell dictionaries of its languages (check's spelling).
SYSTEM_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-core",
                   "libgs-common", "hunspell-fr", "hunspell-en-gb", "hunspell-de-de", "hunspell-tr",
                   "hunspell-ar"]
# The catalogue page is tested in a real browser: Debian's Chromium, driven by Playwright.
# Without root it cannot be installed here; those tests then skip and say why.
TEST_SYSTEM_PACKAGES = ["chromium"]


def _say(message: str) -> None:
    print(f"build.py: {message}", file=sys.stderr, flush=True)


def _missing_system_packages(packages: list[str]) -> list[str]:
    if shutil.which("dpkg-query") is None:
        return []  # not Debian/Ubuntu: the README lists what to install by hand
    missing = []
    for package in packages:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True)
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def _install_system_packages(packages: list[str], required: bool = True) -> None:
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


def _requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return requirements


def _ensure_venv(extras: list[str]) -> Path:
    python = VENV / "bin" / "python"
    requirements = _requirements(extras)
    wanted = hashlib.sha256("\n".join(requirements).encode()).hexdigest()
    if python.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return python
    if not python.exists():
        _say(f"creating a virtual environment in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError):
            shutil.rmtree(VENV, ignore_errors=True)
            _install_system_packages(["python3-venv"])
            venv.EnvBuilder(with_pip=True).create(VENV)
    _say("installing Python packages (first run only)")
    result = subprocess.run([str(python), "-m", "pip", "install", "-q",
                             "--disable-pip-version-check",
                             *requirements])
    if result.returncode != 0:
        _say("pip could not install the Python packages; see the messages above")
        raise SystemExit(1)
    STAMP.write_text(wanted)
    return python


def ensure_environment(argv: list[str]) -> None:
    """Make sure everything is installed, then continue in the project's environment.

    Returns when the current interpreter is ready; otherwise re-executes the
    command with the virtual environment's Python (which never returns).
    """
    if sys.version_info < (3, 11):  # noqa: UP036 (this runs on any python3, to say so)
        _say(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
        raise SystemExit(1)
    testing = argv[:1] == ["test"]
    extras = ["test"] if testing else []
    _install_system_packages(SYSTEM_PACKAGES)
    if testing:
        _install_system_packages(TEST_SYSTEM_PACKAGES, required=False)
    python = _ensure_venv(extras)
    if testing:
        os.chdir(ROOT)
        os.execv(python, [str(python), "-m", "pytest", *argv[1:]])
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(python, [str(python), str(ROOT / "build.py"), *argv])
