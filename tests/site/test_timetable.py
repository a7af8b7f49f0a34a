"""The course timetable (trainer edition): every module a stage requires, once, in days and
sessions whose teaching adds up to the modules' durations; a module longer than a day is split
over sessions, not lost; the day's shape comes from the programme configuration."""

from __future__ import annotations

import html
import re
from itertools import pairwise
from pathlib import Path

import pytest

from cascade.content import load_curriculum
from cascade.content.stages import required_modules
from cascade.content.timetable import SPARE_TITLE, day_shape, stage_timetable
from cascade.site.timetable import course_timetable

PAGE = "course-timetable.md"


@pytest.fixture(scope="module")
def curriculum(repo_root):
    return load_curriculum(repo_root / "curriculum")


def module_rows(page: str, stage: int) -> list[str]:
    """The module links in the stage's table of modules, in order."""
    section = page.split(f"## Stage {stage}\n", 1)[1].split("### ", 1)[0]
    return re.findall(r"^\| \d+ \| \[[^\]]+\]\(([^)]+)\)", section, re.M)


@pytest.mark.parametrize("stage", [1, 2])
def test_every_required_module_once_and_totals_add_up(curriculum, stage):
    required = required_modules(curriculum, stage, None)
    assert required, "the curriculum must have modules for the stage"
    timetable = stage_timetable(curriculum, stage)
    assert [m.id for m in timetable.modules] == required
    taught = [slot.module.id for session in timetable.sessions for slot in session.slots]
    assert list(dict.fromkeys(taught)) == required, "every module, in teaching order, and nothing else"
    durations = sum(curriculum.module(m).duration_minutes for m in required)
    assert timetable.total_minutes == durations
    for module_id in required:
        module = curriculum.module(module_id)
        minutes = sum(slot.minutes for _, slot in timetable.slots_of(module_id))
        assert minutes == module.duration_minutes, module_id
    page = course_timetable(curriculum, PAGE)
    rows = module_rows(page, stage)
    assert rows == [f"{curriculum.module(m).rel}" for m in required], "the stage's table lists each module once"


def test_sessions_keep_the_shape_of_the_day(curriculum):
    shape = day_shape()
    for stage in (1, 2):
        timetable = stage_timetable(curriculum, stage)
        for day in timetable.days:
            assert len(day) <= shape.sessions_per_day
            assert day[0].start == shape.day_starts
            for before, after in pairwise(day):
                assert after.start == before.end + shape.lunch_minutes
            for session in day:
                spare = sum(s.minutes for slot in session.slots for s in slot.steps if s.title == SPARE_TITLE)
                assert session.length - spare <= shape.session_minutes, (stage, session.day, session.number)
                for before, after in pairwise(session.slots):
                    assert after.start == before.end + shape.break_minutes
        for day in timetable.days:
            risky = {slot.module.id for s in day for slot in s.slots} & set(shape.high_risk_modules)
            assert len(risky) <= 1, f"stage {stage}: high-risk modules on one day: {risky}"


def test_a_later_session_of_a_modules_plan_starts_a_new_course_session(curriculum):
    module = next(m for m in curriculum.modules if len(m.sessions) > 1 and 1 in m.stages)
    placed = stage_timetable(curriculum, 1).slots_of(module.id)
    sessions = [id(session) for session, _ in placed]
    assert len(set(sessions)) == len(sessions) >= len(module.sessions)
    assert [slot.plan_session for _, slot in placed] == sorted(slot.plan_session for _, slot in placed)


LONG_MODULE = """\
---
id: {id}
title: {title}
version: 1.0.0
status: in-review
audience: supporters
stages: [1]
duration_minutes: {duration}
objectives:
  - Say what a long day is.
  - Say how long each part takes.
  - Say when to rest.
source:
  written_in_england: Written for the timetable tests.
fidelity:
  - id: paced
    description: The trainer keeps to time.
    essential: true
changelog:
  - version: 1.0.0
    date: 2026-12-01
    summary: First version.
plan:
{plan}
---

## What this is

Some text.
"""


def write_module(root: Path, module_id: str, title: str, duration: int, plan: list[tuple[str, int]]) -> None:
    folder = root / "curriculum" / "modules" / module_id
    folder.mkdir(parents=True)
    steps = "\n".join(f"  - {{title: {name}, minutes: {minutes}}}" for name, minutes in plan)
    (folder / "index.md").write_text(LONG_MODULE.format(id=module_id, title=title, duration=duration, plan=steps),
                                     encoding="utf-8")


