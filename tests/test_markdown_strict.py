"""Markdown that would not print as written is refused where it is written; source URLs
are printed; messages that say what to do (README "Authoring")."""

from __future__ import annotations

import base64
from pathlib import Path

import pikepdf
import pypdf
import pytest

SOURCE = Path("content/blocks/tolerance/fr.yaml")
# The block's file as the tests write it: the body's construct is on line 7.
HEAD = ("type: text\nreview: {status: draft}\ntitle: Un traitement en général mieux supporté\n"
        "body: |\n  Un effet secondaire est un effet non voulu d’un traitement.\n\n")
ONE_PIXEL_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4"
                                 "z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
HTML = "is not rendered; write Markdown: **bold**, *italic*, lists, links"
HEADING = ("is a heading inside a body: a block's title is its heading; split it into another "
           "block (e.g. 'text') or use bold")
CODE = "is printed as computer code, in a font that is not the leaflet's"


@pytest.fixture
def check(content, run, monkeypatch):
    """Write the body of the French 'tolerance' block, run 'check' from the folder that
    holds the content (so that paths read content/…), and return (exit code, located
    lines of stderr)."""
    monkeypatch.chdir(content.parent)
    (content / "assets").mkdir(exist_ok=True)
    (content / "assets/schema.png").write_bytes(ONE_PIXEL_PNG)

    def check_body(*lines: str) -> tuple[int, list[str]]:
        (content / "blocks/tolerance/fr.yaml").write_text(
            HEAD + "".join(f"  {line}\n" if line else "\n" for line in lines))
        code, _, err = run("check", "--content", "content", "--output", "output",
                           "--lang", "fr", "--leaflet", "immunotherapy-basics")
        assert "Traceback" not in err
        return code, [line for line in err.splitlines() if line.startswith("content/")]
    return check_body


def test_a_pipe_table_is_refused_at_its_header_row(check):
    assert check("| effet | fréquence |", "|---|:---:|", "| fatigue | 1 sur 3 |") == (1, [
        f"{SOURCE}:7:3: error: a Markdown table is printed as its raw text ('| … |'); use a "
        "block of type 'table'"])


@pytest.mark.parametrize("lines, written", [
    (["## Les effets"], "'## …'"),
    (["# Les effets"], "'# …'"),
    (["Les effets", "=========="], "a line underlined with '==='"),
    (["Les effets", "----------"], "a line underlined with '---'"),
], ids=["atx-2", "atx-1", "setext-1", "setext-2"])
def test_a_heading_inside_a_body_is_refused(check, lines, written):
    assert check(*lines) == (1, [f"{SOURCE}:7:3: error: {written} {HEADING}"])


def test_an_image_title_is_refused_at_the_title_with_the_figure_block_named(check):
    assert check('Voici : ![Schéma des défenses](schema.png "Les défenses du corps")') == (1, [
        f"{SOURCE}:7:46: error: the title \"Les défenses du corps\" of image 'schema.png' is not "
        "printed; use a block of type 'figure' for a caption"])


@pytest.mark.parametrize("line, column, tag", [
    ("Du <b>gras</b> ici.", 6, "<b>"),
    ("Une ligne<br>coupée.", 12, "<br>"),
    ("<div>Un bloc</div>", 3, "<div>Un bloc</div>"),
    ("<!-- une note pour l'équipe -->", 3, "<!-- une note pour l'équipe -->"),
    ("<script>alert(1)</script>", 3, "<script>alert(1)</script>"),
], ids=["inline-bold", "line-break", "block", "comment", "script"])
def test_raw_html_is_refused_and_named(check, line, column, tag):
    code, problems = check(line)
    assert code == 1 and problems[0] == f"{SOURCE}:7:{column}: error: HTML '{tag}' {HTML}"
    # An element's end tag is HTML too: named at its own place.
    assert problems[1:] == ([f"{SOURCE}:7:13: error: HTML '</b>' {HTML}"] if tag == "<b>" else [])


@pytest.mark.parametrize("lines, where, message", [
    (["---"], "7:3", "a horizontal rule ('---') inside a body: the leaflet's parts are its "
                     "blocks; split the text into another block"),
    (["    une ligne trop indentée"], "7:7",
     f"text indented by 4 spaces or more, or by a tab, {CODE}; remove the indentation"),
    (["```", "du code", "```"], "7:3", f"a fenced code block (```) {CODE}; write ordinary text"),
    (["Tapez `immunothérapie` ici."], "7:9", f"`immunothérapie` {CODE}; remove the backticks"),
    (['Voir [le site](https://www.e-cancer.fr/ "Institut national du cancer").'], "7:44",
     "the title \"Institut national du cancer\" of the link to 'https://www.e-cancer.fr/' is "
     "not printed; write it in the text, or remove it"),
    (["[inca]: https://www.e-cancer.fr/"], "7:3",
     "the link definition '[inca]' is used by no link, so nothing prints it; link to it with "
     "[text][inca], or remove it"),
    (["Une réponse durable[^1]."], "7:22",
     "'[^1]' is a footnote, which Markdown here does not have: it prints as written; write "
     "the note in the text, or cite the source in a 'sources' block"),
], ids=["thematic-break", "indented-code", "fenced-code", "inline-code", "link-title",
        "unused-link-definition", "footnote"])
