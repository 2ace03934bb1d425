"""Red team: the block types and strict Markdown (README "Authoring", "Approving"), tried
the way a hostile contributor, a careless colleague or an unlucky user would."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from .test_model import edit

ONE_PIXEL_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4"
                                 "z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
LEAFLET = "immunotherapy-basics"


def add_block(content: Path, block_id: str, text: str) -> Path:
    """A new French block, printed first after the cover of the basics leaflet."""
    path = content / f"blocks/{block_id}/fr.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    leaflet = content / f"leaflets/{LEAFLET}.yaml"
    leaflet.write_text(leaflet.read_text().replace("  - basics-cover\n",
                                                   f"  - basics-cover\n  - {block_id}\n"))
    (content / "assets").mkdir(exist_ok=True)
    (content / "assets/schema.png").write_bytes(ONE_PIXEL_PNG)
    return path


def check_french(run, content: Path, monkeypatch) -> tuple[int, list[str], str]:
    monkeypatch.chdir(content.parent)
    code, _, err = run("check", "--content", "content", "--lang", "fr", "--leaflet", LEAFLET)
    return code, [line for line in err.splitlines() if line.startswith("content/")], err


def approve(run, content: Path, spec: str) -> None:
    code, _, err = run("approve", "--content", str(content), "--by", "Dr Example", "--on",
                       "2026-11-20", spec)
    assert code == 0, err


def status_of(run, content: Path, block_id: str) -> str:
    code, out, err = run("status", "--content", str(content))
    return next(line.split()[1] for line in out.splitlines()
                if line.split()[:1] == [block_id])


FAQ = ("type: faq\nreview: {status: draft}\ntitle: Questions\nquestions:\n"
       "  - question: Que montre ce schéma ?\n    answer: |\n      Voici {image}.\n")


# --- images in nested Markdown fields (a question's answer, a step's text) ----------------

@pytest.mark.parametrize("image, column, message", [
    ("![](schema.png)", 13, "image 'schema.png' has no alt text: describe the image between "
                            "the brackets, ![…](schema.png)"),
    ("![un plan](../project.yaml)", 13, "image '../project.yaml' is outside content/assets/: "
                                        "write its path relative to content/assets/, without '..'"),
    ("![un plan](absent.png)", 13, "image 'absent.png' not found: expected a file under "
                                   "content/assets/"),
], ids=["no-alt", "outside", "missing"])
def test_an_image_in_a_faq_answer_is_checked_where_it_is_written(content, run, monkeypatch,
                                                                 image, column, message):
    add_block(content, "questions-test", FAQ.replace("{image}", image))
    code, located, err = check_french(run, content, monkeypatch)
    assert "Traceback" not in err
    assert (code, located) == (
        1, [f"content/blocks/questions-test/fr.yaml:7:{column}: error: {message}"])


def test_an_approval_seals_the_bytes_of_an_image_in_a_faq_answer(content, run):
    add_block(content, "questions-test", FAQ.replace("{image}", "![un point](schema.png)"))
    approve(run, content, "fr:questions-test")
    assert status_of(run, content, "questions-test") == "approved"
    (content / "assets/schema.png").write_bytes(ONE_PIXEL_PNG + b"\0")   # another picture
    assert status_of(run, content, "questions-test") == "draft"


# --- figures: an SVG draws from other files ---------------------------------------------------

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
       'width="20" height="10"><image xlink:href="{href}" width="10" height="10"/>'
       '<rect x="10" width="10" height="10" style="fill: url(#none)"/></svg>')
FIGURE = ("type: figure\nreview: {status: draft}\nasset: picture.svg\n"
          "alt: Un carré rouge.\ncaption: Un schéma.\n")


@pytest.mark.parametrize("href", ["schema.png", "./parts/../schema.png"])
def test_an_approval_seals_the_files_an_svg_figure_draws_from(content, run, href):
    add_block(content, "picture-test", FIGURE)
    (content / "assets/picture.svg").write_text(SVG.replace("{href}", href))
    approve(run, content, "fr:picture-test")
    assert status_of(run, content, "picture-test") == "approved"
    (content / "assets/schema.png").write_bytes(ONE_PIXEL_PNG + b"\0")   # the page changes
    assert status_of(run, content, "picture-test") == "draft"


def test_a_figure_whose_alt_is_only_spaces_is_refused_at_its_alt(content, run, monkeypatch):
    add_block(content, "picture-test", FIGURE.replace("Un carré rouge.", '"   "'))
    (content / "assets/picture.svg").write_text(SVG.replace("{href}", "schema.png"))
    assert check_french(run, content, monkeypatch)[:2] == (1, [
        "content/blocks/picture-test/fr.yaml:4:6: error: this value is only spaces; write its "
        "text, "
        "or leave the field out where it is optional"])


def test_a_title_of_spaces_is_refused_at_the_title(content, run, monkeypatch):
    """Every text field, not only an alt: a title of spaces prints an empty heading."""
    edit(content / "blocks/tolerance/fr.yaml", "title: ", 'title: "   "  # ')
    code, problems, _ = check_french(run, content, monkeypatch)
    assert code == 1 and problems[0].startswith(
        "content/blocks/tolerance/fr.yaml:"), problems
    assert problems[0].endswith("this value is only spaces; write its text, or leave the field "
                                "out where it is optional")
