"""Pages that correct cascade records: a person, a course, its trainers and trainees, a module
delivery, a checkout result recorded by mistake. Each asks why; the record's page shows the history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..errors import Refused
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import query_id
from . import corrections, services
from .blueprint import bp, managed_course, managed_delivery, managed_site, person_choices, release_choices, site_choices
from .forms import EditCourseForm, EditDeliveryForm, EditPersonForm, RemovePersonForm, WithdrawResultForm
from .models import CheckoutResult, CourseTrainee, CourseTrainer, Person


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@allow(*roles.STAFF)
def edit_person(person_id: int):
    person = access.person(current_user, person_id)
    managed_site(person.site_id)
    form = EditPersonForm(data={"given_name": person.given_name, "family_name": person.family_name,
                                "site": person.site_id} if request.method == "GET" else None)
    form.site.choices = site_choices(current_user)
    if form.validate_on_submit():
        try:
            corrections.correct_person(current_user, person, form.given_name.data, form.family_name.data,
                                       managed_site(form.site.data), form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Details corrected.", "success")
            return redirect(url_for("cascade.person", person_id=person.id))
    return render_template("cascade/form_page.html", form=form, title=f"Correct {person.name}'s details",
                           submit="Save correction", back=url_for("cascade.person", person_id=person.id))


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@allow(*roles.STAFF)
def edit_course(course_id: int):
    course = managed_course(course_id)
    form = EditCourseForm(data={"title": course.title, "site": course.site_id, "starts_on": course.starts_on,
                                "ends_on": course.ends_on, "curriculum_release": course.curriculum_release}
                          if request.method == "GET" else None)
    form.curriculum_release.choices = release_choices(course.curriculum_release)
    form.site.choices = site_choices(current_user)
    if form.validate_on_submit():
        try:
            corrections.correct_course(current_user, course, title=form.title.data, site=managed_site(form.site.data),
                                       starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                       curriculum_release=form.curriculum_release.data.strip(), reason=form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Course corrected.", "success")
            return redirect(url_for("cascade.course", course_id=course.id))
    return render_template("cascade/form_page.html", form=form, title=f"Correct {course.title}",
                           submit="Save correction", back=url_for("cascade.course", course_id=course.id))


def _remove(course_id: int, link_model, label: str, service):
    course = managed_course(course_id)
    form = RemovePersonForm()
    people = Person.select().join(link_model).where(link_model.course == course)
    form.person.choices = person_choices(people)
    if request.method == "GET":
        form.person.data = query_id("person")
    if form.validate_on_submit():
        chosen = Person.get_or_none(Person.id == form.person.data)
        try:
            service(current_user, course, chosen, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"{chosen.name} removed from the course.", "success")
            return redirect(url_for("cascade.course", course_id=course.id))
    return render_template("cascade/form_page.html", form=form, title=f"Remove a {label} recorded by mistake",
                           caption=course.title, submit=f"Remove {label}",
                           back=url_for("cascade.course", course_id=course.id))


@bp.route("/courses/<int:course_id>/trainers/remove", methods=["GET", "POST"])
@allow(*roles.STAFF)
def remove_trainer(course_id: int):
    return _remove(course_id, CourseTrainer, "trainer", corrections.remove_trainer)


@bp.route("/courses/<int:course_id>/trainees/remove", methods=["GET", "POST"])
@allow(*roles.STAFF)
def remove_trainee(course_id: int):
    return _remove(course_id, CourseTrainee, "trainee", corrections.remove_trainee)


@bp.route("/deliveries/<int:delivery_id>/edit", methods=["GET", "POST"])
@allow(*roles.CASCADE_VIEWERS)
def edit_delivery(delivery_id: int):
    delivery, course = managed_delivery(delivery_id)
    curriculum = get_curriculum()
    form = EditDeliveryForm(data={"module_id": delivery.module_id, "delivered_on": delivery.delivered_on,
                                  "trainer": delivery.trainer_id, "notes": delivery.notes}
                            if request.method == "GET" else None)
    versions = services.module_versions(curriculum, course.curriculum_release)
    form.module_id.choices = [(m.id, f"{m.title} (version {versions[m.id]})") for m in curriculum.modules
                              if course.stage in m.stages and m.id in versions and m.status != "retired"]
    form.trainer.choices = person_choices(Person.select().join(CourseTrainer).where(CourseTrainer.course == course))
    if form.validate_on_submit():
        trainer = Person.get_or_none(Person.id == form.trainer.data)
        try:
            corrections.correct_delivery(current_user, delivery, module_id=form.module_id.data,
                                         delivered_on=form.delivered_on.data, trainer=trainer,
                                         notes=form.notes.data or "", curriculum=curriculum, reason=form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Delivery corrected.", "success")
            return redirect(url_for("cascade.course", course_id=course.id))
    return render_template("cascade/form_page.html", form=form, title="Correct a module delivery",
                           caption=course.title, submit="Save correction",
                           back=url_for("cascade.course", course_id=course.id),
                           history=history(("module_delivery", delivery.id)))


@bp.route("/checkout-results/<int:result_id>/withdraw", methods=["GET", "POST"])
@allow(*roles.CASCADE_VIEWERS)
def withdraw_result(result_id: int):
    """A checkout result recorded by mistake (wrong trainee or step) stops counting; it is kept."""
    result = CheckoutResult.get_or_none(CheckoutResult.id == result_id)
    if result is None:
        abort(404)
    course = managed_course(result.course_id)
    back = url_for("cascade.checkout", course_id=course.id, person_id=result.trainee_id)
    form = WithdrawResultForm()
    if form.validate_on_submit():
        try:
            corrections.void_checkout(current_user, result, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Result withdrawn. It stays in the history but no longer counts.", "success")
            return redirect(back)
    steps = {s["id"]: s["title"] for s in services.checkout_steps(course.stage)}
    return render_template("cascade/form_page.html", form=form, title="Withdraw a checkout result recorded by mistake",
                           caption=f"{steps.get(result.step_id, result.step_id)}: {services.CHECKOUT_STATES[result.state]}",
                           submit="Withdraw result", back=back,
                           history=history(("checkout_result", result.id)))
