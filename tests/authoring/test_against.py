"""`cascade curriculum check --against REV`: version bumps, changelog entries and module ids.

Each test builds a small curriculum of its own in a throwaway git repository (so modules
other people are writing cannot change the outcome), commits it, changes it and checks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import commit, edit, git

from cascade.authoring import worddiff
from cascade.authoring.versioning import next_version
from cascade.cli import cascade
from cascade.content.semver import Version

MODULE_REL = "curriculum/modules/peer-support-role/index.md"
OTHER_REL = "curriculum/modules/listening-basics/index.md"

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
  written_in_england: Written for this test.
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
  - {{title: Welcome, minutes: 10}}
  - activity: Is it peer support?
---

## What is peer support?

Peer support is help between people who have lived through something alike. You have cared
for someone in a mental health crisis. So has the carer you support.

You are not there to fix things. You are there to listen and to share what helped you.

!!! key-points "Key points"
    - Peer support is between equals.
    - You share your story only when it helps the other carer.
    - You always know who to pass things on to.

!!! activity "Is it peer support?" minutes=20
    Read each card. Put it in one of two piles: "peer support" or "not peer support".

!!! trainer-notes "Running the card sort"
    Allow 20 minutes. Let the group find the answers before you give them.
"""


@pytest.fixture
def repo(curriculum_repo) -> Path:
    """A git repository with a two-module curriculum, committed on 'main'."""
    return curriculum_repo(["peer-support-role", "listening-basics"], {
        MODULE_REL: MODULE.format(id="peer-support-role", title="The peer supporter role"),
        OTHER_REL: MODULE.format(id="listening-basics", title="Listening basics"),
    })


def bump(root: Path, rel: str, version: str, summary: str = "Changed the wording.") -> None:
    edit(root, rel, "version: 1.0.0\n", f"version: {version}\n")
    edit(root, rel, "changelog:\n", f"changelog:\n  - version: {version}\n    date: 2026-12-01\n"
                                    f"    summary: {summary}\n")


def check(root: Path, rev: str = "main"):
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(root), "--quiet",
                                          "--against", rev])
    return result


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines()
            if re.match(r"^[^:\s]+:\d+: ", line) and ": warning: " not in line]


