"""`cascade translations status / pin`, the curriculum check's source warnings, and the trainer
edition's "source and adaptation" pages.

Each test builds a small curriculum of its own in a throwaway git repository.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import commit

from cascade.authoring import translations as tr
from cascade.cli import cascade
from cascade.content.german import load_german

MODULE_REL = "curriculum/modules/peer-support-role/index.md"
ENGLAND_REL = "curriculum/modules/the-cascade/index.md"
GERMAN_REL = "translations/de/de-rolle.md"

MODULE = """\
---
id: peer-support-role
title: The peer supporter role
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
  id: de-rolle   # the German module
  adaptation: >-
    The German text points to the social psychiatric service. England has no such service,
    so we point to 999 and NHS 111.
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
  - {title: The session, minutes: 60}
knowledge_check:
  - id: what-you-do
    objective: 1
    question: What do you do as a peer supporter?
    answers:
      - {text: I listen as an equal., correct: true, feedback: Yes. You listen and share what helped you.}
      - {text: I give medical advice., correct: false, feedback: Not quite. The care team does that.}
  - id: not-peer-support
    objective: 2
    question: Who answers a question about tablets?
    answers:
      - {text: The care team., correct: true, feedback: Yes. Help the carer plan what to ask.}
      - {text: You., correct: false, feedback: Not quite. You do not give medical advice.}
  - id: help
    objective: 3
    question: Who can you talk to about your role?
    answers:
      - {text: Your supervisor., correct: true, feedback: Yes. You are never on your own.}
      - {text: Nobody., correct: false, feedback: Not quite. Your supervisor is there for you.}
---

## What is peer support?

Peer support is help between people who have lived through something alike. You have cared
for someone in a mental health crisis. So has the carer you support.

!!! key-points "Key points"
    - Peer support is between equals.
    - You always know who to pass things on to.

!!! trainer-notes "Running the session"
    Allow time for questions.
"""

ENGLAND = MODULE.replace("id: peer-support-role", "id: the-cascade").replace(
    "audience: supporters", "audience: trainers").replace(
    """  id: de-rolle   # the German module
  adaptation: >-
    The German text points to the social psychiatric service. England has no such service,
    so we point to 999 and NHS 111.
""", "  written_in_england: The cascade is English.\n")

GERMAN = """\
---
id: de-rolle
title: Die Rolle der Peer-Beratung
illustrative: true
language: de
---

## Was ist Peer-Beratung?

Peer-Beratung ist Unterstützung zwischen Menschen mit ähnlicher Erfahrung.

## Was Peer-Beratung nicht ist

