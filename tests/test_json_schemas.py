"""The JSON Schemas an editor uses (issue #18) agree with the validator: the shipped
content passes them, read by the ``jsonschema`` library as an editor's YAML language
server reads it, and they refuse the type errors of the bad-input corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from leaflets import jsonschemas

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CORPUS = Path(__file__).parent / "corpus"
SCHEMAS = jsonschemas.schemas()


class _AsAnEditorReads(yaml.SafeLoader):
    """YAML 1.2 as yaml-language-server reads it: a date is a string, not a timestamp, and
    only true/false are booleans ('on:' in a change record is a key named "on")."""


_YAML_1_2_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_AsAnEditorReads.yaml_implicit_resolvers = {
    first: [(tag, _YAML_1_2_BOOL if tag == "tag:yaml.org,2002:bool" else pattern)
            for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def errors_of(kind: str, text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMAS[kind],
                                                format_checker=jsonschema.FormatChecker())
    document = yaml.load(text, Loader=_AsAnEditorReads)  # noqa: S506 (a SafeLoader)
    return [error.message for error in validator.iter_errors(document)]


def kind_of(relative: Path) -> str | None:
    return next((kind for kind, globs in jsonschemas.FILES.items()
                 if any(relative.match(glob) and len(relative.parts) == len(Path(glob).parts)
                        for glob in globs)), None)


def _content_files():
    for path in sorted(CONTENT.rglob("*.yaml")):
        kind = kind_of(path.relative_to(CONTENT))
        if kind:
            yield pytest.param(kind, path, id=str(path.relative_to(CONTENT)))


def test_every_schema_is_a_valid_draft_2020_12_schema():
    for schema in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_every_kind_of_content_file_has_a_schema_and_a_shipped_file():
    kinds = {param.values[0] for param in _content_files()}
    assert kinds == set(SCHEMAS)


@pytest.mark.parametrize(("kind", "path"), list(_content_files()))
def test_the_shipped_content_passes_its_schema(kind, path):
    assert errors_of(kind, path.read_text(encoding="utf-8")) == []


# Type errors of the corpus (tests/corpus/<case>/case.yaml) a schema can see in one file.
TYPE_ERRORS = [
    "type-block-type-list", "type-block-type-mapping", "type-checklist-items-text",
    "type-figure-value-quoted", "type-review-text", "type-title-list", "type-version-number",
    "unknown-field-in-leaflet", "unknown-field-in-project", "unknown-field-nested",
    "unknown-field-typo", "unknown-block-type", "missing-field-type", "missing-field-review",
    "date-month-13",
]
# Not here: rules between fields ("a percentage is a fraction when style is percent") and
# across files, which only ``check`` applies.


def _broken_file(case: str) -> tuple[str, str]:
    """The one content file a corpus case breaks, with its change applied: (kind, text)."""
    described = yaml.safe_load((CORPUS / case / "case.yaml").read_text())
    (change,) = described.get("changes", [described])
    (path,) = sorted(ROOT.glob(change["file"]))[:1]
    if "content" in change:
        return kind_of(path.relative_to(CONTENT)), change["content"]
    text = path.read_text(encoding="utf-8")
    replacements = change["replace"]
    for replacement in replacements if isinstance(replacements, list) else [replacements]:
        assert replacement["old"] in text, f"{case}: the corpus change no longer applies"
        text = text.replace(replacement["old"], replacement["new"],
                            replacement.get("count", -1))
    return kind_of(path.relative_to(CONTENT)), text


@pytest.mark.parametrize("case", TYPE_ERRORS)
def test_the_schemas_refuse_the_corpus_type_errors(case):
    kind, text = _broken_file(case)
    assert errors_of(kind, text), f"the {kind} schema accepts the broken file of {case}"


def test_written_schemas_are_what_schemas_returns(tmp_path):
    written = jsonschemas.write(tmp_path)
    assert {path.name for path in written} == {f"{kind}.schema.json" for kind in SCHEMAS}
    for path in written:
        assert json.loads(path.read_text()) == SCHEMAS[path.name.split(".")[0]]


def test_the_shipped_schema_files_are_current():
    """The package's schema files (what an installed tool and 'init' give editors) are
    what the models generate now."""
    shipped = {path.name: path.read_bytes() for path in jsonschemas.SHIPPED.glob("*.json")}
    assert shipped == jsonschemas.serialized(), (
        "leaflets/schemas/ is stale: regenerate it with .venv/bin/python -c "
        "'from leaflets import jsonschemas; jsonschemas.write(jsonschemas.SHIPPED)'")
