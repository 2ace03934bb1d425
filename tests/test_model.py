"""Validation of the content model: every problem, located, with what was expected and found."""

from pathlib import Path

import pytest

from leaflets.errors import ContentError
from leaflets.markup import image_problems_of
from leaflets.model import load_library


def problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_library(content)
    return [str(problem).replace(str(content.parent) + "/", "")
            for problem in raised.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_shipped_content_is_valid():
    library = load_library(Path(__file__).parent.parent / "content")
    assert set(library.leaflets) == {"immunotherapy-basics", "immunotherapy-response",
                                     "immunotherapy-side-effects"}
    assert library.project.source_language == "fr"


def test_misspelt_field_is_caught_with_a_suggestion(content):
    edit(content / "blocks/tolerance/fr.yaml", "title:", "titel:")
    assert problems(content) == [
        "content/blocks/tolerance/fr.yaml:1:1: missing required field 'title'; add 'title: …'",
        "content/blocks/tolerance/fr.yaml:3:1: unknown field 'titel' (did you mean 'title'?); "
        "expected one of: review, translation, keep-together, type, title, body",
    ]


def test_wrong_type_says_what_was_expected_and_found(content):
    edit(content / "blocks/tolerance/fr.yaml", "title: ", "title:\n  - a list\n#")
    assert problems(content) == [
        "content/blocks/tolerance/fr.yaml:4:3: 'title' must be text, found a list"]


def test_number_where_text_is_expected_suggests_quotes(content):
    edit(content / "leaflets/immunotherapy-basics.yaml", 'version: "1.0"', "version: 1.0")
    assert problems(content) == [
        "content/leaflets/immunotherapy-basics.yaml:2:10: 'version' must be text, "
        "found the number 1.0; put quotes around it"]


def test_every_problem_in_every_file_is_reported_at_once(content):
    edit(content / "blocks/tolerance/fr.yaml", "review: {status: draft}", "review: {status: done}")
    edit(content / "blocks/daily-life/fr.yaml", "type: text", "type: txt")
    edit(content / "leaflets/immunotherapy-basics.yaml", "  - two-situations",
         "  - two-situation")
    edit(content / "blocks/checkpoint-figures/fr.yaml", "source: arc-2020", "source: arc-2021")
    assert problems(content) == [
        "content/blocks/checkpoint-figures/fr.yaml:10:11: unknown source 'arc-2021' (did you mean "
        "'arc-2020'?); add it to content/sources.yaml or use one of: asco-2018-news, arc-2020, "
        "patient-space-2023, second-opinion-blog-2017, curie-meta-analysis, pons-tostivint-2019, "
        "ligue-ecoute, cleveland-immunotherapy, macmillan-support-line-2024, "
        "dkfz-krebsinformationsdienst, esmo-irae-guide-2017, cancer-council-nsw-managing-irae, "
        "md-anderson-irae-2023, wrhn-immunotherapy-symptoms-2025",
        "content/blocks/daily-life/fr.yaml:1:7: unknown block type 'txt' (did you mean "
        "'text'?); expected one of: cover, text, key-figures, callout, checklist, contact, "
        "sources, support, table, symptoms, faq, steps, figure, contents, alert-card",
        "content/blocks/tolerance/fr.yaml:2:18: 'status' must be one of 'draft', 'reviewed', "
        "'approved'; found 'done'",
        "content/leaflets/immunotherapy-basics.yaml:9:5: unknown block 'two-situation' (did you "
        "mean 'two-situations'?); expected a folder content/blocks/two-situation/ with one file "
        "per language",
        # The tri-fold leaves the block out under its right name.
        "content/leaflets/immunotherapy-basics.yaml:23:14: 'two-situations' is not one of this "
        "leaflet's blocks; expected one of: basics-cover, what-is-immunotherapy, "
        "immunotherapy-vs-chemotherapy, two-situation, checkpoint-inhibitors, local-and-general, "
        "where-it-is-used, what-happens-next, questions-basics, talk-to-your-care-team, contact, "
        "support, glossary, about-this-leaflet, sources",
    ]


def test_missing_field_and_impossible_review_date(content):
    edit(content / "leaflets/immunotherapy-response.yaml", "reference: IMM-02\n", "")
    edit(content / "leaflets/immunotherapy-side-effects.yaml", "review_by: 2029-11-01",
         "review_by: 2030-11-01")
    assert problems(content) == [
        "content/leaflets/immunotherapy-response.yaml:1:1: missing required field 'reference'; "
        "add 'reference: …'",
        "content/leaflets/immunotherapy-side-effects.yaml:4:12: 'review_by' must be at most 3 "
        "years after 'published', so no later than 2029-11-01; found 2030-11-01",
    ]


def test_block_file_in_a_language_the_project_does_not_have(content):
    (content / "blocks/tolerance/es.yaml").write_text("type: text\n")
    assert problems(content) == [
        "content/blocks/tolerance/es.yaml:1:1: language 'es' is not one of the project's "
        "languages (fr, en, de, tr, ar); add it to content/project.yaml or rename the file"]


def test_translation_must_record_its_source(content):
    source = (content / "blocks/tolerance/fr.yaml").read_text()
    for path in (content / "blocks/tolerance").glob("*.yaml"):
        if path.name != "fr.yaml":
            path.unlink()
    (content / "blocks/tolerance/en.yaml").write_text(source)
    assert problems(content) == [
        "content/blocks/tolerance/en.yaml:1:1: missing required field 'translation'; a "
        "translation records the source text it was made from: add 'translation: {from: fr, "
        "fingerprint: \"29ae53376b63\"}' (the fingerprint of the fr text now), or 'python3 "
        "build.py status --mark-current en:tolerance' writes it"]


def test_percentages_are_fractions_and_translations_keep_the_figures(content):
    edit(content / "blocks/response-figures/fr.yaml", "value: 0.25", "value: 25")
    assert problems(content) == [
        "content/blocks/response-figures/fr.yaml:19:10: a percentage is written as a fraction "
        "(0.25 for 25 %); found 25"]
    edit(content / "blocks/response-figures/fr.yaml", "value: 25", "value: 0.26")
    assert problems(content) == [
        f"content/blocks/response-figures/{language}.yaml:22:3: a translation keeps every "
        "figure of its source (value, style, display, source), in order: fr.yaml has 5 "
        "figures; figure 4 differs here" for language in ("ar", "de", "en", "tr")]


def test_empty_file_and_a_file_that_is_a_list(content):
    (content / "blocks/tolerance/fr.yaml").write_text("")
    (content / "leaflets/immunotherapy-basics.yaml").write_text("- just\n- a list\n")
    assert problems(content) == [
        "content/blocks/tolerance/fr.yaml:1:1: expected a mapping of fields, found an empty file",
        "content/leaflets/immunotherapy-basics.yaml:1:1: expected a mapping of fields, "
        "found a list",
    ]


def test_project_settings_problems_stop_before_the_other_files(content):
    """Every other file is read against the settings: their problems would be noise."""
    edit(content / "project.yaml", "languages: [fr, en, de, tr, ar]",
         "languages: [fr, en, de, tr, ar, xx]")
    edit(content / "blocks/daily-life/fr.yaml", "type: text", "type: txt")
    assert problems(content) == [
        "content/project.yaml:6:33: unknown language 'xx': Babel has no locale data for it; use "
        "a code such as 'fr', 'en' or 'pt-BR'"]


def test_closing_time_before_opening_time_points_at_the_closing_time(content):
    edit(content / "clinics/centre-du-val.yaml", 'opens: "08:00", closes: "16:00"',
         'opens: "16:00", closes: "08:00"')
    assert problems(content) == [
        "content/clinics/centre-du-val.yaml:15:47: closing time 08:00 must come after opening "
        "time 16:00"]


def test_an_image_is_located_in_its_field_not_in_an_earlier_comment(content):
    path = content / "blocks/what-is-immunotherapy/fr.yaml"
    path.write_text("# the schema, ![Schéma](schema.png), is drawn below\n" + path.read_text())
    edit(path, "fait le travail.\n", "fait le travail.\n\n  Voici : ![Schéma](schema.png)\n")
    library = load_library(content)
    assert [str(problem).replace(str(content.parent) + "/", "")
            for problem in image_problems_of(library)] == [
        "content/blocks/what-is-immunotherapy/fr.yaml:12:11: image 'schema.png' not found: "
        "expected a file under content/assets/"]


def test_a_missing_glyph_is_located_in_the_value_that_prints_it(content, run, tmp_path):
    (content / "blocks/basics-cover/fr.yaml").write_text(
        "# ☃ is drawn by no font: this comment is not printed\n"
        "type: cover\n"
        "review: {status: draft}\n"
        "subtitle: Un traitement qui aide votre corps\n"
        "intro: Votre médecin vous a parlé d’immunothérapie.\n"
        "# the title:\n"
        "title: L’immunothérapie ☃\n")
    code, _, err = run("--content", str(content), "--output", str(tmp_path / "out"),
                       "--lang", "fr", "--leaflet", "immunotherapy-basics", "-j", "1")
    assert code == 1
    located = [line.replace(str(content.parent) + "/", "") for line in err.splitlines()
               if "U+2603" in line]
    assert located == [
        "content/blocks/basics-cover/fr.yaml:7:25: error: U+2603 '☃' (SNOWMAN) has no glyph in "
        "Noto Sans; use another character or add a font that has it to fonts.scripts.Latn in "
        "project.yaml"]
