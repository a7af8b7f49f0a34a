"""Who owes which assessment, as rows with their status on a given day.

The windows are kept in the database (figures/due.py: carers from their first match, peer
supporters from their first course); this reads them for reports and tests. The due page reads
the same rows a page at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case

from cascade.stats.schedule import Status

from ..cascade.models import Person, Site
from ..figures import due as owed
from ..figures.models import AssessmentDue
from ..support.models import Carer

HORIZON_DAYS = owed.HORIZON_DAYS


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


def due_list(registry, today: dt.date, *, site_id: int | None = None, cps_id: int | None = None,
             statuses=(Status.DUE, Status.DUE_SOON, Status.OVERDUE)) -> list[DueRow]:
    """Every time point due, due soon or overdue on `today` (or those of `statuses`), overdue first."""
    wanted = {str(s) for s in statuses}
    sites = dict(Site.select(Site.id, Site.code).tuples())
    status = owed.status_case(today, owed.due_soon_days())
    order = Case(None, [(status == "overdue", 0), (status == "due", 1)], 2)
    found = list(owed.pending(today, site_id=site_id, cps_id=cps_id).order_by(order, AssessmentDue.closes,
                                                                              AssessmentDue.id))
    carers = dict(Carer.select(Carer.id, Carer.study_id)
                  .where(Carer.id.in_([r.subject for r in found if r.respondent == "carer"] or [0])).tuples())
    people = {p.id: p.name for p in Person.select(Person.id, Person.given_name, Person.family_name)
              .where(Person.id.in_([r.subject for r in found if r.respondent == "cps"] or [0]))}
    instruments = {i.id: i for i in registry}
    rows = []
    for r in found:
        state = "overdue" if r.closes < today else "due" if r.opens <= today else "due_soon"
        if state not in wanted:
            continue
        instrument = instruments.get(r.instrument_id)
        point = next((p for p in instrument.time_points if p.id == r.time_point), None) if instrument else None
        rows.append(DueRow(r.respondent, r.subject, carers.get(r.subject) if r.respondent == "carer"
                           else people.get(r.subject, ""), sites.get(r.site, ""), r.cps, r.instrument_id,
                           (instrument.short_title or instrument.title) if instrument else r.instrument_id,
                           r.time_point, point.label if point else r.time_point, state, r.opens, r.closes,
                           (today - r.closes).days if state == "overdue" else None))
    return rows
