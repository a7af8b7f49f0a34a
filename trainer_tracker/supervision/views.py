"""Supervision: sessions recorded by site leads and trainers, who is overdue, private notes."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from peewee import fn

from .. import access
from ..accounts import roles
from ..cascade.models import Certification, Person, Site
from ..errors import Refused
from ..web import listing, once, pickers
from ..web.forms import attach
from ..web.guard import allow
from . import services
from .forms import ATTENDEE_FIELDS, NoteForm, SessionForm
from .models import ReflectiveNote, SupervisionAttendee, SupervisionSession

bp = Blueprint("supervision", __name__)
RECORDERS = (*roles.STAFF, roles.TRAINER)
REFLECTORS = (roles.SUPPORTER, roles.TRAINER, roles.SITE_LEAD)  # people who are supervised or supervise at a site


def _site_id() -> int | None:
    if current_user.site_id:
        return current_user.site_id
    if current_user.person_id:
        return Person.select(Person.site).where(Person.id == current_user.person_id).scalar()
    return None


def _sessions():
    """Sessions this user may see: staff their site's (central roles all); trainers the ones they
    supervised; peer supporters the ones they attended."""
    query = SupervisionSession.select()
    if current_user.role in roles.CENTRAL:
        return query
    if current_user.role == roles.SITE_LEAD:
        return query.where(SupervisionSession.site == current_user.site_id)
    mine = current_user.person_id or 0
    attended = SupervisionAttendee.select(SupervisionAttendee.session).where(SupervisionAttendee.person == mine)
    return query.where((SupervisionSession.supervisor == mine) | SupervisionSession.id.in_(attended))


@bp.get("/supervision")
@allow(*RECORDERS, roles.SUPPORTER)
def sessions():
    page = listing.paged(_sessions().select(SupervisionSession, Site).join(Site)
                         .order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc()))
    ids = [s.id for s in page.rows]
    counts = {sid: n for sid, n in SupervisionAttendee.select(SupervisionAttendee.session,
                                                              fn.COUNT(SupervisionAttendee.id))
              .where(SupervisionAttendee.session.in_(ids or [0])).group_by(SupervisionAttendee.session).tuples()}
    overdue = (services.overdue(None if current_user.role in roles.CENTRAL else _site_id()).count()
               if current_user.role in roles.STAFF else None)
    return render_template("supervision/sessions.html", page=page, counts=counts, kinds=services.KINDS,
                           topics=services.settings()["topics"], overdue=overdue,
                           can_record=current_user.role in RECORDERS, can_reflect=current_user.role in REFLECTORS,
                           every_days=services.settings()["every_days"])


@bp.route("/supervision/new", methods=["GET", "POST"])
@allow(*RECORDERS)
def new_session():
    site_id = _site_id()
    site = Site.get_or_none(Site.id == site_id) if site_id else None
    if site is None:
        flash("Your account is not linked to a site, so supervision cannot be recorded from it.", "info")
        return redirect(url_for("supervision.sessions"))
    form = SessionForm()
    form.topics.choices = list(services.settings()["topics"].items())
    people = access.people(current_user).where(Person.site == site.id)
    pickers.bind(form.supervisor, people, label=lambda p: p.name, search=[Person.given_name, Person.family_name],
                 order=[Person.family_name, Person.given_name, Person.id], blank="Not a person in the cascade",
                 noun="people")
    certified = Certification.select(Certification.person).where(Certification.status == "active")
    supporters = Person.select().where((Person.site == site.id) & Person.id.in_(certified))
    for n in range(1, ATTENDEE_FIELDS + 1):
        pickers.bind(getattr(form, f"attendee_{n}"), supporters, label=lambda p: p.name,
                     search=[Person.given_name, Person.family_name],
                     order=[Person.family_name, Person.given_name, Person.id],
                     blank="Choose a peer supporter" if n == 1 else "Nobody else", noun="peer supporters")
    if not form.is_submitted() and current_user.person_id:
        form.supervisor.data = current_user.person_id
    if not pickers.searching() and form.validate_on_submit():
        chosen = {getattr(form, f"attendee_{n}").data for n in range(1, ATTENDEE_FIELDS + 1)} - {None}
        attendees = list(Person.select().where(Person.id.in_(sorted(chosen)))) if chosen else []
        supervisor = Person.get_or_none(Person.id == form.supervisor.data) if form.supervisor.data else None
        try:
            with once.claim(form):
                services.record_session(current_user, site, kind=form.kind.data, held_on=form.held_on.data,
                                        minutes=form.minutes.data, supervisor=supervisor, attendees=attendees,
                                        topics=form.topics.data or [], follow_ups=form.follow_ups.data or "")
        except Refused as exc:
            attach(form, exc, {"attendees": "attendee_1"})
        else:
            flash("Supervision recorded.", "success")
            return redirect(url_for("supervision.sessions"))
    return render_template("cascade/form_page.html", form=form, title="Record supervision", caption=site.name,
                           submit="Save", back=url_for("supervision.sessions"))


@bp.get("/supervision/overdue")
@allow(*roles.STAFF)
def overdue():
    """Peer supporters whose last supervision was more than the programme's interval ago."""
    site_id = None if current_user.role in roles.CENTRAL else current_user.site_id
    query = services.overdue(site_id).select(Person, Site).join(Site, on=(Person.site == Site.id))
    page = listing.paged(query.order_by(Site.code, Person.family_name, Person.given_name, Person.id))
    last = services.last_supervised([p.id for p in page.rows])
    return render_template("supervision/overdue.html", page=page, last=last, today=dt.date.today(),
                           every_days=services.settings()["every_days"])


@bp.route("/reflections", methods=["GET", "POST"])
@allow(*REFLECTORS)
def reflections():
    """The signed-in person's own reflective notes, newest first, and a new one."""
    form = NoteForm()
    if form.validate_on_submit():
        try:
            with once.claim(form):
                services.write_note(current_user, form.text.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Note saved. Only you can read it.", "success")
            return redirect(url_for("supervision.reflections"))
    if current_user.id is None:
        abort(403)
    page = listing.paged(ReflectiveNote.select().where(ReflectiveNote.author_user_id == current_user.id)
                         .order_by(ReflectiveNote.written_on.desc(), ReflectiveNote.id.desc()))
    return render_template("supervision/reflections.html", page=page, form=form)
