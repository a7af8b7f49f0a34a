"""The course timetable: the modules a stage delivers, in teaching order, laid out in course days
and sessions from each module's duration and session plan (cascade/site/timetable.py shows it).

The shape of a day comes from `timetable:` in the programme configuration. A session holds
whole parts of modules, with a break between two modules. A later session of a module's own plan
(`session: 2`) starts a new course session. A part longer than a whole session is split over
sessions at its steps (a step longer than a session, at the minute), so nothing is lost and a
stage's teaching time is always the sum of its modules' durations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..config import programme
from .model import Curriculum, Module, PlanStep
from .stages import required_modules

TIMETABLE_DEFAULTS = {
    "day_starts": "09:30",
    "teaching_minutes_per_day": 360,
    "sessions_per_day": 2,
    "break_minutes": 15,
    "lunch_minutes": 45,
    "high_risk_modules": [],
}
SPARE_TITLE = "Time to spare (the module's length is longer than its plan)"
NO_PLAN_TITLE = "The whole module (it has no session plan yet)"


@dataclass(frozen=True)
class DayShape:
    """How a course day runs: when it starts, how much teaching, how it is split, the breaks."""

    day_starts: int  # minutes after midnight
    teaching_minutes_per_day: int
    sessions_per_day: int
    break_minutes: int  # between two modules in one session
    lunch_minutes: int  # between two sessions of one day
    high_risk_modules: tuple[str, ...] = ()  # never two of them on one day

    @property
    def session_minutes(self) -> int:
        """The longest a session may be, with the breaks between its modules."""
        return self.teaching_minutes_per_day // self.sessions_per_day


def day_shape(config: dict | None = None) -> DayShape:
    """The day's shape from `timetable:` in the programme configuration, with the defaults for
    anything it leaves out. A wrong value raises ValueError naming the setting."""
    raw = (config if config is not None else programme()).get("timetable") or {}
    if not isinstance(raw, dict):
        raise ValueError("programme configuration: 'timetable' must be a list of settings "
                         f"({', '.join(TIMETABLE_DEFAULTS)})")
    unknown = sorted(set(raw) - set(TIMETABLE_DEFAULTS))
    if unknown:
        raise ValueError(f"programme configuration: timetable has unknown setting(s) {', '.join(unknown)}; "
                         f"use {', '.join(TIMETABLE_DEFAULTS)}")
    values = {**TIMETABLE_DEFAULTS, **raw}
    start = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", str(values["day_starts"]).strip())
    if start is None:
        raise ValueError(f"programme configuration: timetable.day_starts {values['day_starts']!r} must be a "
                         "time like 09:30")
    numbers = {}
    for name in ("teaching_minutes_per_day", "sessions_per_day", "break_minutes", "lunch_minutes"):
        value = values[name]
        smallest = 0 if name in ("break_minutes", "lunch_minutes") else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < smallest:
            raise ValueError(f"programme configuration: timetable.{name} must be a whole number of at least "
                             f"{smallest}, not {value!r}")
        numbers[name] = value
    if numbers["teaching_minutes_per_day"] < numbers["sessions_per_day"]:
        raise ValueError("programme configuration: timetable.teaching_minutes_per_day must be at least "
                         "one minute per session")
    high_risk = values["high_risk_modules"] or []
    if not isinstance(high_risk, list) or not all(isinstance(m, str) for m in high_risk):
        raise ValueError("programme configuration: timetable.high_risk_modules must be a list of module ids")
    return DayShape(int(start.group(1)) * 60 + int(start.group(2)), **numbers, high_risk_modules=tuple(high_risk))


def clock(minutes: int) -> str:
    """Minutes after midnight as a 24-hour time: 570 -> 09:30."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


@dataclass
class Slot:
    """One module's time in one course session: its steps there, in order."""

    module: Module
    steps: list[PlanStep]
    start: int  # minutes after midnight
    plan_session: int = 1  # which session of the module's own plan these steps come from
    part: int = 1  # which of the module's slots this is
    parts: int = 1

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass
class Session:
    """One course session: modules one after another, with a break between two modules."""

    day: int  # 1, 2, ...
    number: int  # in its day: 1, 2, ...
    start: int  # minutes after midnight
    slots: list[Slot] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.slots[-1].end if self.slots else self.start

    @property
    def length(self) -> int:
        """From start to end, the breaks between modules included."""
        return self.end - self.start

    @property
    def teaching_minutes(self) -> int:
        return sum(slot.minutes for slot in self.slots)


