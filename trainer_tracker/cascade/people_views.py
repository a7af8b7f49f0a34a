"""Cascade pages: people (list, add, one person's page, a trainer or supporter's own page)."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from peewee import fn

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..errors import Refused
from ..web import listing, once
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from . import lineage, services
from .blueprint import (
    PEOPLE_VIEWERS,
    bp,
    managed_site,
    site_choices,
)
from .forms import (
    PersonForm,
)
from .models import (
    Certification,
    CertificationEvent,
    Course,
    CourseTrainee,
    CourseTrainer,
    Person,
    Site,
)


@bp.get("/people")
@allow(*roles.CASCADE_VIEWERS)
def people():
    """Everyone this user may see, a page at a time: by site and certification, or by name."""
    sites = visible_sites(current_user)
    site_code = listing.choice("site", {s.code for s in sites})
    status = listing.choice("status", PERSON_STATUSES)
    words = listing.search_text()
    query = access.people(current_user).join(Site, on=(Person.site == Site.id)).select(Person, Site)
    if site_code:
        query = query.where(Site.code == site_code)
    for word in words.split()[:5]:
        query = query.where(listing.contains(Person.given_name, word) | listing.contains(Person.family_name, word))
    query = _with_certification_status(query, status)
    page = listing.paged(query.order_by(Site.code, Person.family_name, Person.given_name, Person.id))
    ids = [p.id for p in page.rows]
    gens = {p.id: p.generation for p in page.rows}  # kept on the row (figures/generations.py)
    latest = {}
    if ids:
        for cert in (Certification.select().where(Certification.person.in_(ids))
                     .order_by(Certification.certified_on, Certification.id)):
            latest[cert.person_id] = cert
    filters = [{"name": "q", "label": "Name", "value": words, "width": 20},
               {"name": "site", "label": "Site", "value": site_code,
                "options": [("", "All sites")] + [(s.code, s.name) for s in sites]},
               {"name": "status", "label": "Certification", "value": status,
                "options": [("", "Any")] + list(PERSON_STATUSES.items())}]
    return render_template("cascade/people.html", page=page, gens=gens, latest=latest, filters=filters,
                           can_add=access.can_manage_people(current_user))


PERSON_STATUSES = {"active": "Certified and active", "lapsed": "Certification lapsed", "revoked": "Revoked",
                   "none": "Not certified", "founding": "Founding trainers"}


def _with_certification_status(query, status: str):
    today = dt.date.today()
    active = Certification.select(Certification.person).where(
        (Certification.status == "active") & ((Certification.expires_on >= today) | Certification.expires_on.is_null()))
    if status == "active":
        return query.where(Person.id.in_(active))
    if status == "lapsed":
        lapsed = Certification.select(Certification.person).where(
            (Certification.status == "lapsed") | ((Certification.status == "active") & (Certification.expires_on < today)))
        return query.where(Person.id.in_(lapsed) & Person.id.not_in(active))
    if status == "revoked":
        return query.where(Person.id.in_(Certification.select(Certification.person)
                                         .where(Certification.status == "revoked")) & Person.id.not_in(active))
    if status == "none":
        return query.where(Person.id.not_in(Certification.select(Certification.person))
                           & (Person.founding_trainer == False))  # noqa: E712
    if status == "founding":
        return query.where(Person.founding_trainer == True)  # noqa: E712
    return query


def visible_sites(user) -> list[Site]:
    query = Site.select().order_by(Site.name)
    return list(query.where(Site.id == user.site_id)) if user.role == roles.SITE_LEAD else list(query)


@bp.route("/people/new", methods=["GET", "POST"])
@allow(*roles.STAFF)
def new_person():
    form = PersonForm()
    form.site.choices = site_choices(current_user)
    if current_user.role not in roles.CENTRAL:
        del form.founding_trainer
    if form.validate_on_submit():
        site = managed_site(form.site.data)
        founding = bool(getattr(form, "founding_trainer", None) and form.founding_trainer.data)
        try:
            with once.claim(form):
                person = services.create_person(current_user, form.given_name.data, form.family_name.data, site, founding)
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"{person.name} added.", "success")
            return redirect(url_for("cascade.person", person_id=person.id))
    return render_template("cascade/form_page.html", form=form, title="Add a person", submit="Add person",
                           back=url_for("cascade.people"))


@bp.get("/me")
@allow(roles.SUPPORTER, roles.TRAINER)
def me():
    if not current_user.person_id:
        flash("Your account is not linked to a person in the cascade yet. Ask your site lead.", "info")
        return redirect(url_for("auth.account"))
    return redirect(url_for("cascade.person", person_id=current_user.person_id))


@bp.get("/people/<int:person_id>")
@allow(*PEOPLE_VIEWERS)
def person(person_id: int):
    """A person, their lineage up to generation 0 (one recursive query) and their certificates."""
    found = access.person(current_user, person_id)
    site = Site.get_by_id(found.site_id)
    steps = lineage.lineage(found.id)
    generation = lineage.generation_from(steps, found.founding_trainer)
    certs = list(Certification.select(Certification, Course).join(Course)
                 .where(Certification.person == found.id).order_by(Certification.certified_on, Certification.id))
    events = {}
    if certs:
        for event in (CertificationEvent.select().where(CertificationEvent.certification.in_([c.id for c in certs]))
                      .order_by(CertificationEvent.at)):
            events.setdefault(event.certification_id, []).append(event)
    trained = list(Course.select().join(CourseTrainer).where(CourseTrainer.person == found.id).order_by(Course.starts_on))
    attended = list(Course.select().join(CourseTrainee).where(CourseTrainee.person == found.id).order_by(Course.starts_on))
    certified_count = (Certification.select(fn.COUNT(Certification.id))
                       .where((Certification.certified_by == found.id) & Certification.renewal_of.is_null()).scalar())
    account = found.account.first() if current_user.role in roles.STAFF else None
    from ..refreshers.models import Refresher

    refreshers = list(Refresher.select().where(Refresher.person == found.id).order_by(Refresher.assigned_at.desc()))
    return render_template("cascade/person.html", person=found, refreshers=refreshers,
                           modules=get_curriculum().modules, can_confirm=current_user.role in (*roles.STAFF, roles.TRAINER), site=site, steps=steps, generation=generation,
                           can_edit=access.can_manage_people(current_user, found.site_id), account=account,
                           can_reset=bool(account and access.can_reset_password(current_user, account)),
                           history=history(("person", found.id)) if current_user.role in roles.STAFF else [],
                           certs=certs, events=events, trained=trained, attended=attended,
                           certified_count=certified_count)