In einer Krise helfen sie, den Sozialpsychiatrischen Dienst zu erreichen.
"""


def run(*args: str):
    return CliRunner().invoke(cascade, list(args))


@pytest.fixture
def repo(curriculum_repo) -> Path:
    """A git repository with one adapted module (not pinned yet) and one written in England."""
    return curriculum_repo(["peer-support-role", "the-cascade"],
                           {MODULE_REL: MODULE, ENGLAND_REL: ENGLAND, GERMAN_REL: GERMAN})


def status_json(root: Path) -> dict:
    result = run("translations", "status", "--root", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    return {item["module_id"]: item for item in json.loads(result.stdout)}


def change_german(root: Path) -> None:
    path = root / GERMAN_REL
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("den Sozialpsychiatrischen Dienst", "den Krisendienst"),
                    encoding="utf-8")


@pytest.fixture
def pinned(repo: Path) -> Path:
    result = run("translations", "pin", "peer-support-role", "--root", str(repo))
    assert result.exit_code == 0, result.output
    commit(repo, "pin")
    return repo


def test_states_before_pinning(repo):
    states = status_json(repo)
    assert states["peer-support-role"]["state"] == "unpinned"
    assert states["peer-support-role"]["source_id"] == "de-rolle"
    assert states["peer-support-role"]["pinned_revision"] is None
    assert states["peer-support-role"]["current_revision"] == load_german(repo / "translations")[
        "de-rolle"].revision
    assert states["the-cascade"]["state"] == "written in England"


def test_pin_records_revision_keeps_everything_else_and_writes_snapshot(repo):
    before = (repo / MODULE_REL).read_text(encoding="utf-8").splitlines()
    result = run("translations", "pin", "peer-support-role", "--root", str(repo))
    assert result.exit_code == 0, result.output
    revision = load_german(repo / "translations")["de-rolle"].revision
    after = (repo / MODULE_REL).read_text(encoding="utf-8").splitlines()
    # Exactly one line added, right after the source id (whose comment is kept).
    assert len(after) == len(before) + 1
    index = before.index("  id: de-rolle   # the German module")
    assert after[: index + 1] == before[: index + 1]
    assert after[index + 1] == f"  revision: {revision}"
    assert after[index + 2:] == before[index + 1:]
    snapshot = repo / "translations" / "snapshots" / "de-rolle" / f"{revision}.md"
    assert snapshot.read_text(encoding="utf-8") == GERMAN
    assert status_json(repo)["peer-support-role"]["state"] == "up-to-date"


def test_changed_german_makes_module_stale_and_check_fail(pinned):
    old = status_json(pinned)["peer-support-role"]["pinned_revision"]
    change_german(pinned)
    states = status_json(pinned)
    assert states["peer-support-role"]["state"] == "stale"
    assert states["peer-support-role"]["pinned_revision"] == old
    assert states["peer-support-role"]["current_revision"] != old
    result = run("translations", "status", "--root", str(pinned), "--check")
    assert result.exit_code == 1
    assert "stale" in result.stdout
    # The German change, word by word, from the snapshot written by pin.
    assert "[-Sozialpsychiatrischen Dienst-] {+Krisendienst+}" in result.stdout
    assert "snapshot translations/snapshots/de-rolle/" in result.stdout
    assert "cascade translations pin peer-support-role" in result.stdout


def test_pinning_again_clears_stale(pinned):
    change_german(pinned)
    before = (pinned / MODULE_REL).read_text(encoding="utf-8").splitlines()
    result = run("translations", "pin", "peer-support-role", "--root", str(pinned))
    assert result.exit_code == 0, result.output
    after = (pinned / MODULE_REL).read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("  revision: ")
    assert run("translations", "status", "--root", str(pinned), "--check").exit_code == 0


def test_pinned_text_found_in_git_history_without_snapshot(pinned):
    shutil.rmtree(pinned / "translations" / "snapshots")
    commit(pinned, "no snapshots")
    change_german(pinned)
    result = run("translations", "status", "--root", str(pinned))
    assert "git history (commit" in result.stdout
    assert "{+Krisendienst+}" in result.stdout


def test_pinned_text_that_cannot_be_found_is_explained(pinned):
    shutil.rmtree(pinned / "translations" / "snapshots")
    shutil.rmtree(pinned / ".git")
    change_german(pinned)
    result = run("translations", "status", "--root", str(pinned))
    assert "was not found" in result.stdout


def test_missing_source_and_check_warnings(pinned):
    result = run("curriculum", "check", "--root", str(pinned), "--quiet")
    assert result.exit_code == 0 and "warning" not in result.stdout
    change_german(pinned)
    result = run("curriculum", "check", "--root", str(pinned), "--quiet")
    assert result.exit_code == 0, result.output  # a warning, not an error
    expected = f"{MODULE_REL}:15: warning: the German text 'de-rolle' changed since revision"
    assert expected in result.stdout
    (pinned / GERMAN_REL).unlink()
    assert status_json(pinned)["peer-support-role"]["state"] == "missing source"
    result = run("curriculum", "check", "--root", str(pinned), "--quiet")
    assert result.exit_code == 0
    assert "warning: source 'de-rolle' is not under translations/de/" in result.stdout


def test_unpinned_source_is_a_warning(repo):
    result = run("curriculum", "check", "--root", str(repo), "--quiet")
    assert result.exit_code == 0, result.output
    assert "warning: source 'de-rolle' is not pinned" in result.stdout


def test_pin_refuses_a_module_written_in_england(repo):
    result = run("translations", "pin", "the-cascade", "--root", str(repo))
    assert result.exit_code == 1
    assert "written in England" in result.output
    result = run("translations", "pin", "no-such-module", "--root", str(repo))
    assert result.exit_code == 1
    assert "no module with id 'no-such-module'" in result.output


def test_set_source_revision_keeps_comments_and_quotes_digits():
    text = ("---\nid: x\nsource:\n  # where it comes from\n  id: de-x\n  revision: abcdefabcdef  "
            "# pinned\n  adaptation: Notes.\nfidelity: []\n---\nBody\n")
    new = tr.set_source_revision(text, "0123456789ab")
    assert new == text.replace("abcdefabcdef", "0123456789ab")
    digits = tr.set_source_revision(text, "012345678901")
    assert '  revision: "012345678901"  # pinned\n' in digits
    with pytest.raises(tr.PinError):
        tr.set_source_revision("---\nid: x\n---\nBody\n", "0123456789ab")


@pytest.mark.slow
def test_trainer_edition_has_source_pages_and_supporter_edition_does_not(pinned, tmp_path):
    change_german(pinned)
    out = tmp_path / "out"
    for edition in ("supporter", "trainer"):
        result = run("site", "build", "--edition", edition, "--root", str(pinned),
                     "--out", str(out))
        assert result.exit_code == 0, result.output
    trainer, supporter = out / "site" / "trainer", out / "site" / "supporter"
    page = (trainer / "source" / "peer-support-role" / "index.html").read_text(encoding="utf-8")
    assert "Illustrative German text written by this project, not the German programme" in page
    assert 'class="cascade-source"' in page and 'lang="de"' in page
    assert "This adaptation is out of date" in page
    assert "Krisendienst" in page  # the current German text and the word-level change
    assert "so we point to 999 and NHS 111" in page  # the adaptation notes
    assert "Allow time for questions." in page  # the English text, trainer notes included
    assert (trainer / "source" / "index.html").exists()
    assert not (trainer / "source" / "the-cascade").exists()
    module = (trainer / "modules" / "peer-support-role" / "index.html").read_text(encoding="utf-8")
    assert "../../source/peer-support-role/" in module
    assert not (supporter / "source").exists()
    for path in supporter.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "Illustrative German text" not in text, path
        assert "source/peer-support-role" not in text, path
    index = (supporter / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Peer-Beratung" not in index
    supporter_module = (supporter / "modules" / "peer-support-role" / "index.html").read_text(
        encoding="utf-8")
    assert "Suggest a change to this module" in supporter_module
    assert "mailto:" in supporter_module
    assert "peer-support-role%20version%201.0.0" in supporter_module
