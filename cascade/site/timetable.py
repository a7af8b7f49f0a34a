"""The course timetable page (trainer edition): for each stage, every module it requires in course
days and sessions, with start and end times, breaks, and each module's plan and materials."""

from __future__ import annotations

from ..content.model import STAGES, Curriculum
from ..content.timetable import DayShape, Session, Slot, StageTimetable, clock, stage_timetable
from .links import link
from .module_page import and_list, duration_text, material_src

PLANNING_MODULE = "course-planning-and-refreshers"


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def course_timetable(curriculum: Curriculum, from_src: str, shape: DayShape | None = None) -> str:
    """The whole page body: how the timetable is made, then each stage."""
    stages = [stage_timetable(curriculum, stage, shape) for stage in STAGES]
    parts = [_introduction(curriculum, stages[0].shape, from_src)]
    for timetable in stages:
        parts.append(stage_section(timetable, from_src))
    return "\n".join(parts)


def _introduction(curriculum: Curriculum, shape: DayShape, from_src: str) -> str:
    planning = curriculum.by_id.get(PLANNING_MODULE)
    calendar = (f" The module [{planning.title}]({link(from_src, planning.rel)}) explains how to turn it into "
                "a calendar that suits your group." if planning else "")
    high_risk = [f"*{curriculum.by_id[m].title}*" for m in shape.high_risk_modules if m in curriculum.by_id]
    lines = [
        "This timetable is made from each module's length and session plan, in teaching order. It is "
        "the start of your planning, not a calendar: it shows how much teaching each stage needs and "
        f"how it fits into course days.{calendar}",
        "",
        "How the days are laid out:",
        "",
        f"- A course day starts at {clock(shape.day_starts)} and has up to {shape.sessions_per_day} "
        f"session{'s' if shape.sessions_per_day != 1 else ''} of up to "
        f"{duration_text(shape.session_minutes)}, with a {shape.lunch_minutes}-minute lunch break between "
        "sessions.",
        f"- When two modules share a session, there is a {shape.break_minutes}-minute break between them. "
        "Each module's own breaks are in its plan.",
        "- A module that runs over two sessions in its plan starts its second session in a new session.",
        "- A part of a module longer than a session is split over sessions. A step that is cut is marked "
        "\"continued\".",
        "- When a module's length is longer than its plan, the spare minutes stay at the end of the module.",
    ]
    if high_risk:
        lines.append(f"- The high-risk modules ({and_list(high_risk)}) are never on the same day as each "
                     "other.")
    unknown = [f"`{m}`" for m in shape.high_risk_modules if m not in curriculum.by_id]
    if unknown:  # a typo in the configuration must not pass unseen
        lines.append(f"- The programme configuration also names {and_list(unknown)} as high-risk, but there is "
                     "no module with that id: tell your programme lead.")
    lines += ["", "Add time for checkout, a catch-up session and a second try at checkout. If a number here "
              "looks wrong, the module's plan is wrong: tell your programme lead. The times of day come "
              "from `timetable:` in the programme configuration.", ""]
    return "\n".join(lines)


def _where(timetable: StageTimetable, module_id: str) -> str:
    """Where a module is taught: 'Day 3, sessions 1 and 2', linked to the day."""
    by_day: dict[int, list[int]] = {}
    for session, _ in timetable.slots_of(module_id):
        numbers = by_day.setdefault(session.day, [])
        if session.number not in numbers:
            numbers.append(session.number)
    out = []
    for day, numbers in by_day.items():
        word = "session" if len(numbers) == 1 else "sessions"
        out.append(f"[Day {day}](#{_day_anchor(timetable.stage, day)}), {word} {and_list(numbers)}")
    return "; ".join(out)


def _day_anchor(stage: int, day: int) -> str:
    return f"stage-{stage}-day-{day}"


def stage_section(timetable: StageTimetable, from_src: str) -> str:
    stage = timetable.stage
    if not timetable.modules:
        return f"## Stage {stage}\n\nNo module lists stage {stage} yet.\n"
    days, sessions = len(timetable.days), len(timetable.sessions)
    lines = ['<div class="cascade-timetable" markdown>', "", f"## Stage {stage}", "",
             f"Stage {stage} delivers {len(timetable.modules)} modules: "
             f"**{duration_text(timetable.total_minutes)} of teaching** (the modules' lengths added up), in "
             f"{sessions} session{'s' if sessions != 1 else ''} over {days} course day{'s' if days != 1 else ''}.",
             "", "| Order | Module | Length | Sessions in its plan | Where in this timetable |",
             "|---|---|---|---|---|"]
    for order, module in enumerate(timetable.modules, start=1):
        risk = " (high-risk)" if module.id in timetable.shape.high_risk_modules else ""
        lines.append(f"| {order} | [{_cell(module.title)}]({link(from_src, module.rel)}){risk} | "
                     f"{duration_text(module.duration_minutes)} | {max(1, len(module.sessions))} | "
                     f"{_where(timetable, module.id)} |")
    lines += [f"| | **Total** | **{duration_text(timetable.total_minutes)}** | | |", ""]
    for day_sessions in timetable.days:
        day = day_sessions[0].day
        lines += [f"### Stage {stage}, day {day} {{#{_day_anchor(stage, day)}}}", ""]
        for index, session in enumerate(day_sessions):
            lines += _session_table(session, from_src)
            if index + 1 < len(day_sessions):
                lunch_end = day_sessions[index + 1].start
                lines += [f"*Lunch break: {clock(session.end)} to {clock(lunch_end)}.*", ""]
    lines += ["</div>", ""]
    return "\n".join(lines)


def _session_table(session: Session, from_src: str) -> list[str]:
    lines = [f"#### Session {session.number}: {clock(session.start)} to {clock(session.end)}", "",
             "| Time | What | Minutes | Materials |", "|---|---|---|---|"]
    previous: Slot | None = None
    for slot in session.slots:
        if previous is not None:
            lines.append(f"| {clock(previous.end)} to {clock(slot.start)} | *Break between modules* | "
                         f"{slot.start - previous.end} | - |")
        lines += _slot_rows(slot, from_src)
        previous = slot
    return lines + [""]


def _slot_rows(slot: Slot, from_src: str) -> list[str]:
    module = slot.module
    title = f"**[{_cell(module.title)}]({link(from_src, module.rel)})**"
    if slot.parts > 1:
        title += f" (part {slot.part} of {slot.parts})"
    rows = [f"| {clock(slot.start)} to {clock(slot.end)} | {title} | {slot.minutes} | |"]
    start = slot.start
    for step in slot.steps:
        label = f"Activity: {step.title}" if step.activity else step.title
        names = [f"[{_cell(m.title)}]({link(from_src, material_src(m))})"
                 for m in (module.materials.get(name) for name in step.materials) if m is not None]
        rows.append(f"| {clock(start)} | {_cell(label)} | {step.minutes} | {', '.join(names) or '-'} |")
        start += step.minutes
    return rows
