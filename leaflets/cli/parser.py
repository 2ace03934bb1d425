"""The command line's grammar: one subparser per command, each with only its own options
(so that an option of another command is a usage error and ``COMMAND --help`` lists
what that command takes)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from leaflets import __version__

from .. import scaffold
from ..editions import GENERIC, Selection
from ..errors import UsageError
from ..jsonschemas import FILES as SCHEMA_KINDS
from ..registry import FORMATS, VARIANTS
from ..workers import default_jobs
from .output import COLOR_CHOICES

DESCRIPTION = """\
Build multilingual patient leaflets (PDF) from YAML content blocks and Jinja templates.
Without a command, builds. The library is the folder given by --project, else the first
folder from the current one upwards that holds content/project.yaml."""

EPILOG = """\
'%(prog)s COMMAND --help' lists a command's options. In this repository's checkout,
'python3 build.py setup [--extra NAME]' installs what the tool needs and
'python3 build.py test [pytest options]' runs the test suite.
Exit codes: 0 success, 1 content or build errors (each printed as
path:line:col: error: message), 2 wrong usage. Output layout:
<output>/<lang>/<leaflet>.pdf and <output>/manifest.json."""

JSON_HELP = "text for people (default) or one JSON object on stdout, for tools"


class CommandLineError(UsageError):
    """Wrong usage found while parsing; carries the usage line of the command."""

    def __init__(self, message: str, usage: str, prog: str):
        super().__init__(message)
        self.usage, self.prog = usage, prog


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of printing and exiting, so that main
    prints the message in the user's colours and returns the exit code."""

    def error(self, message: str):
        if message.startswith("argument --format") and any(name in message for name in FORMATS):
            message += "; a leaflet's format is chosen with --layout NAME now"
        raise CommandLineError(message, self.format_usage(), self.prog)


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _common() -> argparse.ArgumentParser:
    """The options every command takes: how much to say, and where the library is."""
    common = argparse.ArgumentParser(add_help=False)
    talk = common.add_argument_group("output")
    talk.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    talk.add_argument("-v", "--verbose", action="store_true",
                      help="print more detail, e.g. every edition a build skips")
    talk.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                      help="colour 'error:' and 'warning:' (default auto: on a terminal, "
                           "unless NO_COLOR is set)")
    where = common.add_argument_group("library")
    where.add_argument("--project", type=Path, metavar="DIR",
                       help="the library folder (default: the first folder from here "
                            "upwards that holds content/project.yaml)")
    where.add_argument("--content", type=Path, metavar="DIR",
                       help="content folder: project.yaml, sources.yaml, leaflets/, blocks/ "
                            "(default: the library's content/)")
    where.add_argument("--output", type=Path, metavar="DIR",
                       help="where PDFs and manifest.json are written (default: the "
                            "library's output/)")
    where.add_argument("--locales", type=Path, metavar="DIR",
                       help="gettext catalogs of the template strings (default: locales/)")
    return common


def _languages_and_leaflets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", type=_list, default=(), metavar="CODES",
                        help="only these languages, comma-separated, e.g. fr,en "
                             "(default: every language of the project)")
    parser.add_argument("--leaflet", type=_list, default=(), metavar="IDS",
                        help="only these leaflets, comma-separated (default: all)")


def _clinics(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clinic", type=_list, default=(), metavar="IDS",
                        help=f"only these clinics' editions, comma-separated; '{GENERIC}' for "
                             "the editions without a clinic (default: generic and every clinic)")


def _selection(parser: argparse.ArgumentParser) -> None:
    _languages_and_leaflets(parser)
    parser.add_argument("--variant", type=_list, default=Selection.variants, metavar="NAMES",
                        help="which variants, comma-separated: " + ", ".join(
                            f"{name} ({variant.help})" for name, variant in VARIANTS.items()))
    parser.add_argument("--layout", metavar="NAME",
                        help="every leaflet in this format instead of its own: "
                             + ", ".join(FORMATS))
    _clinics(parser)


def _jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=int, default=default_jobs(), metavar="N",
                        help="render N PDFs at a time in worker processes (default: the "
                             "cores this process may use, a container's CPU quota "
                             "included; here %(default)s)")


