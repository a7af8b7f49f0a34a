"""`cascade curriculum review BASE [HEAD]`, the LEAP recommendations page, "Suggest a change",
and the GitHub workflow that runs the same commands on a pull request.

Each test builds a small curriculum of its own in a throwaway git repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from gitrepo import commit, edit

from cascade.cli import cascade
from cascade.content import load_curriculum
from cascade.site import generated, module_page

REPO = Path(__file__).resolve().parents[2]
ROLE_REL = "curriculum/modules/peer-support-role/index.md"
LISTEN_REL = "curriculum/modules/listening-basics/index.md"
GERMAN_REL = "translations/de/de-rolle.md"

MODULE = """\
---
id: {id}
title: {title}
version: 1.0.0
status: in-review
audience: supporters
stages: [1, 2]
duration_minutes: 60
objectives:
  - Say in your own words what a carer peer supporter does.
  - Say what peer support is not, and who to pass other needs on to.
  - Know where to go for help with your role.
source:
  id: de-rolle
fidelity:
  - id: defines-peer-support
    description: The trainer explains peer support as mutual support between equals.
    essential: true
  - id: limits-of-role
    description: The trainer covers what the role is not and how to pass things on.
    essential: true
  - id: trainee-wellbeing
    description: The trainer checks in on how trainees feel after sharing.
    essential: false
changelog:
  - version: 1.0.0
    date: 2026-11-20
    summary: First version for review by the lived experience panel.
references:
  - title: NHS England, peer support
    url: https://www.england.nhs.uk/personalisedcare/supported-self-management/peer-support/
plan:
  - {{title: The session, minutes: 60}}
---

## What is peer support?

Peer support is help between people who have lived through something alike. You have cared
for someone in a **mental health crisis**. So has the carer you support. You are not there to
fix things. You are there to listen, to share what helped you, and to help the other carer
find their own way through services that can feel confusing and slow.

!!! key-points "Key points"
    - Peer support is between equals.
    - You always know who to pass things on to.

!!! content-warning "This part may bring up strong feelings"
    You can step out at any time. You do not have to say why.

!!! trainer-notes "Running the session"
    Allow time for questions.
"""

GERMAN = """\
---
id: de-rolle
title: Die Rolle der Peer-Beratung
illustrative: true
---

## Was ist Peer-Beratung?

