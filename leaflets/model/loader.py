"""Reading a content folder: every file against its schema, then the checks across files.

``load_library`` collects every problem in every file and raises one ``ContentError``
at the end, so an author sees the whole list at once and nothing is written before
the content is valid.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .. import sources
from ..errors import ContentError, Location, Problem, shown
from ..languages import use_locales
from . import checks, clinic_checks, placeholders
from .blocks import BLOCK_TYPES
from .clinics import Clinic
from .glossary import read_glossary
from .library import BlockFile, ClinicFile, LeafletFile, Library, clinic_block_key
from .messages import describe, suggest, validate, well_formed
from .schemas import IDENTIFIER, Leaflet, Model, Project, Source


def load_library(root: Path) -> Library:
    """Load and validate a whole content folder; raise ``ContentError`` listing every problem."""
    return LibraryLoader(root).load()


class LibraryLoader:
    """Reads one content folder, collecting the problems of every file in ``problems``."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.digests: dict[str, str] = {}
        self.refused = self._links_leaving()

    def load(self) -> Library:
        library, problems = self.read()
        if problems:
            raise ContentError(problems)
        return library

    def read(self) -> tuple[Library, list[Problem]]:
        """Everything that could be read, and every problem found: later checks (missing
        translations, glyphs) add theirs, so that an author reads all of them at once.
        Only bad project settings stop here, as every other file is read against them."""
        project, project_document = self._project()
        known_sources, source_ids, sources_document = self._sources()
        if source_ids is not None:
            self.problems.extend(checks.helpline_problems(project, project_document, source_ids))
        blocks, present = self._blocks(project, source_ids)
        leaflets, leaflet_ids = self._leaflets(blocks, present, project)
        clinics, clinic_ids = self._clinics(project, leaflet_ids)
        blocks.update(self._clinic_blocks(project, source_ids, clinic_ids, clinics, leaflets,
                                          blocks))
        self.problems.extend(clinic_checks.night_line_problems(clinics, leaflets, blocks,
                                                               project.source_language))
        self.problems.extend(placeholders.written_problems(blocks))
        self.problems.extend(placeholders.unfilled_problems(blocks, leaflets, clinics))
        glossary = read_glossary(self.root, project, self._read, self.problems)
        return Library(self.root, project, project_document, known_sources, sources_document,
                       leaflets, blocks, clinics, self.digests, glossary), self.problems

    # --- reading files ------------------------------------------------------------

    def _links_leaving(self) -> set[Path]:
        """Symbolic links that point outside the content folder: refused, never read."""
        top = self.root.resolve()
        refused = set()
        for path in sorted(self.root.rglob("*")):
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                kind = "folder" if path.is_dir() else "file"
                self.problems.append(Problem(Location(shown(path)), (
                    f"this {kind} is a symbolic link to a place outside the content folder; "
                    f"content must be inside content/: copy the {kind} here instead of "
                    "linking to it")))
                refused.add(path)
        return refused

    def _read(self, path: Path) -> sources.Document:
        document = sources.load(path, shown_as=shown(path))
        self.problems.extend(document.problems)
        if document.digest is not None:
            self.digests[path.relative_to(self.root).as_posix()] = document.digest
        return document

    def _yaml_files(self, folder: Path, what: str, folders: bool = False) -> list[Path]:
        """The .yaml files of a content folder; anything else there is reported (but
        folders, where ``folders`` says they are read on their own)."""
        files = []
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path in self.refused or path.name.startswith(".") or (folders and path.is_dir()):
                continue
            if path.suffix != ".yaml" or not path.is_file():
                hint = (f": rename it to {path.stem}.yaml" if path.suffix in (".yml", ".YAML")
                        else "")
                self.problems.append(Problem(Location(shown(path)),
                                             f"unexpected file; {what}{hint}"))
                continue
            files.append(path)
        return files

    def _identifier(self, kind: str, identifier: str, where: Location) -> bool:
        if re.fullmatch(IDENTIFIER, identifier):
            return True
        self.problems.append(Problem(where, f"{kind} id '{identifier}' must use lowercase "
                                            "letters, digits and hyphens only; rename it"))
        return False

    def _validated(self, document: sources.Document, model: type[Model]) -> Model | None:
        """What a file describes, even if it breaks a content rule (that problem is
        reported), so that the checks across files see it too: an author reads every
        problem at once. None if its shape is wrong."""
        found = validate(document, model, self.problems)
        return found if found is not None else well_formed(document, model)

    def _each_valid(self, paths: list[Path], kind: str, model: type[Model]):
        """(path, document, object) of each file named by its id that describes a
        ``model``; the others' problems are reported."""
        for path in paths:
            document = self._read_named(path, kind)
            found = self._validated(document, model) if document is not None else None
            if found is not None:
                yield path, document, found

    def _read_named(self, path: Path, kind: str) -> sources.Document | None:
        """A file named by its id (a leaflet, a clinic), if it reads and its name is an id."""
        document = self._read(path)
        if document.problems or not self._identifier(kind, path.stem, Location(shown(path))):
            return None
        return document

    # --- each kind of file --------------------------------------------------------

    def _project(self) -> tuple[Project, sources.Document]:
        """The settings; their problems stop here, as every other file is read against them."""
        path = self.root / "project.yaml"
        if not path.is_file() or path in self.refused:
            self.problems.append(Problem(Location(shown(path)), "missing project settings: "
                                         "expected a file project.yaml in the content folder"))
            raise ContentError(self.problems)
        document = self._read(path)
        project = validate(document, Project, self.problems) if not self.problems else None
        if project is not None:
            self.problems.extend(checks.project_problems(project, document))
        if project is None or self.problems:
            raise ContentError(self.problems)
        use_locales(project.locales)   # every later stage formats with the project's locales
        return project, document

    def _sources(self) -> tuple[dict[str, Source], list[str] | None, sources.Document]:
        """The valid sources, every source id given (None if the file could not be read,
        so that references to sources are not reported a second time), and the file."""
        known: dict[str, Source] = {}
        document = self._read(self.root / "sources.yaml")
        if document.problems or not isinstance(document.data, dict):
            if not document.problems:
                validate(document, Model, self.problems)   # says what was found instead
            return known, None, document
        for source_id in document.data:
            where = document.where((source_id,), key=True)
            source = (validate(document, Source, self.problems, (source_id,))
                      if self._identifier("source", source_id, where) else None)
            if source is not None:
                known[source_id] = source
        return known, list(document.data), document

    def _blocks(self, project: Project, source_ids: list[str] | None
                ) -> tuple[checks.Blocks, dict[str, set[str]]]:
        """The valid blocks, and every block folder with the languages it has a file for."""
        directories = self._block_directories()
        blocks: checks.Blocks = {}
        troubled: set[str] = set()   # blocks whose source text has a problem
        for directory in directories:
            if not self._identifier("block", directory.name, Location(shown(directory))):
                continue
            translations, source_troubled = self._block_folder(directory, project, source_ids)
            if translations:
                blocks[directory.name] = translations
            if source_troubled:
                troubled.add(directory.name)
        # A faulty source is reported once, not again as a difference in every translation.
        self.problems.extend(checks.translation_problems(
            {block_id: translations for block_id, translations in blocks.items()
             if block_id not in troubled}, project.source_language))
        present = {directory.name: {path.stem for path in directory.glob("*.yaml")}
                   for directory in directories}
        return blocks, present

    def _block_directories(self) -> list[Path]:
        folder = self.root / "blocks"
        if not folder.is_dir():
            return []
        return sorted(path for path in folder.iterdir()
                      if path.is_dir() and path not in self.refused)

    def _block_folder(self, directory: Path, project: Project, source_ids: list[str] | None
                      ) -> tuple[dict[str, BlockFile], bool]:
        """A block's files that could be read, by language, and whether its source text
        has a problem (in its file or against the other files)."""
        translations: dict[str, BlockFile] = {}
        source_troubled = False
        unread: list[tuple[Path, int, int]] = []   # files that did not load: their problems
        # The source first: a translation without its record is told the fingerprint.
        paths = sorted(self._block_paths(directory, project),
                       key=lambda path: path.stem != project.source_language)
        for path in paths:
            before = len(self.problems)
            block_file = self._block(path)
            if block_file is None:
                unread.append((path, before, len(self.problems)))
                continue
            self.problems.extend(checks.block_problems(
                block_file, project, source_ids, translations.get(project.source_language)))
            if path.stem == project.source_language:
                source_troubled = len(self.problems) > before
            translations[path.stem] = block_file
        for path, start, end in unread:
            origin = translations.get(_translated_from(path) or project.source_language)
            if origin is not None:
                self.problems[start:end] = [checks.with_fingerprint(problem, origin)
                                            for problem in self.problems[start:end]]
        return translations, source_troubled

    def _block_paths(self, directory: Path, project: Project) -> list[Path]:
        """The files of a block's folder that are in one of the project's languages."""
        paths = []
        for path in self._yaml_files(directory, "a block folder holds one <language>.yaml "
                                     "file per language"):
            if path.stem in project.languages:
                paths.append(path)
                continue
            self.problems.append(Problem(
                Location(shown(path)), f"language '{path.stem}' is not one of the project's "
                                       f"languages ({', '.join(project.languages)}); add it "
                                       "to content/project.yaml or rename the file"))
        return paths

    def _block(self, path: Path) -> BlockFile | None:
        """One block file, read against the schema of its type."""
        document = self._read(path)
        if document.problems:
            return None
        data = document.data
        if not isinstance(data, dict):
            validate(document, Model, self.problems)   # says what was found instead
            return None
        if "type" not in data:
            self.problems.append(document.problem((), "missing required field 'type'; expected "
                                                      f"one of: {', '.join(BLOCK_TYPES)}"))
            return None
        kind = data["type"]
        if not isinstance(kind, str) or kind not in BLOCK_TYPES:
            expected = f"expected one of: {', '.join(BLOCK_TYPES)}"
            self.problems.append(document.problem(("type",), (
                f"unknown block type {describe(kind)}{suggest(kind, list(BLOCK_TYPES))}; {expected}"
                if isinstance(kind, str) else
                f"a block type is a name, found {describe(kind)}; {expected}")))
            return None
        block = self._validated(document, BLOCK_TYPES[kind])
        return None if block is None else BlockFile(path.parent.name, path.stem, block, document)

    def _leaflets(self, blocks: checks.Blocks, present: dict[str, set[str]],
                  project: Project) -> tuple[dict[str, LeafletFile], list[str]]:
        """The valid leaflets, and the id of every leaflet file (valid or not)."""
        leaflets: dict[str, LeafletFile] = {}
        paths = self._yaml_files(self.root / "leaflets", "the leaflets folder holds one "
                                 "<id>.yaml file per leaflet")
        if not paths:
            self.problems.append(Problem(Location(shown(self.root / "leaflets")), "no leaflets: "
                                         "expected at least one file leaflets/<id>.yaml"))
        for path, document, leaflet in self._each_valid(paths, "leaflet", Leaflet):
            leaflets[path.stem] = LeafletFile(path.stem, leaflet, document)
            self.problems.extend(checks.leaflet_problems(leaflets[path.stem], blocks, present,
                                                         project))
        return leaflets, [path.stem for path in paths]

    def _clinics(self, project: Project, leaflet_ids: list[str]
                 ) -> tuple[dict[str, ClinicFile], list[str]]:
        """The valid clinics, and the id of every clinic file (valid or not)."""
        clinics = {}
        paths = self._yaml_files(self.root / "clinics", "the clinics folder holds one "
                                 "<id>.yaml file per clinic, and its own blocks in <id>/",
                                 folders=True)
        for path in paths:
            document = self._read_named(path, "clinic")
            if document is None:
                continue
            self.problems.extend(clinic_checks.retired_field_problems(document))
            clinic = self._validated(clinic_checks.without_retired_fields(document), Clinic)
            if clinic is None:
                continue
            clinics[path.stem] = ClinicFile(path.stem, clinic, document)
            self.problems.extend(checks.clinic_problems(clinics[path.stem], leaflet_ids, project,
                                                        self.root))
        return clinics, [path.stem for path in paths]

    def _clinic_blocks(self, project: Project, source_ids: list[str] | None,
                       clinic_ids: list[str], clinics: dict[str, ClinicFile],
                       leaflets: dict[str, LeafletFile], generic: checks.Blocks) -> checks.Blocks:
        """Each clinic's own versions of blocks, clinics/<clinic>/blocks/<block>/<lang>.yaml,
        under the key '<clinic>/<block>', read and checked as every block is."""
        found: checks.Blocks = {}
        for directory in self._clinic_block_directories(clinic_ids):
            if not self._identifier("block", directory.name, Location(shown(directory))):
                continue
            key = clinic_block_key(directory.parent.parent.name, directory.name)
            read, troubled = self._block_folder(directory, project, source_ids)
            translations = {code: replace(block_file, id=key) for code, block_file in read.items()}
            self.problems.extend(clinic_checks.clinic_block_problems(
                key, translations, directory, clinics.get(directory.parent.parent.name), leaflets,
                generic, project.source_language))
            if translations:
                found[key] = translations
            if not troubled:
                self.problems.extend(checks.translation_problems({key: translations},
                                                                 project.source_language))
        return found

    def _clinic_block_directories(self, clinic_ids: list[str]) -> list[Path]:
        """The block folders under each clinic's folder; anything else there, and a folder
        named after no clinic file, is reported."""
        folder = self.root / "clinics"
        directories = []
        for clinic_folder in sorted(folder.iterdir()) if folder.is_dir() else ():
            if not clinic_folder.is_dir() or clinic_folder in self.refused \
                    or clinic_folder.name.startswith("."):
                continue
            if clinic_folder.name not in clinic_ids:
                self.problems.append(Problem(Location(shown(clinic_folder)), (
                    f"no clinic '{clinic_folder.name}'{suggest(clinic_folder.name, clinic_ids)}: "
                    f"a folder here holds a clinic's own blocks and is named after its file; "
                    f"expected {shown(folder / clinic_folder.name)}.yaml")))
                continue
            self._folders_in(clinic_folder, "a clinic's folder holds its own blocks, in "
                             "blocks/<block-id>/<language>.yaml", named="blocks")
            directories += self._folders_in(clinic_folder / "blocks", "a clinic's blocks folder "
                                            "holds one folder per block, <block-id>/")
        return directories

    def _folders_in(self, folder: Path, what: str, named: str | None = None) -> list[Path]:
        """The folders inside ``folder`` (the one ``named``, if given); anything else
        there is reported as unexpected."""
        found = []
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path in self.refused or path.name.startswith("."):
                continue
            if path.is_dir() and named in (None, path.name):
                found.append(path)
            else:
                self.problems.append(Problem(Location(shown(path)), f"unexpected file; {what}"))
        return found


def _translated_from(path: Path) -> str | None:
    """The language a block file that did not load says it is translated from, if it
    says so: a record without its fingerprint is told the fingerprint of that text."""
    data = sources.parse(path.read_bytes(), path).data
    record = data.get("translation") if isinstance(data, dict) else None
    origin = record.get("from") if isinstance(record, dict) else None
    return origin if isinstance(origin, str) else None
