"""Fidelity checklist definitions: the shipped files, validation with file and line, module
checklists made from core components, and checking one rater's scores against a checklist."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from cascade.assessments.checklists import (
    MODULE_ANCHORS,
    PRINCIPLE_DOMAINS,
    load_checklist,
    load_checklists,
    module_checklist,
    module_checklists,
)
from cascade.content import load_curriculum
from cascade.content.problems import ProblemList
from cascade.content.readability import grade, reading_age
from cascade.content.semver import Version

PROBLEM_RE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<message>.+)$")


def line_of(text: str, needle: str, occurrence: int = 1, exact: bool = False) -> int:
    """The number of the n-th line containing `needle` (with exact: equal to it, stripped)."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if (line.strip() == needle) if exact else (needle in line):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"test setup: {needle!r} not in the file")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_one(path: Path):
    problems = ProblemList(path.parent)
    checklist = load_checklist(path, problems)
    return checklist, problems


# --- the shipped checklists -------------------------------------------------------------------


def test_shipped_checklists_load_without_problems(repo_root):
    loaded = load_checklists(repo_root)
    assert [str(p) for p in loaded.problems] == []
    assert {c.key for c in loaded.checklists} == {
        ("training-session", "1.0.0"),
        ("support-contact", "1.0.0"),
        ("support-contact-carer", "1.0.0"),
    }
    for checklist in loaded.checklists:
        assert checklist.licence
        assert all(len(item.anchors) == 3 and all(item.anchors) for item in checklist.items)
        assert checklist.path == f"assessments/checklists/{checklist.id}.yml"


def test_training_session_checklist_applies_to_module_deliveries(repo_root):
    checklist = load_checklists(repo_root).get("training-session")
    assert checklist.applies_to == "module-delivery"
    assert {"group-agreement", "objectives-shared", "timings-kept", "everyone-invited",
            "distress-handled", "signposting-given"} <= set(checklist.item_ids)
    assert {d.id for d in checklist.domains} == {"structure", "timing", "interaction", "safety"}
    # Not applicable only where the item says when; distress may not have happened.
    assert checklist.item("distress-handled").allows_not_applicable
    assert not checklist.item("group-agreement").allows_not_applicable


def test_support_contact_checklist_uses_the_four_principle_domains(repo_root):
    loaded = load_checklists(repo_root)
    checklist = loaded.get("support-contact")
    assert checklist.applies_to == "support-contact"
    assert set(checklist.rater_roles) == {"cps-self", "supervisor"}
    assert [d.id for d in checklist.domains] == list(PRINCIPLE_DOMAINS)
    for domain in PRINCIPLE_DOMAINS:
        assert len(checklist.items_in(domain)) >= 2, domain
    assert all(item.domain in PRINCIPLE_DOMAINS for item in checklist.items)


def test_carer_short_form_is_plain_english(repo_root):
    carer = load_checklists(repo_root).get("support-contact-carer")
    assert carer.applies_to == "support-contact"
    assert carer.rater_roles == ("carer",)
    assert 5 <= len(carer.items) <= 10
    assert carer.items[0].anchors == ("No", "A bit", "Yes")
    assert "My peer supporter understood what I was going through." in [i.text for i in carer.items]
    words = " ".join(item.text for item in carer.items)
    assert reading_age(grade(words)) <= 11  # the programme's reading age for carers
    assert all(len(item.text.split()) <= 16 for item in carer.items)


def test_checklists_applying_to_support_contacts(repo_root):
    loaded = load_checklists(repo_root)
    assert {c.id for c in loaded.applying_to("support-contact")} == {
        "support-contact",
        "support-contact-carer",
    }


# --- validation: every problem, with its line -------------------------------------------------

BROKEN = """
id: broken
title: A broken checklist
version: 1.0
applies_to: support-contact
rater_roles: [cps-self, pharmacist]
licence: MIT
colour: blue
changelog:
  - version: 1.0.0
    date: 2026-11-25
    summary: First.
domains:
  - id: trusting-relationships
    title: Building trusting relationships based on shared lived experience
  - id: friendliness
    title: Being friendly
items:
  - id: listens
    domain: trusting-relationships
    text: The carer was listened to.
    anchors:
      0: Not listened to.
      1: Partly.
      2: Fully.
  - id: listens
    domain: trusting-relationships
    text: The same id again.
    anchors:
      0: a
      1: b
      2: c
  - id: no-anchors
    domain: trusting-relationships
    text: This item says nothing about its scores.
  - id: two-anchors
    domain: trusting-relationships
    text: This item forgot what 2 looks like.
    anchors:
      0: Not done.
      1: Partly.
  - id: wrong-domain
    domain: strengths
    text: This item names a domain the checklist does not have.
    anchors:
      0: a
      1: b
      2: c
  - id: typo-field
    domain: trusting-relationships
    text: This item has a misspelt field.
    essentail: true
    anchors:
      0: a
      1: b
      2: c
  - id: bare-no
    domain: trusting-relationships
    text: YAML reads a bare No as false.
    anchors:
      0: No
      1: A bit
      2: "Yes"
"""


