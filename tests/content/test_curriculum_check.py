"""`cascade curriculum check` on the real curriculum and on broken copies of modules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cascade.cli import cascade
from cascade.content import load_curriculum
from cascade.content.checks import check_curriculum
from cascade.content.editions import render_markdown

PROBLEM_RE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<message>.+)$", re.MULTILINE)
MODULE = "curriculum/modules/peer-support-role/index.md"


def run_check(root: Path):
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(root), "--quiet"])
    problems = [m.groupdict() for m in PROBLEM_RE.finditer(result.output)]
    return result, problems


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def errors_for(problems, rel):
    return [p for p in problems if p["path"] == rel and not p["message"].startswith("warning:")]


def test_real_curriculum_passes(repo_root):
    result, problems = run_check(repo_root)
    errors = [p for p in problems if not p["message"].startswith("warning:")]
    assert result.exit_code == 0, result.output
    assert errors == []


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("status: in-review", "status: finished", "status: finished", "'status' must be one of draft, in-review, approved, retired, not 'finished'"),
        ("audience: supporters", "audience: carers", "audience: carers", "unknown audience 'carers'"),
        ("stages: [1, 2]", "stages: [1, 3]", "stages: [1, 3]", "unknown stage 3"),
        ("duration_minutes: 120", "duration_minutes: two hours", "duration_minutes", "'duration_minutes' must be a whole number, not 'two hours'"),
        ("!!! key-points", "!!! keypoints", "!!! keypoints", "unknown block type 'keypoints'"),
        ("## What peer support is not", "#### What peer support is not", "#### What peer support is not",
         "heading jumps from level 2 to level 4"),
        ("title: The carer peer supporter role", "title: The carer peer supporter role\nobjectivs: []",
         "objectivs", "unknown field 'objectivs' (allowed: id, title, version, "),
    ],
)
def test_broken_field_reported_with_file_and_line(content_copy, old, new, needle, expected):
    edit(content_copy, MODULE, old, new)
    result, problems = run_check(content_copy)
    assert result.exit_code == 1
    matching = [p for p in errors_for(problems, MODULE) if expected in p["message"]]
    assert matching, result.output
    assert int(matching[0]["line"]) == line_of(content_copy, MODULE, needle)


def test_bad_changelog_date(content_copy):
    path = content_copy / MODULE
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s+date: )\d{4}-\d{2}-\d{2}$", r"\g<1>20/11/2026", text, count=1)
    path.write_text(text, encoding="utf-8")
    result, problems = run_check(content_copy)
    found = [p for p in errors_for(problems, MODULE) if "must be YYYY-MM-DD" in p["message"]]
    assert result.exit_code == 1 and found
    assert int(found[0]["line"]) == line_of(content_copy, MODULE, "date: 20/11/2026")


def test_missing_field(content_copy):
    edit(content_copy, MODULE, "duration_minutes: 120\n", "")
    result, problems = run_check(content_copy)
    assert result.exit_code == 1
    assert any("missing field 'duration_minutes'" in p["message"] for p in errors_for(problems, MODULE))


def _set_version(root: Path, version: str) -> None:
    """Rewrite the module's own version line (not its changelog's), whatever it is now."""
    path = root / MODULE
    path.write_text(re.sub(r"(?m)^version: .*$", f"version: {version}", path.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")


def test_version_that_is_not_semantic(content_copy):
    _set_version(content_copy, "1.0")
    result, problems = run_check(content_copy)
    matching = [p for p in errors_for(problems, MODULE) if "'version' must be a version like 1.2.0 (MAJOR.MINOR.PATCH), not 1.0" in p["message"]]
    assert result.exit_code == 1 and matching
    assert int(matching[0]["line"]) == line_of(content_copy, MODULE, "version: 1.0")


def test_changelog_must_have_current_version(content_copy):
    _set_version(content_copy, "9.9.0")
    result, problems = run_check(content_copy)
    assert result.exit_code == 1
    found = [p for p in errors_for(problems, MODULE) if "no entry for the current version 9.9.0" in p["message"]]
    assert found and int(found[0]["line"]) == line_of(content_copy, MODULE, "changelog:")


def test_malformed_yaml_reports_yaml_line_without_crashing(content_copy):
    edit(content_copy, MODULE, "tags: [peer support, your role]", "tags: [peer support, your role")
    result, problems = run_check(content_copy)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    found = [p for p in errors_for(problems, MODULE) if "YAML cannot be read" in p["message"]]
    assert found
    assert abs(int(found[0]["line"]) - line_of(content_copy, MODULE, "tags: [peer")) <= 1


def test_duplicate_id_reported_in_both_places(content_copy):
    other = "curriculum/modules/listening-and-support/index.md"
    edit(content_copy, other, "id: listening-and-support", "id: peer-support-role")
    result, problems = run_check(content_copy)
    assert result.exit_code == 1
    assert any("duplicate id 'peer-support-role'" in p["message"] for p in problems)


def test_image_without_alt_and_missing_image(content_copy):
    edit(content_copy, MODULE, "## What is peer support?\n", "## What is peer support?\n\n![](nothing.png)\n")
    result, problems = run_check(content_copy)
    messages = [p["message"] for p in errors_for(problems, MODULE)]
    assert any("has no alt text" in m for m in messages)
    assert any("does not exist" in m for m in messages)


def test_links_and_anchors_must_resolve(content_copy):
    edit(content_copy, MODULE, "## What is peer support?\n",
         "## What is peer support?\n\nSee [listening](../listening-and-support/index.md#no-such-heading) "
         "and [the missing page](../nowhere/index.md).\n")
    result, problems = run_check(content_copy)
    messages = [p["message"] for p in errors_for(problems, MODULE)]
    assert any("no heading or anchor '#no-such-heading'" in m for m in messages)
    assert any("does not resolve" in m for m in messages)


def test_supporter_page_may_not_link_to_trainer_only_module(content_copy):
    edit(content_copy, MODULE, "## What is peer support?\n",
         "## What is peer support?\n\nRead [the cascade](../the-cascade-and-your-role/index.md).\n")
    result, problems = run_check(content_copy)
    assert any("only in the trainer edition" in p["message"] for p in errors_for(problems, MODULE))


def test_trainer_notes_forbidden_on_pages_for_carers(content_copy):
    page = "curriculum/for-carers/index.md"
    text = (content_copy / page).read_text(encoding="utf-8")
    (content_copy / page).write_text(text + "\n!!! trainer-notes \"Oops\"\n    Only for trainers.\n",
                                     encoding="utf-8")
    result, problems = run_check(content_copy)
    assert any("is trainer-only" in p["message"] for p in errors_for(problems, page))


def test_activity_needs_minutes(content_copy):
    edit(content_copy, MODULE, '!!! activity "Is it peer support?" minutes=20', '!!! activity "Is it peer support?"')
    result, problems = run_check(content_copy)
    assert any("needs its timing" in p["message"] for p in errors_for(problems, MODULE))


def test_every_problem_reported_not_just_the_first(content_copy):
    edit(content_copy, MODULE, "status: in-review", "status: finished")
    edit(content_copy, MODULE, "!!! key-points", "!!! keypoints")
    edit(content_copy, MODULE, "stages: [1, 2]", "stages: [7]")
    result, problems = run_check(content_copy)
    messages = " ".join(p["message"] for p in errors_for(problems, MODULE))
    for expected in ("'status' must be one of", "unknown block type", "unknown stage 7"):
        assert expected in messages


def test_loader_gives_typed_modules(repo_root):
    curriculum = load_curriculum(repo_root / "curriculum")
    module = curriculum.module("peer-support-role")
    assert str(module.version).count(".") == 2
    assert module.for_supporters and module.objectives and module.fidelity
    assert any(c.essential for c in module.fidelity)
    assert module.trainer_notes, "the example module exercises trainer notes"
    supporter = render_markdown(module, "supporter")
    trainer = render_markdown(module, "trainer")
    for note in module.trainer_notes:
        first_line = next(line for line in note.content if line.strip())
        assert first_line.strip() not in supporter
        assert first_line.strip() in trainer


def test_readability_figure_per_supporter_module(repo_root):
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(repo_root), "--format", "json"])
    import json

    data = json.loads(result.output)
    supporter = [m for m in data["modules"] if "supporters" in m["audience"]]
    assert supporter and all(m["grade"] is not None for m in supporter)


def test_far_above_reading_age_is_a_warning(content_copy):
    hard = ("Notwithstanding the aforementioned considerations, practitioners' multidisciplinary "
            "interprofessional collaboration necessitates comprehensive documentation, "
            "systematically contextualised within institutional accountability frameworks. ") * 20
    edit(content_copy, MODULE, "## What is peer support?\n", f"## What is peer support?\n\n{hard}\n")
    result, problems = run_check(content_copy)
    warnings = [p for p in problems if p["path"] == MODULE and "reading age" in p["message"]]
    assert warnings and warnings[0]["message"].startswith("warning:")


def test_yaml_read_once_with_libyaml_gives_what_pure_python_gives(repo_root):
    import yaml

    from cascade.content import frontmatter

    text = (repo_root / MODULE).read_text(encoding="utf-8").split("\n---\n", 1)[0][len("---\n"):]
    data, lines = frontmatter.parse_yaml_with_lines(text, first_line=2)
    expected_lines: dict = {}
    frontmatter._walk(yaml.compose(text, Loader=yaml.SafeLoader), (), 1, expected_lines)
    assert data == yaml.safe_load(text)
    assert lines == expected_lines
    # An error is worded as the pure-Python parser words it, with its line.
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.parse_yaml_with_lines("id: a\ntags: [one, two\n", first_line=2)
    assert str(caught.value) == "the YAML cannot be read: expected ',' or ']', but got '<stream end>'"
    assert caught.value.line == 4


def test_check_without_readability_leaves_out_only_the_reading_age_warnings(content_copy):
    hard = ("Notwithstanding the aforementioned considerations, practitioners' multidisciplinary "
            "interprofessional collaboration necessitates comprehensive documentation, "
            "systematically contextualised within institutional accountability frameworks. ") * 20
    edit(content_copy, MODULE, "## What is peer support?\n", f"## What is peer support?\n\n{hard}\n")
    curriculum = load_curriculum(content_copy / "curriculum")
    full, fast = list(check_curriculum(curriculum)), list(check_curriculum(curriculum, readability=False))
    assert any("reading age" in p.message for p in full)
    assert fast == [p for p in full if "reading age" not in p.message]


def test_build_reload_parses_again_only_the_files_that_changed(content_copy):
    from cascade.site import state

    docs = content_copy / "curriculum"
    state._loaded.clear()
    try:
        first = state.load_for_build(docs, reload=True)
        assert state.load_for_build(docs, reload=True) is first  # nothing changed: the same load
        edit(content_copy, MODULE, "## What is peer support?\n", "## What is peer support?\n\nA new sentence.\n")
        second = state.load_for_build(docs, reload=True)
        assert second is not first
        changed = second.file_for("modules/peer-support-role/index.md")
        assert "A new sentence." in changed.body
        assert changed.doc is not first.file_for("modules/peer-support-role/index.md").doc
        other = "modules/listening-and-support/index.md"
        assert second.file_for(other).doc is first.file_for(other).doc  # read, not parsed again
        # A front matter error is reported on every load, never hidden by what was parsed before.
        edit(content_copy, MODULE, "tags: [peer support, your role]", "tags: [peer support, your role")
        broken = state.load_for_build(docs, reload=True)
        assert any("YAML cannot be read" in p.message for p in broken.problems)
        assert state.check_errors(docs)
    finally:
        state._loaded.clear()
