"""Reports printed by ``check``: readability per block and language, review dates."""

from __future__ import annotations

from datetime import date

from .approvals import approval_problem, seal, source_of
from .editions import Edition, printed_blocks
from .errors import Problem
from .markup import passages
from .model import Library
from .readability import FORMULAS, TARGET, Score, score


def _used_blocks(library: Library, editions: list[Edition]) -> dict[str, list[str]]:
    """Block id → languages, for the blocks the selected editions use, in a stable order."""
    used: dict[str, list[str]] = {}
    for edition in editions:
        for block_id in printed_blocks(library, edition):
            languages = used.setdefault(block_id, [])
            if edition.language not in languages:
                languages.append(edition.language)
    return dict(sorted(used.items()))


def _scores(library: Library, editions: list[Edition]) -> dict[tuple[str, str], Score | None]:
    return {(block_id, language): score(passages(library.blocks[block_id][language].block),
                                        language)
            for block_id, languages in _used_blocks(library, editions).items()
            for language in languages}


def readability(library: Library, editions: list[Edition]) -> list[Problem]:
    """A warning for every scored block below the target, with its shortfall."""
    warnings = []
    for (block_id, language), result in _scores(library, editions).items():
        if result is not None and result.value < TARGET:
            document = library.blocks[block_id][language].document
            warnings.append(document.problem((), (
                f"{result.formula} readability is {result.value:.1f}, {result.shortfall:.1f} "
                f"below the target of {TARGET:.0f}; use shorter sentences and shorter words")))
    return warnings


def readability_table(library: Library, editions: list[Edition]) -> str:
    scores = _scores(library, editions)
    languages = list(dict.fromkeys(edition.language for edition in editions))
    blocks = list(dict.fromkeys(block_id for block_id, _ in scores))
    width = max(len(block_id) for block_id in blocks)
    header = "readability".ljust(width) + "".join(f"{language:>8}" for language in languages)
    lines = [header, "-" * len(header)]
    for block_id in blocks:
        cells = []
        for language in languages:
            if (block_id, language) not in scores:
                cells.append(f"{'':>8}")
                continue
            result = scores[block_id, language]
            cell = "n/s" if result is None else f"{result.value:.0f}"
            flag = "!" if result is not None and result.value < TARGET else " "
            cells.append(f"{cell:>7}{flag}")
        lines.append(block_id.ljust(width) + "".join(cells))
    legend = ", ".join(f"{language}: {FORMULAS[language].name}" for language in languages
                       if language in FORMULAS)
    unscored = [language for language in languages if language not in FORMULAS]
    lines.append(f"target ≥ {TARGET:.0f} ({legend}); '!' below target"
                 + (f"; n/s = not scored ({', '.join(unscored)}: no formula)" if unscored else ""))
    return "\n".join(lines)


def approval_warnings(library: Library, editions: list[Edition]) -> list[Problem]:
    """Approvals that no longer hold, or were written by hand without the fingerprints of
    what was approved, with the values to write (or the command that writes them)."""
    warnings = []
    for block_id, languages in _used_blocks(library, editions).items():
        for code in languages:
            block_file = library.blocks[block_id][code]
            block = block_file.block
            if block.review.status != "approved":
                continue
            source = source_of(library, block_file)
            problem = approval_problem(library, block_file, source)
            if problem:
                values = f"fingerprint: \"{seal(library, block)}\""
                if source is not None:
                    values += f", source: \"{seal(library, source.block)}\""
                warnings.append(block_file.document.problem(("review",), (
                    f"this block is approved, but {problem}; once the text is checked, write "
                    f"{values} under 'review' — or run 'python3 build.py approve --by NAME "
                    f"{code}:{block_id}'")))
    return warnings


REVIEW_WARNING_MONTHS = 6


def review_dates(library: Library, today: date) -> tuple[list[Problem], list[Problem]]:
    """Warnings for leaflets due for review within six months, errors for overdue ones."""
    warnings, errors = [], []
    months = today.month - 1 + REVIEW_WARNING_MONTHS
    horizon = today.replace(year=today.year + months // 12, month=months % 12 + 1, day=1)
    for leaflet_id, leaflet_file in library.leaflets.items():
        review_by = leaflet_file.leaflet.review_by
        if review_by < today:
            errors.append(leaflet_file.document.problem(("review_by",), (
                f"leaflet '{leaflet_id}' was due for review on {review_by}: review it, then "
                "give it a new version, publication date and review date")))
        elif review_by < horizon:
            warnings.append(leaflet_file.document.problem(("review_by",), (
                f"leaflet '{leaflet_id}' is due for review on {review_by}, in less than "
                f"{REVIEW_WARNING_MONTHS} months: plan its review")))
    return warnings, errors