def line_of(root: Path, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(needle):
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def test_unchanged_curriculum_passes(repo):
    result = check(repo)
    assert result.exit_code == 0, result.output
    assert errors(result.output) == []


def test_wording_change_without_bump_names_file_and_patch_bump(repo):
    edit(repo, MODULE_REL, "You are not there to fix things.", "You are not there to mend things.")
    result = check(repo)
    assert result.exit_code == 1
    found = errors(result.output)
    assert len(found) == 1, result.output
    line = line_of(repo, MODULE_REL, "version:")
    assert found[0].startswith(
        f"{MODULE_REL}:{line}: changed since main but version is still 1.0.0")
    assert "needs a PATCH bump (1.0.1)" in found[0]


def test_patch_bump_with_changelog_entry_passes(repo):
    edit(repo, MODULE_REL, "You are not there to fix things.", "You are not there to mend things.")
    bump(repo, MODULE_REL, "1.0.1")
    result = check(repo)
    assert result.exit_code == 0, result.output
    assert errors(result.output) == []


def test_objective_change_needs_major(repo):
    edit(repo, MODULE_REL, "  - Know where to go for help with your role.",
         "  - Know where to go for help with your role, and how to look after yourself.")
    result = check(repo)
    assert result.exit_code == 1
    line = line_of(repo, MODULE_REL, "version:")
    assert (f"{MODULE_REL}:{line}: changed since main but version is still 1.0.0: objectives "
            "changed, so this needs a MAJOR bump (2.0.0)") in result.output


def test_minor_bump_is_not_enough_for_a_new_core_component(repo):
    edit(repo, MODULE_REL, "changelog:\n", "  - id: purposeful-sharing\n    description: Trainees "
         "practise sharing a short part of their story.\n    essential: true\nchangelog:\n")
    bump(repo, MODULE_REL, "1.1.0", "Added a core component.")
    result = check(repo)
    assert result.exit_code == 1
    message = next(e for e in errors(result.output) if "MAJOR" in e)
    assert "version went from 1.0.0 to 1.1.0 (MINOR)" in message
    assert "core components changed (purposeful-sharing)" in message
    assert "needs a MAJOR bump (2.0.0)" in message


def test_major_bump_for_core_component_passes(repo):
    edit(repo, MODULE_REL, "    essential: false\n", "    essential: true\n")
    bump(repo, MODULE_REL, "2.0.0", "Checking in on trainees is now essential.")
    result = check(repo)
    assert result.exit_code == 0, result.output


def test_new_list_item_needs_minor(repo):
    edit(repo, MODULE_REL, "    - You always know who to pass things on to.\n",
         "    - You always know who to pass things on to.\n    - You are never on your own.\n")
    bump(repo, MODULE_REL, "1.0.1")
    result = check(repo)
    assert result.exit_code == 1
    message = errors(result.output)[0]
    assert "(PATCH)" in message and "needs a MINOR bump (1.1.0)" in message
    assert "added" in message


def test_many_changed_words_need_minor(repo):
    edit(repo, MODULE_REL, "You are there to listen and to share what helped you.",
         "You are there to hear the whole story, to stay calm, and to offer ideas that once "
         "helped you cope.")
    result = check(repo)
    assert result.exit_code == 1
    assert "needs a MINOR bump (1.1.0)" in result.output
    assert "words changed (more than 10)" in result.output


def test_minor_bump_with_changelog_passes_for_new_content(repo):
    edit(repo, MODULE_REL, "!!! trainer-notes", "!!! note \"Remember\"\n    You are not alone.\n\n"
         "!!! trainer-notes")
    bump(repo, MODULE_REL, "1.1.0", "Added a reminder that you are not alone.")
    result = check(repo)
    assert result.exit_code == 0, result.output


def test_activity_minutes_need_minor(repo):
    edit(repo, MODULE_REL, "minutes=20", "minutes=25")
    bump(repo, MODULE_REL, "1.0.1")
    result = check(repo)
    assert result.exit_code == 1
    assert "an activity's minutes changed" in result.output


def test_punctuation_in_objectives_is_a_patch(repo):
    edit(repo, MODULE_REL, "  - Know where to go for help with your role.",
         "  - Know where to go for help with your role!")
    bump(repo, MODULE_REL, "1.0.1")
    result = check(repo)
    assert result.exit_code == 0, result.output


def test_rewrapped_lines_need_no_bump(repo):
    edit(repo, MODULE_REL, "You have cared\nfor someone", "You have cared for\nsomeone")
    result = check(repo)
    assert result.exit_code == 0, result.output


def test_bump_without_changelog_entry_fails(repo):
    edit(repo, MODULE_REL, "You are not there to fix things.", "You are not there to mend things.")
    edit(repo, MODULE_REL, "version: 1.0.0\n", "version: 1.0.1\n")
    result = check(repo)
    assert result.exit_code == 1
    assert any("no entry for the current version 1.0.1" in e for e in errors(result.output))


def test_version_going_down_fails(repo):
    bump(repo, MODULE_REL, "1.1.0", "A new activity.")
    commit(repo, "1.1.0")
    git(repo, "branch", "release-1.1")
    edit(repo, MODULE_REL, "version: 1.1.0\n", "version: 1.0.1\n")
    edit(repo, MODULE_REL, "  - version: 1.1.0\n", "  - version: 1.0.1\n")
    result = check(repo, "release-1.1")
    assert result.exit_code == 1
    assert "version went down from 1.1.0 to 1.0.1 since release-1.1" in result.output
    assert "changelog entry 1.1.0 removed since release-1.1" in result.output


def test_reusing_a_deleted_module_id_fails(repo):
    shutil.rmtree(repo / "curriculum/modules/listening-basics")
    edit(repo, "curriculum/curriculum.yml", "  - listening-basics\n", "")
    commit(repo, "remove listening-basics")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / OTHER_REL).parent.mkdir(parents=True)
    (repo / OTHER_REL).write_text(MODULE.format(id="listening-basics", title="Something else"),
                                  encoding="utf-8")
    edit(repo, "curriculum/curriculum.yml", "  - peer-support-role\n",
         "  - peer-support-role\n  - listening-basics\n")
    result = check(repo, base)
    assert result.exit_code == 1
    assert f"{OTHER_REL}:2: id 'listening-basics' was already used" in result.output
    assert "ids are never reused" in result.output


def test_changing_a_module_id_fails(repo):
    path = repo / OTHER_REL
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("id: listening-basics", "id: listening"), encoding="utf-8")
    result = check(repo)
    assert result.exit_code == 1
    assert "id changed from 'listening-basics' to 'listening' since main" in result.output


def test_unretiring_a_retired_module_fails(repo):
    edit(repo, OTHER_REL, "status: in-review", "status: retired")
    bump(repo, OTHER_REL, "1.0.1", "Retired.")
    commit(repo, "retire")
    base = git(repo, "rev-parse", "HEAD").strip()
    edit(repo, OTHER_REL, "status: retired", "status: in-review")
    edit(repo, OTHER_REL, "version: 1.0.1\n", "version: 1.0.2\n")
    edit(repo, OTHER_REL, "changelog:\n", "changelog:\n  - version: 1.0.2\n    date: 2026-12-02\n"
                                          "    summary: Back again.\n")
    result = check(repo, base)
    assert result.exit_code == 1
    assert "a retired id is never reused" in result.output


def test_unknown_revision_is_a_clear_error(repo):
    result = check(repo, "no-such-branch")
    assert result.exit_code == 1
    assert "cannot compare with no-such-branch" in result.output


def test_check_without_against_ignores_versions(repo):
    edit(repo, MODULE_REL, "You are not there to fix things.", "You are not there to mend things.")
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(repo), "--quiet"])
    assert result.exit_code == 0, result.output


def test_word_count_rule_ignores_case_and_punctuation():
    assert worddiff.changed_word_count("You are not there, to fix things.",
                                       "you are NOT there to fix things!") == 0
    assert worddiff.changed_word_count("to fix things", "to mend things") == 1
    assert worddiff.changed_word_count("a b c", "a b c d e") == 2


def test_next_version():
    v = Version.parse("1.2.3")
    assert str(next_version(v, "patch")) == "1.2.4"
    assert str(next_version(v, "minor")) == "1.3.0"
    assert str(next_version(v, "major")) == "2.0.0"
