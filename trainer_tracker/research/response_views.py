"""Research: entering and correcting assessment responses, and the list of them."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Person
from ..errors import NotVisible, Refused
from ..support.models import Carer
from ..web import listing, once
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import query_id
from . import services
from .blueprint import ENTRY_ROLES, bp, registry
from .forms import (
    answers_from,
    fill,
    instrument_form,
)
from .models import AssessmentAnswer, AssessmentResponse


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


@bp.get("/responses")
@allow(*ENTRY_ROLES)
def responses():
    """The assessment responses this user may see, newest first, a page at a time: by instrument,
    time point, site and dates, or searched by study ID or name."""
    from ..cascade.models import Site as SiteModel

    instruments = {i.id: (i.short_title or i.title) for i in registry()}
    visible_carers = access.carers(current_user).select(Carer.id)
    if current_user.role in (roles.SUPPORTER, roles.TRAINER):
        visible_people = Person.select(Person.id).where(Person.id == (current_user.person_id or 0))
    else:
        visible_people = access.people(current_user).select(Person.id)
    R = AssessmentResponse
    query = (R.select(R, Carer.study_id, Person.given_name, Person.family_name, SiteModel.code)
             .join(Carer, JOIN.LEFT_OUTER, on=(R.carer == Carer.id))
             .switch(R).join(Person, JOIN.LEFT_OUTER, on=(R.person == Person.id))
             .switch(R).join(SiteModel, on=(R.site == SiteModel.id))
             .where(R.carer.in_(visible_carers) | R.person.in_(visible_people)))
    sites = {s.code: s.id for s in SiteModel.select(SiteModel.id, SiteModel.code)}
    instrument = listing.choice("instrument", instruments)
    site_code = listing.choice("site", sites) if current_user.role in roles.CENTRAL else ""
    since, until = listing.date_arg("from"), listing.date_arg("to")
    words = listing.search_text()
    if instrument:
        query = query.where(R.instrument_id == instrument)
    if request.args.get("time_point"):
        query = query.where(R.time_point == request.args["time_point"][:32])
    if site_code:
        query = query.where(R.site == sites[site_code])
    if since:
        query = query.where(R.completed_on >= since)
    if until:
        query = query.where(R.completed_on <= until)
    for word in words.split()[:5]:
        query = query.where(listing.contains(Carer.study_id, word) | listing.contains(Person.given_name, word)
                            | listing.contains(Person.family_name, word))
    page = listing.paged(query.order_by(R.completed_on.desc(), R.id.desc()), count=False)
    filters = [{"name": "q", "label": "Study ID or name", "value": words, "width": 10},
               {"name": "instrument", "label": "Instrument", "value": instrument,
                "options": [("", "Any")] + sorted(instruments.items(), key=lambda kv: kv[1])},
               {"name": "from", "label": "Completed from", "value": request.args.get("from", ""), "type": "date"},
               {"name": "to", "label": "to", "value": request.args.get("to", ""), "type": "date"}]
    if current_user.role in roles.CENTRAL:
        filters.insert(2, {"name": "site", "label": "Site", "value": site_code,
                           "options": [("", "All sites")] + [(code, code) for code in sorted(sites)]})
    return render_template("research/responses.html", page=page, filters=filters, instruments=instruments)
