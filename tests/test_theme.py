"""A library is a folder that inherits the tool's theme: it may override any template or
catalog string, and an edition follows the override as it comes, changes and goes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflets import builder, theme
from leaflets.errors import ContentError, UsageError
from leaflets.i18n import load_catalog
from leaflets.paths import Paths

ROOT = Path(__file__).resolve().parent.parent
FRENCH = Path("fr") / "LC_MESSAGES" / "messages.po"
SELECTION = builder.Selection(languages=("fr",), leaflets=("every-block",),
                              clinics=("generic",), variants=("screen",))
OVERRIDE = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Page %(page)s of %(pages)s"
msgstr "Feuillet %(page)s sur %(pages)s"
'''


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A library of its own: content only, no templates or catalogs."""
    shutil.copytree(ROOT / "tests" / "library", tmp_path / "lib" / "content")
    return tmp_path / "lib"


def build(root: Path) -> dict[str, bytes]:
    paths = Paths.of(root)
    result = builder.build(paths, SELECTION, builder.Execution(jobs=1))
    assert not [outcome.error for outcome in result.outcomes if outcome.error]
    return {path.relative_to(paths.output).as_posix(): path.read_bytes()
            for path in sorted(paths.output.rglob("*.pdf"))}


def text(pdfs: dict[str, bytes], folder: Path) -> str:
    (name,) = [name for name in pdfs if name.endswith("every-block.pdf")]
    return " ".join(page.extract_text() for page in PdfReader(folder / name).pages)


def test_a_library_without_templates_or_catalogs_uses_the_theme(root):
    assert not (root / "templates").exists() and not (root / "locales").exists()
    pdfs = build(root)
    assert "Page 1 sur" in " ".join(text(pdfs, root / "output").split())


def test_a_catalog_string_overridden_by_the_library_is_printed_and_the_rest_inherited(root):
    before = build(root)
    override = root / "locales" / FRENCH
    override.parent.mkdir(parents=True)
    override.write_text(OVERRIDE)
    after = build(root)
    printed = " ".join(text(after, root / "output").split())
    assert "Feuillet 1 sur" in printed and "Page 1 sur" not in printed
    assert "Brouillon" in printed   # the DRAFT mark's words: still the theme's
    override.unlink()                # gone again: the edition is rebuilt as it was
    assert build(root) == before


def test_a_template_overridden_by_the_library_is_used_and_its_removal_rebuilds(root):
    before = build(root)
    own = root / "templates" / "blocks" / "text.html.j2"
    own.parent.mkdir(parents=True)
    own.write_text((theme.TEMPLATES / "blocks" / "text.html.j2").read_text()
                   + "<p>OVERRIDDEN-BY-THE-LIBRARY</p>\n")
    assert "OVERRIDDEN-BY-THE-LIBRARY" in text(build(root), root / "output")
    own.unlink()
    assert build(root) == before


def test_a_stylesheet_overridden_by_the_library_may_use_the_themes_files(root):
    """The library's leaflet.css replaces the theme's; the fonts, pictures and other
    stylesheets it does not have still come from the theme."""
    before = build(root)
    own = root / "templates" / "leaflet.css"
    own.parent.mkdir(parents=True)
    own.write_text((theme.TEMPLATES / "leaflet.css").read_text()
                   + "\nh2 { letter-spacing: 0.3em; }\n")
    changed = build(root)
    assert changed != before
    own.write_text(own.read_text().replace("0.3em", "0.6em"))   # edited again, same process
    edited = build(root)
    shutil.rmtree(root / "output")
    assert edited == build(root) != changed    # as a clean build makes it
    own.unlink()
    assert build(root) == before


def test_a_broken_entry_of_the_librarys_catalog_is_named_where_it_is_written(root):
    override = root / "locales" / FRENCH
    override.parent.mkdir(parents=True)
    override.write_text(OVERRIDE.replace("Feuillet %(page)s", "Feuillet %(paeg)s"))
    with pytest.raises(ContentError) as raised:
        builder.prepare(Paths.of(root), SELECTION)
    assert f"{override}:6" in str(raised.value) or f"{override}:5" in str(raised.value)


