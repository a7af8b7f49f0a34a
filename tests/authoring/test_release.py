"""`cascade curriculum release VERSION`: the record of module versions and the release notes.

Each test builds a small curriculum of its own in a throwaway git repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from gitrepo import edit, git

from cascade.authoring import translations as tr
from cascade.cli import cascade
from cascade.content import load_curriculum

ROLE_REL = "curriculum/modules/peer-support-role/index.md"
TRAINER_REL = "curriculum/modules/running-a-session/index.md"
GERMAN_REL = "translations/de/de-rolle.md"

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

Peer support is help between people who have lived through something alike.

!!! key-points "Key points"
    - Peer support is between equals.
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


def _pin_both(root: Path) -> None:
    curriculum = load_curriculum(root / "curriculum")
    for module_id in ("peer-support-role", "running-a-session"):
        tr.pin(curriculum, module_id)


@pytest.fixture
def repo(curriculum_repo) -> Path:
    """Two modules adapting one German text, both pinned."""
    return curriculum_repo(["peer-support-role", "running-a-session"], {
        ROLE_REL: MODULE.format(id="peer-support-role", title="The peer supporter role", audience="supporters"),
        TRAINER_REL: MODULE.format(id="running-a-session", title="Running a session", audience="trainers"),
        GERMAN_REL: GERMAN,
    }, before_commit=_pin_both)


def release(root: Path, *args: str):
    return CliRunner().invoke(cascade, ["curriculum", "release", *args, "--root", str(root),
                                        "--date", "2027-01-15"])


def test_release_records_every_module_and_writes_notes(repo):
    result = release(repo, "2027.1")
    assert result.exit_code == 0, result.output
    record = yaml.safe_load((repo / "curriculum/releases/2027.1.yml").read_text(encoding="utf-8"))
    assert record["release"] == "2027.1" and record["date"] == "2027-01-15"
    assert record["previous"] is None
    assert [(m["id"], m["version"]) for m in record["modules"]] == [
        ("peer-support-role", "1.0.0"), ("running-a-session", "1.0.0")]
    assert record["modules"][0]["adaptation"] == "up-to-date"
    notes = (repo / "curriculum/releases/2027.1.md").read_text(encoding="utf-8")
    assert notes.startswith("---\ntitle: Curriculum release 2027.1\nedition: trainer\n")
    assert "First version for review by the lived experience panel." in notes
    # The release notes are a valid page: the curriculum check still passes.
    check = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(repo), "--quiet"])
    assert check.exit_code == 0, check.output


def test_second_release_lists_only_changes_since_the_first(repo):
    assert release(repo, "2027.1").exit_code == 0
    edit(repo, ROLE_REL, "version: 1.0.0\n", "version: 1.1.0\n")
    edit(repo, ROLE_REL, "changelog:\n", "changelog:\n  - version: 1.1.0\n    date: 2027-02-01\n"
                                         "    summary: Added an example about ward rounds.\n"
                                         "    leap: LEAP-2026-01\n")
    result = release(repo, "2027.2")
    assert result.exit_code == 0, result.output
    record = yaml.safe_load((repo / "curriculum/releases/2027.2.yml").read_text(encoding="utf-8"))
    assert record["previous"] == "2027.1"
    assert record["modules"][0]["version"] == "1.1.0"
    notes = (repo / "curriculum/releases/2027.2.md").read_text(encoding="utf-8")
    changes = notes[notes.index("## What changed since release 2027.1"):]
    assert "### The peer supporter role (1.0.0 to 1.1.0)" in changes
    assert ("Added an example about ward rounds. (answers LEAP recommendation LEAP-2026-01)"
            in changes)
    assert "First version" not in changes
    assert "Running a session" not in changes


def test_release_refuses_a_failing_curriculum(repo):
    edit(repo, ROLE_REL, "status: in-review", "status: finished")
    result = release(repo, "2027.1")
    assert result.exit_code == 1
    assert "release 2027.1 was not made" in result.output
    assert "the curriculum check fails with 1 error(s)" in result.output
    assert "'status' must be one of draft, in-review, approved, retired, not 'finished'" in result.output
    assert not (repo / "curriculum/releases").exists()


def test_release_refuses_stale_adaptations_unless_allowed(repo):
    edit(repo, GERMAN_REL, "ähnlicher", "gemeinsamer")
    result = release(repo, "2027.1")
    assert result.exit_code == 1
    assert "changed since they were pinned: peer-support-role, running-a-session" in result.output
    assert "--allow-stale" in result.output
    assert not (repo / "curriculum/releases/2027.1.yml").exists()
    result = release(repo, "2027.1", "--allow-stale")
    assert result.exit_code == 0, result.output
    record = yaml.safe_load((repo / "curriculum/releases/2027.1.yml").read_text(encoding="utf-8"))
    assert record["released_with_stale_adaptations"] == ["peer-support-role", "running-a-session"]
    assert "Released with German sources not yet checked" in (
        repo / "curriculum/releases/2027.1.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("first", "second", "message"), [
    ("2027.1", "2027.1", "already exists"),
    ("2027.2", "2027.1", "is not newer than the latest release 2027.2"),
    (None, "27.1", "is not a release name like 2027.1"),
])
def test_release_names(repo, first, second, message):
    if first:
        assert release(repo, first).exit_code == 0
    result = release(repo, second)
    assert result.exit_code == 1
    assert message in result.output


def test_a_released_id_cannot_be_reused(repo):
    assert release(repo, "2027.1").exit_code == 0
    shutil.rmtree(repo / "curriculum/modules/running-a-session")
    edit(repo, "curriculum/curriculum.yml", "  - running-a-session\n", "")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release, and remove a module")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / TRAINER_REL).parent.mkdir(parents=True)
    (repo / TRAINER_REL).write_text(MODULE.format(id="running-a-session", title="Other",
                                                  audience="trainers"), encoding="utf-8")
    edit(repo, "curriculum/curriculum.yml", "  - peer-support-role\n",
         "  - peer-support-role\n  - running-a-session\n")
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(repo), "--quiet",
                                          "--against", base])
    assert result.exit_code == 1
    assert "id 'running-a-session' was already used by release 2027.1" in result.output


@pytest.mark.slow
def test_both_editions_build_with_a_release(repo, tmp_path):
    assert release(repo, "2027.1").exit_code == 0
    out = tmp_path / "out"
    for edition in ("supporter", "trainer"):
        result = CliRunner().invoke(cascade, ["site", "build", "--edition", edition, "--root",
                                              str(repo), "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert (out / "site/trainer/releases/2027.1/index.html").exists()
    assert not (out / "site/supporter/releases").exists()
    assert not (out / "site/trainer/releases/2027.1.yml").exists()
    leap = (out / "site/trainer/leap-impact/index.html").read_text(encoding="utf-8")
    assert "LEAP recommendations and their impact" in leap
    assert not (out / "site/supporter/leap-impact").exists()
