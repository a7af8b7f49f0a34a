"""The site team's intake: referrals, their steps, consent, demographics; the waiting list;
peer supporters' matching profiles."""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cascade.stats import equity

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Site
from ..errors import NotVisible, Refused
from ..support.models import Carer
from ..web import listing, once
from ..web.forms import attach
from ..web.guard import allow
from . import services
from .forms import ConsentForm, DemographicsForm, ProfileForm, ReferralForm, StepForm
from .models import Demographics, Referral, ReferralContact, ReferralStep, SupporterProfile

bp = Blueprint("pathway", __name__)


def _sites():
    query = Site.select().order_by(Site.name)
    return query.where(Site.id == current_user.site_id) if current_user.role == roles.SITE_LEAD else query


def _referral(referral_id: int) -> Referral:
    try:
        return access.referral(current_user, referral_id)
    except NotVisible:
        abort(404)


@bp.get("/referrals")
@allow(*roles.STAFF)
def referrals():
    """Referrals still in intake first, oldest first: by status and site."""
    s = services.settings()
    sites = list(_sites())
    status = listing.choice("status", services.STEPS)
    site_code = listing.choice("site", {x.code for x in sites})
    query = access.referrals(current_user).select(Referral, Site).join(Site)
    if status:
        query = query.where(Referral.status == status)
    if site_code:
        query = query.where(Site.code == site_code)
    in_intake = Referral.status.in_(["referred", "contacted", "eligible"])
    page = listing.paged(query.order_by(in_intake.desc(), Referral.referred_on, Referral.id))
    filters = [{"name": "status", "label": "Step", "value": status, "options": [("", "Any")] + list(services.STEPS.items())},
               {"name": "site", "label": "Site", "value": site_code,
                "options": [("", "All sites")] + [(x.code, x.name) for x in sites]}]
    return render_template("pathway/referrals.html", page=page, filters=filters, steps=services.STEPS,
                           sources=s["sources"], today=dt.date.today())


@bp.route("/referrals/new", methods=["GET", "POST"])
@allow(*roles.STAFF)
def new_referral():
    s = services.settings()
    form = ReferralForm()
    form.site.choices = [(x.id, x.name) for x in _sites()]
    form.source.choices = list(s["sources"].items())
    form.relationship.choices = [("", "Not known")] + list(s["relationships"].items())
    form.contact_mode.choices = [("", "Not known")] + list(s["contact_modes"].items())
    form.availability.choices = list(s["availability"].items())
    if form.validate_on_submit():
        site = Site.get_or_none(Site.id == form.site.data)
        if site is None or not access.can_manage_carers(current_user, site.id):
            abort(403)
        try:
            with once.claim(form):
                row = services.refer(current_user, site, source=form.source.data, referred_on=form.referred_on.data,
                                     relationship=form.relationship.data or "", language=form.language.data or "",
                                     contact_mode=form.contact_mode.data or "", area=form.area.data or "",
                                     availability=form.availability.data or [],
                                     preferences=form.preferences.data or "", name=form.name.data or "",
                                     phone=form.phone.data or "", email=form.email.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Referral recorded. Contact the carer next.", "success")
            return redirect(url_for("pathway.referral", referral_id=row.id))
    return render_template("cascade/form_page.html", form=form, title="Record a referral", submit="Save referral",
                           back=url_for("pathway.referrals"))


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@allow(*roles.STAFF)
def referral(referral_id: int):
    """The referral, its steps and the next one (with the eligibility questions when deciding)."""
    found = _referral(referral_id)
    s = services.settings()
    form = StepForm()
    form.step.choices = [(x, services.STEPS[x]) for x in services.NEXT_STEPS.get(found.status, ())
                         if x != "consented"]
    answers = json.loads(found.eligibility or "{}")
    if request.method == "POST" and form.validate_on_submit():
        eligibility = {c["id"]: request.form.get(f"eligibility-{c['id']}", "") for c in s["eligibility"]}
        try:
            services.record_step(current_user, found, form.step.data, form.on.data, form.note.data or "", eligibility)
        except Refused as exc:
            attach(form, exc, {"eligibility": "step"})
            answers = eligibility
        else:
            flash(f"Step recorded: {services.STEPS[form.step.data].lower()}.", "success")
            return redirect(url_for("pathway.referral", referral_id=found.id))
    steps = list(ReferralStep.select().where(ReferralStep.referral == found).order_by(ReferralStep.on, ReferralStep.id))
    contact = ReferralContact.get_or_none(ReferralContact.referral == found)
    demographics = Demographics.get_or_none(Demographics.referral == found)
    return render_template("pathway/referral.html", referral=found, form=form, steps=steps, contact=contact,
                           settings=s, step_labels=services.STEPS, answers=answers, answer_labels=services.ANSWERS,
                           demographics=demographics, history=history(("referral", found.id)))


@bp.route("/referrals/<int:referral_id>/consent", methods=["GET", "POST"])
@allow(*roles.STAFF)
def consent(referral_id: int):
    found = _referral(referral_id)
    try:
        consent_form = services.consent_form()
    except Refused as exc:
        flash(exc.message, "info")
        return redirect(url_for("pathway.referral", referral_id=found.id))
    form = ConsentForm()
    form.answers.choices = [(i.id, ("Needed to take part: " if i.required else "Optional: ") + i.text)
                            for i in consent_form.items]
    if form.validate_on_submit():
        try:
            with once.claim(form):
                carer = services.consent(current_user, found, consented_on=form.consented_on.data,
                                         answers={a: True for a in form.answers.data or []}, form=consent_form)
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"Consent recorded. The carer's study ID is {carer.study_id}; they are on the waiting list.",
                  "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return render_template("cascade/form_page.html", form=form, title="Record consent",
                           caption=f"{consent_form.title}, version {consent_form.version}", submit="Record consent",
                           back=url_for("pathway.referral", referral_id=found.id))


