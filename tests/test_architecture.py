"""The architecture's promises: inputs recorded where they are read, one registry per axis,
output kinds as classes, and one answer to "which blocks does this edition print"."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from leaflets import builder, registry
from leaflets.kinds import EditionKind, Product, default_edition_kinds

from .conftest import ROOT
from .test_engine import built, files
from .test_model import edit


def png(colour: str, size: int = 40) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def build(content: Path, output: Path, **options) -> builder.Build:
    selection = builder.Selection(clinics=("generic",), languages=("fr", "de"))
    return builder.build(builder.Paths(content=content, output=output), selection,
                         builder.Execution(jobs=1), **options)


def with_images(content: Path) -> None:
    """A Markdown image in one leaflet's block, and an SVG holding a PNG in another's."""
    assets = content / "assets"
    assets.mkdir()
    (assets / "hand.png").write_bytes(png("red"))
    (assets / "inner.png").write_bytes(png("blue"))
    (assets / "diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60">'
        '<image href="inner.png" width="60" height="60"/></svg>')
    edit(content / "blocks/tolerance/fr.yaml", "body: |\n", "body: |\n  ![Une main](hand.png)\n\n")
    edit(content / "blocks/pseudo-progression/fr.yaml", "body: |\n",
         "body: |\n  ![Un schéma](diagram.svg)\n\n")


@pytest.mark.parametrize("changed, leaflet", [("hand.png", "immunotherapy-side-effects"),
                                              ("inner.png", "immunotherapy-response")])
def test_a_replaced_image_rebuilds_exactly_the_editions_that_show_it(content, tmp_path, changed,
                                                                     leaflet):
    with_images(content)
    output = tmp_path / "out"
    build(content, output)
    (content / "assets" / changed).write_bytes(png("green"))
    assert built(build(content, output)) == {f"{leaflet} (fr, a4-leaflet)"}
    clean = tmp_path / "clean"
    build(content, clean)
    assert files(output) == files(clean)


def test_a_content_file_saved_while_its_edition_renders_is_rendered_again(content, tmp_path,
                                                                         monkeypatch):
    """The render uses the text read before it; the record must say so, not hash the file
    again after the render."""
    output = tmp_path / "out"
    block = content / "blocks/tolerance/fr.yaml"
    render_job = builder.render_job

    def saving_during_render(settings, job):
        if "immunotherapy-side-effects (fr" in job.name and "NOUVEAU" not in block.read_text():
            edit(block, "title: ", "title: NOUVEAU ")
        return render_job(settings, job)

    monkeypatch.setattr(builder, "render_job", saving_during_render)
    build(content, output)
    pdf = output / "fr/immunotherapy-side-effects.pdf"
    assert "NOUVEAU" not in "".join(page.extract_text() for page in PdfReader(pdf).pages)
    monkeypatch.setattr(builder, "render_job", render_job)
    # The German translation is rebuilt too: its source changed, so it is stale now.
    assert built(build(content, output)) == {"immunotherapy-side-effects (fr, a4-leaflet)",
                                             "immunotherapy-side-effects (de, a4-leaflet)"}
    assert "NOUVEAU" in "".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_a_template_saved_while_it_is_used_is_rendered_again(content, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    paths = builder.Paths(content=content, output=tmp_path / "out", templates=templates)
    selection = builder.Selection(clinics=("generic",), languages=("fr",),
                                  leaflets=("immunotherapy-basics",))
    stylesheet = templates / "leaflet.css"
    render_job = builder.render_job

    def saving_during_render(settings, job):
        result = render_job(settings, job)   # the stylesheet was read: now it changes
        stylesheet.write_text(stylesheet.read_text() + "\nh2 { color: red; }\n")
        return result

    monkeypatch.setattr(builder, "render_job", saving_during_render)
    builder.build(paths, selection, builder.Execution(jobs=1))
    monkeypatch.setattr(builder, "render_job", render_job)
    again = builder.build(paths, selection, builder.Execution(jobs=1))
    assert built(again) == {"immunotherapy-basics (fr, a4-leaflet)"}


def test_two_content_folders_built_into_one_output_leave_no_stale_file(content, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(content, other)
    edit(other / "blocks/tolerance/de.yaml", "title: ", "title: Anders – ")
    output = tmp_path / "out"
    build(content, output)
    assert built(build(other, output)) == {"immunotherapy-side-effects (de, a4-leaflet)"}
    clean = tmp_path / "clean"
    build(other, clean)
    assert files(output) == files(clean)


def test_release_of_a_tri_fold_judges_only_the_blocks_it_prints(content, run, tmp_path):
    leaflet = "immunotherapy-response"
    omitted = {"biomarker-research", "checkpoint-figures"}
    blocks = [line.strip(" -") for line in
              (content / f"leaflets/{leaflet}.yaml").read_text().split("omit:")[0].splitlines()
              if line.startswith("  - ")]
    code, _, err = run("approve", "--content", str(content), "--by", "Dr Test",
                       *sorted(f"fr:{block_id}" for block_id in set(blocks) - omitted))
    assert code == 0, err
    common = ("--content", str(content), "--output", str(tmp_path / "out"), "--lang", "fr",
              "--leaflet", leaflet, "--clinic", "generic", "--release", "-j", "1")
    code, out, err = run(*common, "--layout", "tri-fold")
    assert code == 0, err
    assert (tmp_path / "out/fr/immunotherapy-response.tri-fold.pdf").is_file()
    # In its own format the leaflet prints the omitted drafts, so it is refused.
    code, out, err = run(*common)
    assert code == 1
    assert "biomarker-research is draft" in err and "checkpoint-figures is draft" in err


class PageCount(EditionKind):
    """A throwaway output kind: a text file with the number of pages of each edition."""

    name = "page-count"
    extension = "txt"

    def make(self, edition, rendered) -> Product:
        return Product(f"{rendered.pages}\n".encode(), None, "text")


def test_an_output_kind_is_one_class(content, tmp_path):
    kinds = (*default_edition_kinds(), PageCount())
    paths = builder.Paths(content=content, output=tmp_path / "out")
    selection = builder.Selection(clinics=("generic",), languages=("fr",))
    builder.Builder(paths, selection, builder.Execution(jobs=1), edition_kinds=kinds).build()
    count = tmp_path / "out/fr/immunotherapy-basics.txt"
    pdf = tmp_path / "out/fr/immunotherapy-basics.pdf"
    assert count.read_text() == f"{len(PdfReader(pdf).pages)}\n"
    again = builder.Builder(paths, selection, builder.Execution(jobs=1),
                            edition_kinds=kinds).build()
    assert built(again) == set()
    count.unlink()   # a missing output of one kind makes its edition outdated
    assert built(builder.Builder(paths, selection, builder.Execution(jobs=1),
                                 edition_kinds=kinds).build()) == {
        "immunotherapy-basics (fr, a4-leaflet)"}


def test_a_variant_is_one_registry_entry_and_its_stylesheet(content, tmp_path, monkeypatch,
                                                           run):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    proof = registry.Variant("proof", "Proof", "a proof with a grey background", "pdf/ua-1")
    monkeypatch.setitem(registry.VARIANTS, "proof", proof)
    common = ("--content", str(content), "--output", str(tmp_path / "out"), "--lang", "fr",
              "--clinic", "generic", "--leaflet", "immunotherapy-basics", "-j", "1")
    paths = builder.Paths(content=content, output=tmp_path / "out", templates=templates)
    with pytest.raises(builder.SetupError, match="variant 'proof' needs .*variants/proof.css"):
        builder.prepare(paths, builder.Selection(variants=("proof",)))
    (templates / "variants/proof.css").write_text("body { background: #eee; }\n")
    result = builder.build(paths, builder.Selection(variants=("proof",), clinics=("generic",),
                                                    languages=("fr",)),
                           builder.Execution(jobs=1))
    assert {outcome.record.path for outcome in result.outcomes} == {
        f"fr/{leaflet}.proof.pdf" for leaflet in
        ("immunotherapy-basics", "immunotherapy-response", "immunotherapy-side-effects")}
    code, out, err = run(*common, "build", "--help")
    assert "proof (a proof with a grey background)" in " ".join(out.split())
