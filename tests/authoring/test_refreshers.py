"""Releases as a list, and which modules changed MAJOR version between two releases (or a release
and the current curriculum): what the tracker lists refreshers from and the site's "what changed"
pages are built from. Each test has a small curriculum of its own in a throwaway git repository,
where a module's MAJOR version is bumped after release 2027.1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import commit, edit

from cascade.authoring.releases import (
    UnknownRelease,
    load_releases,
    major_changes,
    previous_release,
)
from cascade.cli import cascade
from cascade.content import load_curriculum
from cascade.site import what_changed

ROLE_REL = "curriculum/modules/peer-support-role/index.md"
TRAINER_REL = "curriculum/modules/running-a-session/index.md"

MODULE = """\
---
id: {id}
title: {title}
version: 1.0.0
status: in-review
audience: {audience}
stages: [1, 2]
duration_minutes: 60
objectives:
  - Say in your own words what a carer peer supporter does.
  - Know where to go for help with your role.
source:
  written_in_england: Written for this test.
fidelity:
  - id: defines-peer-support
    description: The trainer explains peer support as mutual support between equals.
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
knowledge_check:
  - id: what-you-do
    objective: 1
    question: What do you do as a peer supporter?
    answers:
      - {{text: I listen as an equal., correct: true, feedback: Yes. You listen and share what helped you.}}
      - {{text: I give medical advice., correct: false, feedback: Not quite. The care team does that.}}
  - id: help
    objective: 2
    question: Who can you talk to about your role?
    answers:
      - {{text: Your supervisor., correct: true, feedback: Yes. You are never on your own.}}
      - {{text: Nobody., correct: false, feedback: Not quite. Your supervisor is there for you.}}
---

## What is peer support?

Peer support is help between people who have lived through something alike.

!!! key-points "Key points"
    - Peer support is between equals.
"""

MAJOR_ENTRY = """\
changelog:
  - version: 2.0.0
    date: 2027-03-01
    summary: >-
      Trainers now practise safe endings with trainees. Supporters learn to plan the last
      meeting with the carer.
    leap: LEAP-2026-01
  - version: 1.1.0
    date: 2027-02-01
    summary: Added an example about ward rounds.
