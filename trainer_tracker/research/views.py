"""Research pages: due lists, assessment entry, adverse events with reporting clocks, costs."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cascade.stats import adverse
from cascade.stats.costs import load_unit_costs

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Person, Site
from ..errors import NotVisible, Refused
from ..support.models import Carer
from ..web import once
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import query_id
from . import corrections, economics, services, tracking
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
    status = request.args.get("status") or None

    def compute() -> dict:
        rows = tracking.due_list(registry(), today, site_id=site_id, cps_id=cps_id)
        summary: dict = {}
        per_cps: dict = {}
        for r in rows:
            summary.setdefault(r.site, {"overdue": 0, "due": 0, "due_soon": 0})[r.status] += 1
            if r.cps_id:
                per_cps.setdefault(r.cps_id, {"overdue": 0, "due": 0, "due_soon": 0})[r.status] += 1
        shown = {s: [r for r in rows if r.status == s][:300] for s in ("overdue", "due", "due_soon")}
        shown[None] = rows[:300]
        # The peer supporters with most overdue first; a national list is not read past the top.
        ranked = sorted(per_cps.items(), key=lambda kv: (-kv[1]["overdue"], -kv[1]["due"], kv[0]))
        per_cps = {"rows": ranked[:100], "total": len(ranked)}
        ids = {pid for pid, _ in per_cps["rows"]}
        names = {p.id: p.name for p in Person.select(Person.id, Person.given_name, Person.family_name)
                 .where(Person.id.in_(ids))} if ids else {}
        totals = {s: sum(1 for r in rows if r.status == s) for s in ("overdue", "due", "due_soon")}
        totals[None] = len(rows)
        return {"shown": shown, "totals": totals, "summary": summary, "per_cps": per_cps, "names": names}

    # The programme-wide list takes seconds at national scale: it is kept until the data changes
    # and then worked out again in the background, at most every two minutes (docs/benchmarks.md).
    from ..dashboard import cache

    due_list, computed_at, stale = cache.refreshed(
        "research-due", (today.isoformat(), site_id, cps_id), compute, cache.data_version,
        background=cache.background_runner() if cps_id is None else None, min_interval=120.0)
    status = status if status in due_list["shown"] else None
    return render_template("research/due.html", rows=due_list["shown"][status], total=due_list["totals"][status],
                           summary=due_list["summary"], per_cps=due_list["per_cps"], names=due_list["names"],
                           status=status, sites=list(Site.select().order_by(Site.name)),
                           computed_at=dt.datetime.fromtimestamp(computed_at), stale=stale,
                           is_staff=current_user.role in roles.STAFF)


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
    query = AdverseEvent.select().order_by(AdverseEvent.aware_at.desc())
    site_id = _scope_site()
    return query.where(AdverseEvent.site == site_id) if site_id is not None else query


@bp.get("/adverse-events")
@allow(*roles.STAFF)
def adverse_events():
    now = _now()
    rows = [(row, services.classify(row), services.reports_for(row, now)) for row in _events_query()]
    return render_template("research/adverse_events.html", rows=rows, criteria=adverse.SERIOUSNESS_CRITERIA)


@bp.route("/adverse-events/new", methods=["GET", "POST"])
@allow(*roles.STAFF)
def new_adverse_event():
    form = AdverseEventForm()
    _event_choices(form)
    if form.validate_on_submit():
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
    carers = access.carers(current_user).order_by(Carer.study_id)
    form.carer.choices = [("", "None")] + [(c.id, c.study_id) for c in carers]
    people = access.people(current_user).where(Person.founding_trainer == False).order_by(Person.family_name)  # noqa: E712
    form.person.choices = [("", "None")] + [(p.id, p.name) for p in people]


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
    if form.validate_on_submit():
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
    lines = CostItem.select(CostItem, Site).join(Site).order_by(CostItem.occurred_on.desc(), CostItem.id.desc())
    if _scope_site() is not None:
        lines = lines.where(CostItem.site == _scope_site())
    return render_template("research/costs.html", figures=figures, table=table, form=form,
                           can_add=current_user.role in roles.STAFF, lines=list(lines.limit(50)),
                           categories=services.COST_CATEGORIES)


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