Peer-Beratung ist Unterstützung zwischen Menschen mit ähnlicher Erfahrung.
"""


@pytest.fixture
def repo(curriculum_repo) -> Path:
    leap = (REPO / "curriculum/data/leap-recommendations.yml").read_text(encoding="utf-8")
    return curriculum_repo(["peer-support-role", "listening-basics"], {
        "curriculum/data/leap-recommendations.yml": leap,
        ROLE_REL: MODULE.format(id="peer-support-role", title="The peer supporter role"),
        LISTEN_REL: MODULE.format(id="listening-basics", title="Listening basics"),
        GERMAN_REL: GERMAN,
    })


def bump(root: Path, rel: str, version: str, summary: str, leap: str | None = None) -> None:
    edit(root, rel, "version: 1.0.0\n", f"version: {version}\n")
    cite = f"    leap: {leap}\n" if leap else ""
    edit(root, rel, "changelog:\n", f"changelog:\n  - version: {version}\n    date: 2026-12-01\n"
                                    f"    summary: {summary}\n{cite}")


def review(*args: str) -> str:
    result = CliRunner().invoke(cascade, ["curriculum", "review", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def changed(repo: Path) -> Path:
    """peer-support-role: reworded text, a new core component; listening-basics: wording."""
    edit(repo, ROLE_REL, "You are there to listen, to share", "You are there to hear, to share")
    edit(repo, ROLE_REL, "changelog:\n", "  - id: purposeful-sharing\n    description: Trainees "
         "practise sharing a short part of their own story.\n    essential: true\nchangelog:\n")
    edit(repo, ROLE_REL, '!!! content-warning "This part may bring up strong feelings"\n'
         "    You can step out at any time. You do not have to say why.\n",
         '!!! content-warning "This part is about being sectioned"\n'
         "    You can step out at any time.\n")
    bump(repo, ROLE_REL, "2.0.0", "Trainees now practise sharing their story.", "LEAP-2026-02")
    edit(repo, LISTEN_REL, "Peer support is between equals.", "Peer support is between two equals.")
    return repo


def test_review_names_each_changed_module_with_versions(changed):
    text = review("main", "--root", str(changed))
    assert "## Changed module: The peer supporter role" in text
    assert "## Changed module: Listening basics" in text
    assert "Version: 1.0.0 → 2.0.0" in text
    assert "Version: 1.0.0 (not changed yet)" in text
    assert "2.0.0, 2026-12-01: Trainees now practise sharing their story. (answers LEAP " \
           "recommendation LEAP-2026-02)" in text
    assert "What the changelog says: **no new entry**" in text  # listening-basics


def test_review_shows_word_level_changes_of_rendered_text(changed):
    text = review("main", "--root", str(changed))
    assert "\\[removed: ~~listen,~~\\] \\[added: **hear,**\\]" in text
    assert "\\[added: **two**\\]" in text
    # Rendered prose, not raw Markdown: no block syntax or bold markers from the module.
    assert "!!!" not in text
    assert "**mental health crisis**" not in text
    assert "mental health crisis" in text
    assert "Allow time for questions" not in text  # trainer notes unchanged: not listed


def test_review_lists_core_component_changes_first(changed):
    text = review("main", "--root", str(changed))
    first = text.index("## Read first: learning objectives and core components")
    component = text.index("Core component added (purposeful-sharing)")
    modules = text.index("## Changed module:")
    wording = text.index("### What changed in the text")
    assert first < component < modules < wording
    section = text[text.index("## Changed module: The peer supporter role"):]
    assert section.index("### Learning objectives and core components") < section.index(
        "### What changed in the text")
    assert "Version check: OK" in section


def test_review_reports_readability_and_content_warnings(changed):
    text = review("main", "--root", str(changed))
    assert "Reading level: before reading age about" in text and "; after reading age about" in text
    assert "New content warning: **This part is about being sectioned**" in text
    assert "Content warning removed: ~~This part may bring up strong feelings~~" in text


def test_review_has_a_checklist_for_reviewers(changed):
    text = review("main", "--root", str(changed))
    checklist = text[text.index("## Checklist for reviewers"):]
    for question in ("Is it kind?", "Is it accurate for England?", "Would a carer understand it?",
                     "Is anything missing?"):
        assert f"- [ ] **{question}**" in checklist


def test_review_between_two_commits_to_a_file(changed, tmp_path):
    commit(changed, "changes")
    out = tmp_path / "review.md"
    result = CliRunner().invoke(cascade, ["curriculum", "review", "main~0", "HEAD", "--root",
                                          str(changed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "No module and no German source text changed." in out.read_text(encoding="utf-8")
    text = review("HEAD~1", "HEAD", "--root", str(changed))
    assert "## Changed module: The peer supporter role" in text
    assert "This compares HEAD" in text


def test_review_of_added_removed_module_and_german_change(repo):
    shutil.rmtree(repo / "curriculum/modules/listening-basics")
    edit(repo, "curriculum/curriculum.yml", "  - listening-basics\n", "  - new-module\n")
    new = repo / "curriculum/modules/new-module/index.md"
    new.parent.mkdir(parents=True)
    new.write_text(MODULE.format(id="new-module", title="A new module"), encoding="utf-8")
    edit(repo, GERMAN_REL, "ähnlicher Erfahrung", "gemeinsamer Erfahrung")
    text = review("main", "--root", str(repo))
    assert "## New module: A new module" in text
    assert "## Removed module: Listening basics" in text
    assert "Read the whole new module" in text
    assert "### Die Rolle der Peer-Beratung (de-rolle): changed" in text
    assert "Illustrative German text written by this project" in text
    assert "\\[removed: ~~ähnlicher~~\\] \\[added: **gemeinsamer**\\]" in text


def test_review_with_an_unknown_revision_fails_clearly(repo):
    result = CliRunner().invoke(cascade, ["curriculum", "review", "nope", "--root", str(repo)])
    assert result.exit_code == 1
    assert "'nope' is not a git revision" in result.output


def test_leap_citations_unknown_id_warns_and_impact_page_lists_changes(changed):
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(changed), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "cites" not in result.stdout
    edit(changed, ROLE_REL, "leap: LEAP-2026-02", "leap: LEAP-2026-09")
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(changed), "--quiet"])
    assert result.exit_code == 0
    assert "warning: changelog 2.0.0 cites LEAP-2026-09, which is not in " \
           "curriculum/data/leap-recommendations.yml" in result.stdout
    edit(changed, ROLE_REL, "leap: LEAP-2026-09", "leap: LEAP-2026-02")
    page = generated.leap_impact(load_curriculum(changed / "curriculum"), "leap-impact.md")
    section = page[page.index("## LEAP-2026-02"):]
    assert "(example)" in section
    assert "[The peer supporter role](modules/peer-support-role/index.md), version 2.0.0" in section


def test_leap_recommendations_file_is_valid_and_marked_as_examples():
    path = REPO / "curriculum/data/leap-recommendations.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["recommendations"]
    assert len(items) >= 2
    for item in items:
        assert {"id", "date", "recommendation", "status"} <= set(item)
        assert item.get("example") is True


def test_suggest_change_link_email_or_issue(repo):
    module = load_curriculum(repo / "curriculum").module("peer-support-role")
    html = module_page.suggest_change(module, {"suggest_change_email": "leap@example.org"},
                                 "modules/peer-support-role/")
    assert 'href="mailto:leap@example.org?subject=Suggested%20change%3A%20peer-support-role%20' \
           'version%201.0.0&amp;body=' in html
    assert ">Suggest a change to this module</a>" in html
    html = module_page.suggest_change(module, {"repo_issue_url": "https://github.com/o/r/issues/new"})
    assert 'href="https://github.com/o/r/issues/new?title=Suggested%20change%3A%20' \
           'peer-support-role%20version%201.0.0&amp;body=' in html


def test_workflow_runs_the_same_commands_as_the_tests():
    workflow = yaml.safe_load((REPO / ".github/workflows/curriculum-review.yml").read_text(
        encoding="utf-8"))
    assert workflow[True]["pull_request"]["paths"] == ["curriculum/**", "translations/**"]
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["review"]["steps"])
    assert "cascade curriculum check --against origin/${{ github.base_ref }}" in runs
    assert "cascade translations status" in runs
    assert "cascade site build --edition all" in runs
    assert "cascade curriculum review origin/${{ github.base_ref }} HEAD --out review.md" in runs
    uses = [step.get("uses", "") for step in workflow["jobs"]["review"]["steps"]]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert any(u.startswith("actions/github-script@") for u in uses)
    # Every cascade command and option the workflow uses exists.
    for args in (["curriculum", "check", "--help"], ["translations", "status", "--help"],
                 ["site", "build", "--help"], ["curriculum", "review", "--help"]):
        result = CliRunner().invoke(cascade, args)
        assert result.exit_code == 0, result.output
    assert "--against" in CliRunner().invoke(cascade, ["curriculum", "check", "--help"]).output
    review_help = CliRunner().invoke(cascade, ["curriculum", "review", "--help"]).output
    assert "--out" in review_help and "--preview-url" in review_help
    codeowners = (REPO / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/curriculum/" in codeowners and "/translations/" in codeowners
    assert "@carer-peer-support/leap" in codeowners
