"""Fidelity: record checklists for deliveries and contacts; the dashboard and its drill-down."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cascade.stats.fidelity.records import FidelitySettings, score_items

from .. import access
from ..accounts import roles
from ..cascade.models import Course, CourseTrainer, ModuleDelivery, Person, Site
from ..errors import NotVisible, Refused
from ..figures import fidelity as kept
from ..figures.models import FidelityOccasion
from ..support.models import Carer, Contact, Match
from ..web import listing, once, pickers
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from . import data, services
from .forms import checklist_form, scores_from
from .models import FidelityItemScore, FidelityRecord

bp = Blueprint("fidelity", __name__)
DETAIL_ROLES = (roles.ADMIN, roles.PROGRAMME_LEAD, roles.SITE_LEAD)  # may see records behind figures


def _checklists():
    return data.checklists_for(Path(current_app.config["CONTENT_ROOT"]), get_curriculum())


def _latest(checklists: dict, checklist_id: str):
    found = [c for (cid, _), c in checklists.items() if cid == checklist_id]
    if not found:
        abort(404)
    return max(found, key=lambda c: c.version)


def _changed_components(checklist) -> dict[str, str]:
    """The core components that changed in the module's latest MAJOR version (since the release
    before the curriculum as it is), for the next observed delivery to watch."""
    from cascade.authoring.releases import UnknownRelease, major_changes, previous_release

    if checklist.module_id is None:
        return {}
    curriculum = get_curriculum()
    before = previous_release(curriculum)
    if before is None:
        return {}
    try:
        changes = [c for c in major_changes(curriculum, before.name) if c.module_id == checklist.module_id]
    except UnknownRelease:
        return {}
    return {c.id: change.new_version for change in changes for c in change.components if c.kind != "removed"}


def _record_form(checklist, occasion_label: str, rater_query, back: str, save):
    role_choices = [(r, services.RATER_ROLES[r]) for r in services.allowed_roles(checklist)]
    Form = checklist_form(checklist, [], role_choices, _changed_components(checklist))
    form = Form()
    if request.method == "GET" and current_user.person_id:
        form.rater.data = current_user.person_id
    pickers.bind(form.rater, rater_query, label=lambda p: p.name, search=[Person.given_name, Person.family_name],
                 order=[Person.family_name, Person.given_name, Person.id],
                 blank="Not a person in the cascade (e.g. the carer)", noun="people")
    if not pickers.searching() and form.validate_on_submit():
        rater = Person.get_or_none(Person.id == form.rater.data) if form.rater.data else None
        try:
            with once.claim(form):
                save(checklist, form.rater_role.data, form.rated_on.data, scores_from(form, checklist), rater,
                     form.notes.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Fidelity checklist saved.", "success")
            return redirect(back)
    item_fields = [getattr(form, f"item_{n}") for n in range(len(checklist.items))]
    return render_template("fidelity/record_form.html", form=form, checklist=checklist, item_fields=item_fields,
                           occasion=occasion_label, back=back)


@bp.route("/deliveries/<int:delivery_id>/fidelity/new", methods=["GET", "POST"])
@allow(*roles.CASCADE_VIEWERS)
def rate_delivery(delivery_id: int):
    delivery = ModuleDelivery.get_or_none(ModuleDelivery.id == delivery_id)
    if delivery is None:
        abort(404)
    try:
        course = access.course(current_user, delivery.course_id)
    except NotVisible:
        abort(404)
    if not access.can_manage_course(current_user, course):
        abort(403)
    checklists = _checklists()
    which = request.args.get("checklist", "module")
    checklist = _latest(checklists, f"module:{delivery.module_id}" if which == "module" else which)
    if checklist.applies_to != "module-delivery":
        abort(404)
    module = get_curriculum().by_id.get(delivery.module_id)
    label = f"{module.title if module else delivery.module_id} on {delivery.delivered_on:%-d %B %Y}"
    raters = Person.select().where(Person.id.in_(
        CourseTrainer.select(CourseTrainer.person).where(CourseTrainer.course == course)) | (Person.founding_trainer == True))  # noqa: E712

    def save(checklist, role, rated_on, scores, rater, notes):
        services.record(current_user, checklist, rater_role=role, rated_on=rated_on, scores=scores,
                        delivery=delivery, rater=rater, notes=notes)

    return _record_form(checklist, label, raters, url_for("cascade.course", course_id=course.id), save)


@bp.route("/contacts/<int:contact_id>/fidelity/new", methods=["GET", "POST"])
@allow(roles.ADMIN, roles.PROGRAMME_LEAD, roles.SITE_LEAD, roles.TRAINER, roles.SUPPORTER)
def rate_contact(contact_id: int):
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        abort(404)
    try:
        match = access.match(current_user, contact.match_id)
    except NotVisible:
        abort(404)
    if not access.can_record_contact(current_user, match):
        abort(403)
    checklist = _latest(_checklists(), request.args.get("checklist", "support-contact"))
    if checklist.applies_to != "support-contact":
        abort(404)
    raters = Person.select().where((Person.id == match.supporter_id) | (Person.site == match.carer.site_id))
    label = f"contact with {match.carer.study_id} on {contact.contact_date:%-d %B %Y}"

    def save(checklist, role, rated_on, scores, rater, notes):
        services.record(current_user, checklist, rater_role=role, rated_on=rated_on, scores=scores,
                        contact=contact, rater=rater, notes=notes)

    return _record_form(checklist, label, raters, url_for("support.carer", carer_id=match.carer_id), save)


def _scope_site():
    return current_user.site_id if current_user.role == roles.SITE_LEAD else None


def _chart(label: str, figures: list[dict], name) -> str:
    usable = [f for f in figures if f["mean"] is not None]
    return json.dumps({"label": label, "labels": [name(f) for f in usable], "values": [round(f["mean"], 1) for f in usable]})


@bp.get("/fidelity")
@allow(*roles.AGGREGATE_VIEWERS)
def dashboard():
    site_id = _scope_site()
    detail = current_user.role in DETAIL_ROLES
    settings = FidelitySettings.from_programme()
    # Every figure here is read from sums kept in the database as records come in
    # (figures/fidelity.py): a few indexed queries whatever the number of records.
    sections = sorted(({"checklist_id": cid, "checklist_version": ver, "records": n}
                       for cid, ver, n in kept.sections(site_id)),
                      key=lambda s: (-s["records"], s["checklist_id"], s["checklist_version"]))
    chosen_id, chosen_version = request.args.get("checklist"), request.args.get("version")
    if chosen_id and "@" in chosen_id:
        chosen_id, chosen_version = chosen_id.split("@", 1)
    chosen = next((s for s in sections if s["checklist_id"] == chosen_id and
                   (chosen_version is None or s["checklist_version"] == chosen_version)), None)
    chosen = chosen or (sections[0] if sections else None)
    checklists = _checklists()
    section, attention, branches = None, [], None
    if chosen is not None:
        key = (chosen["checklist_id"], chosen["checklist_version"])
        checklist = checklists.get(key)
        kind = None if checklist is None else (
            "trainer_id" if checklist.applies_to == "module-delivery" else "cps_id")
        section = kept.section(key, site_id, settings, include_people=detail, person_kind=kind)
        if detail and section is not None:
            attention = kept.low_records(key, site_id, settings.low_max)
            branches = kept.branch_drift(key, site_id, settings)
    titles = {key[0]: checklist.title for key, checklist in checklists.items()}
    names = {}
    if section is not None and detail and "by_person" in section:
        ids = [f["group"] for f in section["by_person"] if isinstance(f["group"], int)]
        names = {p.id: p.name for p in Person.select().where(Person.id.in_(ids))} if ids else {}
    component_text = {}
    if section is not None:
        checklist = checklists.get((section["checklist_id"], section["checklist_version"]))
        if checklist is not None:
            component_text = {i.id: (i.text, i.essential) for i in checklist.items}
    modules = {m.id: m.title for m in get_curriculum().modules}
    charts = {}
    if section is not None:
        charts["generation"] = _chart("Fidelity % by generation", section["by_generation"],
                                      lambda f: f"Generation {f['group']}")
        charts["site"] = _chart("Fidelity % by site", section["by_site"], lambda f: str(f["group"]))
        charts["components"] = _chart("Fidelity % by core component", section["components"],
                                      lambda f: component_text.get(f["item_id"], (f["item_id"],))[0][:50])
    settings_view = {"bands": {"low_max": settings.low_max, "moderate_max": settings.moderate_max},
                     "drift_flag_points": settings.drift_flag_points}
    return render_template("fidelity/dashboard.html", section=section, sections=sections, chosen=chosen,
                           titles=titles, names=names, component_text=component_text, modules=modules,
                           detail=detail, attention=attention, charts=charts, settings=settings_view,
                           branches=branches)


BANDS = {"low": "Low", "moderate": "Moderate", "high": "High", "none": "Nothing applied"}


@bp.get("/fidelity/records")
@allow(*DETAIL_ROLES)
def records_list():
    """Drill-down: the records behind a figure (filter by checklist, version, generation, site,
    module, core component, band), lowest fidelity first, a page at a time."""
    settings = FidelitySettings.from_programme()
    site_id = _scope_site()
    sections = sorted(kept.sections(site_id), key=lambda s: (-s[2], s[0], s[1]))
    checklist_id = request.args.get("checklist") or (sections[0][0] if sections else "")
    versions = [ver for cid, ver, _ in sections if cid == checklist_id]
    version = request.args.get("version") if request.args.get("version") in versions else (
        versions[0] if versions else "")
    R, Occ = FidelityRecord, FidelityOccasion
    query = (R.select(R.id, R.checklist_id, R.checklist_version, R.percent, R.rater_role, Occ.site, Occ.generation,
                      Occ.module_id)
             .join(Occ, on=(R.occasion == Occ.id))
             .where((R.checklist_id == checklist_id) & (R.checklist_version == version) & Occ.counted))
    sites = {s.id: s.code for s in Site.select(Site.id, Site.code)}
    codes = {code: sid for sid, code in sites.items()}
    if site_id is not None:
        query = query.where(Occ.site == site_id)
    elif request.args.get("site") in codes:
        query = query.where(Occ.site == codes[request.args["site"]])
    generation = request.args.get("generation", "")
    if generation.isdigit() and len(generation) < 3:
        query = query.where(Occ.generation == int(generation))
    if request.args.get("module"):
        query = query.where(Occ.module_id == request.args["module"][:80])
    item = (request.args.get("item") or "")[:96]
    if item:
        query = (query.switch(R).join(FidelityItemScore, on=((FidelityItemScore.record == R.id)
                                                             & (FidelityItemScore.item_id == item)))
                 .where(FidelityItemScore.score.is_null(False)).select_extend(FidelityItemScore.score))
    band = listing.choice("band", BANDS)
    low, high_min = settings.low_max + 1e-9, settings.high_min - 1e-9
    if band == "none":
        query = query.where(R.percent.is_null()).order_by(R.id)
    else:
        query = query.where(R.percent.is_null(False))
        if band == "low":
            query = query.where(R.percent <= low)
        elif band == "moderate":
            query = query.where((R.percent > low) & (R.percent < high_min))
        elif band == "high":
            query = query.where(R.percent >= high_min)
        query = query.order_by(R.percent, R.id)
    page = listing.paged(query.tuples(), count=False)
    rows = [{"record_id": r[0], "checklist": f"{r[1]} {r[2]}", "percent": r[3], "band": settings.band(r[3]),
             "rater_role": r[4], "site": sites.get(r[5]), "generation": r[6], "module_id": r[7],
             "item_score": r[8] if item else None} for r in page.rows]
    filters = {k: v for k, v in listing.current_args().items() if k in ("generation", "site", "module", "item", "band")}
    return render_template("fidelity/records.html", rows=rows, page=page, filters=filters, checklist_id=checklist_id,
                           version=version, sections=sections, bands=BANDS, band=band, site_scoped=site_id is not None,
                           site_codes=sorted(codes), modules={m.id: m.title for m in get_curriculum().modules},
                           titles={key[0]: c.title for key, c in _checklists().items()})


@bp.get("/fidelity/records/<int:record_id>")
@allow(*DETAIL_ROLES)
def record_detail(record_id: int):
    row = FidelityRecord.get_or_none(FidelityRecord.id == record_id)
    if row is None:
        abort(404)
    site_id = _scope_site()
    if site_id is not None:
        owner = (Course.select(Course.site).join(ModuleDelivery).where(ModuleDelivery.id == row.delivery_id).scalar()
                 if row.delivery_id else Carer.select(Carer.site).join(Match).join(Contact)
                 .where(Contact.id == row.contact_id).scalar())
        if owner != site_id:
            abort(404)
    checklist = _checklists().get((row.checklist_id, row.checklist_version))
    scores = {s.item_id: s.score for s in FidelityItemScore.select().where(FidelityItemScore.record == row)}
    scored = score_items(scores, FidelitySettings.from_programme())
    return render_template("fidelity/record.html", row=row, checklist=checklist, scores=scores, scored=scored,
                           raters=services.RATER_ROLES, sites={s.id: s.code for s in Site.select()})
