"""Carers (by study ID), matches, contacts and the peer supporter's own caseload."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import fn

from cascade.config import programme

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Person, Site
from ..errors import Refused
from ..web import listing, once, pickers
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import query_id
from . import services
from .blueprint import CARER_VIEWERS, bp
from .forms import CarerForm, ContactDetailsForm, ContactForm, EndForm, MatchForm
from .models import Carer, CarerContactDetails, Contact, Match


@bp.get("/carers")
@allow(*roles.STAFF)
def carers():
    """Carers by study ID, a page at a time: by site and status, or a study ID typed in."""
    sites = Site.select().order_by(Site.name)
    if current_user.role == roles.SITE_LEAD:
        sites = sites.where(Site.id == current_user.site_id)
    sites = list(sites)
    site_code = listing.choice("site", {s.code for s in sites})
    status = listing.choice("status", CARER_STATUSES)
    wanted = listing.search_text().upper().replace(" ", "")
    query = access.carers(current_user).join(Site).select(Carer, Site)
    if site_code:
        query = query.where(Site.code == site_code)
    if status:
        query = query.where(Carer.status == status)
    if wanted:
        query = query.where(listing.contains(Carer.study_id, wanted))
    page = listing.paged(query.order_by(Site.code, Carer.sequence, Carer.id))
    ids = [c.id for c in page.rows]
    active = {m.carer_id: m for m in Match.select(Match, Person).join(Person)
              .where(Match.ended_on.is_null() & Match.carer.in_(ids))} if ids else {}
    filters = [{"name": "q", "label": "Study ID", "value": wanted, "width": 10},
               {"name": "site", "label": "Site", "value": site_code,
                "options": [("", "All sites")] + [(s.code, s.name) for s in sites]},
               {"name": "status", "label": "Status", "value": status,
                "options": [("", "Any")] + list(CARER_STATUSES.items())}]
    return render_template("support/carers.html", page=page, active=active, filters=filters)


def _optional_items() -> set[str]:
    from ..pathway.services import consent_form

    try:
        return set(consent_form().optional)
    except Refused:
        return set()


CARER_STATUSES = {"waiting": "Waiting for a peer supporter", "matched": "Being supported", "ended": "Support ended",
                  "withdrawn": "Withdrawn"}


@bp.route("/carers/new", methods=["GET", "POST"])
@allow(*roles.STAFF)
def new_carer():
    form = CarerForm()
    sites = Site.select().order_by(Site.name)
    if current_user.role == roles.SITE_LEAD:
        sites = sites.where(Site.id == current_user.site_id)
    form.site.choices = [(s.id, f"{s.name} ({s.code})") for s in sites]
    if form.validate_on_submit():
        site = Site.get_or_none(Site.id == form.site.data)
        if site is None or not access.can_manage_carers(current_user, site.id):
            abort(403)
        try:
            with once.claim(form):
                carer = services.register_carer(current_user, site, form.consented_on.data, name=form.name.data or "",
                                                phone=form.phone.data or "", email=form.email.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"Carer registered as {carer.study_id}.", "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return render_template("cascade/form_page.html", form=form, title="Register a carer", submit="Register carer",
                           back=url_for("support.carers"))


@bp.get("/carers/<int:carer_id>")
@allow(*CARER_VIEWERS)
def carer(carer_id: int):
    found = access.carer(current_user, carer_id)
    matches = list(Match.select(Match, Person).join(Person).where(Match.carer == found).order_by(Match.matched_on))
    # A long support has many contacts: a page at a time, newest first.
    contacts_page = listing.paged(Contact.select().where(Contact.match.in_([m.id for m in matches] or [0]))
                                  .order_by(Contact.contact_date.desc(), Contact.id.desc()))
    contacts = contacts_page.rows
    details = None
    if access.can_see_contact_details(current_user, found):
        details = CarerContactDetails.get_or_none(CarerContactDetails.carer == found)
    active = next((m for m in matches if m.ended_on is None), None)
    from ..research.models import AssessmentResponse
    from ..research.views import registry

    responses = list(AssessmentResponse.select().where(AssessmentResponse.carer == found)
                     .order_by(AssessmentResponse.completed_on))
    instruments = [i for i in registry() if "carer" in i.respondents]
    can_manage = access.can_manage_carers(current_user, found.site_id)
    from ..pathway.services import current_consent

    consent = current_consent(found.id) if can_manage else None
    consent_optional = ", ".join(item.replace("-", " ") for item, agreed in
                                 json.loads(consent.answers).items() if agreed and item in _optional_items()) if consent else ""
    record_history = history(("carer", found.id), ("match", [m.id for m in matches]),
                             ("contact", [c.id for c in contacts])) if (can_manage or active) else []
    return render_template("support/carer.html", responses=responses, instruments=instruments, carer=found,
                           matches=matches, contacts=contacts, contacts_page=contacts_page, details=details,
                           history=record_history,
                           can_correct_contacts=access.can_correct_contacts(current_user, found),
                           can_see_details=access.can_see_contact_details(current_user, found), active=active,
                           can_manage=can_manage, consent=consent, consent_optional=consent_optional,
                           can_record=bool(active and access.can_record_contact(current_user, active)),
                           modes=programme().get("contact_modes", {}), topics=programme().get("contact_topics", {}))


@bp.route("/carers/<int:carer_id>/details", methods=["GET", "POST"])
@allow(roles.SITE_LEAD, roles.SUPPORTER, roles.TRAINER)  # never central roles: see access.can_see_contact_details
def contact_details(carer_id: int):
    found = access.carer(current_user, carer_id)
    if not access.can_see_contact_details(current_user, found):
        abort(403)
    details = CarerContactDetails.get_or_none(CarerContactDetails.carer == found)
    form = ContactDetailsForm(obj=details)
    if form.validate_on_submit():
        services.update_contact_details(current_user, found, name=form.name.data, phone=form.phone.data,
                                        email=form.email.data, notes=form.notes.data)
        flash("Contact details saved.", "success")
        return redirect(url_for("support.carer", carer_id=found.id))
    return render_template("cascade/form_page.html", form=form, title=f"Contact details for {found.study_id}",
                           submit="Save details", back=url_for("support.carer", carer_id=found.id))


def _bind_supporters(field, site_id: int) -> None:
    """Peer supporters of the carer's site who can take a carer now: an active certification and
    room in their caseload (searched by name at a large site)."""
    from ..pathway.matching import available_supporters

    cap = int(programme().get("caseload_cap", 3))
    loads: dict[int, int] = {}

    def read_loads(rows: list) -> None:
        loads.update(Match.select(Match.supporter, fn.COUNT(Match.id))
                     .where(Match.ended_on.is_null() & Match.supporter.in_([p.id for p in rows] or [0]))
                     .group_by(Match.supporter).tuples())

    pickers.bind(field, available_supporters(site_id), label=lambda p: f"{p.name} ({loads.get(p.id, 0)} of {cap} carers)",
                 search=[Person.given_name, Person.family_name], order=[Person.family_name, Person.given_name, Person.id],
                 blank="Choose a peer supporter", noun="peer supporters", before_labels=read_loads)


@bp.route("/carers/<int:carer_id>/match", methods=["GET", "POST"])
@allow(*roles.STAFF)
def match(carer_id: int):
    found = access.carer(current_user, carer_id)
    if not access.can_manage_carers(current_user, found.site_id):
        abort(403)
    from ..pathway.matching import suggestions
    from ..pathway.models import Referral

    form = MatchForm()
    if request.method == "GET" and query_id("supporter"):
        form.supporter.data = query_id("supporter")
    _bind_supporters(form.supporter, found.site_id)
    if not pickers.searching() and form.validate_on_submit():
        supporter = Person.get_or_none(Person.id == form.supporter.data)
        try:
            services.match(current_user, found, supporter, form.matched_on.data, note=form.note.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"{found.study_id} matched with {supporter.name}.", "success")
            return redirect(url_for("support.carer", carer_id=found.id))
    return render_template("support/match.html", form=form, carer=found, suggestions=suggestions(found),
                           referral=Referral.get_or_none(Referral.carer == found.id),
                           cap=int(programme().get("caseload_cap", 3)))


@bp.route("/matches/<int:match_id>/contacts/new", methods=["GET", "POST"])
@allow(*CARER_VIEWERS)
def new_contact(match_id: int):
    found = access.match(current_user, match_id)
    if not access.can_record_contact(current_user, found):
        abort(403)
    form = ContactForm()
    form.mode.choices = list(programme().get("contact_modes", {}).items())
    form.topics.choices = list(programme().get("contact_topics", {}).items())
    if form.validate_on_submit():
        try:
            with once.claim(form):
                services.record_contact(current_user, found, form.contact_date.data, form.mode.data,
                                        form.duration_minutes.data, form.topics.data or [])
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Contact recorded.", "success")
            return redirect(url_for("support.carer", carer_id=found.carer_id))
    return render_template("cascade/form_page.html", form=form, title=f"Record a contact with {found.carer.study_id}",
                           submit="Save contact", back=url_for("support.carer", carer_id=found.carer_id))


@bp.route("/matches/<int:match_id>/end", methods=["GET", "POST"])
@allow(*CARER_VIEWERS)
def end(match_id: int):
    found = access.match(current_user, match_id)
    if not (access.can_manage_carers(current_user, found.carer.site_id) or
            (current_user.person_id and found.supporter_id == current_user.person_id)):
        abort(403)
    form = EndForm()
    form.reason.choices = list(services.END_REASONS.items())
    if form.validate_on_submit():
        try:
            services.end_support(current_user, found, form.ended_on.data, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Support ended.", "success")
            return redirect(url_for("support.carer", carer_id=found.carer_id))
    return render_template("cascade/form_page.html", form=form, title=f"End support for {found.carer.study_id}",
                           submit="End support", back=url_for("support.carer", carer_id=found.carer_id))


@bp.get("/my/caseload")
@allow(roles.SUPPORTER, roles.TRAINER)
def my_caseload():
    if not current_user.person_id:
        return render_template("support/caseload.html", matches=[], last={}, counts={}, cap=0, unlinked=True)
    matches = list(Match.select(Match, Carer).join(Carer).where(Match.supporter == current_user.person_id)
                   .order_by(Match.ended_on.is_null().desc(), Match.matched_on.desc()))
    ids = [m.id for m in matches]
    stats = {}
    if ids:
        stats = {mid: (count, last) for mid, count, last in
                 Contact.select(Contact.match, fn.COUNT(Contact.id), fn.MAX(Contact.contact_date))
                 .where(Contact.match.in_(ids) & Contact.voided_at.is_null()).group_by(Contact.match).tuples()}
    return render_template("support/caseload.html", matches=matches, stats=stats,
                           cap=int(programme().get("caseload_cap", 3)), unlinked=False)
