"""'leaflets init' writes a library that loads and builds as it is, and 'leaflets new' adds
to it what the checks expect; both refuse what they cannot do without writing anything,
and every YAML file they write carries its schema's modeline and passes that schema."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from leaflets import jsonschemas, scaffold
from leaflets.builder import Builder, Paths
from leaflets.errors import ContentError, UsageError
from leaflets.model import load_library

from .conftest import CONTENT, ROOT
from .test_json_schemas import errors_of, kind_of

TODAY = date(2026, 11, 2)
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def _init(folder: Path, language: str = "fr") -> Path:
    scaffold.init(folder, language, today=TODAY)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _with_languages(root: Path, languages: str) -> None:
    project = root / "content" / "project.yaml"
    project.write_text(project.read_text().replace("languages: [fr]", f"languages: [{languages}]"))


def test_init_writes_a_library_that_loads_and_builds(tmp_path):
    root = tmp_path / "library"
    lines = scaffold.init(root, "fr", today=TODAY)
    assert "wrote content/project.yaml" in lines and len(lines) == len(_files(root))
    library = load_library(root / "content")
    assert list(library.leaflets) == [scaffold.EXAMPLE_LEAFLET]
    assert list(library.clinics) == [scaffold.EXAMPLE_CLINIC]
    assert library.project.languages == ["fr"] and library.project.source_language == "fr"
    assert [library.blocks[block_id]["fr"].block.type for block_id in
            library.leaflets[scaffold.EXAMPLE_LEAFLET].leaflet.blocks] == \
        ["cover", "text", "contact", "sources"]
    assert (root / ".gitignore").read_text() == "output/\n"

    paths = Paths(content=root / "content", output=tmp_path / "out",
                  templates=ROOT / "templates", locales=ROOT / "locales")
    outcomes = Builder(paths).build().outcomes
    assert [outcome.error for outcome in outcomes] == [None, None]   # generic and clinic
    generic = PdfReader(tmp_path / "out" / "fr" / f"{scaffold.EXAMPLE_LEAFLET}.pdf")
    text = "".join(page.extract_text() for page in generic.pages)
    assert "Exemple de dépliant" in text and "Organisation exemple" in text
    clinic = PdfReader(tmp_path / "out" / "clinics" / scaffold.EXAMPLE_CLINIC / "fr" /
                       f"{scaffold.EXAMPLE_LEAFLET}.pdf")
    assert "Centre de soins exemple (fictif)" in "".join(
        page.extract_text() for page in clinic.pages)


@pytest.mark.parametrize("language", scaffold.example_languages())
def test_init_in_each_example_language_loads(tmp_path, language):
    library = load_library(_init(tmp_path / language, language) / "content")
    assert library.project.source_language == language
    assert set(library.blocks) == set(scaffold.EXAMPLE_BLOCKS)
    assert all(set(translations) == {language} for translations in library.blocks.values())


def test_the_example_texts_have_the_same_fields_in_every_language():
    texts = yaml.safe_load((scaffold.STARTER / "texts.yaml").read_text())
    shapes = {code: {key: sorted(value) if isinstance(value, dict) else None
                     for key, value in entry.items() if key != "locale"}
              for code, entry in texts.items()}
    assert all(shape == shapes["fr"] for shape in shapes.values())
    assert set(texts) == {"fr", "en", "de", "tr", "ar"}


def test_the_starter_settings_declare_the_fonts_as_the_shipped_ones_do(tmp_path):
    """The fonts of a new library are the tool's own library's: what its layout is made for."""
    starter = (_init(tmp_path / "library") / "content" / "project.yaml").read_text()
    assert yaml.safe_load(starter)["fonts"] == \
        yaml.safe_load((CONTENT / "project.yaml").read_text())["fonts"]


def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(UsageError, match="is not an empty folder"):
        scaffold.init(tmp_path)
    assert _files(tmp_path) == {"notes.txt": b"mine\n"}


@pytest.mark.parametrize(("code", "expected"), [
    ("es", "writes its example text in one of fr, en, de, tr, ar, not in 'es'"),
    ("xx", "'xx' is not a language code Babel (CLDR) knows"),
])
def test_init_refuses_a_language_without_example_text(tmp_path, code, expected):
    with pytest.raises(UsageError, match=re.escape(expected)):
        scaffold.init(tmp_path / "library", code)
    assert not (tmp_path / "library").exists()


def test_new_block_is_listed_before_the_sources_and_translated_with_its_fingerprint(tmp_path):
    root = _init(tmp_path / "library")
    _with_languages(root, "fr, de")
    leaflet = root / "content" / "leaflets" / f"{scaffold.EXAMPLE_LEAFLET}.yaml"
    comments = [line for line in leaflet.read_text().splitlines() if line.startswith("#")]
    lines = scaffold.new(root, "block", "daily-life", scaffold.EXAMPLE_LEAFLET)
    assert lines == ["wrote content/blocks/daily-life/fr.yaml",
                     "wrote content/blocks/daily-life/de.yaml",
                     f"wrote content/leaflets/{scaffold.EXAMPLE_LEAFLET}.yaml"]
    library = load_library(root / "content")
    assert library.leaflets[scaffold.EXAMPLE_LEAFLET].leaflet.blocks == [
        "example-cover", "example-text", "example-contact", "daily-life", "example-sources"]
    assert [line for line in leaflet.read_text().splitlines() if line.startswith("#")] == comments
    source, german = library.blocks["daily-life"]["fr"], library.blocks["daily-life"]["de"]
    assert german.block.translation.fingerprint == source.block.fingerprint()
    assert german.block.title == "Neuer Block" and source.block.type == "text"


def test_new_block_skips_a_language_in_progress_and_says_which_it_cannot_write(tmp_path):
    root = _init(tmp_path / "library")
    _with_languages(root, "fr, it, de")
    project = root / "content" / "project.yaml"
    project.write_text(project.read_text().replace("languages: [fr, it, de]",
                                                   "languages: [fr, it, de]\nin_progress: [de]"))
    lines = scaffold.new(root, "block", "extra")
    assert lines == ["wrote content/blocks/extra/fr.yaml", "no 'it' text was written: translate "
                     "content/blocks/extra/fr.yaml before building 'it'"]
    assert set(load_library(root / "content").blocks["extra"]) == {"fr"}


def test_new_leaflet_starts_with_its_own_cover(tmp_path):
    root = _init(tmp_path / "library")
    scaffold.new(root, "leaflet", "side-effects", today=TODAY)
    library = load_library(root / "content")
    leaflet = library.leaflets["side-effects"].leaflet
    assert leaflet.blocks == ["side-effects-cover"] and leaflet.published == TODAY
    assert library.blocks["side-effects-cover"]["fr"].block.title == "Nouveau dépliant"
    scaffold.new(root, "block", "more", "side-effects")   # appended after the last block
    assert load_library(root / "content").leaflets["side-effects"].leaflet.blocks == [
        "side-effects-cover", "more"]


def test_new_clinic_is_a_fictional_clinic_with_a_night_line(tmp_path):
    root = _init(tmp_path / "library")
    assert scaffold.new(root, "clinic", "north") == ["wrote content/clinics/north.yaml"]
    clinic = load_library(root / "content").clinics["north"].clinic
    assert clinic.example and clinic.urgent_contact().always


def test_new_language_is_in_progress_with_the_theme_catalog_or_its_own(tmp_path):
    root = _init(tmp_path / "library")
    english = scaffold.new(root, "language", "en")
    assert "the template strings in 'en' are the theme's" in english
    assert (root / "translations" / "en.xlf").is_file() and not (root / "locales").exists()
    scaffold.new(root, "language", "es")
    assert (root / "locales" / "es" / "LC_MESSAGES" / "messages.po").is_file()
    project = load_library(root / "content").project
    assert project.languages == ["fr", "en", "es"] and project.in_progress == ["en", "es"]


@pytest.mark.parametrize(("arguments", "expected"), [
    (("block", "example-text"), "block 'example-text' exists already"),
    (("leaflet", scaffold.EXAMPLE_LEAFLET), f"leaflet '{scaffold.EXAMPLE_LEAFLET}' exists"),
    (("leaflet", "example"), "block 'example-cover' exists already"),   # its cover's name
    (("clinic", scaffold.EXAMPLE_CLINIC), f"clinic '{scaffold.EXAMPLE_CLINIC}' exists"),
    (("block", "Daily_Life"), "block id 'Daily_Life' must use lowercase letters"),
    (("block", "fine", "no-such-leaflet"), "leaflet 'no-such-leaflet' is not one of"),
    (("clinic", "north", scaffold.EXAMPLE_LEAFLET), "'new clinic' takes no --leaflet"),
    (("picture", "x"), "unknown kind 'picture'"),
    (("language", "xx-nope"), "unknown language code 'xx-nope'"),
])
def test_new_refuses_what_it_cannot_add_and_writes_nothing(tmp_path, arguments, expected):
    root = _init(tmp_path / "library")
    before = _files(root)
    with pytest.raises(UsageError, match=re.escape(expected)):
        scaffold.new(root, *arguments)
    assert _files(root) == before


def test_new_refuses_a_language_already_there(tmp_path):
    root = _init(tmp_path / "library")
    before = _files(root)
    with pytest.raises(ContentError, match="language 'fr' is already one of the languages"):
        scaffold.new(root, "language", "fr")
    assert _files(root) == before


def test_every_yaml_file_written_has_its_modeline_and_passes_its_schema(tmp_path):
    root = _init(tmp_path / "library")
    _with_languages(root, "fr, ar")
    scaffold.new(root, "leaflet", "second", today=TODAY)
    scaffold.new(root, "block", "extra", "second")
    scaffold.new(root, "clinic", "north")
    schemas = jsonschemas.schemas()
    written = sorted((root / "content").rglob("*.yaml"))
    assert len(written) == 14   # 8 by init, 3 + 2 + 1 by new
    for path in written:
        kind = kind_of(path.relative_to(root / "content"))
        text = path.read_text(encoding="utf-8")
        first = MODELINE.match(text)
        assert first, f"{path} has no modeline"
        schema = (path.parent / first[1]).resolve()
        assert schema == (root / scaffold.SCHEMA_FOLDER / f"{kind}.schema.json").resolve()
        assert yaml.safe_load(schema.read_text()) == schemas[kind]
        assert errors_of(kind, text) == [], path


def test_the_editor_settings_map_every_schema_to_its_files(tmp_path):
    root = _init(tmp_path / "library")
    settings = yaml.safe_load((root / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert settings == {f"./.leaflets/schemas/{kind}.schema.json": [f"content/{glob}"
                                                                    for glob in globs]
                        for kind, globs in jsonschemas.FILES.items()}
    for schema in settings:
        assert (root / schema).is_file()
