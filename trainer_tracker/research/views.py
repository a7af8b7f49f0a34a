"""Research pages: due lists, assessment entry, adverse events with reporting clocks, costs."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import Case, fn

from cascade.stats import adverse
from cascade.stats.costs import load_unit_costs

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Person, Site
from ..errors import NotVisible, Refused
from ..figures import due as owed
from ..figures.models import AssessmentDue
from ..support.models import Carer
from ..web import listing, once, pickers
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import query_id
from . import corrections, economics, services
from .forms import (
    AdverseEventForm,
    CostForm,
    EditAdverseEventForm,
    EditCostForm,
    ReportedForm,
    VoidForm,
    answers_from,
    fill,
    instrument_form,
)
from .models import AdverseEvent, AssessmentAnswer, AssessmentResponse, CostItem

bp = Blueprint("research", __name__, url_prefix="/research")
ENTRY_ROLES = (*roles.STAFF, roles.TRAINER, roles.SUPPORTER)


@lru_cache(maxsize=4)
def _registry_for(root: str, licensed: str | None):
    from cascade.assessments.instruments import load_instruments

    return load_instruments(Path(root) / "assessments")


def registry():
    import os

    return _registry_for(current_app.config["CONTENT_ROOT"], os.environ.get("CASCADE_LICENSED_TEXT"))


def _scope_site():
    return current_user.site_id if current_user.role == roles.SITE_LEAD else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def overdue_reports(site_id: int | None = None) -> list[tuple[AdverseEvent, object]]:
    """Open adverse events with a report past its deadline (for the dashboard alerts)."""
    query = AdverseEvent.select().where(AdverseEvent.status == "open")
    if site_id is not None:
        query = query.where(AdverseEvent.site == site_id)
    now, found = _now(), []
    for row in query:
        for report in services.reports_for(row, now):
            if report.overdue:
                found.append((row, report))
    return found


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


def _target():
    """The carer or person the assessment is about, checked against what this user may see."""
    try:
        if request.args.get("carer"):
            return access.carer(current_user, query_id("carer") or 0), None
        if request.args.get("person"):
            person = access.person(current_user, query_id("person") or 0)
            if current_user.role in (roles.SUPPORTER, roles.TRAINER) and person.id != current_user.person_id:
                abort(403)
            return None, person
    except (NotVisible, ValueError):
        abort(404)
    abort(404)


@bp.route("/responses/new", methods=["GET", "POST"])
@allow(*ENTRY_ROLES)
def new_response():
    try:
        instrument = registry().get(request.args.get("instrument", ""))
    except KeyError:
        abort(404)
    carer, person = _target()
    state = instrument.licensed_text_state
    points = [(tp.id, tp.label) for tp in instrument.time_points
              if tp.respondent == ("carer" if carer is not None else "cps")] or [("event", "Not scheduled")]
    Form, fields = instrument_form(instrument, [("", "Choose a time point")] + points)
    form = Form()
    if request.method == "GET" and request.args.get("time_point"):
        form.time_point.data = request.args["time_point"]
    if state.installed and form.validate_on_submit():
        try:
            with once.claim(form):
                services.save_response(current_user, instrument, time_point=form.time_point.data,
                                       completed_on=form.completed_on.data, answers=answers_from(form, fields),
                                       carer=carer, person=person)
        except Refused as exc:
            attach(form, exc, {item.id: name for name, item in fields})
        else:
            flash(f"{instrument.title} saved and scored.", "success")
            return redirect(url_for("support.carer", carer_id=carer.id) if carer is not None
                            else url_for("research.due"))
    subject = carer.study_id if carer is not None else person.name
    return render_template("research/response_form.html", form=form, fields=fields, instrument=instrument,
                           state=state, subject=subject, response=None)


def _response_visible(row: AssessmentResponse) -> None:
    try:
        if row.carer_id:
            access.carer(current_user, row.carer_id)
        else:
            person = access.person(current_user, row.person_id)
            if current_user.role in (roles.SUPPORTER, roles.TRAINER) and person.id != current_user.person_id:
                raise NotVisible(row.id)
    except NotVisible:
        abort(404)


@bp.route("/responses/<int:response_id>", methods=["GET", "POST"])
@allow(*ENTRY_ROLES)
def response(response_id: int):
    row = AssessmentResponse.get_or_none(AssessmentResponse.id == response_id)
    if row is None:
        abort(404)
    _response_visible(row)
    try:
        instrument = registry().get(row.instrument_id)
    except KeyError:
        abort(404)
    state = instrument.licensed_text_state
    Form, fields = instrument_form(instrument, None)
    form = Form()
    stored = {a.item_id: services.deserialise(instrument.item(a.item_id), a.value)
              for a in AssessmentAnswer.select().where(AssessmentAnswer.response == row) if a.value is not None}
    if request.method == "GET":
        fill(form, fields, stored)
    elif state.installed and form.validate_on_submit():
        try:
            services.edit_response(current_user, row, instrument, answers_from(form, fields), form.reason.data or "")
        except Refused as exc:
            attach(form, exc, {item.id: name for name, item in fields})
        else:
            flash("Answers changed and re-scored. The change is in the audit log.", "success")
            return redirect(url_for("research.response", response_id=row.id))
    scores = json.loads(row.scores or "{}")
    subject = row.carer.study_id if row.carer_id else row.person.name
    return render_template("research/response_form.html", form=form, fields=fields, instrument=instrument,
                           state=state, subject=subject, response=row, scores=scores,
                           history=history(("assessment_response", row.id)))


# Adverse events --------------------------------------------------------------------------

def _events_query():
    query = AdverseEvent.select()
    site_id = _scope_site()
    return query.where(AdverseEvent.site == site_id) if site_id is not None else query


@bp.get("/adverse-events")
@allow(*roles.STAFF)
def adverse_events():
    """Adverse events, newest first, a page at a time: by status, seriousness, who was affected."""
    now = _now()
    status = listing.choice("status", {"open", "closed"})
    serious = listing.choice("serious", {"yes", "no"})
    affected = listing.choice("affected", {"carer", "cps", "patient"})
    query = _events_query()
    if status:
        query = query.where(AdverseEvent.status == status)
    if serious:
        query = query.where((AdverseEvent.seriousness != "") if serious == "yes" else (AdverseEvent.seriousness == ""))
    if affected:
        query = query.where(AdverseEvent.affected == affected)
    page = listing.paged(query.order_by(AdverseEvent.aware_at.desc(), AdverseEvent.id.desc()))
    rows = [(row, services.classify(row), services.reports_for(row, now)) for row in page.rows]
    filters = [{"name": "status", "label": "Status", "value": status,
                "options": [("", "Any"), ("open", "Open"), ("closed", "Closed")]},
               {"name": "serious", "label": "Serious", "value": serious,
                "options": [("", "Any"), ("yes", "Serious"), ("no", "Not serious")]},
               {"name": "affected", "label": "Who was affected", "value": affected,
                "options": [("", "Anyone"), ("carer", "A carer"), ("cps", "A peer supporter"),
                            ("patient", "The person cared for")]}]
    return render_template("research/adverse_events.html", rows=rows, page=page, filters=filters,
                           criteria=adverse.SERIOUSNESS_CRITERIA)


@bp.route("/adverse-events/new", methods=["GET", "POST"])
@allow(*roles.STAFF)
def new_adverse_event():
    form = AdverseEventForm()
    _event_choices(form)
    if not pickers.searching() and form.validate_on_submit():
        carer = access.carer(current_user, form.carer.data) if form.carer.data else None
        person = access.person(current_user, form.person.data) if form.person.data else None
        aware = parse_time(form.aware_on.data, form.aware_time)
        if aware is not None:
            site_id = (carer.site_id if carer else person.site_id if person else
                       current_user.site_id or Site.select().order_by(Site.id).first().id)
            try:
                with once.claim(form):
                    row = services.record_adverse_event(
                        current_user, site=Site.get_by_id(site_id), affected=form.affected.data, onset_on=form.onset_on.data,
                        aware_at=aware, seriousness=form.seriousness.data or [], relatedness=form.relatedness.data,
                        expectedness=form.expectedness.data, description=form.description.data or "", carer=carer,
                        person=person, safeguarding_escalated=form.safeguarding_escalated.data,
                        safeguarding_referral_on=form.safeguarding_referral_on.data)
            except Refused as exc:
                attach(form, exc)
            else:
                flash("Adverse event recorded. Check the reporting deadlines below.", "success")
                return redirect(url_for("research.adverse_event", event_id=row.id))
    return render_template("cascade/form_page.html", form=form, title="Record an adverse event", submit="Save event",
                           back=url_for("research.adverse_events"))


def _event_choices(form) -> None:
    """Carers and people this user may see: searched by study ID or name when there are many."""
    pickers.bind(form.carer, access.carers(current_user), label=lambda c: c.study_id, search=[Carer.study_id],
                 order=[Carer.study_id], blank="None", noun="carers")
    pickers.bind(form.person, access.people(current_user).where(Person.founding_trainer == False),  # noqa: E712
                 label=lambda p: p.name, search=[Person.given_name, Person.family_name],
                 order=[Person.family_name, Person.given_name, Person.id], blank="None", noun="people")


def _event(event_id: int) -> AdverseEvent:
    row = _events_query().where(AdverseEvent.id == event_id).first()
    if row is None:
        abort(404)
    return row


@bp.get("/adverse-events/<int:event_id>")
@allow(*roles.STAFF)
def adverse_event(event_id: int):
    row = _event(event_id)
    return render_template("research/adverse_event.html", row=row, classification=services.classify(row),
                           reports=services.reports_for(row, _now()), form=ReportedForm(),
                           criteria=adverse.SERIOUSNESS_CRITERIA, history=history(("adverse_event", row.id)))


@bp.route("/adverse-events/<int:event_id>/edit", methods=["GET", "POST"])
@allow(*roles.STAFF)
def edit_adverse_event(event_id: int):
    row = _event(event_id)
    data = None
    if request.method == "GET":
        data = {"affected": row.affected, "carer": row.carer_id, "person": row.person_id, "onset_on": row.onset_on,
                "aware_on": row.aware_at.date(), "aware_time": row.aware_at.strftime("%H:%M"),
                "seriousness": [c for c in row.seriousness.split(",") if c], "relatedness": row.relatedness,
                "expectedness": row.expectedness, "description": row.description,
                "safeguarding_escalated": row.safeguarding_escalated,
                "safeguarding_referral_on": row.safeguarding_referral_on}
    form = EditAdverseEventForm(data=data)
    _event_choices(form)
    if not pickers.searching() and form.validate_on_submit():
        carer = access.carer(current_user, form.carer.data) if form.carer.data else None
        person = access.person(current_user, form.person.data) if form.person.data else None
        aware = parse_time(form.aware_on.data, form.aware_time)
        if aware is not None:
            try:
                corrections.correct_adverse_event(
                    current_user, row, affected=form.affected.data, onset_on=form.onset_on.data, aware_at=aware,
                    seriousness=form.seriousness.data or [], relatedness=form.relatedness.data,
                    expectedness=form.expectedness.data, description=form.description.data or "", carer=carer,
                    person=person, reason=form.reason.data)
            except Refused as exc:
                attach(form, exc)
            else:
                flash("Adverse event corrected. Check the reporting deadlines again.", "success")
                return redirect(url_for("research.adverse_event", event_id=row.id))
    return render_template("cascade/form_page.html", form=form, title=f"Correct adverse event {row.id}",
                           submit="Save correction", back=url_for("research.adverse_event", event_id=row.id))


def parse_time(day: dt.date, field) -> dt.datetime | None:
    """A date and a 24-hour time like 14:30 as a datetime; a bad time puts its error on the field."""
    text = (field.data or "").strip()
    try:
        if len(text) > 8:
            raise ValueError(text)
        at = dt.time.fromisoformat(text)
    except ValueError:
        field.errors = list(field.errors) + ["Enter the time like 14:30."]
        return None
    return dt.datetime.combine(day, at.replace(tzinfo=None))


@bp.post("/adverse-events/<int:event_id>/reported")
@allow(*roles.STAFF)
def adverse_event_reported(event_id: int):
    row = _event(event_id)
    form = ReportedForm()
    if form.validate_on_submit():
        at = parse_time(form.reported_on.data, form.reported_time)
        try:
            if at is None:
                raise Refused("Enter the time like 14:30.")
            services.mark_reported(current_user, row, form.recipient.data, at)
        except Refused as exc:
            flash(exc.message, "info")
        else:
            flash("Report recorded.", "success")
    else:
        flash("Choose who the report went to, and when.", "info")
    return redirect(url_for("research.adverse_event", event_id=row.id))


@bp.post("/adverse-events/<int:event_id>/close")
@allow(*roles.STAFF)
def adverse_event_close(event_id: int):
    row = _event(event_id)
    try:
        services.close_adverse_event(current_user, row)
    except Refused as exc:
        flash(exc.message, "info")
    else:
        flash("Adverse event closed.", "success")
    return redirect(url_for("research.adverse_event", event_id=row.id))


# Costs ------------------------------------------------------------------------------------

@bp.route("/costs", methods=["GET", "POST"])
@allow(*roles.STAFF, roles.RESEARCHER)
def costs():
    table = load_unit_costs()
    form = CostForm()
    sites = Site.select().order_by(Site.name)
    if current_user.role == roles.SITE_LEAD:
        sites = sites.where(Site.id == current_user.site_id)
    form.site.choices = [(s.id, s.name) for s in sites]
    form.category.choices = list(services.COST_CATEGORIES.items())
    form.unit_cost_key.choices = [("", "None: I will give an amount")] + [
        (key, f"{c.label} ({c.unit})") for key, c in table.costs.items()]
    if request.method == "POST":
        if current_user.role not in roles.STAFF:
            abort(403)
        if form.validate_on_submit():
            site = Site.get_or_none(Site.id == form.site.data)
            if site is None or not access.can_manage_people(current_user, site.id):
                abort(403)
            try:
                with once.claim(form):
                    services.add_cost_item(current_user, site=site, category=form.category.data,
                                           occurred_on=form.occurred_on.data, quantity=form.quantity.data,
                                           unit_cost_key=form.unit_cost_key.data or "", amount=form.amount.data,
                                           description=form.description.data or "", table=table)
            except Refused as exc:
                attach(form, exc)
            else:
                flash("Cost recorded.", "success")
                return redirect(url_for("research.costs"))
    figures = economics.compute(get_curriculum(), site_id=_scope_site(), table=table)
    page, filters = _cost_lines()
    return render_template("research/costs.html", figures=figures, table=table, form=form,
                           can_add=current_user.role in roles.STAFF, page=page, filters=filters,
                           categories=services.COST_CATEGORIES)


def _cost_lines():
    """The cost lines behind the figures, newest first, a page at a time: by category and dates."""
    category = listing.choice("category", services.COST_CATEGORIES)
    since, until = listing.date_arg("from"), listing.date_arg("to")
    lines = CostItem.select(CostItem, Site).join(Site)
    if _scope_site() is not None:
        lines = lines.where(CostItem.site == _scope_site())
    if category:
        lines = lines.where(CostItem.category == category)
    if since:
        lines = lines.where(CostItem.occurred_on >= since)
    if until:
        lines = lines.where(CostItem.occurred_on <= until)
    page = listing.paged(lines.order_by(CostItem.occurred_on.desc(), CostItem.id.desc()))
    filters = [{"name": "category", "label": "Category", "value": category,
                "options": [("", "Any")] + list(services.COST_CATEGORIES.items())},
               {"name": "from", "label": "From", "value": since.isoformat() if since else "", "type": "date"},
               {"name": "to", "label": "To", "value": until.isoformat() if until else "", "type": "date"}]
    return page, filters


def _cost(item_id: int) -> CostItem:
    row = CostItem.get_or_none(CostItem.id == item_id)
    if row is None or not access.can_manage_people(current_user, row.site_id):
        raise NotVisible(item_id)
    return row


@bp.route("/costs/<int:item_id>/edit", methods=["GET", "POST"])
@allow(*roles.STAFF)
def edit_cost(item_id: int):
    row = _cost(item_id)
    table = load_unit_costs()
    form = EditCostForm(data={"category": row.category, "occurred_on": row.occurred_on,
                              "unit_cost_key": row.unit_cost_key, "quantity": str(row.quantity),
                              "amount": "" if row.amount is None else str(row.amount),
                              "description": row.description} if request.method == "GET" else None)
    form.category.choices = list(services.COST_CATEGORIES.items())
    form.unit_cost_key.choices = [("", "None: I will give an amount")] + [
        (key, f"{c.label} ({c.unit})") for key, c in table.costs.items()]
    if form.validate_on_submit():
        try:
            corrections.correct_cost(current_user, row, category=form.category.data, occurred_on=form.occurred_on.data,
                                     quantity=form.quantity.data, unit_cost_key=form.unit_cost_key.data or "",
                                     amount=form.amount.data or None, description=form.description.data or "",
                                     table=table, reason=form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Cost line corrected.", "success")
            return redirect(url_for("research.costs"))
    return render_template("cascade/form_page.html", form=form, title="Correct a cost line", submit="Save correction",
                           back=url_for("research.costs"), history=history(("cost_item", row.id)))


@bp.route("/costs/<int:item_id>/void", methods=["GET", "POST"])
@allow(*roles.STAFF)
def void_cost(item_id: int):
    row = _cost(item_id)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            corrections.void_cost(current_user, row, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Cost line voided. It stays in the history but no longer counts.", "success")
            return redirect(url_for("research.costs"))
    return render_template("cascade/form_page.html", form=form, title="Void a cost line entered by mistake",
                           caption=f"{services.COST_CATEGORIES.get(row.category, row.category)}, {row.occurred_on:%-d %B %Y}",
                           submit="Void cost line", back=url_for("research.costs"), history=history(("cost_item", row.id)))
