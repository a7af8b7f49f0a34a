"""The session plan and teaching materials: every activity planned, timings within the duration,
every material named by the plan exists (holdout copies fail with path:line)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cascade.cli import cascade
from cascade.content import load_curriculum

PROBLEM_RE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<message>.+)$", re.MULTILINE)
REL = "curriculum/modules/plan-example/index.md"

MODULE = """\
---
id: plan-example
title: A module with a plan
version: 1.0.0
status: in-review
audience: supporters
stages: [1, 2]
duration_minutes: 60
objectives:
  - Say what a plan is for.
  - Say how long each part takes.
  - Name the materials a session needs.
source:
  written_in_england: Written for the tests of the session plan.
fidelity:
  - id: covers-plan
    description: The trainer follows the plan.
    essential: true
  - id: uses-cards
    description: Trainees use the cards.
    essential: true
  - id: checks-in
    description: The trainer checks in.
    essential: false
changelog:
  - version: 1.0.0
    date: 2026-12-01
    summary: First version.
references:
  - title: A source
    url: https://example.org/source
plan:
  - {title: Welcome, minutes: 10}
  - activity: Sort the cards
    materials: [sorting-cards, sorting-cards-answers]
  - {title: Break, minutes: 5, session: 2}
  - activity: Talk it over
---

## What this is

Some text.

!!! activity "Sort the cards" minutes=20
    Sort the cards into two piles.

!!! activity "Talk it over" minutes=15
    Talk about what you found.
"""

CARDS = """\
---
title: Sorting cards
kind: cards
---

## Cards

| card |
|---|
| Listening |
"""

ANSWERS = """\
---
title: Sorting cards - answers
kind: answer-key
---

## Answers

Listening is peer support.
"""


def _add_module(root: Path, text: str = MODULE, materials: dict | None = None) -> None:
    folder = root / "curriculum" / "modules" / "plan-example"
    (folder / "materials").mkdir(parents=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    for name, body in (materials if materials is not None else
                       {"sorting-cards": CARDS, "sorting-cards-answers": ANSWERS}).items():
        (folder / "materials" / f"{name}.md").write_text(body, encoding="utf-8")
    settings = root / "curriculum" / "curriculum.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("modules:\n", "modules:\n  - plan-example\n", 1), encoding="utf-8")


def _check(root: Path):
    result = CliRunner().invoke(cascade, ["curriculum", "check", "--root", str(root), "--quiet"])
    problems = [m.groupdict() for m in PROBLEM_RE.finditer(result.output)]
    errors = [p for p in problems if p["path"] == REL and not p["message"].startswith("warning:")]
    return result, errors


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_complete_plan_passes_and_loads(content_copy):
    _add_module(content_copy)
    result, errors = _check(content_copy)
    assert errors == [], result.output
    module = load_curriculum(content_copy / "curriculum").module("plan-example")
    assert [(s.title, s.minutes, s.session) for s in module.plan] == [
        ("Welcome", 10, 1), ("Sort the cards", 20, 1), ("Break", 5, 2), ("Talk it over", 15, 2)]
    assert module.planned_minutes == 50
    assert len(module.sessions) == 2
    assert [m.name for m in module.materials_for("supporter")] == ["sorting-cards"]
    assert [m.name for m in module.materials_for("trainer")] == ["sorting-cards", "sorting-cards-answers"]


def test_missing_material_fails_with_the_plan_line(content_copy):
    _add_module(content_copy, materials={"sorting-cards": CARDS})
    result, errors = _check(content_copy)
    assert result.exit_code == 1
    assert any("names material 'sorting-cards-answers'" in e["message"] and "does not exist" in e["message"]
               and int(e["line"]) == _line(MODULE, "- activity: Sort the cards") for e in errors), result.output


def test_over_long_plan_fails_at_the_duration_line(content_copy):
    text = MODULE.replace("  - {title: Welcome, minutes: 10}", "  - {title: Welcome, minutes: 30}")
    _add_module(content_copy, text)
    result, errors = _check(content_copy)
    assert result.exit_code == 1
    assert any("the plan adds up to 70 minutes" in e["message"] and "more than duration_minutes 60" in e["message"]
               and int(e["line"]) == _line(text, "duration_minutes:") for e in errors), result.output


def test_activity_left_out_of_the_plan_and_unknown_activity(content_copy):
    text = MODULE.replace("  - activity: Talk it over\n", "  - activity: Talk it through\n")
    _add_module(content_copy, text)
    result, errors = _check(content_copy)
    messages = {(int(e["line"]), e["message"]) for e in errors}
    assert (_line(text, '!!! activity "Talk it over"'),
            "activity 'Talk it over' is not in the plan: add '- activity: Talk it over' to plan in the front matter"
            ) in messages, result.output
    assert any(line == _line(text, "- activity: Talk it through") and "no activity with that title" in message
               for line, message in messages)


def test_plan_step_fields_are_checked(content_copy):
    text = MODULE.replace("  - {title: Welcome, minutes: 10}", "  - {title: Welcome, minutes: ten, lenght: 3}")
    _add_module(content_copy, text)
    _, errors = _check(content_copy)
    messages = " ".join(e["message"] for e in errors)
    assert "unknown field 'lenght' (allowed: activity, materials, minutes, session, title)" in messages
    assert "'minutes' must be a whole number, not 'ten'" in messages


def test_material_needs_title_and_kind(content_copy):
    _add_module(content_copy, materials={"sorting-cards": "---\nkind: flashcards\n---\n\nText.\n",
                                         "sorting-cards-answers": ANSWERS})
    result, _ = _check(content_copy)
    rel = "curriculum/modules/plan-example/materials/sorting-cards.md"
    assert f"{rel}:2: 'kind' must be one of handout, cards," in result.output
    assert f"{rel}:1: missing field 'title'" in result.output


def test_trainer_notes_may_not_sit_in_a_printed_material(content_copy):
    cards = CARDS + '\n!!! trainer-notes "Tip"\n    Hand these out last.\n'
    _add_module(content_copy, materials={"sorting-cards": cards, "sorting-cards-answers": ANSWERS})
    result, _ = _check(content_copy)
    line = _line(cards, "!!! trainer-notes")
    assert f"materials/sorting-cards.md:{line}: 'trainer-notes' is trainer-only" in result.output, result.output
