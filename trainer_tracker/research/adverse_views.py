"""Research: adverse events with their reporting clocks."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cascade.stats import adverse

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Person, Site
from ..errors import Refused
from ..support.models import Carer
from ..web import listing, once, pickers
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import query_id
from . import corrections, services
from .blueprint import _now, _scope_site, bp
from .forms import (
    AdverseEventForm,
    EditAdverseEventForm,
    ReportedForm,
    SafeguardingForm,
)
from .models import AdverseEvent


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
    concern = _concern_from_args()
    form = AdverseEventForm(data={"affected": "carer" if concern.carer_id else "cps", "carer": concern.carer_id,
                                  "person": concern.person_id, "onset_on": concern.raised_at.date(),
                                  "aware_on": concern.raised_at.date(),
                                  "aware_time": concern.raised_at.strftime("%H:%M"),
                                  "description": concern.description}
                            if concern is not None and request.method == "GET" else None)
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
                if concern is not None:
                    from ..concerns.services import link_adverse_event

                    link_adverse_event(current_user, concern, row)
                flash("Adverse event recorded. Check the reporting deadlines below.", "success")
                return redirect(url_for("research.adverse_event", event_id=row.id))
    return render_template("cascade/form_page.html", form=form, title="Record an adverse event", submit="Save event",
                           back=url_for("research.adverse_events"))


def _concern_from_args():
    """A concern this user may act on, when the form was opened from it (?concern=ID)."""
    from ..concerns.models import Concern

    concern_id = query_id("concern")
    if concern_id is None:
        return None
    found = access.concerns(current_user).where(Concern.id == concern_id).first()
    return found if found is not None and access.can_act_on_concern(current_user, found) else None


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
                           safeguarding_form=SafeguardingForm(),
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


@bp.post("/adverse-events/<int:event_id>/safeguarding")
@allow(*roles.STAFF)
def adverse_event_safeguarding(event_id: int):
    """Record that the event was escalated to safeguarding (the referral date)."""
    row = _event(event_id)
    form = SafeguardingForm()
    if form.validate_on_submit():
        try:
            services.escalate_safeguarding(current_user, row, form.referral_on.data)
        except Refused as exc:
            flash(exc.message, "info")
        else:
            flash("Safeguarding escalation recorded.", "success")
    else:
        flash("Enter the date of the safeguarding referral.", "info")
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
