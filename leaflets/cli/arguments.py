"""From argv to the arguments of one command: the command found wherever it is (build
when there is none), "did you mean" for a mistyped command or option, and the checks
between options that argparse cannot express."""

from __future__ import annotations

import argparse
from difflib import get_close_matches

from .. import serve
from .parser import COMMANDS, Parser, parser

DEFAULT_COMMAND = "build"
TOP_LEVEL_FLAGS = {"-h", "--help", "--version"}


def parse(argv: list[str], prog: str) -> argparse.Namespace:
    """The arguments of the command argv names; CommandLineError on wrong usage (--help
    and --version exit through SystemExit, as argparse does)."""
    top, subparsers = parser(prog)
    command, rest = split_command(argv, subparsers, top)
    if command is None:
        top.parse_args(rest)   # only --help or --version get here: they exit
    chosen = subparsers[command]
    arguments, extras = chosen.parse_known_intermixed_args(rest)
    if extras:
        chosen.error(unknown_arguments(extras, command, subparsers))
    arguments.command = command
    problems = usage_problems(arguments)
    if problems:
        chosen.error("; ".join(problems))
    return arguments


def split_command(argv: list[str], subparsers: dict[str, Parser],
                  top: Parser) -> tuple[str | None, list[str]]:
    """The command argv names and the rest of argv: options may stand before it
    (``--lang fr check``). None for a bare --help or --version."""
    takes_value = {option for sub in subparsers.values() for action in sub._actions
                   if action.nargs != 0 for option in action.option_strings}
    known = {option for sub in subparsers.values() for option in sub._option_string_actions}
    index, after_unknown = 0, False
    while index < len(argv):
        token = argv[index]
        if token == "--":
            break
        if token.startswith("-"):
            index += 2 if token in takes_value else 1
            # "-j4": a short option with its value attached
            name = token.split("=")[0] if token.startswith("--") else token[:2]
            after_unknown = name not in known
            continue
        if token in subparsers:
            return token, argv[:index] + argv[index + 1:]
        if not after_unknown:   # not the value of an unknown option, reported later
            top.error(unknown_command(token))
        index, after_unknown = index + 1, False
    if TOP_LEVEL_FLAGS & set(argv):
        return None, [flag for flag in argv if flag in TOP_LEVEL_FLAGS][:1]
    return DEFAULT_COMMAND, argv


def unknown_command(word: str) -> str:
    guess = get_close_matches(word, COMMANDS, n=1)
    hint = f"did you mean '{guess[0]}'?" if guess else f"commands: {', '.join(COMMANDS)}"
    return f"unknown command '{word}'; {hint}"


def unknown_arguments(extras: list[str], command: str, subparsers: dict[str, Parser]) -> str:
    """Every argument the command does not take, each with what was probably meant."""
    own = [option for option in subparsers[command]._option_string_actions
           if option.startswith("--")]
    problems = []
    for index, extra in enumerate(extras):
        if not extra.startswith("-"):
            if index == 0 or not extras[index - 1].startswith("-"):  # not an option's value
                problems.append(f"unexpected argument '{extra}': '{command}' takes none here")
            continue
        option = extra.split("=")[0]
        elsewhere = [name for name, sub in subparsers.items()
                     if option in sub._option_string_actions]
        guess = get_close_matches(option, own, n=1)
        if elsewhere:
            problems.append(f"'{option}' does not apply to '{command}' (it goes with "
                            f"{', '.join(elsewhere)})")
        elif guess:
            problems.append(f"unknown option '{option}'; did you mean '{guess[0]}'?")
        else:
            problems.append(f"unknown option '{option}'")
    return "; ".join(problems)


def usage_problems(arguments: argparse.Namespace) -> list[str]:
    """What is wrong with a combination of options that argparse cannot see, all of it."""
    problems = []
    jobs = getattr(arguments, "jobs", 1)
    if jobs < 1:
        problems.append(f"--jobs must be at least 1, found {jobs}")
    executor = getattr(arguments, "executor", "local")
    if (executor == "dask") != bool(getattr(arguments, "scheduler", None)):
        problems.append("--executor dask and --scheduler ADDRESS go together")
    if arguments.command == "serve":
        problems.append(serve.address_problem(arguments.host, arguments.port, arguments.public))
    if arguments.command == "check" and arguments.preflight and arguments.format == "json":
        problems.append("check --preflight reports as text only: leave out --format json")
    if arguments.command == "schema" and arguments.kind and arguments.write:
        problems.append("schema --write DIR writes every kind: leave out the kind")
    problems.append(_preview_problem(arguments))
    return [problem for problem in problems if problem]


def _preview_problem(arguments: argparse.Namespace) -> str | None:
    if not getattr(arguments, "preview", False):
        return None
    if getattr(arguments, "release", False):
        return "--preview and --release exclude each other: a preview is never released"
    if not arguments.lang:
        return "--preview needs --lang CODES: the languages to preview, e.g. --lang it"
    return None