def test_other_constructs_that_would_not_print_as_written_are_refused(check, lines, where,
                                                                       message):
    assert check(*lines) == (1, [f"{SOURCE}:{where}: error: {message}"])


def test_what_prints_faithfully_is_accepted(check):
    code, problems = check(
        "Du **gras**, de l’*italique* et un [lien](https://www.e-cancer.fr/).",
        "",
        "- une liste",
        "- de deux points",
        "",
        "1. une liste",
        "2. numérotée",
        "",
        "> Une citation.",
        "",
        "Un [lien défini][inca], <https://www.e-cancer.fr/> et une fin de ligne\\",
        "forcée ; 3 < 4 et a-b.",
        "",
        "[inca]: https://www.e-cancer.fr/",
        "",
        "![Schéma des défenses](schema.png)")
    assert (code, problems) == (0, [])


def test_a_table_a_heading_and_an_image_title_are_reported_in_one_run(check):
    code, problems = check("## Les effets", "", "| effet | fréquence |", "| --- | --- |",
                           "| fatigue | 1 sur 3 |", "",
                           'Voici : ![Schéma](schema.png "Légende")')
    assert code == 1 and [problem.split(": ", 1)[0] for problem in problems] == [
        f"{SOURCE}:7:3", f"{SOURCE}:9:3", f"{SOURCE}:13:33"]
    assert "heading" in problems[0] and "'table'" in problems[1] and "'figure'" in problems[2]


def test_equal_constructs_are_each_located_where_they_are_written(check):
    code, problems = check("Tapez `oui` ou `oui`.", "", "Puis `oui`.")
    assert code == 1 and [problem.split(": ", 1)[0] for problem in problems] == [
        f"{SOURCE}:7:9", f"{SOURCE}:7:18", f"{SOURCE}:9:8"]


def test_a_construct_in_another_markdown_field_is_located_there(content, run, monkeypatch):
    """Every Markdown field is checked, here a cover's intro, written as a plain scalar."""
    monkeypatch.chdir(content.parent)
    cover = content / "blocks/basics-cover/fr.yaml"
    text = cover.read_text()
    start = text.index("intro: ") + len("intro: ")
    cover.write_text(text[:start] + "<i>" + text[start:])
    line = text[:start].count("\n") + 1
    column = start - text.rfind("\n", 0, start)
    code, _, err = run("check", "--content", "content", "--output", "output",
                       "--lang", "fr", "--leaflet", "immunotherapy-basics")
    assert code == 1
    assert f"content/blocks/basics-cover/fr.yaml:{line}:{column}: error: HTML '<i>' {HTML}" in err


# --- source addresses ----------------------------------------------------------------

SHORT_URL = "https://www.fondation-arc.org/immunotherapie"
LONG_URL = ("https://www.fondation-arc.org/cancer/immunotherapie-cancer/"
            "traitements-PD-L1.html?from=leaflet-IMM")


def with_urls(content: Path) -> None:
    sources = content / "sources.yaml"
    text = sources.read_text()
    for source_id, url in (("arc-2020", SHORT_URL), ("patient-space-2023", LONG_URL)):
        start = text.index(f"\n{source_id}:\n")
        end = text.index("\n\n", start + 1)
        text = text[:end] + f"\n  url: {url}" + text[end:]
    sources.write_text(text)


