"""Corrections to cascade records: sites, people, courses, trainers and trainees, deliveries,
checkout results. Each asks for a reason, runs in one transaction with its audit entry (old and
new values, personal ones masked) and shows in the record's history."""

from __future__ import annotations

import datetime as dt

from cascade.authoring.releases import RELEASE_NAME_RE

from ..audit import service as audit
from ..db import write_transaction
from ..errors import Refused
from ..figures import keep
from . import services
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

SETTINGS = ("urban", "rural", "")


def ensure_sites(actor, configured: list[dict]) -> list[Site]:
    """Create the sites named in the programme configuration that do not exist yet (idempotent)."""
    created = []
    for entry in configured or []:
        code = str(entry.get("code", "")).strip().upper()
        if not code or Site.select().where(Site.code == code).exists():
            continue
        created.append(services.create_site(actor, code, str(entry.get("name") or code),
                                            str(entry.get("setting") or "")))
    return created


def rename_site(actor, site: Site, name: str, setting: str, reason: str) -> Site:
    name = " ".join((name or "").split())
    if not name:
        raise Refused("Give the site a name.", "name")
    if setting not in SETTINGS:
        raise Refused("Choose urban or rural.", "setting")
    with write_transaction():
        audit.correct(actor, site, {"name": name[:120], "setting": setting}, reason, entity="site",
                      action="site.correct", summary=f"Site {site.code} corrected")
    return site


def correct_person(actor, person: Person, given_name: str, family_name: str, site: Site, reason: str) -> Person:
    given, family = " ".join((given_name or "").split()), " ".join((family_name or "").split())
    if not given or not family:
        raise Refused("Enter a first name and a last name.", "given_name" if not given else "family_name")
    with write_transaction():
        old_site = person.site_id
        audit.correct(actor, person, {"given_name": given[:80], "family_name": family[:80], "site": site}, reason,
                      entity="person", action="person.correct", summary="Person corrected")
        if site.id != old_site:
            keep.person_moved(person.id, old_site, site.id)
    return person


def correct_course(actor, course: Course, *, title: str, site: Site, starts_on: dt.date, ends_on: dt.date,
                   curriculum_release: str, reason: str) -> Course:
    title = " ".join((title or "").split())
    if not title:
        raise Refused("Give the course a title.", "title")
    if ends_on < starts_on:
        raise Refused("The course must end on or after the day it starts.", "ends_on")
    if not RELEASE_NAME_RE.match(curriculum_release or ""):
        raise Refused("Give the curriculum release as a year and number, e.g. 2027.1.", "curriculum_release")
    with write_transaction():
        deliveries = ModuleDelivery.select().where(ModuleDelivery.course == course)
        outside = deliveries.where((ModuleDelivery.delivered_on < starts_on) | (ModuleDelivery.delivered_on > ends_on))
        if outside.exists():
            first = outside.order_by(ModuleDelivery.delivered_on).first()
            raise Refused(f"A module was delivered on {first.delivered_on}, outside these dates. Correct that "
                          "delivery first.", "starts_on")
        if curriculum_release != course.curriculum_release and (
                deliveries.exists() or Certification.select().where(Certification.course == course).exists()):
            raise Refused("Modules have been delivered on this course from its release, so the release cannot "
                          "change. Record a new course instead.", "curriculum_release")
        if curriculum_release != course.curriculum_release:
            services.check_release(curriculum_release)
        old_site = course.site_id
        audit.correct(actor, course, {"title": title[:160], "site": site, "starts_on": starts_on, "ends_on": ends_on,
                                      "curriculum_release": curriculum_release}, reason,
                      entity="course", action="course.correct", summary="Course details corrected")
        keep.course_changed(course, old_site)
    return course


