"""Fidelity: record checklists for deliveries and contacts; the dashboard and its drill-down."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cascade.stats.fidelity import report
from cascade.stats.fidelity.figures import FidelitySettings, score_items

from .. import access
from ..accounts import roles
from ..cascade.models import Course, CourseTrainer, ModuleDelivery, Person, Site
from ..errors import NotVisible, Refused
from ..support.models import Carer, Contact, Match
from ..web import once
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from . import data, services
from .forms import checklist_form, scores_from
from .models import FidelityItemScore, FidelityRecord

bp = Blueprint("fidelity", __name__)
DETAIL_ROLES = (roles.ADMIN, roles.PROGRAMME_LEAD, roles.SITE_LEAD)  # may see records behind figures
PEOPLE_SHOWN = 50  # trainers or peer supporters listed on the dashboard, lowest fidelity first
REFRESH_SECONDS = 300.0  # at most one background recomputation of a checklist's figures per 5 minutes per process


def _checklists():
    return data.checklists_for(Path(current_app.config["CONTENT_ROOT"]), get_curriculum())


def _latest(checklists: dict, checklist_id: str):
    found = [c for (cid, _), c in checklists.items() if cid == checklist_id]
    if not found:
        abort(404)
    return max(found, key=lambda c: c.version)


def _record_form(checklist, occasion_label: str, rater_query, back: str, save):
    role_choices = [(r, services.RATER_ROLES[r]) for r in services.allowed_roles(checklist)]
    raters = [("", "Not a person in the cascade (e.g. the carer)")] + [
        (p.id, p.name) for p in rater_query.order_by(Person.family_name, Person.given_name)]
    Form = checklist_form(checklist, raters, role_choices)
    form = Form()
    if request.method == "GET" and current_user.person_id:
        form.rater.data = current_user.person_id
    if form.validate_on_submit():
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
    from ..dashboard import cache

    site_id = _scope_site()
    detail = current_user.role in DETAIL_ROLES
    settings = FidelitySettings.from_programme()
    counts, _, _ = cache.refreshed("fidelity-sections", (site_id,), lambda: data.section_counts(site_id),
                                   data.version)  # a count over every record: kept like the figures
    sections = sorted(({"checklist_id": cid, "checklist_version": ver, "records": n} for cid, ver, n in counts),
                      key=lambda s: (-s["records"], s["checklist_id"], s["checklist_version"]))
    chosen_id, chosen_version = request.args.get("checklist"), request.args.get("version")
    if chosen_id and "@" in chosen_id:
        chosen_id, chosen_version = chosen_id.split("@", 1)
    chosen = next((s for s in sections if s["checklist_id"] == chosen_id and
                   (chosen_version is None or s["checklist_version"] == chosen_version)), None)
    chosen = chosen or (sections[0] if sections else None)
    section, attention, computed_at, stale = None, [], None, False
    if chosen is not None:
        key = (chosen["checklist_id"], chosen["checklist_version"])

        def compute() -> dict:
            records = data.records(site_id=site_id, checklist=key)
            if not records:
                return {"section": None, "attention": []}
            section = report.section(records, settings, include_people=detail)
            if "by_person" in section:
                # Thousands of peer supporters nationally: the page lists those with the lowest
                # fidelity (the CSV export and `cascade report fidelity` have everyone).
                people = section["by_person"]
                section["people_total"] = len(people)
                section["by_person"] = sorted(people, key=lambda f: (f["mean"] is None, f["mean"] or 0,
                                                                     str(f["group"])))[:PEOPLE_SHOWN]
            return {"section": section, "attention": _needs_attention(records, settings) if detail else []}

        # Figures over every record of a checklist take seconds at national scale: they are kept
        # until a record or certification changes, and then recomputed in the background while
        # the earlier figures are shown with their time (docs/benchmarks.md).
        snapshot, computed_at, stale = cache.refreshed(
            "fidelity-section", (site_id, detail, key), compute, data.version,
            background=cache.background_runner(), min_interval=REFRESH_SECONDS)
        section, attention = snapshot["section"], snapshot["attention"]
    checklists = _checklists()
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
                           computed_at=dt.datetime.fromtimestamp(computed_at) if computed_at else None,
                           stale=stale)


def _needs_attention(records, settings) -> list[dict]:
    """Records of one checklist version scored in the low band, lowest first."""
    rows = []
    for r in records:
        scored = score_items(r.scores, settings)
        if scored.percent is not None and scored.band == "low":
            rows.append({"record_id": r.record_id, "percent": scored.percent, "site": r.site,
                         "generation": r.generation, "module_id": r.module_id, "rater_role": r.rater_role})
    return sorted(rows, key=lambda row: row["percent"])[:25]


@bp.get("/fidelity/records")
@allow(*DETAIL_ROLES)
def records_list():
    """Drill-down: the records behind a figure (filter by checklist, version, generation, site, item, band)."""
    records = data.records(site_id=_scope_site())
    args = request.args
    settings = FidelitySettings.from_programme()
    rows = []
    for r in records:
        if args.get("checklist") and r.checklist_id != args["checklist"]:
            continue
        if args.get("version") and r.checklist_version != args["version"]:
            continue
        if args.get("generation") and str(r.generation) != args["generation"]:
            continue
        if args.get("site") and r.site != args["site"]:
            continue
        if args.get("module") and r.module_id != args["module"]:
            continue
        item = args.get("item")
        if item and r.scores.get(item) is None:
            continue
        scored = score_items(r.scores, settings)
        if args.get("band") and scored.band != args["band"]:
            continue
        rows.append({"record": r, "percent": scored.percent, "band": scored.band,
                     "item_score": r.scores.get(item) if item else None})
    rows.sort(key=lambda row: (row["percent"] is None, row["percent"] or 0))
    filters = {k: v for k, v in args.items() if v}
    return render_template("fidelity/records.html", rows=rows[:500], total=len(rows), filters=filters,
                           modules={m.id: m.title for m in get_curriculum().modules})


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
