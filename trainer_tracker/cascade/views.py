"""Cascade pages: people, courses, deliveries, attendance, checkout, certification, the tree."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import fn

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..errors import Refused
from ..web import listing, once, pickers
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import page_number
from . import lineage, services
from .blueprint import (
    PEOPLE_VIEWERS,
    bind_courses,
    bind_people,
    bp,
    managed_course,
    managed_delivery,
    managed_site,
    person_choices,
    site_choices,
)
from .forms import (
    AttendanceForm,
    CertifyForm,
    CheckoutForm,
    CourseForm,
    DeliveryForm,
    PersonChoiceForm,
    PersonForm,
    ReasonForm,
    RenewForm,
)
from .models import (
    Attendance,
    Certification,
    CertificationEvent,
    CheckoutResult,
    Course,
    CourseTrainee,
    CourseTrainer,
    ModuleDelivery,
    Person,
    Site,
)

TREE_PAGE_SIZE = 100  # people per page of the cascade tree

# People ------------------------------------------------------------------------------------

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
    return render_template("cascade/person.html", person=found, site=site, steps=steps, generation=generation,
                           can_edit=access.can_manage_people(current_user, found.site_id), account=account,
                           can_reset=bool(account and access.can_reset_password(current_user, account)),
                           history=history(("person", found.id)) if current_user.role in roles.STAFF else [],
                           certs=certs, events=events, trained=trained, attended=attended,
                           certified_count=certified_count)


# Courses ------------------------------------------------------------------------------------

@bp.get("/courses")
@allow(*roles.CASCADE_VIEWERS)
def courses():
    """The courses this user may see, newest first, a page at a time: by site, stage, dates or title."""
    sites = Site.select().order_by(Site.name)
    site_code = listing.choice("site", {s.code for s in sites})
    stage = listing.choice("stage", {"1", "2"})
    since, until, words = listing.date_arg("from"), listing.date_arg("to"), listing.search_text()
    query = access.courses(current_user).join(Site).select(Course, Site)
    if site_code:
        query = query.where(Site.code == site_code)
    if stage:
        query = query.where(Course.stage == int(stage))
    if since:
        query = query.where(Course.ends_on >= since)
    if until:
        query = query.where(Course.starts_on <= until)
    for word in words.split():
        query = query.where(listing.contains(Course.title, word))
    page = listing.paged(query.order_by(Course.starts_on.desc(), Course.id.desc()))
    ids = [c.id for c in page.rows]
    counts = dict(CourseTrainee.select(CourseTrainee.course, fn.COUNT(CourseTrainee.id))
                  .where(CourseTrainee.course.in_(ids)).group_by(CourseTrainee.course).tuples()) if ids else {}
    filters = [{"name": "q", "label": "Title", "value": words, "width": 20},
               {"name": "site", "label": "Site", "value": site_code,
                "options": [("", "All sites")] + [(s.code, s.name) for s in sites]},
               {"name": "stage", "label": "Stage", "value": stage, "options": [("", "Both"), ("1", "1"), ("2", "2")]},
               {"name": "from", "label": "Running on or after", "value": since.isoformat() if since else "", "type": "date"},
               {"name": "to", "label": "Running on or before", "value": until.isoformat() if until else "", "type": "date"}]
    return render_template("cascade/courses.html", page=page, counts=counts, filters=filters,
                           can_add=current_user.role in roles.STAFF)


@bp.route("/courses/new", methods=["GET", "POST"])
@allow(*roles.STAFF)
def new_course():
    form = CourseForm()
    form.site.choices = site_choices(current_user)
    if form.validate_on_submit():
        site = managed_site(form.site.data)
        try:
            with once.claim(form):
                course = services.create_course(current_user, form.title.data, int(form.stage.data), site,
                                                form.starts_on.data, form.ends_on.data, form.curriculum_release.data.strip())
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Course created.", "success")
            return redirect(url_for("cascade.course", course_id=course.id))
    return render_template("cascade/form_page.html", form=form, title="Add a course", submit="Create course",
                           back=url_for("cascade.courses"))


@bp.get("/courses/<int:course_id>")
@allow(*roles.CASCADE_VIEWERS)
def course(course_id: int):
    found = access.course(current_user, course_id)
    curriculum = get_curriculum()
    trainers = list(Person.select().join(CourseTrainer).where(CourseTrainer.course == found).order_by(Person.family_name))
    trainees = list(access.course_trainees(current_user, found))
    deliveries = list(ModuleDelivery.select(ModuleDelivery, Person).join(Person, on=(ModuleDelivery.trainer == Person.id))
                      .where(ModuleDelivery.course == found).order_by(ModuleDelivery.delivered_on))
    present = dict(Attendance.select(Attendance.delivery, fn.COUNT(Attendance.id))
                   .where(Attendance.delivery.in_([d.id for d in deliveries]) & (Attendance.attended == True))  # noqa: E712
                   .group_by(Attendance.delivery).tuples()) if deliveries else {}
    required = services.required_modules(curriculum, found.stage, found.curriculum_release)
    delivered = {d.module_id for d in deliveries}
    certs = {c.person_id: c for c in Certification.select().where(
        (Certification.course == found) & Certification.person.in_([t.id for t in trainees]))} if trainees else {}
    status = services.eligibility_for_course(found, [t.id for t in trainees], curriculum)
    can_manage = access.can_manage_course(current_user, found)
    staff_manage = can_manage and current_user.role in roles.STAFF
    course_history = history(("course", found.id), ("module_delivery", [d.id for d in deliveries])) if can_manage else []
    return render_template("cascade/course.html", course=found, trainers=trainers, trainees=trainees,
                           staff_manage=staff_manage, history=course_history,
                           deliveries=deliveries, present=present, required=required, delivered=delivered,
                           curriculum=curriculum, certs=certs, status=status, can_manage=can_manage,
                           steps=services.checkout_steps(found.stage))


@bp.route("/courses/<int:course_id>/trainers", methods=["GET", "POST"])
@allow(*roles.STAFF)
def add_trainer(course_id: int):
    found = managed_course(course_id)
    form = PersonChoiceForm()
    form.person.label.text = "Trainer"
    # Founding trainers and certified people who are not on the course already.
    on_course = (CourseTrainer.select(CourseTrainer.person).where(CourseTrainer.course == found)
                 | CourseTrainee.select(CourseTrainee.person).where(CourseTrainee.course == found))
    certified = Certification.select(Certification.person).where(Certification.status == "active")
    bind_people(form.person, access.people(current_user).where(
        (Person.founding_trainer | Person.id.in_(certified)) & Person.id.not_in(on_course)))
    if not pickers.searching() and form.validate_on_submit():
        try:
            chosen = access.person(current_user, form.person.data)
            services.add_trainer(current_user, found, chosen)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Trainer added.", "success")
            return redirect(url_for("cascade.course", course_id=found.id))
    return render_template("cascade/form_page.html", form=form, title=f"Add a trainer to {found.title}",
                           submit="Add trainer", back=url_for("cascade.course", course_id=found.id))


@bp.route("/courses/<int:course_id>/trainees", methods=["GET", "POST"])
@allow(*roles.STAFF)
def enrol(course_id: int):
    found = managed_course(course_id)
    form = PersonChoiceForm()
    form.person.label.text = "Trainee"
    on_course = (CourseTrainer.select(CourseTrainer.person).where(CourseTrainer.course == found)
                 | CourseTrainee.select(CourseTrainee.person).where(CourseTrainee.course == found))
    bind_people(form.person, access.people(current_user).where(
        (Person.founding_trainer == False) & Person.id.not_in(on_course)))  # noqa: E712
    if not pickers.searching() and form.validate_on_submit():
        try:
            chosen = access.person(current_user, form.person.data)
            services.enrol(current_user, found, chosen)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Trainee enrolled.", "success")
            return redirect(url_for("cascade.course", course_id=found.id))
    return render_template("cascade/form_page.html", form=form, title=f"Enrol a trainee on {found.title}",
                           submit="Enrol trainee", back=url_for("cascade.course", course_id=found.id))


def _course_trainer_choices(found: Course):
    return person_choices(Person.select().join(CourseTrainer).where(CourseTrainer.course == found))


@bp.route("/courses/<int:course_id>/deliveries/new", methods=["GET", "POST"])
@allow(*roles.CASCADE_VIEWERS)
def new_delivery(course_id: int):
    found = managed_course(course_id)
    curriculum = get_curriculum()
    form = DeliveryForm()
    versions = services.module_versions(curriculum, found.curriculum_release)
    form.module_id.choices = [("", "Choose a module")] + [
        (m.id, f"{m.title} (version {versions[m.id]})") for m in curriculum.modules
        if found.stage in m.stages and m.id in versions and m.status != "retired"]
    form.trainer.choices = _course_trainer_choices(found)
    if form.validate_on_submit():
        trainer = Person.get_or_none(Person.id == form.trainer.data)
        try:
            with once.claim(form):
                delivery = services.record_delivery(current_user, found, form.module_id.data, form.delivered_on.data,
                                                    trainer, curriculum, form.notes.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Delivery recorded. Now record who attended.", "success")
            return redirect(url_for("cascade.attendance", delivery_id=delivery.id))
    return render_template("cascade/form_page.html", form=form, title="Record a module delivery",
                           caption=found.title, submit="Record delivery",
                           back=url_for("cascade.course", course_id=found.id))


@bp.route("/deliveries/<int:delivery_id>/attendance", methods=["GET", "POST"])
@allow(*roles.CASCADE_VIEWERS)
def attendance(delivery_id: int):
    delivery, found = managed_delivery(delivery_id)
    trainees = list(access.course_trainees(current_user, found))
    form = AttendanceForm()
    form.attended.choices = [(str(t.id), t.name) for t in trainees]
    if request.method == "GET":
        form.attended.data = [str(a.person_id) for a in Attendance.select().where(
            (Attendance.delivery == delivery) & (Attendance.attended == True))]  # noqa: E712
    if form.validate_on_submit():
        ticked = set(form.attended.data or [])
        try:
            services.record_attendance(current_user, delivery, {t.id: str(t.id) in ticked for t in trainees},
                                       form.reason.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Attendance saved.", "success")
            return redirect(url_for("cascade.course", course_id=found.id))
    module = get_curriculum().by_id.get(delivery.module_id)
    title = f"Attendance: {module.title if module else delivery.module_id}"
    return render_template("cascade/form_page.html", form=form, title=title, caption=f"{found.title}, "
                           f"{delivery.delivered_on:%-d %B %Y}", submit="Save attendance",
                           back=url_for("cascade.course", course_id=found.id),
                           history=history(("module_delivery", delivery.id)))


@bp.route("/courses/<int:course_id>/trainees/<int:person_id>/checkout", methods=["GET", "POST"])
@allow(*roles.CASCADE_VIEWERS)
def checkout(course_id: int, person_id: int):
    found = managed_course(course_id)
    trainee = access.person(current_user, person_id)
    if not services.is_trainee(found, trainee.id):
        abort(404)
    steps = services.checkout_steps(found.stage)
    form = CheckoutForm()
    form.step_id.choices = [("", "Choose a step")] + [(s["id"], s["title"]) for s in steps]
    form.assessor.choices = _course_trainer_choices(found)
    if request.method == "GET" and current_user.person_id:
        form.assessor.data = current_user.person_id
        form.step_id.data = request.args.get("step", "")
    if form.validate_on_submit():
        assessor = Person.get_or_none(Person.id == form.assessor.data)
        try:
            with once.claim(form):
                services.record_checkout(current_user, found, trainee, form.step_id.data, form.state.data, assessor,
                                         form.notes.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Checkout step recorded.", "success")
            return redirect(url_for("cascade.checkout", course_id=found.id, person_id=trainee.id))
    state = services.checkout_state(found, trainee.id)
    results = list(CheckoutResult.select(CheckoutResult, Person).join(Person, on=(CheckoutResult.assessor == Person.id))
                   .where((CheckoutResult.course == found) & (CheckoutResult.trainee == trainee.id))
                   .order_by(CheckoutResult.recorded_at.desc(), CheckoutResult.id.desc()))
    return render_template("cascade/checkout.html", course=found, trainee=trainee, steps=steps, state=state,
                           form=form, labels=services.CHECKOUT_STATES, results=results,
                           step_titles={s["id"]: s["title"] for s in steps})


@bp.route("/courses/<int:course_id>/trainees/<int:person_id>/certify", methods=["GET", "POST"])
@allow(*roles.CASCADE_VIEWERS)
def certify(course_id: int, person_id: int):
    found = managed_course(course_id)
    trainee = access.person(current_user, person_id)
    if not services.is_trainee(found, trainee.id):
        abort(404)
    curriculum = get_curriculum()
    form = CertifyForm()
    form.certifier.choices = _course_trainer_choices(found)
    if request.method == "GET" and current_user.person_id:
        form.certifier.data = current_user.person_id
    if form.validate_on_submit():
        certifier = Person.get_or_none(Person.id == form.certifier.data)
        try:
            cert = services.certify(current_user, found, trainee, certifier, form.certified_on.data, curriculum)
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"{trainee.name} is certified.", "success")
            return redirect(url_for("cascade.certification", certification_id=cert.id))
    status = services.eligibility(found, trainee.id, curriculum)
    return render_template("cascade/certify.html", course=found, trainee=trainee, form=form, status=status,
                           curriculum=curriculum, steps={s["id"]: s["title"] for s in services.checkout_steps(found.stage)})


# Certifications ---------------------------------------------------------------------------

@bp.get("/certifications/<int:certification_id>")
@allow(*PEOPLE_VIEWERS)
def certification(certification_id: int):
    cert = access.certification(current_user, certification_id)
    events = list(cert.events.order_by(CertificationEvent.at))
    can_manage = current_user.role in roles.STAFF and access.can_manage_people(current_user, cert.person.site_id)
    return render_template("cascade/certification.html", cert=cert, events=events, can_manage=can_manage,
                           reason_form=ReasonForm())


@bp.get("/certifications/<int:certification_id>/certificate")
@allow(*PEOPLE_VIEWERS)
def certificate(certification_id: int):
    cert = access.certification(current_user, certification_id)
    return render_template("cascade/certificate.html", cert=cert,
                           verify_url=url_for("web.verify", code=cert.verification_code, _external=True))


def _status_change(certification_id: int, change, message: str):
    cert = access.certification(current_user, certification_id)
    if not access.can_manage_people(current_user, cert.person.site_id):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            change(current_user, cert, form.reason.data)
        except Refused as exc:
            flash(exc.message, "info")
        else:
            flash(message, "success")
    else:
        flash("Give a reason. It is kept in the certification's history.", "info")
    return redirect(url_for("cascade.certification", certification_id=cert.id))


@bp.post("/certifications/<int:certification_id>/revoke")
@allow(*roles.STAFF)
def revoke(certification_id: int):
    return _status_change(certification_id, services.revoke, "Certification revoked.")


@bp.post("/certifications/<int:certification_id>/lapse")
@allow(*roles.STAFF)
def lapse(certification_id: int):
    return _status_change(certification_id, services.lapse, "Certification marked as lapsed.")


@bp.route("/certifications/<int:certification_id>/renew", methods=["GET", "POST"])
@allow(*roles.STAFF)
def renew(certification_id: int):
    cert = access.certification(current_user, certification_id)
    if not access.can_manage_people(current_user, cert.person.site_id):
        abort(403)
    form = RenewForm()
    bind_courses(form.course, access.courses(current_user))
    # A renewal is given by someone of an earlier generation (founding trainers included).
    certifiers = access.people(current_user)
    if cert.person.generation is not None:
        certifiers = certifiers.where(Person.generation < cert.person.generation)
    bind_people(form.certifier, certifiers)
    if not pickers.searching() and form.validate_on_submit():
        course = access.course(current_user, form.course.data)
        certifier = Person.get_or_none(Person.id == form.certifier.data)
        try:
            new = services.renew(current_user, cert, course, certifier, form.certified_on.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Certification renewed.", "success")
            return redirect(url_for("cascade.certification", certification_id=new.id))
    return render_template("cascade/form_page.html", form=form, title="Renew a certification",
                           caption=cert.person.name, submit="Renew",
                           back=url_for("cascade.certification", certification_id=cert.id))


# The cascade tree ---------------------------------------------------------------------------

@bp.get("/cascade")
@allow(*roles.CASCADE_VIEWERS)
def tree():
    site_code = request.args.get("site", "").upper()
    site = Site.get_or_none(Site.code == site_code) if site_code else None
    if current_user.role == roles.SITE_LEAD:
        site = Site.get_by_id(current_user.site_id)
    # The tree is read a page at a time in the order of each person's kept tree path (founding
    # trainer down to them: figures/generations.py), so the national cascade costs one page.
    scope = Person.tree_path.is_null(False)
    if site is not None:
        scope &= Person.site == site.id
    if current_user.role not in roles.CENTRAL:
        scope &= Person.id.in_(access.people(current_user).select(Person.id))
    query = (Person.select(Person.id, Person.given_name, Person.family_name, Site.code, Person.generation,
                           Person.tree_path)
             .join(Site, on=(Person.site == Site.id)).where(scope))
    total = query.count()
    pages = max(1, -(-total // TREE_PAGE_SIZE))
    page = min(page_number(), pages)
    found = list(query.order_by(Person.tree_path).paginate(page, TREE_PAGE_SIZE).tuples())
    ancestors = {int(a) for *_, path in found for a in path.split("/")[:-1]}
    # The nearest ancestor in scope is each person's parent here (someone in another site or out
    # of view is skipped, so the shape stays readable).
    in_scope = {pid: (f"{given} {family}", code, generation) for pid, given, family, code, generation in
                Person.select(Person.id, Person.given_name, Person.family_name, Site.code, Person.generation)
                .join(Site, on=(Person.site == Site.id))
                .where(scope & Person.id.in_(sorted(ancestors))).tuples()} if ancestors else {}
    nodes = {pid: lineage.TreeNode(pid, f"{given} {family}", code, generation,
                                   int(path.split("/")[-2]) if "/" in path else None, [])
             for pid, given, family, code, generation, path in found}
    rows = []
    for pid, *_, path in found:
        parent_id = next((int(a) for a in reversed(path.split("/")[:-1]) if int(a) in nodes or int(a) in in_scope),
                         None)
        parent = nodes.get(parent_id)
        if parent is None and parent_id is not None:
            name, code, generation = in_scope[parent_id]
            parent = lineage.TreeNode(parent_id, name, code, generation, None, [])
        if parent_id in nodes:
            nodes[parent_id].children.append(nodes[pid])
        rows.append((nodes[pid], parent))
    on_page = set(nodes)
    # People whose trainer is on another page start their own branch here.
    page_roots = [node for node, parent in rows if parent is None or parent.id not in on_page]
    sites = list(Site.select().order_by(Site.name))
    return render_template("cascade/tree.html", roots=page_roots, rows=rows, on_page=on_page, site=site, sites=sites,
                           page=page, pages=pages, total=total, first=(page - 1) * TREE_PAGE_SIZE + 1,
                           can_filter=current_user.role in roles.CENTRAL or current_user.role == roles.TRAINER)

