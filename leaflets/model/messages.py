"""Pydantic's errors in an author's words: where, what was expected, and what was found."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable
from datetime import date
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from ..sources import Document
from .schemas import FINGERPRINT_LENGTH, IDENTIFIER, SHAPE_ONLY
from .text import RULE


def describe(value: Any) -> str:
    """Say what an author wrote, in words: 'a list', "'abc'" (a text is shown in quotes,
    which say it is one: "unknown block type 'abc'", "found 'abc'")."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (yes/no)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return type(value).__name__


def suggest(word: str, choices: list[str]) -> str:
    """' (did you mean …?)' for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def validate(document: Document, model: type[BaseModel],
             problems: list[Problem], prefix: tuple = ()) -> Any:
    """Validate ``document.data`` (or a part of it) against ``model``; None if invalid."""
    data = document.data
    for step in prefix:
        data = data[step]
    if not isinstance(data, dict):
        what = "an empty file" if data is None and not prefix else describe(data)
        problems.append(document.problem(prefix, f"expected a mapping of fields, found {what}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in _merge_union_errors(error.errors(), data):
            loc, message, at_key = _explain(detail, model)
            needle = (detail.get("ctx") or {}).get("needle")
            if needle:   # a rule that names the character or word it is about
                problems.append(Problem(document.locate((*prefix, *loc), needle), message))
            else:
                problems.append(document.problem((*prefix, *loc), message, key=at_key))
        return None


def well_formed(document: Document, model: type[BaseModel]) -> Any:
    """``document.data`` as ``model``, its content rules not checked: for data that
    ``validate`` refused, whose problems it reported. None if its shape is wrong too."""
    try:
        return model.model_validate(document.data, context=SHAPE_ONLY)
    except ValidationError:
        return None


# --- one error --------------------------------------------------------------------

def _explain(error: dict, model: type[BaseModel]) -> tuple[tuple, str, bool]:
    """Turn one pydantic error into (location path, message, points at the key)."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        allowed = _field_names(_model_at(model, loc[:-1]))
        return (loc, f"unknown field '{loc[-1]}'{suggest(str(loc[-1]), allowed)}; "
                     f"expected one of: {', '.join(allowed)}", True)
    if error["type"] == "missing":
        return loc[:-1], f"missing required field '{loc[-1]}'; add '{loc[-1]}: …'", False
    name = next((str(step) for step in reversed(loc) if isinstance(step, str)), "value")
    return loc, _wrong_value(error, name, describe(error.get("input"))), False


def _wrong_value(error: dict, name: str, found: str) -> str:
    """What is wrong with a value that is there: ``name`` is its field, ``found`` says it."""
    wording = _WORDING.get(error["type"])
    if wording is not None:
        return wording(error, name, found)
    if "union" in error:
        wanted = " or ".join(dict.fromkeys(_UNION_EXPECTATIONS[tag] for tag in error["union"]))
        return f"'{name}' must be {wanted}, found {found}{_quote_hint(error)}"
    if error["type"] in _EXPECTED:
        return f"'{name}' must be {_EXPECTED[error['type']]}, found {found}{_quote_hint(error)}"
    return f"'{name}': {error['msg']}; found {found}"


def _pattern_wanted(pattern: str) -> str:
    """What a text constrained by ``pattern`` (one of the schemas') must be, in words."""
    if pattern == IDENTIFIER:
        return "an identifier (lowercase letters, digits and hyphens)"
    if "{64}" in pattern:
        return "a 64-character approval fingerprint, as 'python3 build.py approve' writes it"
    if "0-9a-f" in pattern:
        return f"a {FINGERPRINT_LENGTH}-character fingerprint (see 'python build.py status')"
    if pattern.startswith("^#"):
        return "a colour as #rrggbb"
    if "https" in pattern:
        return "an https:// address containing {leaflet} (and optionally {lang})"
    return "a date as YYYY, YYYY-MM or YYYY-MM-DD"


def _one_of(error: dict, name: str, found: str) -> str:
    expected = error["ctx"]["expected"].replace(" or ", ", ")
    return f"'{name}' must be one of {expected}; found {found}"


_WORDING: dict[str, Callable[[dict, str, str], str]] = {
    RULE: lambda error, name, found: error["msg"],   # worded for authors where it is raised
    "literal_error": _one_of,
    "string_too_short": lambda error, name, found: f"'{name}' must not be empty",
    "too_short": lambda error, name, found: (f"'{name}' must list at least one entry; "
                                             "found an empty list"),
    "string_pattern_mismatch": lambda error, name, found: (
        f"'{name}' must be {_pattern_wanted(error['ctx']['pattern'])}; found {found}"),
}

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "date_type": "a date (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "bool_type": "true or false",
}


def _quote_hint(error: dict) -> str:
    """Quotes make a number or a date text, and their absence the reverse."""
    value = error.get("input")
    if isinstance(value, (int, float, date)) and (
            error["type"] == "string_type" or "constrained-str" in error.get("union", ())):
        return "; put quotes around it"
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?|\d{4}-\d{2}-\d{2}", value.strip()):
        return "; remove the quotes around it"
    return ""


# --- the fields of a model ------------------------------------------------------------

def _model_at(model: Any, loc: tuple) -> Any:
    """The model class (or type) that the field path ``loc`` leads into."""
    for step in loc:
        model = _unwrap(model)
        if isinstance(step, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            args = typing.get_args(model)
            model = args[-1] if args else Any
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()}
        model = fields[step].annotation if step in fields else Any
    return _unwrap(model)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] so that the useful type is left."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _field_names(model: Any) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [field.alias or name for name, field in model.model_fields.items()]
    return []


# --- unions -------------------------------------------------------------------------

# What each alternative of a union (``int | float``, ``date | PartialDate``) asks for.
_UNION_EXPECTATIONS = {"int": "a number", "float": "a number", "date": "a date (YYYY-MM-DD)",
                       "constrained-str": 'text ("YYYY" or "YYYY-MM")'}


def _merge_union_errors(errors: list[dict], data: Any) -> list[dict]:
    """Pydantic reports one error per alternative of a union, under the alternative's
    name ('int', 'float'…); an author wrote one value and should read one message."""
    merged: dict[tuple, dict] = {}
    for reported in errors:
        error = _without_alternative(reported, data)
        earlier = merged.get(error["loc"])
        if earlier is not None and "union" in error:
            earlier["union"] = [*earlier.get("union", []), *error["union"]]
        else:
            merged[error["loc"]] = error
    return list(merged.values())


def _without_alternative(error: dict, data: Any) -> dict:
    """The error located in the data: a step of its ``loc`` that is not in the data but
    names a union's alternative is taken out, and kept under "union"."""
    loc, node = [], data
    for step in error["loc"]:
        inside = (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and step < len(node))
        if not inside and step in _UNION_EXPECTATIONS:
            return {**error, "loc": tuple(loc), "union": [step]}
        loc.append(step)
        node = node[step] if inside else None
    return {**error, "loc": tuple(loc)}
