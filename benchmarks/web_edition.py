"""Cost of one web edition against its PDF's: same editions, same process, one run.

    .venv/bin/python benchmarks/web_edition.py [--rounds 5]

On the shipped library's generic screen editions in each leaflet's own format (one
per leaflet and language: those a web page is made for), it times per edition:

  web, warm   the web page as the build makes it (``WebEdition.make``: HTML from the
              templates, its stylesheet and inputs), in this process;
  pdf, warm   the same edition's PDF as a warm worker makes it: its HTML, then layout
              and PDF writing (``Task`` and ``Renderer.render``), in this process;
  cold        the first of each in a fresh process (imports, templates compiled, for
              the PDF WeasyPrint's fonts loaded and stylesheets parsed), library loading
              left out;
the median of --rounds runs each, and the ratios, as one line at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflets import builder  # noqa: E402
from leaflets.kinds.web import WebEdition  # noqa: E402
from leaflets.tasks import Task  # noqa: E402
from leaflets.workers import RenderSettings, renderer_for  # noqa: E402

GENERIC = builder.Selection(clinics=(builder.GENERIC,))


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def prepared() -> builder.Prepared:
    paths = builder.Paths()
    return builder.prepare(paths, GENERIC)


def make_web(state: builder.Prepared, edition) -> None:
    WebEdition().make(state.library, state.templates, edition)


def make_pdf(state: builder.Prepared, renderer, edition) -> None:
    task = Task(state.library, state.templates, edition)
    job = task.first
    while job is not None:
        job = task.next_job(renderer.render(job))


def renderer(state: builder.Prepared):
    roots = builder.Paths().roots
    return renderer_for(RenderSettings(state.library.project.model_dump_json(), roots))


def first_in_this_process(kind: str) -> float:
    """Seconds to make the first edition of ``kind`` here, after loading the library."""
    state = prepared()
    edition = state.editions[0]
    if kind == "web":
        return timed(lambda: make_web(state, edition))
    return timed(lambda: make_pdf(state, renderer(state), edition))


def cold(kind: str) -> float:
    """The first edition of ``kind`` in a fresh Python process."""
    result = subprocess.run([sys.executable, __file__, "--first", kind], check=True,
                            capture_output=True, text=True)
    return float(result.stdout)


def warm(rounds: int) -> tuple[int, float, float]:
    """The number of editions and the median seconds per edition of each kind, warm."""
    state = prepared()
    editions = [edition for edition in state.editions
                if WebEdition().applies(state.library, edition)]
    laid_out = renderer(state)
    make_pdf(state, laid_out, editions[0])   # warm up both paths once
    make_web(state, editions[0])
    web = [timed(lambda: [make_web(state, edition) for edition in editions])
           for _ in range(rounds)]
    pdf = [timed(lambda: [make_pdf(state, laid_out, edition) for edition in editions])
           for _ in range(max(1, rounds // 2))]
    return (len(editions), statistics.median(web) / len(editions),
            statistics.median(pdf) / len(editions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--first", choices=["web", "pdf"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.first:   # the child process of a cold run
        print(first_in_this_process(arguments.first))
        return
    print(f"# machine: {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, WeasyPrint {builder.version('weasyprint')}")
    count, web, pdf = warm(arguments.rounds)
    cold_web = statistics.median(cold("web") for _ in range(3))
    cold_pdf = statistics.median(cold("pdf") for _ in range(3))
    print(f"  web, warm   {web * 1000:8.1f} ms/edition   (median of {arguments.rounds} rounds "
          f"of {count} editions)")
    print(f"  pdf, warm   {pdf * 1000:8.1f} ms/edition")
    print(f"  web, cold   {cold_web * 1000:8.1f} ms   first edition in a fresh process")
    print(f"  pdf, cold   {cold_pdf * 1000:8.1f} ms")
    print(f"web edition: {web * 1000:.1f} ms against {pdf * 1000:.0f} ms for its PDF warm "
          f"({pdf / web:.0f}× cheaper), {cold_web * 1000:.0f} ms against "
          f"{cold_pdf * 1000:.0f} ms cold ({cold_pdf / cold_web:.1f}×), over {count} editions")


if __name__ == "__main__":
    main()