def _demographics_form(row: Demographics | None) -> DemographicsForm:
    form = DemographicsForm(obj=row) if request.method == "GET" else DemographicsForm()
    labels = equity.items(services.settings()["relationships"])
    for item, options in labels.items():
        getattr(form, item).choices = ([("", "Not asked yet"), (equity.PREFER_NOT, "Prefer not to say")]
                                       + list(options.items()))
    return form


@bp.route("/referrals/<int:referral_id>/demographics", methods=["GET", "POST"])
@allow(*roles.STAFF)
def referral_demographics(referral_id: int):
    found = _referral(referral_id)
    return _demographics(found, None, url_for("pathway.referral", referral_id=found.id))


@bp.route("/carers/<int:carer_id>/demographics", methods=["GET", "POST"])
@allow(*roles.STAFF)
def carer_demographics(carer_id: int):
    try:
        found = access.carer(current_user, carer_id)
    except NotVisible:
        abort(404)
    if not access.can_manage_carers(current_user, found.site_id):
        abort(403)
    return _demographics(None, found, url_for("support.carer", carer_id=found.id))


def _demographics(referral, carer, back: str):
    row = (Demographics.get_or_none(Demographics.referral == referral.id) if referral is not None
           else Demographics.get_or_none(Demographics.carer == carer.id))
    form = _demographics_form(row)
    if form.validate_on_submit():
        try:
            services.save_demographics(current_user, referral=referral, carer=carer,
                                       answers={item: getattr(form, item).data for item in equity.ITEM_LABELS})
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Saved. Thank you: these answers show whether the programme reaches everyone.", "success")
            return redirect(back)
    return render_template("cascade/form_page.html", form=form, title="About the carer (optional)",
                           caption="Used only to check that the programme reaches everyone. Every question may be "
                                   "left out or answered 'prefer not to say'.", submit="Save", back=back)


@bp.get("/waiting")
@allow(*roles.STAFF)
def waiting():
    """Carers waiting for a peer supporter, longest first, with those waiting too long flagged."""
    s = services.settings()
    sites = list(_sites())
    site_code = listing.choice("site", {x.code for x in sites})
    query = (access.carers(current_user).select(Carer, Site).join(Site).where(Carer.status == "waiting"))
    if site_code:
        query = query.where(Site.code == site_code)
    page = listing.paged(query.order_by(Carer.consented_on, Carer.id))
    today = dt.date.today()
    flag_from = today - dt.timedelta(days=s["waiting_flag_days"])
    too_long = (access.carers(current_user).where((Carer.status == "waiting") & (Carer.consented_on < flag_from))
                .count())
    filters = [{"name": "site", "label": "Site", "value": site_code,
                "options": [("", "All sites")] + [(x.code, x.name) for x in sites]}]
    return render_template("pathway/waiting.html", page=page, today=today, flag_days=s["waiting_flag_days"],
                           too_long=too_long, filters=filters)


@bp.route("/people/<int:person_id>/profile", methods=["GET", "POST"])
@allow(*roles.STAFF, roles.SUPPORTER, roles.TRAINER)
def profile(person_id: int):
    """A peer supporter's matching profile: edited by them or by staff of their site."""
    try:
        person = access.person(current_user, person_id)
    except NotVisible:
        abort(404)
    own = current_user.person_id == person.id
    if not own and not access.can_manage_people(current_user, person.site_id):
        abort(404)  # someone else's profile: a trainer sees their trainees, not their profiles
    s = services.settings()
    row = SupporterProfile.get_or_none(SupporterProfile.person == person)
    data = None
    if request.method == "GET" and row is not None:
        data = {"languages": row.languages, "area": row.area,
                "relationships": [r for r in row.relationships.split(",") if r],
                "availability": [a for a in row.availability.split(",") if a]}
    form = ProfileForm(data=data)
    form.relationships.choices = list(s["relationships"].items())
    form.availability.choices = list(s["availability"].items())
    if form.validate_on_submit():
        try:
            services.save_profile(current_user, person, languages=form.languages.data or "",
                                  relationships=form.relationships.data or [], area=form.area.data or "",
                                  availability=form.availability.data or [])
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Matching profile saved.", "success")
            return redirect(url_for("cascade.person", person_id=person.id))
    return render_template("cascade/form_page.html", form=form, title="Matching profile", caption=person.name,
                           submit="Save profile", back=url_for("cascade.person", person_id=person.id))
