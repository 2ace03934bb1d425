"""Speed of the build against naive WeasyPrint loops, measured in one run.

    .venv/bin/python benchmarks/run.py [--leaflets 30] [--cli-sample 15]

On the shipped library and on a generated larger one (the shipped leaflets
copied under new ids: N leaflets × every language), it times on the same HTML:

  naive-cli    one `weasyprint` command per PDF, as a Makefile would do it
               (on a sample of --cli-sample PDFs; the per-PDF time is what counts);
  naive-loop   one Python process, a fresh render per PDF (new font configuration,
               stylesheets parsed again each time);
  build -j1    this build, one process, cold (empty output folder);
  build -jN    this build, N worker processes, cold;
  layout       WeasyPrint's layout alone per document, warm: the floor;
  no-op        a rebuild with nothing changed;
  edit         a rebuild after editing one shared block in one language;
and the peak resident memory of a worker process. Targets are printed next to
each ratio; the machine it ran on is printed first.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflets import builder  # noqa: E402
from leaflets.fonts import font_face_css, font_faces  # noqa: E402
from leaflets.model import load_library  # noqa: E402
from leaflets.registry import DEFAULT_FORMAT, DEFAULT_VARIANT  # noqa: E402
from leaflets.templates import palette_css  # noqa: E402


def generated_library(folder: Path, leaflets: int) -> Path:
    """The shipped content with its leaflets copied under new ids, up to ``leaflets``."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    shipped = sorted((content / "leaflets").glob("*.yaml"))
    for index in range(leaflets - len(shipped)):
        source = shipped[index % len(shipped)]
        text = source.read_text().replace("reference: IMM-", f"reference: GEN{index}-")
        (content / "leaflets" / f"generated-{index:03d}.yaml").write_text(text)
    return content


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


GENERIC = builder.Selection(clinics=(builder.GENERIC,))   # one screen edition per leaflet


def html_documents(content: Path) -> list[tuple[str, str]]:
    prepared = builder.prepare(builder.Paths(content=content), GENERIC)
    return [(str(edition), builder.render_html(prepared.templates, prepared.library,
                                               edition).html)
            for edition in prepared.editions]


def stylesheets() -> list[Path]:
    """The stylesheets of a screen A4 leaflet, as the build applies them."""
    templates = ROOT / "templates"
    return [templates / "leaflet.css", templates / "formats/a4-leaflet.css",
            templates / "variants/screen.css"]


def naive_cli(documents: list[tuple[str, str]], work: Path, extra_css: Path) -> float:
    """Seconds per PDF with one `weasyprint` process per document."""
    weasyprint = Path(sys.executable).with_name("weasyprint")
    started = time.perf_counter()
    for index, (_, html) in enumerate(documents):
        page = ROOT / "templates" / f".benchmark-{index}.html"   # same base URL as the build
        page.write_text(html)
        try:
            sheets = [argument for sheet in (extra_css, *stylesheets())
                      for argument in ("-s", str(sheet))]
            subprocess.run([str(weasyprint), str(page), str(work / f"cli-{index}.pdf"), *sheets],
                           check=True, capture_output=True)
        finally:
            page.unlink()
    return (time.perf_counter() - started) / len(documents)