def _execution(parser: argparse.ArgumentParser) -> None:
    _jobs(parser)
    parser.add_argument("--executor", choices=["local", "dask"], default="local",
                        help="where render jobs run: local processes, or a Dask cluster "
                             "(needs --scheduler and the 'dask' extra)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="address of the Dask scheduler, e.g. tcp://10.0.0.5:8786")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text", help=JSON_HELP)


def _preview(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preview", action="store_true",
                        help="with --lang: a preview of a translation, blocks not yet "
                             "translated shown in the source language in a frame; written "
                             "as <lang>/<leaflet>.preview.pdf, never released, catalogued "
                             "or bundled")


def _build(parser: argparse.ArgumentParser) -> None:
    _selection(parser)
    _execution(parser)
    parser.add_argument("--release", action="store_true",
                        help="build only editions whose blocks are all approved and "
                             "current; list the others and exit 1")
    _preview(parser)
    _json(parser)


def _check(parser: argparse.ArgumentParser) -> None:
    _selection(parser)
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings as errors (readability below target…)")
    parser.add_argument("--preflight", action="store_true",
                        help="preflight the press PDFs of the output folder instead "
                             "(colours, boxes, fonts, output intent, image resolution)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        metavar="YYYY-MM-DD",
                        help="the date review dates are checked against (default: today)")
    _json(parser)


def _status(parser: argparse.ArgumentParser) -> None:
    _languages_and_leaflets(parser)
    _clinics(parser)
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 if a translation is missing or stale")
    parser.add_argument("--mark-current", type=_list, default=(), metavar="SPECS",
                        help="record that these translations match their source now, e.g. "
                             "de:tolerance or de (every block in German)")
    parser.add_argument("--words", action="store_true",
                        help="the words to translate per language and leaflet (new, stale, "
                             "total), as CAT tools count them, for a quote")
    _json(parser)


def _approve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("specs", nargs="*", metavar="LANG[:BLOCK]",
                        help="what you approve, e.g. fr (every French block) or de:tolerance")
    parser.add_argument("--by", metavar="NAME", help="the reviewer's name (required)")
    parser.add_argument("--on", type=date.fromisoformat, default=date.today(),
                        metavar="YYYY-MM-DD", help="the date of the approval (default: today)")


def _watch(parser: argparse.ArgumentParser) -> None:
    _selection(parser)
    _execution(parser)
    _preview(parser)


def _serve(parser: argparse.ArgumentParser) -> None:
    _selection(parser)
    _jobs(parser)
    parser.add_argument("--port", type=int, default=8000, metavar="N",
                        help="the port to listen on (default: 8000)")
    parser.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                        help="the interface to listen on (default 127.0.0.1: this machine "
                             "only; another one needs --public)")
    parser.add_argument("--public", action="store_true",
                        help="let --host be an interface others reach")


def _bundle(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clinic", type=_list, default=(), metavar="IDS",
                        help="the clinics whose bundles to make, comma-separated (required)")


def _translate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["export", "import", "new"],
                        help="export --lang CODE -o FILE | import FILE | new CODE [-o FILE]")
    parser.add_argument("specs", nargs="*", metavar="FILE|CODE",
                        help="import: the file to read; new: the language code")
    _languages_and_leaflets(parser)
    parser.add_argument("--stale", action="store_true",
                        help="export: only blocks not translated yet or stale")
    parser.add_argument("--format", choices=["xliff", "po"], default="xliff",
                        help="export: XLIFF 2.0 (default) or gettext PO")
    parser.add_argument("-o", "--to", type=Path, metavar="FILE",
                        help="export: the file to write; new: where to export the new "
                             "language's blocks")


def _init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR",
                        help="the folder of the new library (default: this one)")
    parser.add_argument("--language", default="en", metavar="CODE",
                        help="the source language of its content, one of "
                             f"{', '.join(scaffold.example_languages())} (default: en)")


def _new(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=scaffold.KINDS, help="what to add")
    parser.add_argument("name", help="its id (a language: its code, e.g. es)")
    parser.add_argument("--leaflet", metavar="ID",
                        help="with 'block': the leaflet that lists the new block")


def _schema(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", nargs="?", choices=list(SCHEMA_KINDS),
                        help="one kind of content file (default: every kind, as "
                             "{kind: schema})")
    parser.add_argument("--write", type=Path, metavar="DIR",
                        help="write <kind>.schema.json files into DIR instead of printing")


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "build": ("validate the content, then render every edition to PDF (the default)", _build),
    "check": ("validate the content and report readability, review dates, glossary and "
              "spelling; writes nothing", _check),
    "status": ("translation status of every block: missing, stale (with what changed), "
               "draft, reviewed, approved", _status),
    "approve": ("record approvals bound to the text: approve --by NAME LANG[:BLOCK]…",
                _approve),
    "watch": ("build, then rebuild what changed on every save (Ctrl-C to stop)", _watch),
    "serve": ("preview in a browser: pages follow each save, the PDFs after; the review "
              "of each translation at /__leaflets/", _serve),
    "bundle": ("zip a clinic's PDFs, catalogue page and checksums", _bundle),
    "translate": ("content for translators: export (XLIFF or PO), import, new language",
                  _translate),
    "init": ("start a library: settings, an example leaflet, a clinic, editor settings",
             _init),
    "new": ("add a leaflet, block, clinic or language with the right fields", _new),
    "schema": ("print or write the JSON Schemas of the content files, for editors",
               _schema),
}


def parser(prog: str) -> tuple[Parser, dict[str, Parser]]:
    """The top-level parser (help, --version) and each command's own parser."""
    common = _common()
    formatter = argparse.RawDescriptionHelpFormatter
    top = Parser(prog=prog, description=DESCRIPTION, epilog=EPILOG, parents=[common],
                 formatter_class=formatter, allow_abbrev=False)
    top.add_argument("--version", action="version", version=f"leaflets {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                  parser_class=Parser)
    subparsers = {}
    for name, (summary, add_options) in COMMANDS.items():
        subparsers[name] = commands.add_parser(
            name, help=summary, description=summary, parents=[common],
            formatter_class=formatter, allow_abbrev=False)
        add_options(subparsers[name])
    return top, subparsers
