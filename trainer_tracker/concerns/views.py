"""Concerns: raise one (peer supporters, trainers, staff), the site lead's queue, acknowledge, close."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cascade.config import programme

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Person, Site
from ..errors import NotVisible, Refused
from ..support.models import Carer
from ..web import listing, once, pickers
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import query_id
from . import services
from .forms import CloseForm, RaiseForm
from .models import Concern

bp = Blueprint("concerns", __name__)
RAISERS = (*roles.STAFF, roles.TRAINER, roles.SUPPORTER)
STATUSES = {"open": "Not yet acknowledged", "acknowledged": "Acknowledged", "closed": "Closed"}


def _site_contacts(site_id: int | None) -> dict | None:
    """The site's team and out-of-hours routes from the programme configuration."""
    code = Site.select(Site.code).where(Site.id == site_id).scalar() if site_id else None
    for entry in programme().get("sites") or []:
        if code and str(entry.get("code", "")).upper() == code:
            return entry
    return None


def _own_site() -> int | None:
    if current_user.site_id:
        return current_user.site_id
    if current_user.person_id:
        return Person.select(Person.site).where(Person.id == current_user.person_id).scalar()
    return None


@bp.route("/concerns/new", methods=["GET", "POST"])
@allow(*RAISERS)
def raise_concern():
    settings = services.settings()
    form = RaiseForm()
    form.about.choices = list(services.ABOUT.items())
    form.urgency.choices = list(services.URGENCY.items())
    form.category.choices = list(settings["categories"].items())
    pickers.bind(form.carer, access.carers(current_user).where(Carer.status != "withdrawn"), label=lambda c: c.study_id,
                 search=[Carer.study_id], order=[Carer.study_id], blank="Not about a carer", noun="carers")
    if request.method == "GET" and request.args.get("carer"):
        form.carer.data = query_id("carer")
        form.about.data = "carer"
    if not pickers.searching() and form.validate_on_submit():
        carer = None
        try:
            if form.about.data == "carer" and form.carer.data:
                carer = access.carer(current_user, form.carer.data)
            person = Person.get_or_none(Person.id == current_user.person_id) if current_user.person_id else None
            with once.claim(form):
                row = services.raise_concern(
                    current_user, about=form.about.data, category=form.category.data, urgency=form.urgency.data,
                    description=form.description.data, carer=carer, person=person,
                    site=Site.get_or_none(Site.id == _own_site()),
                    source="staff" if current_user.role in roles.STAFF else "supporter")
        except NotVisible:
            abort(404)
        except Refused as exc:
            attach(form, exc)
        else:
            return redirect(url_for("concerns.concern", concern_id=row.id, raised=1))
    return render_template("concerns/new.html", form=form, contacts=_site_contacts(_own_site()))


@bp.get("/concerns")
@allow(*RAISERS)
def queue():
    """Staff: the site's concerns, open ones first with their clocks. Others: the ones they raised."""
    status = listing.choice("status", STATUSES)
    query = access.concerns(current_user).select(Concern, Site).join(Site)
    if status:
        query = query.where(Concern.status == status)
    order = [(Concern.status == "closed").asc(), (Concern.status == "acknowledged").asc(), Concern.raised_at.desc(),
             Concern.id.desc()]
    page = listing.paged(query.order_by(*order))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    clocks = {c.id: services.due_by(c) for c in page.rows}
    filters = [{"name": "status", "label": "Status", "value": status,
                "options": [("", "Any")] + list(STATUSES.items())}]
    return render_template("concerns/queue.html", page=page, clocks=clocks, now=now, filters=filters,
                           staff=current_user.role in roles.STAFF, settings=services.settings(),
                           categories=services.settings()["categories"], urgency=services.URGENCY)


@bp.route("/concerns/<int:concern_id>", methods=["GET", "POST"])
@allow(*RAISERS)
def concern(concern_id: int):
    try:
        found = access.concern(current_user, concern_id)
    except NotVisible:
        abort(404)
    can_act = access.can_act_on_concern(current_user, found)
    settings = services.settings()
    form = CloseForm()
    form.outcome.choices = [("", "Choose the outcome")] + list(settings["outcomes"].items())
    if request.method == "POST":
        if not can_act:
            abort(403)
        if form.validate_on_submit():
            try:
                services.close(current_user, found, outcome=form.outcome.data, action=form.action.data)
            except Refused as exc:
                attach(form, exc)
            else:
                flash("Concern closed.", "success")
                return redirect(url_for("concerns.concern", concern_id=found.id))
    return render_template("concerns/concern.html", concern=found, form=form, can_act=can_act, settings=settings,
                           due_by=services.due_by(found), urgency=services.URGENCY, about=services.ABOUT,
                           contacts=_site_contacts(found.site_id), raised=request.args.get("raised") == "1",
                           history=history(("concern", found.id)) if can_act else [])


@bp.post("/concerns/<int:concern_id>/acknowledge")
@allow(*roles.STAFF)
def acknowledge(concern_id: int):
    try:
        found = access.concern(current_user, concern_id)
    except NotVisible:
        abort(404)
    if not access.can_act_on_concern(current_user, found):
        abort(403)
    try:
        services.acknowledge(current_user, found)
    except Refused as exc:
        flash(exc.message, "info")
    else:
        flash("Concern acknowledged. Record what you do, then close it.", "success")
    return redirect(url_for("concerns.concern", concern_id=found.id))