def links(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as document:
        return [str(annotation.A.URI) for page in document.pages
                for annotation in page.obj.get("/Annots", [])
                if "/A" in annotation and "/URI" in annotation.A]


@pytest.fixture(scope="module")
def url_build(tmp_path_factory):
    """French and Arabic, screen and press, with two sources that give their address."""
    import shutil

    from leaflets.cli import main

    from .conftest import CONTENT
    content = tmp_path_factory.mktemp("urls") / "content"
    shutil.copytree(CONTENT, content)
    with_urls(content)
    output = content.parent / "output"
    assert main(["--content", str(content), "--output", str(output), "-j", "1", "--lang",
                 "fr,ar", "--leaflet", "immunotherapy-basics", "--variant", "screen,press"]) == 0
    return output


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_source_url_is_printed_exactly_and_breaks_only_after_a_slash_or_a_dot(url_build,
                                                                                 lang):
    text = "".join(page.extract_text() for page in
                   pypdf.PdfReader(url_build / f"{lang}/immunotherapy-basics.pdf").pages)
    assert SHORT_URL in text.splitlines()   # one line, nothing added or taken from it
    start = text.index("https://www.fondation-arc.org/cancer")
    written = text[start:start + len(LONG_URL) + 1]
    lines = written.split("\n")
    assert "".join(lines) == LONG_URL, written   # no hyphen, joiner or space added
    assert len(lines) == 2 and lines[0][-1] in "/.", lines   # broken, at a '/' or a '.'


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_source_url_is_a_link_on_screen_and_not_in_the_press_file(url_build, lang):
    screen = links(url_build / f"{lang}/immunotherapy-basics.pdf")
    assert SHORT_URL in screen and LONG_URL in screen
    assert links(url_build / f"{lang}/immunotherapy-basics.press.pdf") == []
    press_text = "".join(page.extract_text() for page in pypdf.PdfReader(
        url_build / f"{lang}/immunotherapy-basics.press.pdf").pages)
    assert SHORT_URL in press_text.splitlines()   # printed all the same


@pytest.mark.parametrize("url, column, message", [
    ("www.fondation-arc.org", 8, "'url' must be a web address starting with https:// (or "
     "http://), as https://example.org/page; found 'www.fondation-arc.org'"),
    ("javascript:alert(1)", 8, "'url' must be a web address starting with https:// (or "
     "http://), as https://example.org/page; found 'javascript:alert(1)'"),
    ("https://", 8, "'url' must be a web address starting with https:// (or http://), as "
     "https://example.org/page; found 'https://'"),
    ('"https://www.fondation-arc.org/immuno therapie"', 45,
     "a web address has no spaces; found U+0020 in 'https://www.fondation-arc.org/immuno "
     "therapie': remove it, or write it as %20"),
], ids=["no-scheme", "javascript", "no-host", "space"])
def test_a_source_url_that_is_not_a_web_address_is_refused_where_it_is(content, run,
                                                                         monkeypatch, url,
                                                                         column, message):
    monkeypatch.chdir(content.parent)
    sources = content / "sources.yaml"
    text = sources.read_text()
    anchor = '  title: "L\'immunothérapie"\n'
    sources.write_text(text.replace(anchor, anchor + f"  url: {url}\n"))
    line = text[:text.index(anchor)].count("\n") + 2
    code, _, err = run("check", "--content", "content", "--output", "output", "--lang", "fr",
                       "--leaflet", "immunotherapy-basics")
    assert code == 1 and "Traceback" not in err
    assert [row for row in err.splitlines() if row.startswith("content/")] == [
        f"content/sources.yaml:{line}:{column}: error: {message}"]


# --- messages ------------------------------------------------------------------------

def test_an_unknown_block_type_is_named_as_written(content, run, monkeypatch):
    monkeypatch.chdir(content.parent)
    path = content / "blocks/tolerance/fr.yaml"
    path.write_text(path.read_text().replace("type: text", "type: txt"))
    code, _, err = run("check", "--content", "content", "--output", "output", "--lang", "fr",
                       "--leaflet", "immunotherapy-basics")
    assert code == 1
    assert f"{SOURCE}:1:7: error: unknown block type 'txt' (did you mean 'text'?); expected " \
           "one of: cover, text, " in err
    assert "the text" not in err


@pytest.mark.parametrize("replacement, where, message", [
    ("review:\n\tstatus: draft", "3:1", "a tab cannot indent YAML; indent with spaces"),
    ("review:\n    \tstatus: draft", "3:5", "a tab cannot indent YAML; indent with spaces"),
    ("review:\t{status: draft}", "2:8",
     "a tab cannot separate the parts of a YAML line; write a space instead"),
], ids=["indent", "after-spaces", "after-key"])
def test_a_tab_in_yaml_says_to_use_spaces_at_the_tab(content, run, monkeypatch, replacement,
                                                     where, message):
    monkeypatch.chdir(content.parent)
    path = content / "blocks/tolerance/fr.yaml"
    path.write_text(path.read_text().replace("review: {status: draft}", replacement))
    code, _, err = run("check", "--content", "content", "--output", "output", "--lang", "fr",
                       "--leaflet", "immunotherapy-basics")
    assert code == 1 and "Traceback" not in err
    assert [row for row in err.splitlines() if row.startswith("content/")] == [
        f"{SOURCE}:{where}: error: YAML syntax error: {message}"]
