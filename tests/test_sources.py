"""YAML loading: positions of values, and problems that name their line and column."""

from pathlib import Path

import pytest

from leaflets.sources import load


def load_text(tmp_path: Path, text: str | bytes):
    path = tmp_path / "file.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load(path, shown_as=Path("file.yaml"))


def messages(document) -> list[str]:
    return [str(problem) for problem in document.problems]


def test_positions_of_values_and_keys_are_kept(tmp_path):
    document = load_text(tmp_path, "title: Hello\nfigures:\n  - value: 0.25\n")
    assert document.data == {"title": "Hello", "figures": [{"value": 0.25}]}
    assert str(document.where(("figures", 0, "value"))) == "file.yaml:3:12"
    assert str(document.where(("title",), key=True)) == "file.yaml:1:1"
    assert str(document.where(("figures", 0, "missing"))) == "file.yaml:3:5"


@pytest.mark.parametrize("text, expected", [
    ("a: 1\nb: 2\na: 3\n",
     "file.yaml:3:1: duplicate key 'a' (first given on line 1); keep only one"),
    ("title: [unclosed\n",
     "file.yaml:2:1: YAML syntax error: expected ',' or ']', but got '<stream end>' "
     "(while parsing a flow sequence)"),
    ("published: 2026-02-30\n",
     "file.yaml:1:12: expected a real date (YYYY-MM-DD), found '2026-02-30': "
     "day is out of range for month"),
    ("x: !!python/object/apply:os.system [ls]\n",
     "file.yaml:1:4: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not "
     "allowed in content; remove it and write plain values"),
    ("x: !!python/name:os.system ''\n",
     "file.yaml:1:4: YAML tag 'tag:yaml.org,2002:python/name:os.system' is not "
     "allowed in content; remove it and write plain text"),
    ("a: &anchor [1, 2]\nb: *anchor\n",
     "file.yaml:1:4: this value is reused through a YAML alias (*name); aliases are not "
     "allowed in content: write the value out where it is needed"),
    ("<<: {a: 1}\n",
     "file.yaml:1:1: YAML merge keys (<<) are not allowed in content; write the fields out"),
    (b"title: caf\xe9\n",
     "file.yaml:1:11: expected UTF-8 text, found the byte 0xe9; save the file as UTF-8"),
])
def test_problems_are_located(tmp_path, text, expected):
    assert messages(load_text(tmp_path, text)) == [expected]


def test_byte_order_mark_and_crlf_line_ends_are_accepted(tmp_path):
    document = load_text(tmp_path, b"\xef\xbb\xbftitle: Bonjour\r\nbody: texte\r\n")
    assert document.problems == []
    assert document.data == {"title": "Bonjour", "body": "texte"}


def test_deep_nesting_is_refused_without_recursion_error(tmp_path):
    document = load_text(tmp_path, "a: " + "[" * 3000 + "]" * 3000 + "\n")
    assert messages(document) == [
        "file.yaml:1:44: nesting is too deep; content may nest at most 40 levels"]


def test_empty_file_has_no_data_and_no_problem_yet(tmp_path):
    document = load_text(tmp_path, "")
    assert document.data is None and document.problems == []


def test_a_character_is_located_in_its_value_not_in_an_earlier_comment(tmp_path):
    document = load_text(tmp_path, "# ☃ is drawn by no font: this comment is not printed\n"
                                   "type: cover\n"
                                   "review: {status: draft}\n"
                                   "subtitle: Un sous-titre\n"
                                   "intro: Une introduction.\n"
                                   "# the title:\n"
                                   "title: Bonhomme ☃ de neige\n")
    assert str(document.locate(("title",), "☃")) == "file.yaml:7:17"


def test_a_character_in_a_block_scalar_is_located_at_its_line_and_column(tmp_path):
    document = load_text(tmp_path, "title: Bonjour\n"
                                   "body: |\n"
                                   "  Une première ligne.\n"
                                   "\n"
                                   "  Une autre, avec ☃ dedans.\n")
    assert str(document.locate(("body",), "☃")) == "file.yaml:5:19"


@pytest.mark.parametrize("text, expected", [
    # A character written as an HTML character reference, decimal or hexadecimal.
    ('title: "Neige &#9731;"\n', "file.yaml:1:15"),
    ("title: Neige &#X2603;\n", "file.yaml:1:14"),
    # A character not written as itself (a YAML escape): the value's own start.
    ('title: "Neige \\u2603"\n', "file.yaml:1:8"),
    # Windows line ends count as PyYAML counts them.
    ("title: Bonjour\r\nbody: >\r\n  un\r\n  deux ☃\r\n", "file.yaml:4:8"),
])
def test_a_character_is_located_however_it_is_written(tmp_path, text, expected):
    document = load_text(tmp_path, text)
    key = "body" if "body" in document.data else "title"
    assert str(document.locate((key,), "☃")) == expected