def test_a_broken_checklist_reports_every_problem_with_its_line(tmp_path):
    path = write(tmp_path, "broken.yml", BROKEN)
    text = path.read_text(encoding="utf-8")
    checklist, problems = load_one(path)
    found = {(p.line, p.message) for p in problems.errors}

    def expect(needle: str, fragment: str, occurrence: int = 1, exact: bool = False):
        line = line_of(text, needle, occurrence, exact)
        matches = [m for (n, m) in found if n == line and fragment in m]
        assert matches, f"no problem containing {fragment!r} on line {line}: {sorted(found)}"

    expect("version: 1.0", "'version' must be a version like 1.2.0 (MAJOR.MINOR.PATCH), not 1.0")
    expect("pharmacist", "unknown rater role 'pharmacist'")
    expect("colour: blue", "unknown field 'colour' (allowed: id, title, version,")
    expect("id: friendliness", "unknown domain 'friendliness'")
    expect("- id: listens", "item id 'listens' is used twice", occurrence=2)
    expect("- id: no-anchors", "has no anchors")
    expect("anchors:", "has no anchor for 2", occurrence=3)
    expect("domain: strengths", "unknown domain 'strengths'")
    expect("essentail: true", "unknown field 'essentail' (allowed: id, text, anchors, domain, essential,")
    expect("0: No", "put it in quotes", exact=True)
    assert len(problems.errors) == 10, [str(p) for p in problems]
    assert checklist is None  # the version cannot be read, so the checklist cannot be used
    for problem in problems:
        match = PROBLEM_RE.match(str(problem))
        assert match and match["path"] == "broken.yml", str(problem)


def test_missing_fields_and_a_wrong_file_name_are_reported(tmp_path):
    path = write(
        tmp_path,
        "contact.yml",
        """
        id: support-visit
        title: Visit
        version: 2.0.0
        applies_to: home-visit
        items:
          - id: listens
            text: The carer was listened to.
            anchors: {0: a, 1: b, 2: c}
        """,
    )
    _, problems = load_one(path)
    messages = [str(p) for p in problems.errors]
    assert "contact.yml:1: missing field 'rater_roles' (who may score it: observer, " \
        "trainer-self, cps-self, supervisor, carer)" in messages
    assert any(m.startswith("contact.yml:1: missing field 'licence'") for m in messages)
    assert any(m.startswith("contact.yml:1: missing field 'changelog'") for m in messages)
    assert "contact.yml:1: id 'support-visit' must match the file name ('contact')" in messages
    assert "contact.yml:4: 'applies_to' must be one of module-delivery, support-contact, not 'home-visit'" in messages


def test_changelog_must_cover_the_current_version(tmp_path):
    path = write(
        tmp_path,
        "short.yml",
        """
        id: short
        title: Short
        version: 1.1.0
        applies_to: module-delivery
        rater_roles: [observer]
        licence: MIT
        changelog:
          - version: 1.0.0
            date: 2026-11-25
            summary: First.
        anchors: {0: Not done, 1: Partly, 2: Fully}
        items:
          - id: welcome
            text: Trainees were welcomed.
        """,
    )
    checklist, problems = load_one(path)
    assert [str(p) for p in problems] == [
        "short.yml:7: the changelog has no entry for the current version 1.1.0"
    ]
    # Default anchors fill items without their own; the checklist is still usable.
    assert checklist.items[0].anchors == ("Not done", "Partly", "Fully")
    assert checklist.version == Version(1, 1, 0)


def test_support_contact_checklists_must_use_the_principle_domains(tmp_path):
    path = write(
        tmp_path,
        "contact.yml",
        """
        id: contact
        title: Contact
        version: 1.0.0
        applies_to: support-contact
        rater_roles: [supervisor]
        licence: MIT
        changelog: [{version: 1.0.0, date: 2026-11-25, summary: First.}]
        items:
          - id: listens
            text: The carer was listened to.
            anchors: {0: a, 1: b, 2: c}
        """,
    )
    _, problems = load_one(path)
    assert [p.line for p in problems] == [1]
    assert problems[0].message.startswith("missing field 'domains' (support-contact checklists")