def naive_loop(documents: list[tuple[str, str]], extra_css: str) -> float:
    """Total seconds for a fresh in-process render of every document."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    base_url = (ROOT / "templates").as_uri() + "/"
    started = time.perf_counter()
    for _, html in documents:
        font_config = FontConfiguration()
        sheets = [weasyprint.CSS(string=extra_css, font_config=font_config),
                  *(weasyprint.CSS(filename=str(sheet), font_config=font_config)
                    for sheet in stylesheets())]
        weasyprint.HTML(string=html, base_url=base_url).write_pdf(
            stylesheets=sheets, font_config=font_config, pdf_variant="pdf/ua-1")
    return time.perf_counter() - started


def layout_only(documents: list[tuple[str, str]], content: Path) -> float:
    """Seconds per document for layout alone, with a warm renderer (the floor)."""
    from leaflets.render import Renderer

    paths = builder.Paths(content=content)
    renderer = Renderer(load_library(content).project, paths.roots)
    renderer.layout(documents[0][1], DEFAULT_FORMAT, DEFAULT_VARIANT)   # warm-up
    started = time.perf_counter()
    for _, html in documents:
        renderer.layout(html, DEFAULT_FORMAT, DEFAULT_VARIANT)
    return (time.perf_counter() - started) / len(documents)


def run_build(content: Path, output: Path, jobs: int) -> tuple[float, builder.Build]:
    paths = builder.Paths(content=content, output=output)
    return timed(lambda: builder.build(paths, GENERIC, builder.Execution(jobs=jobs)))


def report(name: str, content: Path, work: Path, jobs: int, cli_sample: int) -> None:
    documents = html_documents(content)
    count = len(documents)
    project = load_library(content).project
    extra_css = (font_face_css(font_faces(project)) + "\n"
                 + palette_css(project.palette, DEFAULT_VARIANT))
    extra_file = work / "fonts-and-palette.css"
    extra_file.write_text(extra_css)
    print(f"\n## {name}: {count} PDFs")

    cli_per_pdf = naive_cli(documents[:cli_sample], work, extra_file)
    loop_total = naive_loop(documents, extra_css)
    one_total, _ = run_build(content, work / "j1", 1)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    many_total, _ = run_build(content, work / "jn", jobs)
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    floor = layout_only(documents, content)
    noop_total, _ = run_build(content, work / "jn", jobs)
    edited = content / "blocks/talk-to-your-care-team/en.yaml"
    edited.write_text(edited.read_text().replace("title: ", "title: (edited) ", 1))
    edit_total, edit_build = run_build(content, work / "jn", jobs)
    rebuilt = sum(not outcome.skipped for outcome in edit_build.outcomes)

    cli_total = cli_per_pdf * count
    rows = [
        ("naive-cli (one weasyprint per PDF)", cli_total,
         f"{cli_per_pdf * 1000:.0f} ms/PDF over a sample of {min(cli_sample, count)}"),
        ("naive-loop (fresh render per PDF)", loop_total,
         f"{loop_total / count * 1000:.0f} ms/PDF"),
        ("build -j1 (cold)", one_total, f"{one_total / count * 1000:.0f} ms/PDF"),
        (f"build -j{jobs} (cold)", many_total, f"{many_total / count * 1000:.0f} ms/PDF"),
        ("no-op rebuild", noop_total, "renders nothing"),
        ("one-block edit rebuild", edit_total, f"{rebuilt} PDFs rebuilt"),
    ]
    for label, seconds, note in rows:
        print(f"  {label:38}{seconds:8.2f} s   {note}")
    print(f"  layout only, per document (floor)     {floor * 1000:6.0f} ms")
    print(f"  -j{jobs} vs naive-cli:  {cli_total / many_total:6.1f}×   (target ≥ 10×)")
    print(f"  -j{jobs} vs naive-loop: {loop_total / many_total:6.1f}×   (target ≥ 1.8×)")
    print(f"  -j1 per PDF / layout floor: {one_total / count / floor:4.2f}   (target ≤ 1.3)")
    print(f"  no-op rebuild: {noop_total:.2f} s   (target < 1 s)")
    rss = max(worker_rss, children_before) / 1024
    print(f"  peak RSS of a worker: {rss:.0f} MB   (target < 400 MB); "
          f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaflets", type=int, default=30)
    parser.add_argument("--cli-sample", type=int, default=15)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args()
    print(f"# machine: {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, WeasyPrint {builder.version('weasyprint')}, "
          f"HarfBuzz subsetter: {'yes' if _hb_subset() else 'NO (fontTools fallback)'}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "shipped").mkdir()
        report("shipped library", generated_library(work / "shipped", 3), work / "shipped",
               arguments.jobs, arguments.cli_sample)
        (work / "large").mkdir()
        report(f"generated library ({arguments.leaflets} leaflets × 5 languages)",
               generated_library(work / "large", arguments.leaflets), work / "large",
               arguments.jobs, arguments.cli_sample)


def _hb_subset() -> bool:
    from leaflets.render import harfbuzz_subsetter_available

    return harfbuzz_subsetter_available()


if __name__ == "__main__":
    main()