def test_a_language_of_the_library_alone_needs_a_whole_catalog(root):
    """A language the theme has no catalog for: the library's must hold every string."""
    project = root / "content" / "project.yaml"
    project.write_text(project.read_text().replace("languages: [fr, ar]",
                                                   "languages: [fr, ar, es]"))
    own = root / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    own.parent.mkdir(parents=True)
    own.write_text(OVERRIDE.replace("Feuillet", "Hoja").replace(" sur ", " de "))
    with pytest.raises(ContentError) as raised:
        load_catalog(Paths.of(root).roots.catalog_folders, "es")
    assert f"{own}: error: 'Draft: not yet approved' is missing" in str(raised.value) \
        or "is missing from the catalog" in str(raised.value)


def test_the_library_is_found_from_any_folder_inside_it(root):
    inside = root / "content" / "blocks"
    assert Paths.discover(inside) == Paths.of(root)
    assert Paths.discover(root) == Paths.of(root)


def test_no_library_is_a_usage_error_that_says_what_to_do(tmp_path):
    with pytest.raises(UsageError, match="leaflets init"):
        Paths.discover(tmp_path)
    with pytest.raises(UsageError, match="--project"):
        Paths.discover(tmp_path, project=tmp_path)


def test_the_project_option_wins_over_the_current_folder(root, tmp_path):
    assert Paths.discover(tmp_path, project=root) == Paths.of(root)


@pytest.fixture
def theme_catalogs(tmp_path: Path) -> Path:
    """A copy of the theme's catalogs, as the tool ships them: nothing under them."""
    shutil.copytree(theme.CATALOGS, tmp_path / "catalogs")
    return tmp_path / "catalogs"


def test_a_language_whose_catalog_is_nowhere_is_an_error(theme_catalogs):
    (theme_catalogs / "de" / "LC_MESSAGES" / "messages.po").unlink()
    with pytest.raises(ContentError, match="no catalog for language 'de'"):
        load_catalog((theme_catalogs,), "de")


def test_the_themes_own_catalog_must_hold_every_string_of_its_templates(theme_catalogs):
    german = theme_catalogs / "de" / "LC_MESSAGES" / "messages.po"
    german.write_text(german.read_text().replace(
        'msgid "Published"\nmsgstr "Veröffentlicht"\n', ""))
    with pytest.raises(ContentError, match="'Published' is missing from the catalog"):
        load_catalog((theme_catalogs,), "de")


def test_a_librarys_template_may_wrap_the_themes_of_the_same_name(root):
    """A copy that includes (or extends) its own name means the theme's, as Sphinx's
    '!layout.html': the library adds to the theme's template without copying it."""
    own = root / "templates" / "blocks" / "text.html.j2"
    own.parent.mkdir(parents=True)
    own.write_text('{% include "blocks/text.html.j2" %}<p>WRAPPED-BY-THE-LIBRARY</p>\n')
    printed = " ".join(text(build(root), root / "output").split())
    assert "WRAPPED-BY-THE-LIBRARY" in printed and "Page 1 sur" in printed
    own.write_text('{% include "!blocks/text.html.j2" %}<p>NAMED-THE-THEMES</p>\n')
    assert "NAMED-THE-THEMES" in text(build(root), root / "output")


def test_an_override_rebuilds_the_editions_that_use_it_and_no_other(root):
    """A string of the Arabic catalog changed by the library: the Arabic editions are
    rebuilt, the French ones are not touched."""
    paths = Paths.of(root)
    selection = builder.Selection(languages=("fr", "ar"), clinics=("generic",),
                                  variants=("screen",))
    builder.build(paths, selection, builder.Execution(jobs=1))
    override = root / "locales" / "ar" / "LC_MESSAGES" / "messages.po"
    override.parent.mkdir(parents=True)
    override.write_text(OVERRIDE.replace("Feuillet %(page)s sur %(pages)s",
                                         "الورقة %(page)s من %(pages)s"))
    again = builder.build(paths, selection, builder.Execution(jobs=1))
    rebuilt = {outcome.edition.language for outcome in again.outcomes if not outcome.skipped}
    skipped = {outcome.edition.language for outcome in again.outcomes if outcome.skipped}
    assert rebuilt == {"ar"} and skipped == {"fr"}