def test_unreadable_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "bad.yml", "id: bad\ntitle: [unclosed\nversion: 1.0.0\n")
    checklist, problems = load_one(path)
    assert checklist is None
    assert len(problems) == 1 and problems[0].path == "bad.yml" and problems[0].line >= 2


def test_two_files_with_one_id_are_both_named(tmp_path):
    folder = tmp_path / "assessments" / "checklists"
    body = """
        id: {id}
        title: T
        version: 1.0.0
        applies_to: module-delivery
        rater_roles: [observer]
        licence: MIT
        changelog: [{{version: 1.0.0, date: 2026-11-25, summary: First.}}]
        items:
          - id: welcome
            text: Trainees were welcomed.
            anchors: {{0: a, 1: b, 2: c}}
        """
    write(folder, "first.yml", body.format(id="first"))
    write(folder, "second.yml", body.format(id="first"))
    loaded = load_checklists(tmp_path)
    assert [c.path for c in loaded.checklists] == ["assessments/checklists/first.yml"]
    messages = [str(p) for p in loaded.problems]
    assert "assessments/checklists/second.yml:1: id 'first' must match the file name ('second')" \
        in messages
    assert "assessments/checklists/second.yml:1: checklist id 'first' is also used by first.yml" \
        in messages


# --- module checklists --------------------------------------------------------------------------


def test_a_modules_core_components_are_its_delivery_checklist(repo_root):
    curriculum = load_curriculum(repo_root / "curriculum")
    module = curriculum.module("peer-support-role")
    checklist = module_checklist(module)
    assert checklist.id == "module:peer-support-role"
    assert checklist.key == ("module:peer-support-role", str(module.version))
    assert checklist.applies_to == "module-delivery"
    assert checklist.module_id == "peer-support-role"
    assert [(i.id, i.text, i.essential) for i in checklist.items] == [
        (c.id, c.description, c.essential) for c in module.fidelity
    ]
    assert all(item.anchors == MODULE_ANCHORS for item in checklist.items)
    assert MODULE_ANCHORS[0].startswith("Not done") and MODULE_ANCHORS[2].startswith("Fully")
    assert [i.id for i in checklist.essential_items] == [
        c.id for c in module.fidelity if c.essential
    ]
    # Every module with core components gets one; ids never clash with checklist files.
    ids = [c.id for c in module_checklists(curriculum)]
    assert "module:peer-support-role" in ids and len(ids) == len(set(ids))


def test_a_new_module_version_is_a_new_checklist(repo_root):
    module = load_curriculum(repo_root / "curriculum").module("peer-support-role")
    old = module_checklist(module)
    module.version = Version(2, 0, 0)
    assert module_checklist(module).key == ("module:peer-support-role", "2.0.0") != old.key
    module.version = None
    with pytest.raises(ValueError, match="no valid version"):
        module_checklist(module)


# --- one rater's scores against a checklist ---------------------------------------------------


def test_check_scores_names_each_problem(repo_root):
    checklist = load_checklists(repo_root).get("support-contact")
    scores = {item.id: 2 for item in checklist.items}
    assert checklist.check_scores(scores) == []
    scores["concern-escalated"] = None  # allowed: no safety worry in this contact
    assert checklist.check_scores(scores) == []

    scores["listens-without-judging"] = None
    scores["names-strengths"] = 3
    scores["two-way-conversation"] = True
    del scores["own-wellbeing"]
    scores["made-up"] = 1
    assert checklist.check_scores(scores) == [
        "'made-up' is not an item of checklist support-contact 1.0.0",
        "item 'listens-without-judging' must be scored 0, 1 or 2; it cannot be not applicable",
        "item 'two-way-conversation' has score True; use 0, 1, 2 or not applicable",
        "item 'names-strengths' has score 3; use 0, 1, 2 or not applicable",
        "item 'own-wellbeing' has no score (give 0, 1, 2 or not applicable)",
    ]


def test_checklists_serialise_for_the_tracker(repo_root):
    import json

    checklist = load_checklists(repo_root).get("training-session")
    data = json.loads(json.dumps(checklist.to_dict()))
    assert data["version"] == "1.0.0"
    assert data["items"][0]["anchors"].keys() == {"0", "1", "2"}