def small_curriculum(tmp_path: Path, modules: list[tuple[str, str, int, list]]):
    (tmp_path / "curriculum" / "modules").mkdir(parents=True)
    listing = "".join(f"  - {m[0]}\n" for m in modules)
    (tmp_path / "curriculum" / "curriculum.yml").write_text(f"title: Test\nmodules:\n{listing}", encoding="utf-8")
    for module in modules:
        write_module(tmp_path, *module)
    return load_curriculum(tmp_path / "curriculum")


def test_a_module_longer_than_a_day_is_split_over_sessions_not_lost(tmp_path):
    curriculum = small_curriculum(tmp_path, [
        ("short-start", "A short start", 60, [("Welcome", 60)]),
        # 7 hours 30 minutes: longer than a whole day, with one step longer than a session.
        ("very-long", "A very long module", 450, [("Welcome", 20), ("Practice all day", 410), ("Close", 20)]),
        ("short-end", "A short end", 30, [("Goodbye", 30)]),
    ])
    shape = day_shape({"timetable": {"teaching_minutes_per_day": 360, "sessions_per_day": 2,
                                     "break_minutes": 15, "lunch_minutes": 45, "day_starts": "09:00"}})
    timetable = stage_timetable(curriculum, 1, shape)
    placed = timetable.slots_of("very-long")
    assert len(placed) >= 3, "450 minutes need at least three sessions of 180"
    assert sum(slot.minutes for _, slot in placed) == 450
    assert all(session.length <= 180 for session in timetable.sessions)
    assert len(timetable.days) >= 2
    steps = [step.title for _, slot in placed for step in slot.steps]
    assert steps[0] == "Welcome" and steps[-1] == "Close"
    assert "Practice all day (continued)" in steps
    assert sum(s.minutes for _, slot in placed for s in slot.steps if s.title.startswith("Practice")) == 410
    assert timetable.total_minutes == 60 + 450 + 30
    assert [slot.part for _, slot in placed] == list(range(1, len(placed) + 1))
    page = course_timetable(curriculum, PAGE, shape)
    assert f"(part {len(placed)} of {len(placed)})" in page
    assert "**9 hours of teaching**" in page
    assert page.count("[A very long module](") == 1 + len(placed), "the table row and one row per part"


def test_spare_minutes_stay_with_their_module(tmp_path):
    curriculum = small_curriculum(tmp_path, [("roomy", "A roomy module", 190, [("Everything", 180)])])
    timetable = stage_timetable(curriculum, 1, day_shape({"timetable": {}}))
    (session, slot), = timetable.slots_of("roomy")
    assert slot.minutes == 190 and slot.steps[-1].title == SPARE_TITLE and slot.steps[-1].minutes == 10


def test_the_day_shape_comes_from_the_programme_configuration(curriculum):
    shape = day_shape({"timetable": {"day_starts": "10:00", "teaching_minutes_per_day": 180, "sessions_per_day": 1}})
    assert (shape.day_starts, shape.session_minutes, shape.break_minutes) == (600, 180, 15)
    page = course_timetable(curriculum, PAGE, shape)
    assert "#### Session 1: 10:00 to" in page and "#### Session 2" not in page
    assert "Lunch break" not in page
    for setting, value, words in (("day_starts", "late", "timetable.day_starts"),
                                  ("sessions_per_day", 0, "timetable.sessions_per_day"),
                                  ("break_minutes", "15m", "timetable.break_minutes"),
                                  ("lunch", 30, "unknown setting(s) lunch")):
        with pytest.raises(ValueError, match=re.escape(words)):
            day_shape({"timetable": {setting: value}})
    page = course_timetable(curriculum, PAGE, day_shape({"timetable": {"high_risk_modules": ["not-a-module"]}}))
    assert "`not-a-module` as high-risk, but there is no module with that id" in page


@pytest.mark.slow
def test_the_trainer_edition_carries_the_timetable_and_links_it(built_site, curriculum):
    trainer = built_site / "site" / "trainer"
    page = (trainer / "course-timetable" / "index.html").read_text(encoding="utf-8")
    for stage in (1, 2):
        assert f"Stage {stage}, day 1" in page
        for module_id in required_modules(curriculum, stage, None):
            assert html.escape(curriculum.module(module_id).title, quote=False) in page, module_id
    assert 'class="cascade-timetable"' in page
    home = (trainer / "index.html").read_text(encoding="utf-8")
    assert 'href="course-timetable/"' in home, "the trainer edition's navigation links the timetable"
    assert not (built_site / "site" / "supporter" / "course-timetable").exists()
