"""The build command: progress while it renders, then a summary for people or JSON."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .. import builder
from ..editions import Selection
from ..render import harfbuzz_subsetter_available
from ..workers import Execution
from .output import EXIT_FAILED, EXIT_OK, Console


def build(paths: builder.Paths, selection: Selection, execution: Execution, console: Console,
          release: bool = False, as_json: bool = False) -> int:
    started = time.monotonic()
    if not harfbuzz_subsetter_available():
        console.warning("HarfBuzz's font subsetter is missing, so WeasyPrint falls back to "
                        "fontTools, about 15 times slower; install it with: "
                        "sudo apt-get install libharfbuzz-subset0")
    with progress_display(console, as_json) as progress:
        result = builder.Builder(paths, selection, execution, release=release,
                                 progress=progress, waiting=waiting(console)).build()
    failed = [outcome.error for outcome in result.outcomes if outcome.error]
    failed += result.site_errors
    if as_json:
        console.data(build_data(result, time.monotonic() - started, paths.output))
    else:
        report(result, time.monotonic() - started, paths.output, console, failed)
    return EXIT_FAILED if failed or result.refused else EXIT_OK


def report(result: builder.Build, seconds: float, output: Path, console: Console,
           failed: list[str]) -> None:
    for path in result.removed:
        console.say(f"removed {path} (this build makes no such edition)")
    console.say(summary(result, seconds, output))
    console.say("catalogue: " + ", ".join(str(page) for page in result.site_files))
    for error in failed:
        console.error(f"failed: {error}")
    if result.refused:
        console.error(f"refused {len(result.refused)} editions for release:")
        for reason in result.refused:
            console.error(f"  {reason}")


def waiting(console: Console):
    def say_waiting(lock: Path) -> None:
        console.note(f"waiting for another build into the same folder to finish "
                     f"(it holds {lock})")
    return say_waiting


@contextmanager
def progress_display(console: Console, as_json: bool = False):
    """A progress bar with ETA on a terminal; one plain line per PDF otherwise (on stderr
    when stdout is for JSON); nothing with -q."""
    if console.quiet or not sys.stderr.isatty():
        yield lambda outcome, total: _log(console, outcome, as_json)
        return
    from tqdm import tqdm

    with tqdm(unit="pdf", desc="building", file=sys.stderr) as bar:
        def advance(outcome: builder.Outcome, total: int) -> None:
            bar.total = total
            bar.set_postfix_str(str(outcome.edition), refresh=False)
            bar.update()
        yield advance


def _log(console: Console, outcome: builder.Outcome, as_json: bool) -> None:
    say = console.note if as_json else console.say
    if outcome.error:
        say(f"failed  {outcome.edition}")
    elif outcome.skipped:
        if console.verbose:
            say(f"skipped {outcome.edition} (up to date)")
    else:
        record = outcome.record
        say(f"built   {record.path} ({record.pages} pages, {record.bytes // 1024} KiB, "
            f"{record.approval})")


def summary(result: builder.Build, seconds: float, output: Path) -> str:
    rows = {"built": [], "skipped": [], "failed": []}
    for outcome in result.outcomes:
        rows[_kind(outcome)].append(outcome.record)
    lines = [f"{'':8}{'PDFs':>6}{'pages':>7}{'size':>10}"]
    for kind, records in rows.items():
        pages = sum(record.pages for record in records if record)
        size = sum(record.bytes for record in records if record)
        lines.append(f"{kind:8}{len(records):>6}{pages:>7}{size / 1024:>8.0f} K")
    lines.append(f"output: {output}  time: {seconds:.1f} s")
    return "\n".join(lines)


def _kind(outcome: builder.Outcome) -> str:
    return "failed" if outcome.error else "skipped" if outcome.skipped else "built"


def build_data(result: builder.Build, seconds: float, output: Path) -> dict[str, object]:
    """The build's outcomes as --format json gives them."""
    outcomes = [{"edition": str(outcome.edition), "result": _kind(outcome),
                 "path": outcome.record.path if outcome.record else None,
                 "pages": outcome.record.pages if outcome.record else None,
                 "bytes": outcome.record.bytes if outcome.record else None,
                 "approval": outcome.record.approval if outcome.record else None,
                 "skipped": outcome.skipped, "error": outcome.error}
                for outcome in result.outcomes]
    return {"output": str(output), "seconds": round(seconds, 1), "editions": len(outcomes),
            "outcomes": outcomes, "removed": [str(path) for path in result.removed],
            "refused": result.refused, "site_files": [str(page) for page in result.site_files],
            "errors": result.site_errors}
