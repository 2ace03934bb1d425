"""Command line: arguments, exit codes, and what the user reads; nothing else.

``parser`` is the grammar, ``arguments`` turns argv into one command's arguments,
``output`` is what the user reads, and ``commands``, ``building`` and ``starting`` run
the commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from .. import builder, serve
from ..editions import Selection
from ..errors import ContentError, LeafletError, UsageError
from ..workers import Execution
from . import commands, starting
from .arguments import parse
from .building import build, waiting
from .output import EXIT_FAILED, EXIT_USAGE, Console
from .parser import COMMANDS, CommandLineError

__all__ = ["main"]

JSON_COMMANDS = ("build", "check", "status")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    prog = "build.py" if Path(sys.argv[0]).name == "build.py" else "leaflets"
    console = Console(color=_color_asked(argv))
    try:
        arguments = parse(argv, prog)
    except SystemExit as exit_:  # --help and --version print, then exit 0
        return int(exit_.code or 0)
    except CommandLineError as error:
        print(error.usage, end="", file=sys.stderr)
        console.error(f"{error.prog}: error: {error}")
        if _json_asked(argv):
            console.data(commands.message_data(str(error)))
        return EXIT_USAGE
    console = Console(quiet=arguments.quiet, verbose=arguments.verbose, color=arguments.color)
    as_json = arguments.command in JSON_COMMANDS and arguments.format == "json"
    try:
        return run(arguments, console)
    except UsageError as error:
        _failure(console, as_json, str(error), f"{prog}: error: ")
        return EXIT_USAGE
    except ContentError as error:
        if as_json:
            console.data(commands.content_error_data(error))
        else:
            for problem in error.problems:
                console.problem(problem)
            console.error(error.summary)
        return EXIT_FAILED
    except LeafletError as error:
        _failure(console, as_json, str(error))
        return EXIT_FAILED
    except BrokenPipeError:    # stdout piped into a reader that stopped (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as error:   # the output folder cannot be written: full, read-only…
        _failure(console, as_json, f"cannot write {error.filename}: {error.strerror}"
                 if error.filename else str(error))
        return EXIT_FAILED


def _failure(console: Console, as_json: bool, message: str, prefix: str = "") -> None:
    """A command that failed before it could report: the line on stderr, and with
    --format json the JSON document too, so that stdout is always one."""
    console.error(prefix + message)
    if as_json:
        console.data(commands.message_data(message))


def _json_asked(argv: list[str]) -> bool:
    """Whether argv asks a command that reports in JSON for it (read before parsing,
    for a usage error): '--format json' and no other command named."""
    others = set(COMMANDS) - set(JSON_COMMANDS)
    asked = any(token == "--format=json" or (token == "--format" and following == "json")
                for token, following in zip(argv, [*argv[1:], ""], strict=True))
    return asked and not others & set(argv)


def _color_asked(argv: list[str]) -> str:
    """--color's value before the arguments are parsed, so that a usage error is shown
    in the colours asked for."""
    for index, token in enumerate(argv):
        if token.startswith("--color="):
            return token.partition("=")[2]
        if token == "--color" and index + 1 < len(argv):
            return argv[index + 1]
    return "auto"


def library_paths(arguments: argparse.Namespace) -> builder.Paths:
    """The library's folders: --project, else found from here upwards; --content,
    --output and --locales override its own."""
    given = {name: getattr(arguments, name) for name in ("content", "output", "locales")
             if getattr(arguments, name) is not None}
    try:
        paths = builder.Paths.discover(Path.cwd(), arguments.project)
    except UsageError:
        if arguments.project is not None or "content" not in given:
            raise
        # --content names the library's content: its folder holds the rest
        paths = builder.Paths.of(given["content"].parent)
    return replace(paths, **given)


def run(arguments: argparse.Namespace, console: Console) -> int:
    """Run the command the arguments name."""
    command = arguments.command
    if command == "init":
        return starting.init(arguments.folder, arguments.language, console)
    if command == "schema":
        return starting.schema(arguments.kind, arguments.write, console)
    paths = library_paths(arguments)
    console.detail(f"library: {paths.content.parent} (content {paths.content}, "
                   f"output {paths.output})")
    if command == "new":
        return starting.new(paths.content.parent, arguments.kind, arguments.name,
                            arguments.leaflet, arguments.locales, console)
    if command in ("status", "approve", "translate", "bundle"):
        return _record(command, paths, arguments, console)
    selection = Selection(languages=arguments.lang, leaflets=arguments.leaflet,
                          variants=arguments.variant, format=arguments.layout,
                          clinics=arguments.clinic,
                          preview=getattr(arguments, "preview", False))
    if command == "check" and arguments.preflight:
        return commands.preflight_press_files(paths, console)
    if command == "check":
        return commands.check(paths, selection, console, arguments.strict, arguments.today,
                              arguments.format == "json")
    if command == "serve":
        return serve.serve(paths, selection, arguments.jobs, arguments.host, arguments.port,
                           arguments.public)
    execution = Execution(jobs=arguments.jobs, scheduler=arguments.scheduler)
    if command == "watch":
        return serve.watch(paths, lambda: build(paths, selection, execution, console))
    return build(paths, selection, execution, console, arguments.release,
                 arguments.format == "json")


def _record(command: str, paths: builder.Paths, arguments: argparse.Namespace,
            console: Console) -> int:
    """The commands about translations and approvals, and bundles."""
    if command == "status":
        selection = Selection(languages=arguments.lang, leaflets=arguments.leaflet,
                              clinics=arguments.clinic)
        return commands.status(paths, selection, console, arguments)
    if command == "approve":
        return commands.approve(paths, console, arguments.specs, arguments.by, arguments.on)
    if command == "translate":
        return commands.translate(paths, console, arguments)
    return commands.make_bundles(paths, console, arguments.clinic, waiting(console))
