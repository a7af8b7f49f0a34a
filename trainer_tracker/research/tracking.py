"""Who owes which assessment: anchors from the tracker's records, statuses from research.schedule.

Carers: baseline when matched, end of support (the match's end, or the planned end), 6 months.
Peer supporters: before and after their training course, and after their caseload ends.
A fixed number of queries whatever the number of people; only people whose anchors fall in
the last HORIZON_DAYS are scheduled (older time points are done or long closed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from cascade.config import programme
from cascade.stats.schedule import Status, assessments_due

from ..cascade.models import Course, CourseTrainee, Person, Site
from ..support.models import Carer, Match
from .models import AssessmentResponse

HORIZON_DAYS = 400


@dataclass
class DueRow:
    respondent: str  # carer or cps
    subject_id: int
    label: str  # study ID or name
    site: str
    cps_id: int | None
    instrument_id: str
    instrument_title: str
    time_point_id: str
    time_point: str
    status: str
    opens: dt.date | None
    closes: dt.date | None
    days_overdue: int | None


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, min(day.day, 28))


def due_list(registry, today: dt.date, *, site_id: int | None = None, cps_id: int | None = None,
             statuses=(Status.DUE, Status.DUE_SOON, Status.OVERDUE), due_soon_days: int | None = None) -> list[DueRow]:
    due_soon_days = due_soon_days if due_soon_days is not None else int(
        (programme().get("assessments") or {}).get("due_soon_days", 7))
    months = int(programme().get("support_period_months", 3))
    since = today - dt.timedelta(days=HORIZON_DAYS)
    sites = {s.id: s.code for s in Site.select()}
    wanted = {str(s) for s in statuses}

    done: dict[tuple, dict] = {}
    responses = AssessmentResponse.select(AssessmentResponse.carer, AssessmentResponse.person,
                                          AssessmentResponse.instrument_id, AssessmentResponse.time_point,
                                          AssessmentResponse.completed_on)
    if site_id is not None:
        responses = responses.where(AssessmentResponse.site == site_id)
    for carer, person, instrument, point, on in responses.tuples().iterator():
        key = ("carer", carer) if carer is not None else ("cps", person)
        done.setdefault(key, {})[(instrument, point)] = on

    rows: list[DueRow] = []
    matches = (Match.select(Match.carer, Carer.study_id, Carer.site, Match.supporter, fn.MIN(Match.matched_on),
                            fn.MAX(Match.ended_on), fn.COUNT(Match.id) - fn.COUNT(Match.ended_on))
               .join(Carer, on=(Match.carer == Carer.id))
               .where(Match.matched_on >= since)
               .group_by(Match.carer, Carer.study_id, Carer.site, Match.supporter))
    if site_id is not None:
        matches = matches.where(Carer.site == site_id)
    if cps_id is not None:
        matches = matches.where(Match.supporter == cps_id)
    carer_instruments = [i for i in registry if "carer" in i.respondents]
    for carer_id, study_id, carer_site, supporter, matched, ended, active in matches.tuples().iterator():
        anchors = {"matched": matched, "support_end": (ended if not active and ended else _add_months(matched, months))}
        for due in assessments_due(carer_instruments, "carer", anchors, today,
                                   completed=done.get(("carer", carer_id), {}), due_soon_days=due_soon_days):
            if str(due.state.status) in wanted:
                rows.append(_row("carer", carer_id, study_id, sites[carer_site], supporter, due, registry))

    cps_instruments = [i for i in registry if "cps" in i.respondents]
    # Peer supporters owe their "before training" time point from enrolment on their first course,
    # whether or not they are ever certified (trainees who leave the course are still in the study).
    courses = (CourseTrainee.select(CourseTrainee.person, Person.given_name, Person.family_name, Person.site,
                                    fn.MIN(Course.starts_on), fn.MIN(Course.ends_on))
               .join(Person, on=(CourseTrainee.person == Person.id))
               .switch(CourseTrainee).join(Course, on=(CourseTrainee.course == Course.id))
               .group_by(CourseTrainee.person, Person.given_name, Person.family_name, Person.site)
               .having(fn.MIN(Course.ends_on) >= since))
    if site_id is not None:
        courses = courses.where(Person.site == site_id)
    if cps_id is not None:
        courses = courses.where(CourseTrainee.person == cps_id)
    caseload = dict(Match.select(Match.supporter, fn.MAX(Match.ended_on))
                    .group_by(Match.supporter)
                    .having(fn.COUNT(Match.id) == fn.COUNT(Match.ended_on)).tuples())
    for person_id, given, family, person_site, start, end in courses.tuples().iterator():
        anchors = {"training_start": start, "training_end": end, "caseload_end": caseload.get(person_id)}
        for due in assessments_due(cps_instruments, "cps", anchors, today,
                                   completed=done.get(("cps", person_id), {}), due_soon_days=due_soon_days):
            if str(due.state.status) in wanted:
                rows.append(_row("cps", person_id, f"{given} {family}", sites[person_site], person_id, due, registry))
    order = {"overdue": 0, "due": 1, "due_soon": 2, "not_yet_due": 3, "done": 4}
    rows.sort(key=lambda r: (order.get(r.status, 9), r.closes or today, r.label))
    return rows


def _row(respondent, subject_id, label, site, cps_id, due, registry) -> DueRow:
    state = due.state
    instrument = registry.get(due.instrument_id)
    return DueRow(respondent, subject_id, label, site, cps_id, due.instrument_id,
                  instrument.short_title or instrument.title, state.time_point_id, state.label, str(state.status),
                  state.window.opens if state.window else None, state.window.closes if state.window else None,
                  state.days_overdue)
