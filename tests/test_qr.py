"""The QR code printed on an edition, decoded from its rendered pages by a real decoder:
it opens that edition's web page (generic or the clinic's), or ``online_url`` if set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from leaflets.cli import main

from .conftest import ROOT

SITE = "https://leaflets.example.org/"   # site_url of the test library
CLINIC = "clinics/clinique-exemple/"


def decoded(pdf: Path) -> list[str]:
    """Every QR code on every page, as a phone camera would read the printed page."""
    document = pdfium.PdfDocument(pdf)
    return [code.text for page in document
            for code in zxingcpp.read_barcodes(page.render(scale=2).to_pil())
            if code.format == zxingcpp.BarcodeFormat.QRCode]


def built(tmp_path: Path, *options: str, online_url: str | None = None) -> Path:
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROOT / "tests/library", content)
    if online_url:
        project = content / "project.yaml"
        project.write_text(project.read_text() + f'online_url: "{online_url}"\n')
    assert main(["--content", str(content), "--output", str(output),
                 "--leaflet", "every-block", *options]) == 0
    return output


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return built(tmp_path_factory.mktemp("qr"))


@pytest.mark.parametrize("folder", ["", CLINIC])
@pytest.mark.parametrize("code", ["fr", "ar"])
def test_the_qr_code_opens_the_web_edition_of_the_same_edition(output, folder, code):
    web = f"{folder}{code}/every-block.html"
    assert decoded(output / f"{folder}{code}/every-block.pdf") == [SITE + web]
    assert (output / web).is_file()
    manifest = json.loads((output / "manifest.json").read_text())["files"]
    assert web in {entry["path"] for entry in manifest if entry["kind"] == "web"}


def test_online_url_is_what_the_qr_code_opens_when_set(tmp_path):
    output = built(tmp_path, "--lang", "ar", "--clinic", "generic",
                   online_url="https://hospital.example/leaflets/{lang}/{leaflet}")
    assert decoded(output / "ar/every-block.pdf") == [
        "https://hospital.example/leaflets/ar/every-block"]