@dataclass
class StageTimetable:
    stage: int
    shape: DayShape
    modules: list[Module]
    sessions: list[Session]

    @property
    def days(self) -> list[list[Session]]:
        by_day: dict[int, list[Session]] = {}
        for session in self.sessions:
            by_day.setdefault(session.day, []).append(session)
        return [by_day[day] for day in sorted(by_day)]

    @property
    def total_minutes(self) -> int:
        return sum(session.teaching_minutes for session in self.sessions)

    def slots_of(self, module_id: str) -> list[tuple[Session, Slot]]:
        return [(session, slot) for session in self.sessions for slot in session.slots
                if slot.module.id == module_id]


def module_parts(module: Module) -> list[list[PlanStep]]:
    """The module's time as the sessions of its plan; its unplanned minutes go at the end."""
    parts = [list(steps) for steps in module.sessions] or [[PlanStep(NO_PLAN_TITLE, module.duration_minutes)]]
    spare = module.duration_minutes - sum(step.minutes for steps in parts for step in steps)
    if spare > 0:
        parts[-1].append(PlanStep(SPARE_TITLE, spare))
    return parts


def _spare(steps: list[PlanStep]) -> int:
    return sum(step.minutes for step in steps if step.title == SPARE_TITLE and step.activity is None)


class _Packer:
    """Lays the modules' parts into sessions one after another, in teaching order."""

    def __init__(self, shape: DayShape):
        self.shape = shape
        self.sessions: list[Session] = []

    def new_session(self, new_day: bool = False) -> Session:
        shape, last = self.shape, (self.sessions[-1] if self.sessions else None)
        if last is None or new_day or last.number >= shape.sessions_per_day:
            session = Session(last.day + 1 if last else 1, 1, shape.day_starts)
        else:  # after lunch, which follows the day's session before
            session = Session(last.day, last.number + 1, last.end + shape.lunch_minutes)
        self.sessions.append(session)
        return session

    def high_risk_today(self, module: Module) -> bool:
        """Whether another high-risk module is already taught on the current day."""
        if module.id not in self.shape.high_risk_modules or not self.sessions:
            return False
        day = self.sessions[-1].day
        return any(slot.module.id in self.shape.high_risk_modules and slot.module.id != module.id
                   for session in self.sessions if session.day == day for slot in session.slots)

    def place(self, module: Module, steps: list[PlanStep], plan_session: int) -> None:
        minutes, room = sum(step.minutes for step in steps), self.shape.session_minutes
        new_day = plan_session == 1 and self.high_risk_today(module)
        current = self.sessions[-1] if self.sessions else None
        # A module's first part may join the session before, if it fits with a break between.
        if (current is not None and plan_session == 1 and not new_day and current.slots
                and current.length + self.shape.break_minutes + minutes <= room):
            current.slots.append(Slot(module, steps, current.end + self.shape.break_minutes, plan_session))
            return
        # Spare time stays with its module: it may take a session a few minutes over.
        if minutes - _spare(steps) <= room:
            session = self.new_session(new_day)
            session.slots.append(Slot(module, steps, session.start, plan_session))
            return
        self._split(module, steps, plan_session, new_day)

    def _split(self, module: Module, steps: list[PlanStep], plan_session: int, new_day: bool) -> None:
        """A part longer than a session: as many sessions as it needs, cut between steps where a
        step fits in a session, else inside the step ("continued")."""
        room = self.shape.session_minutes
        session, chunk, left = self.new_session(new_day), [], room

        def flush():
            nonlocal session, chunk, left
            session.slots.append(Slot(module, chunk, session.start, plan_session))
            session, chunk, left = self.new_session(), [], room

        for step in steps:
            if step.title == SPARE_TITLE and step.activity is None and chunk:
                chunk.append(step)  # never a session of its own
                continue
            piece, minutes = step, step.minutes
            while True:
                if minutes <= left:
                    chunk.append(replace(piece, minutes=minutes))
                    left -= minutes
                    break
                if chunk and (minutes <= room or not left):
                    flush()  # the whole step fits in the next session, or this one is full
                    continue
                chunk.append(replace(piece, minutes=left))
                minutes -= left
                piece = replace(step, title=f"{step.title} (continued)")
                flush()
        session.slots.append(Slot(module, chunk, session.start, plan_session))


def stage_timetable(curriculum: Curriculum, stage: int, shape: DayShape | None = None,
                    release: str | None = None) -> StageTimetable:
    """The course days and sessions of a stage: every module it requires, once, in teaching order."""
    shape = shape or day_shape()
    modules = [curriculum.module(module_id) for module_id in required_modules(curriculum, stage, release)]
    packer = _Packer(shape)
    for module in modules:
        for number, steps in enumerate(module_parts(module), start=1):
            packer.place(module, steps, number)
    timetable = StageTimetable(stage, shape, modules, packer.sessions)
    for module in modules:
        slots = [slot for _, slot in timetable.slots_of(module.id)]
        for index, slot in enumerate(slots, start=1):
            slot.part, slot.parts = index, len(slots)
    return timetable
