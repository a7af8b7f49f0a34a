"""Cascade pages: courses, their trainers and trainees, deliveries, attendance, checkout and certifying."""

from __future__ import annotations

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
from . import services
from .blueprint import (
    bind_people,
    bp,
    managed_course,
    managed_delivery,
    managed_site,
    person_choices,
    release_choices,
    site_choices,
)
from .forms import (
    AttendanceForm,
    CertifyForm,
    CheckoutForm,
    CourseForm,
    DeliveryForm,
    PersonChoiceForm,
)
from .models import (
    Attendance,
    Certification,
    CheckoutResult,
    Course,
    CourseTrainee,
    CourseTrainer,
    ModuleDelivery,
    Person,
    Site,
)


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
    form.curriculum_release.choices = release_choices()
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
    from ..study.services import progress

    study = progress([t.id for t in trainees], curriculum, found.stage)  # self-study on the site, before checkout
    can_manage = access.can_manage_course(current_user, found)
    staff_manage = can_manage and current_user.role in roles.STAFF
    course_history = history(("course", found.id), ("module_delivery", [d.id for d in deliveries])) if can_manage else []
    return render_template("cascade/course.html", course=found, trainers=trainers, trainees=trainees,
                           staff_manage=staff_manage, history=course_history,
                           deliveries=deliveries, present=present, required=required, delivered=delivered,
                           curriculum=curriculum, certs=certs, status=status, can_manage=can_manage,
                           steps=services.checkout_steps(found.stage), study=study)


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