"""


def release(root: Path, name: str):
    return CliRunner().invoke(cascade, ["curriculum", "release", name, "--root", str(root),
                                        "--date", "2027-01-15"])


def bump_to_major(root: Path) -> None:
    """peer-support-role 1.0.0 -> 2.0.0: a core component reworded, one added, one objective
    added, with two changelog entries (1.1.0, then 2.0.0)."""
    edit(root, ROLE_REL, "version: 1.0.0\n", "version: 2.0.0\n")
    edit(root, ROLE_REL, "changelog:\n", MAJOR_ENTRY)
    edit(root, ROLE_REL, "mutual support between equals.", "mutual support between equals who share an experience.")
    edit(root, ROLE_REL, "fidelity:\n", "fidelity:\n  - id: safe-endings\n    description: Trainees practise "
                                        "ending support safely.\n    essential: true\n")
    edit(root, ROLE_REL, "  - Know where to go for help with your role.\n",
         "  - Know where to go for help with your role.\n  - Plan the last meeting with a carer.\n")
    edit(root, ROLE_REL, "  - id: help\n", "  - id: last-meeting\n    objective: 3\n    question: When do you plan "
         "the last meeting?\n    answers:\n      - {text: Early on., correct: true, feedback: Yes. No surprises.}\n"
         "      - {text: Never., correct: false, feedback: Not quite. Plan it together.}\n  - id: help\n")


@pytest.fixture
def repo(curriculum_repo) -> Path:
    """A supporter module and a trainer module, released as 2027.1."""
    root = curriculum_repo(["peer-support-role", "running-a-session"], {
        ROLE_REL: MODULE.format(id="peer-support-role", title="The peer supporter role", audience="supporters"),
        TRAINER_REL: MODULE.format(id="running-a-session", title="Running a session", audience="trainers"),
    })
    result = release(root, "2027.1")
    assert result.exit_code == 0, result.output
    commit(root, "release 2027.1")
    return root


def curriculum(root: Path):
    return load_curriculum(root / "curriculum")


def test_releases_are_listed_with_their_module_versions(repo):
    bump_to_major(repo)
    assert release(repo, "2027.2").exit_code == 0
    found = load_releases(repo / "curriculum")
    assert [(r.name, r.previous) for r in found] == [("2027.1", None), ("2027.2", "2027.1")]
    assert found[0].versions == {"peer-support-role": "1.0.0", "running-a-session": "1.0.0"}
    assert found[1].versions == {"peer-support-role": "2.0.0", "running-a-session": "1.0.0"}
    recorded = found[0].module("peer-support-role")
    assert recorded.title == "The peer supporter role"
    assert recorded.objectives[0] == "Say in your own words what a carer peer supporter does."
    assert [(c.id, c.essential) for c in recorded.fidelity] == [("defines-peer-support", True),
                                                                ("trainee-wellbeing", False)]


def test_no_major_change_right_after_a_release(repo):
    loaded = curriculum(repo)
    assert major_changes(loaded, "2027.1") == []
    assert previous_release(loaded) is None  # the curriculum is release 2027.1, the first


def test_a_major_bump_after_a_release_is_a_major_change(repo):
    bump_to_major(repo)
    loaded = curriculum(repo)
    assert previous_release(loaded).name == "2027.1"
    [change] = major_changes(loaded, "2027.1")
    assert (change.module_id, change.title, change.old_version, change.new_version) == (
        "peer-support-role", "The peer supporter role", "1.0.0", "2.0.0")
    assert change.objectives_added == ("Plan the last meeting with a carer.",)
    assert change.objectives_removed == ()
    assert [(c.kind, c.id) for c in change.components] == [("reworded", "defines-peer-support"),
                                                           ("added", "safe-endings")]
    assert [e.version for e in change.changelog] == ["2.0.0", "1.1.0"]
    assert change.summary == ("Added an example about ward rounds. Trainers now practise safe endings with "
                              "trainees. Supporters learn to plan the last meeting with the carer.")


def test_between_two_releases_and_unknown_names(repo):
    bump_to_major(repo)
    assert release(repo, "2027.2").exit_code == 0
    loaded = curriculum(repo)
    assert [c.module_id for c in major_changes(loaded, "2027.1", "2027.2")] == ["peer-support-role"]
    assert major_changes(loaded, "2027.2") == []  # the current curriculum is release 2027.2
    assert previous_release(loaded).name == "2027.1"  # so the release before it is 2027.1
    with pytest.raises(UnknownRelease, match="there is no curriculum release 2026.9"):
        major_changes(loaded, "2026.9")
    with pytest.raises(UnknownRelease):
        major_changes(loaded, "2027.1", "2027.1-pilot")


def test_a_minor_bump_is_not_a_major_change(repo):
    edit(repo, ROLE_REL, "version: 1.0.0\n", "version: 1.1.0\n")
    edit(repo, ROLE_REL, "changelog:\n", "changelog:\n  - version: 1.1.0\n    date: 2027-02-01\n"
                                         "    summary: Added an example about ward rounds.\n")
    assert major_changes(curriculum(repo), "2027.1") == []


def test_what_changed_pages_after_a_major_bump(repo):
    bump_to_major(repo)
    loaded = curriculum(repo)
    trainer = what_changed.pages(loaded, "trainer")
    supporter = what_changed.pages(loaded, "supporter")
    assert set(trainer) == set(supporter) == {"what-changed/index.md", "what-changed/peer-support-role.md"}
    index = supporter["what-changed/index.md"]
    assert "changed in a big way since release 2027.1" in index
    assert "[The peer supporter role](peer-support-role.md): version 1.0.0 is now version 2.0.0" in index
    page = trainer["what-changed/peer-support-role.md"]
    # The changed core components first, then what to do differently, then the knowledge check.
    order = [page.index(h) for h in ("## Core components that changed", "## What people learn now",
                                      "## What to do differently now", "## Check what you know")]
    assert order == sorted(order)
    assert "- New: Trainees practise ending support safely." in page
    assert "\\[removed: ~~equals.~~\\] \\[added: **equals who share an experience.**\\]" in page
    assert "- You should now be able to: Plan the last meeting with a carer." in page
    assert "Supporters learn to plan the last meeting with the carer." in page
    assert "(../modules/peer-support-role/index.md#check-what-you-know)" in page
    # Core components are the trainer's checklist: never on a supporter page.
    mine = supporter["what-changed/peer-support-role.md"]
    assert "Core components" not in mine and "Trainees practise ending support safely" not in mine
    assert "- You should now be able to: Plan the last meeting with a carer." in mine


def test_what_changed_index_says_kindly_when_nothing_changed(repo):
    pages = what_changed.pages(curriculum(repo), "supporter")
    assert list(pages) == ["what-changed/index.md"]
    assert "No module has changed in a big way yet, so there is nothing you need to study again." in pages[
        "what-changed/index.md"]
    edit(repo, ROLE_REL, "version: 1.0.0\n", "version: 1.0.1\n")
    edit(repo, ROLE_REL, "changelog:\n", "changelog:\n  - version: 1.0.1\n    date: 2027-02-01\n"
                                         "    summary: A typo.\n")
    pages = what_changed.pages(curriculum(repo), "trainer")
    assert "No module has changed in a big way since release 2027.1." in pages["what-changed/index.md"]


@pytest.mark.slow
def test_both_editions_build_the_what_changed_pages(repo, tmp_path):
    bump_to_major(repo)
    out = tmp_path / "out"
    for edition in ("supporter", "trainer"):
        result = CliRunner().invoke(cascade, ["site", "build", "--edition", edition, "--root", str(repo),
                                              "--out", str(out)])
        assert result.exit_code == 0, result.output
    for edition in ("supporter", "trainer"):
        site = out / "site" / edition
        page = (site / "what-changed" / "peer-support-role" / "index.html").read_text(encoding="utf-8")
        assert "What changed: The peer supporter role" in page
        assert re.search(r'href="\.\./\.\./modules/peer-support-role/#check-what-you-know"', page), page
        module = (site / "modules" / "peer-support-role" / "index.html").read_text(encoding="utf-8")
        assert 'href="../../what-changed/peer-support-role/"' in module  # the module page links to it
        assert 'id="check-what-you-know"' in module
    supporter = (out / "site/supporter/what-changed/peer-support-role/index.html").read_text(encoding="utf-8")
    assert "Trainees practise ending support safely" not in supporter
    assert not (out / "site/supporter/what-changed/running-a-session").exists()


def test_the_review_summary_shows_knowledge_check_changes_in_plain_words(repo):
    edit(repo, ROLE_REL, "version: 1.0.0\n", "version: 1.1.0\n")
    edit(repo, ROLE_REL, "changelog:\n", "changelog:\n  - version: 1.1.0\n    date: 2027-02-01\n"
                                         "    summary: Kinder feedback in the knowledge check.\n")
    edit(repo, ROLE_REL, "Not quite. The care team does that.", "Not quite. The care team can answer that.")
    result = CliRunner().invoke(cascade, ["curriculum", "review", "HEAD", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    section = result.output[result.output.index("### Knowledge check"):]
    assert ("- **Changed:** Not right: I give medical advice. Feedback: Not quite. The care team "
            "\\[removed: ~~does~~\\] \\[added: **can answer**\\] that.") in section
