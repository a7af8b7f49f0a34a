"""Research: the assessments due, due soon and overdue (from the kept windows, figures/due.py)."""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request
from flask_login import current_user
from peewee import Case, fn

from ..accounts import roles
from ..cascade.models import Person, Site
from ..figures import due as owed
from ..figures.models import AssessmentDue
from ..support.models import Carer
from ..web import listing
from ..web.guard import allow
from .blueprint import ENTRY_ROLES, _scope_site, bp, registry


@bp.get("/due")
@allow(*ENTRY_ROLES)
def due():
    """Assessments due, due soon and overdue, per site and per peer supporter."""
    today = dt.date.today()
    cps_id = None
    site_id = _scope_site()
    if current_user.role in (roles.SUPPORTER, roles.TRAINER):
        if not current_user.person_id:
            abort(403)
        cps_id = current_user.person_id
    else:
        code = request.args.get("site", "").upper()
        if code and site_id is None:
            site = Site.get_or_none(Site.code == code)
            site_id = site.id if site else None
    status = listing.choice("status", owed.STATUSES) or None
    # The windows each person owes are kept in the database as the records change
    # (figures/due.py); today's statuses follow from the dates in a few indexed queries.
    codes = dict(Site.select(Site.id, Site.code).tuples())
    summary = {codes.get(site, site): {"overdue": o, "due": d, "due_soon": n}
               for site, o, d, n in owed.counts(today, AssessmentDue.site, site_id=site_id, cps_id=cps_id)}
    summary = dict(sorted(summary.items()))
    totals = {key: sum(c[key] for c in summary.values()) for key in owed.STATUSES}
    totals[None] = sum(totals.values())
    per_cps = {"rows": [], "total": 0}
    names: dict = {}
    if current_user.role in roles.STAFF:
        ranked = owed.counts(today, AssessmentDue.cps, site_id=site_id, order_by_overdue=True, limit=PER_CPS_SHOWN)
        per_cps = {"rows": [(pid, {"overdue": o, "due": d, "due_soon": n}) for pid, o, d, n in ranked if pid],
                   "total": owed.pending(today, site_id=site_id).select(fn.COUNT(fn.DISTINCT(AssessmentDue.cps))).scalar()}
        ids = [pid for pid, _ in per_cps["rows"]]
        names = {p.id: p.name for p in Person.select(Person.id, Person.given_name, Person.family_name)
                 .where(Person.id.in_(ids))} if ids else {}
    query = owed.pending(today, site_id=site_id, cps_id=cps_id)
    if status == "overdue":
        query = query.where(AssessmentDue.closes < today)
    elif status == "due":
        query = query.where((AssessmentDue.opens <= today) & (AssessmentDue.closes >= today))
    elif status == "due_soon":
        query = query.where(AssessmentDue.opens > today)
    rank = owed.status_case(today, owed.due_soon_days())
    order = Case(None, [(rank == "overdue", 0), (rank == "due", 1)], 2)
    page = listing.paged(query.order_by(order, AssessmentDue.closes, AssessmentDue.id), count=False)
    rows = _due_rows(page.rows, today, codes)
    return render_template("research/due.html", rows=rows, page=page, total=totals[status], summary=summary,
                           per_cps=per_cps, names=names, status=status, sites=list(Site.select().order_by(Site.name)),
                           is_staff=current_user.role in roles.STAFF)


PER_CPS_SHOWN = 100  # peer supporters with most overdue first; a national list is not read past the top


def _due_rows(found, today: dt.date, codes: dict) -> list[dict]:
    """The page's rows with their labels (study ID or name), titles and status today."""
    carers = {c.id: c.study_id for c in Carer.select(Carer.id, Carer.study_id)
              .where(Carer.id.in_([r.subject for r in found if r.respondent == "carer"] or [0]))}
    people = {p.id: p.name for p in Person.select(Person.id, Person.given_name, Person.family_name)
              .where(Person.id.in_([r.subject for r in found if r.respondent == "cps"] or [0]))}
    instruments = {i.id: i for i in registry()}
    rows = []
    for r in found:
        instrument = instruments.get(r.instrument_id)
        point = next((p for p in instrument.time_points if p.id == r.time_point), None) if instrument else None
        state = "overdue" if r.closes < today else "due" if r.opens <= today else "due_soon"
        rows.append({"respondent": r.respondent, "subject_id": r.subject,
                     "label": carers.get(r.subject) if r.respondent == "carer" else people.get(r.subject),
                     "site": codes.get(r.site), "instrument_id": r.instrument_id,
                     "instrument_title": (instrument.short_title or instrument.title) if instrument else r.instrument_id,
                     "time_point_id": r.time_point, "time_point": point.label if point else r.time_point,
                     "status": state, "opens": r.opens, "closes": r.closes,
                     "days_overdue": (today - r.closes).days if state == "overdue" else None})
    return rows
