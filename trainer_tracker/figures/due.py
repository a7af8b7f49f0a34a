"""The assessments each carer and peer supporter owes, kept as windows (one row per time point).

A write that moves an anchor date (a match made, ended or reopened, a withdrawal, an enrolment, a
course's dates) or completes an assessment refreshes that one person's rows in its transaction;
the status on any day then follows from the dates in one indexed query (`statuses`), so the list
is the same for every worker and server and costs the same after a restart.

Carers owe their time points from their first match (the peer supporter of their latest match
follows them up); a carer who withdrew owes nothing more. Peer supporters owe theirs from their
first course. Anyone whose first anchor is more than HORIZON_DAYS old drops off the list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from peewee import SQL, Case, Value, fn

from cascade.config import content_root, programme
from cascade.stats.schedule import window_for

from ..cascade.models import Course, CourseTrainee, Person
from ..db import lock_rows
from ..research.models import AssessmentResponse
from ..support.models import Carer, Match
from .models import AssessmentDue

HORIZON_DAYS = 400
STATUSES = ("overdue", "due", "due_soon")


@lru_cache(maxsize=4)
def _registry_for(root: str):
    from cascade.assessments.instruments import load_instruments

    return load_instruments(Path(root) / "assessments")


def registry():
    try:
        from flask import current_app

        root = current_app.config["CONTENT_ROOT"]
    except RuntimeError:  # outside the app (command line, loaders)
        root = str(content_root())
    return _registry_for(str(root))


def fingerprint() -> str:
    """Changes when the time points or the support period change (the kept windows then need a
    rebuild: `cascade tracker refresh-figures`)."""
    points = sorted((i.id, p.id, p.respondent, p.anchor, p.offset_days, p.window_before_days, p.window_after_days)
                    for i in registry() for p in i.time_points)
    text = json.dumps([points, int(programme().get("support_period_months", 3))])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, min(day.day, 28))


def _rows(respondent: str, subject: int, site: int, cps: int | None, anchors: dict, since: dt.date,
          done: dict) -> list[dict]:
    rows = []
    for instrument in registry():
        if respondent not in instrument.respondents:
            continue
        for point in instrument.time_points:
            if point.respondent != respondent:
                continue
            anchor = anchors.get(point.anchor)
            window = window_for(point, anchor) if anchor is not None else None
            done_on = done.get((instrument.id, point.id))
            rows.append(dict(respondent=respondent, subject=subject, site=site, cps=cps,
                             instrument_id=instrument.id, time_point=point.id,
                             opens=window.opens if window else None, closes=window.closes if window else None,
                             done_on=done_on, done=int((instrument.id, point.id) in done), since=since))
    return rows


def _done(column, subject_ids: list[int] | None) -> dict[int, dict]:
    """{subject: {(instrument, time point): first date done}} (None: every subject)."""
    done: dict[int, dict] = {}
    query = (AssessmentResponse.select(column, AssessmentResponse.instrument_id, AssessmentResponse.time_point,
                                       fn.MIN(AssessmentResponse.completed_on))
             .where(column.is_null(False) if subject_ids is None else column.in_(subject_ids))
             .group_by(column, AssessmentResponse.instrument_id, AssessmentResponse.time_point))
    for subject, instrument, point, on in query.tuples():
        done.setdefault(subject, {})[(instrument, point)] = on
    return done


def carer_rows(carer_ids: list[int] | None = None) -> list[dict]:
    """The rows of these carers (None: every carer) from the raw records."""
    months = int(programme().get("support_period_months", 3))
    latest = Match.alias("latest")
    query = (Match.select(Match.carer, Carer.site, fn.MIN(Match.matched_on), fn.MAX(Match.ended_on),
                          fn.COUNT(Match.id) - fn.COUNT(Match.ended_on),
                          latest.select(latest.supporter).where(latest.carer == Match.carer)
                          .order_by(latest.matched_on.desc(), latest.id.desc()).limit(1))
             .join(Carer, on=(Match.carer == Carer.id))
             .where(Carer.status != "withdrawn")
             .group_by(Match.carer, Carer.site))
    if carer_ids is not None:
        query = query.where(Match.carer.in_(carer_ids))
    found = list(query.tuples())
    done = _done(AssessmentResponse.carer, carer_ids)
    rows = []
    for carer, site, matched, ended, active, supporter in found:
        anchors = {"matched": matched, "support_end": ended if not active and ended else _add_months(matched, months)}
        rows += _rows("carer", carer, site, supporter, anchors, matched, done.get(carer, {}))
    return rows


def cps_rows(person_ids: list[int] | None = None) -> list[dict]:
    """The rows of these peer supporters (None: everyone enrolled on a course) from the raw records."""
    courses = (CourseTrainee.select(CourseTrainee.person, Person.site, fn.MIN(Course.starts_on), fn.MIN(Course.ends_on))
               .join(Person, on=(CourseTrainee.person == Person.id))
               .switch(CourseTrainee).join(Course, on=(CourseTrainee.course == Course.id))
               .group_by(CourseTrainee.person, Person.site))
    caseload = (Match.select(Match.supporter, fn.MAX(Match.ended_on)).group_by(Match.supporter)
                .having(fn.COUNT(Match.id) == fn.COUNT(Match.ended_on)))
    if person_ids is not None:
        courses = courses.where(CourseTrainee.person.in_(person_ids))
        caseload = caseload.where(Match.supporter.in_(person_ids))
    done = _done(AssessmentResponse.person, person_ids)
    ended = dict(caseload.tuples())
    rows = []
    for person, site, start, end in courses.tuples():
        anchors = {"training_start": start, "training_end": end, "caseload_end": ended.get(person)}
        rows += _rows("cps", person, site, person, anchors, end, done.get(person, {}))
    return rows


def _replace(respondent: str, subject_ids: list[int], rows: list[dict]) -> None:
    AssessmentDue.delete().where((AssessmentDue.respondent == respondent)
                                 & AssessmentDue.subject.in_(subject_ids)).execute()
    for start in range(0, len(rows), 500):
        AssessmentDue.insert_many(rows[start:start + 500]).execute()


def refresh_carers(carer_ids: Iterable[int]) -> None:
    ids = sorted(set(carer_ids))
    if ids:
        lock_rows(Carer, ids)  # two writes for one carer at once: the second reads after the first
        _replace("carer", ids, carer_rows(ids))


def refresh_people(person_ids: Iterable[int]) -> None:
    ids = sorted(set(person_ids))
    if ids:
        lock_rows(Person, ids)
        _replace("cps", ids, cps_rows(ids))


def refresh_course(course_id: int) -> None:
    refresh_people(p for (p,) in CourseTrainee.select(CourseTrainee.person)
                   .where(CourseTrainee.course == course_id).tuples())


def rebuild() -> None:
    AssessmentDue.delete().execute()
    for rows in (carer_rows(), cps_rows()):
        for start in range(0, len(rows), 500):
            AssessmentDue.insert_many(rows[start:start + 500]).execute()


# --- reading ----------------------------------------------------------------------------------


def due_soon_days() -> int:
    return int((programme().get("assessments") or {}).get("due_soon_days", 7))


def status_case(today: dt.date, soon: int):
    """The status of a row on `today` as SQL (rows not done and open by today + soon)."""
    return Case(None, [(AssessmentDue.closes < today, Value("overdue")),
                       (AssessmentDue.opens <= today, Value("due"))], Value("due_soon"))


def pending(today: dt.date, *, site_id: int | None = None, cps_id: int | None = None):
    """Rows due, due soon or overdue on `today` (a query to count, group or page)."""
    soon = due_soon_days()
    query = (AssessmentDue.select()
             .where((AssessmentDue.done == 0) & (AssessmentDue.since >= today - dt.timedelta(days=HORIZON_DAYS))
                    & AssessmentDue.opens.is_null(False) & (AssessmentDue.opens <= today + dt.timedelta(days=soon))))
    if site_id is not None:
        query = query.where(AssessmentDue.site == site_id)
    if cps_id is not None:
        query = query.where(AssessmentDue.cps == cps_id)
    return query


def counts(today: dt.date, by, *, site_id: int | None = None, cps_id: int | None = None,
           order_by_overdue: bool = False, limit: int | None = None) -> list[tuple]:
    """[(group, overdue, due, due_soon)] grouped by a column (site or cps), in one query."""
    status = status_case(today, due_soon_days())
    overdue = fn.SUM(Case(None, [(status == "overdue", 1)], 0))
    due = fn.SUM(Case(None, [(status == "due", 1)], 0))
    soon = fn.SUM(Case(None, [(status == "due_soon", 1)], 0))
    query = (pending(today, site_id=site_id, cps_id=cps_id).select(by, overdue, due, soon).group_by(by))
    if order_by_overdue:
        query = query.order_by(SQL("2 DESC, 3 DESC"), by)
    if limit is not None:
        query = query.limit(limit)
    return list(query.tuples())