def remove_trainer(actor, course: Course, person: Person, reason: str) -> None:
    reason = audit.require_reason(reason)
    with write_transaction():
        link = CourseTrainer.get_or_none((CourseTrainer.course == course) & (CourseTrainer.person == person))
        if link is None:
            raise Refused("This person is not a trainer on this course.", "person")
        if (ModuleDelivery.select().where((ModuleDelivery.course == course) & (ModuleDelivery.trainer == person)).exists()
                or CheckoutResult.select().where((CheckoutResult.course == course) & (CheckoutResult.assessor == person)
                                                 & CheckoutResult.voided_at.is_null()).exists()
                or Certification.select().where((Certification.course == course)
                                                & (Certification.certified_by == person)).exists()):
            raise Refused(f"{person.name} delivered modules, assessed checkout steps or certified trainees on this "
                          "course. Correct those records first.", "person")
        link.delete_instance()
        audit.record(actor, "course.remove_trainer", "course", course.id, "Trainer removed from course",
                     reason=reason, person_id=person.id)


def remove_trainee(actor, course: Course, person: Person, reason: str) -> None:
    reason = audit.require_reason(reason)
    with write_transaction():
        link = CourseTrainee.get_or_none((CourseTrainee.course == course) & (CourseTrainee.person == person))
        if link is None:
            raise Refused("This person is not a trainee on this course.", "person")
        if Certification.select().where((Certification.course == course) & (Certification.person == person)).exists():
            raise Refused(f"{person.name} was certified on this course: revoke the certification instead.", "person")
        attended = (Attendance.select().join(ModuleDelivery)
                    .where((ModuleDelivery.course == course) & (Attendance.person == person) & Attendance.attended))
        results = CheckoutResult.select().where((CheckoutResult.course == course) & (CheckoutResult.trainee == person)
                                                & CheckoutResult.voided_at.is_null())
        if attended.exists() or results.exists():
            raise Refused(f"{person.name} has attendance or checkout results on this course. Correct those first.",
                          "person")
        (Attendance.delete().where((Attendance.person == person) & Attendance.delivery.in_(
            ModuleDelivery.select(ModuleDelivery.id).where(ModuleDelivery.course == course))).execute())
        link.delete_instance()
        keep.enrolment_changed(person.id)
        audit.record(actor, "course.remove_trainee", "course", course.id, "Trainee removed from course",
                     reason=reason, person_id=person.id)


def correct_delivery(actor, delivery: ModuleDelivery, *, module_id: str, delivered_on: dt.date, trainer: Person,
                     notes: str, curriculum, reason: str) -> ModuleDelivery:
    course = delivery.course
    versions = services.module_versions(curriculum, course.curriculum_release)
    if module_id not in versions:
        raise Refused(f"Module '{module_id}' is not in curriculum release {course.curriculum_release}.", "module_id")
    module = curriculum.by_id.get(module_id)
    if module is not None and course.stage not in module.stages:
        raise Refused(f"'{module.title}' is not delivered in stage {course.stage}.", "module_id")
    if not services.is_trainer(course, trainer.id):
        raise Refused("The trainer who delivered the module must be a trainer on this course.", "trainer")
    if delivered_on < course.starts_on or delivered_on > course.ends_on:
        raise Refused(f"The date must be within the course ({course.starts_on} to {course.ends_on}).", "delivered_on")
    with write_transaction():
        audit.correct(actor, delivery, {"module_id": module_id, "module_version": versions[module_id],
                                        "delivered_on": delivered_on, "trainer": trainer, "notes": (notes or "").strip()},
                      reason, entity="module_delivery", action="delivery.correct", summary="Module delivery corrected",
                      course_id=course.id)
        keep.delivery_changed(delivery.id, course.site_id)
    return delivery


def void_checkout(actor, result: CheckoutResult, reason: str) -> CheckoutResult:
    """A result recorded by mistake (wrong trainee or step) stops counting; the row is kept."""
    reason = audit.require_reason(reason)
    if result.voided_at is not None:
        raise Refused("This result is already withdrawn.")
    with write_transaction():
        if Certification.select().where((Certification.course == result.course_id)
                                        & (Certification.person == result.trainee_id)).exists():
            raise Refused("The trainee is already certified on this course: revoke the certification first.")
        result.voided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        result.void_reason = reason
        result.save()
        audit.record(actor, "checkout.void", "checkout_result", result.id, f"Checkout result {result.step_id} withdrawn",
                     reason=reason, course_id=result.course_id, trainee_id=result.trainee_id)
    return result
