"""Every change to the cascade: validated, in one transaction, with its audit entry.

Refusals raise Refused with a message a trainer or programme lead can act on.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from cascade.authoring.releases import RELEASE_NAME_RE
from cascade.config import programme
from cascade.content.stages import checkout_steps, module_versions, required_modules  # noqa: F401  (services.X)

from ..audit import service as audit
from ..db import lock_rows, write_transaction
from ..errors import Refused
from ..figures import keep
from . import lineage
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

CHECKOUT_STATES = {
    "not_evaluated": "Not evaluated",
    "passed": "Passed",
    "failed": "Failed",
    "repeat": "Asked to repeat",
}
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


# Sites and people ---------------------------------------------------------------------------

def create_site(actor, code: str, name: str, setting: str = "") -> Site:
    code = code.strip().upper()
    if not code.isascii() or not code.isalnum() or not 1 < len(code) <= 8:
        raise Refused("A site code is 2 to 8 letters or digits, e.g. EL.", "code")
    name = " ".join((name or "").split())
    if not name:
        raise Refused("Give the site a name.", "name")
    if setting not in ("urban", "rural", ""):
        raise Refused("Choose urban or rural.", "setting")
    with write_transaction():
        if Site.select().where(Site.code == code).exists():
            raise Refused(f"There is already a site with the code {code}.", "code")
        site = Site.create(code=code, name=name.strip(), setting=setting)
        keep.site_changed(site.id)
        audit.record(actor, "site.create", "site", site.id, f"Site {code} created", code=code)
    return site


def create_person(actor, given_name: str, family_name: str, site: Site, founding_trainer: bool = False) -> Person:
    if not given_name.strip() or not family_name.strip():
        raise Refused("Enter a first name and a last name.", "given_name" if not given_name.strip() else "family_name")
    with write_transaction():
        person = Person.create(given_name=given_name.strip(), family_name=family_name.strip(), site=site,
                               founding_trainer=founding_trainer)
        keep.person_added(person)
        audit.record(actor, "person.create", "person", person.id, "Person added",
                     site=site.code, founding_trainer=founding_trainer)
    return person


# Courses ------------------------------------------------------------------------------------

def check_release(name: str) -> None:
    """A course teaches from a release that exists: one with a file in curriculum/releases/ (else it
    would silently use whatever the curriculum is on the day)."""
    from flask import current_app, has_app_context

    from cascade.authoring.releases import release_file
    from cascade.config import content_root

    root = Path(current_app.config["CONTENT_ROOT"]) if has_app_context() else content_root()
    if not release_file(root / "curriculum", name).exists():
        raise Refused(f"There is no curriculum release {name} (no file in curriculum/releases/). Choose one "
                      "that exists, or make the release first: cascade curriculum release NAME.", "curriculum_release")


def create_course(actor, title: str, stage: int, site: Site, starts_on: dt.date, ends_on: dt.date,
                  curriculum_release: str) -> Course:
    if stage not in (1, 2):
        raise Refused("The stage must be 1 or 2.", "stage")
    if ends_on < starts_on:
        raise Refused("The course must end on or after the day it starts.", "ends_on")
    if not RELEASE_NAME_RE.match(curriculum_release or ""):
        raise Refused("Give the curriculum release as a year and number, e.g. 2027.1.", "curriculum_release")
    check_release(curriculum_release)
    if not title.strip():
        raise Refused("Give the course a title.", "title")
    with write_transaction():
        course = Course.create(title=title.strip(), stage=stage, site=site, starts_on=starts_on,
                               ends_on=ends_on, curriculum_release=curriculum_release)
        keep.site_changed(site.id)
        audit.record(actor, "course.create", "course", course.id, f"Stage {stage} course created",
                     stage=stage, site=site.code, release=curriculum_release)
    return course


def add_trainer(actor, course: Course, person: Person) -> CourseTrainer:
    with write_transaction():
        if CourseTrainer.select().where((CourseTrainer.course == course) & (CourseTrainer.person == person)).exists():
            raise Refused("This person is already a trainer on this course.", "person")
        if CourseTrainee.select().where((CourseTrainee.course == course) & (CourseTrainee.person == person)).exists():
            raise Refused("A trainee on this course cannot also be its trainer.", "person")
        link = CourseTrainer.create(course=course, person=person)
        audit.record(actor, "course.add_trainer", "course", course.id, "Trainer added to course", person_id=person.id)
    return link


def enrol(actor, course: Course, person: Person) -> CourseTrainee:
    with write_transaction():
        if CourseTrainee.select().where((CourseTrainee.course == course) & (CourseTrainee.person == person)).exists():
            raise Refused("This person is already on this course.", "person")
        if CourseTrainer.select().where((CourseTrainer.course == course) & (CourseTrainer.person == person)).exists():
            raise Refused("A trainer of this course cannot also be its trainee.", "person")
        if person.founding_trainer:
            raise Refused("Founding trainers (generation 0) are not trainees.", "person")
        link = CourseTrainee.create(course=course, person=person)
        keep.enrolment_changed(person.id)
        audit.record(actor, "course.enrol", "course", course.id, "Trainee enrolled", person_id=person.id)
    return link


def is_trainer(course: Course, person_id: int) -> bool:
    return CourseTrainer.select().where((CourseTrainer.course == course) & (CourseTrainer.person == person_id)).exists()


def is_trainee(course: Course, person_id: int) -> bool:
    return CourseTrainee.select().where((CourseTrainee.course == course) & (CourseTrainee.person == person_id)).exists()


def record_delivery(actor, course: Course, module_id: str, delivered_on: dt.date, trainer: Person,
                    curriculum, notes: str = "") -> ModuleDelivery:
    versions = module_versions(curriculum, course.curriculum_release)
    if module_id not in versions:
        raise Refused(f"Module '{module_id}' is not in curriculum release {course.curriculum_release}.", "module_id")
    module = curriculum.by_id.get(module_id)
    if module is not None and course.stage not in module.stages:
        raise Refused(f"'{module.title}' is not delivered in stage {course.stage}.", "module_id")
    if not is_trainer(course, trainer.id):
        raise Refused("The trainer who delivered the module must be a trainer on this course.", "trainer")
    if delivered_on < course.starts_on or delivered_on > course.ends_on:
        raise Refused(f"The date must be within the course ({course.starts_on} to {course.ends_on}).", "delivered_on")
    if delivered_on > dt.date.today():
        raise Refused("A delivery cannot be recorded before it happens.", "delivered_on")
    with write_transaction():
        delivery = ModuleDelivery.create(course=course, module_id=module_id, module_version=versions[module_id],
                                         delivered_on=delivered_on, trainer=trainer, notes=notes)
        keep.delivery_added(course.site_id)
        audit.record(actor, "delivery.create", "module_delivery", delivery.id,
                     f"Module {module_id} {versions[module_id]} delivered", course_id=course.id,
                     module=module_id, version=versions[module_id], trainer_id=trainer.id)
    return delivery


def record_attendance(actor, delivery: ModuleDelivery, attended: dict[int, bool], reason: str = "") -> None:
    """Set who attended a delivery. Only trainees of the course can be marked. Changing attendance
    that was already recorded is a correction: it needs a reason, kept in the history."""
    trainees = {pid for (pid,) in CourseTrainee.select(CourseTrainee.person)
                .where(CourseTrainee.course == delivery.course_id).tuples()}
    unknown = set(attended) - trainees
    if unknown:
        raise Refused("Attendance can only be recorded for trainees on this course.", "attendance")
    with write_transaction():
        existing = {row.person_id: row for row in Attendance.select().where(Attendance.delivery == delivery)}
        changed = {pid: present for pid, present in attended.items()
                   if pid in existing and existing[pid].attended != present}
        if changed:
            reason = audit.require_reason(reason)
        for person_id, present in attended.items():
            row = existing.get(person_id)
            if row is None:
                Attendance.create(delivery=delivery, person=person_id, attended=present)
            elif row.attended != present:
                row.attended = present
                row.save()
        from ..refreshers.services import sessions_attended

        sessions_attended(actor, delivery, [pid for pid, present in attended.items() if present])
        action = "attendance.correct" if changed else "attendance.record"
        audit.record(actor, action, "module_delivery", delivery.id,
                     "Attendance corrected" if changed else "Attendance recorded", reason=reason if changed else "",
                     present=sum(1 for v in attended.values() if v), absent=sum(1 for v in attended.values() if not v),
                     changes={f"attendance of person {pid}": {"from": "present" if not p else "absent",
                                                             "to": "present" if p else "absent"}
                              for pid, p in changed.items()})


def record_checkout(actor, course: Course, trainee: Person, step_id: str, state: str, assessor: Person,
                    notes: str = "") -> CheckoutResult:
    steps = {s["id"]: s for s in checkout_steps(course.stage)}
    if step_id not in steps:
        raise Refused(f"'{step_id}' is not a checkout step of stage {course.stage}.", "step_id")
    if state not in CHECKOUT_STATES:
        raise Refused("Choose not evaluated, passed, failed or asked to repeat.", "state")
    if state == "failed" and not notes.strip():
        raise Refused("Say why the step was failed, so the trainee knows what to work on.", "notes")
    if not is_trainee(course, trainee.id):
        raise Refused("This person is not a trainee on this course.", "trainee")
    if not is_trainer(course, assessor.id):
        raise Refused("The assessor must be a trainer on this course.", "assessor")
    if assessor.id == trainee.id:
        raise Refused("Nobody can assess their own checkout step.", "assessor")
    with write_transaction():
        result = CheckoutResult.create(course=course, trainee=trainee, step_id=step_id, state=state,
                                       notes=notes.strip(), assessor=assessor)
        audit.record(actor, "checkout.record", "checkout_result", result.id,
                     f"Checkout step {step_id}: {state}", course_id=course.id, trainee_id=trainee.id,
                     step=step_id, state=state, assessor_id=assessor.id, notes="x" if notes else "")
    return result


def checkout_state(course: Course, trainee_id: int) -> dict[str, CheckoutResult]:
    """The latest result per step for one trainee (append-only history; latest wins)."""
    latest: dict[str, CheckoutResult] = {}
    for result in (CheckoutResult.select().where((CheckoutResult.course == course)
                                                 & (CheckoutResult.trainee == trainee_id)
                                                 & CheckoutResult.voided_at.is_null())
                   .order_by(CheckoutResult.recorded_at, CheckoutResult.id)):
        latest[result.step_id] = result
    return latest


# Certification -----------------------------------------------------------------------------

class Eligibility:
    def __init__(self, missing_modules: list[str], steps_not_passed: list[str]):
        self.missing_modules = missing_modules
        self.steps_not_passed = steps_not_passed

    @property
    def ok(self) -> bool:
        return not self.missing_modules and not self.steps_not_passed


def eligibility(course: Course, trainee_id: int, curriculum) -> Eligibility:
    return eligibility_for_course(course, [trainee_id], curriculum)[trainee_id]


def eligibility_for_course(course: Course, trainee_ids: list[int], curriculum) -> dict[int, Eligibility]:
    """Eligibility of several trainees of a course in two queries (not two per trainee): every
    required module attended, and the latest result of every checkout step (append-only; latest
    by recorded_at, then id; withdrawn results ignored) is "passed"."""
    if not trainee_ids:
        return {}
    required = required_modules(curriculum, course.stage, course.curriculum_release)
    attended: dict[int, set[str]] = {pid: set() for pid in trainee_ids}
    for person_id, module_id in (ModuleDelivery.select(Attendance.person, ModuleDelivery.module_id)
                                 .join(Attendance)
                                 .where((ModuleDelivery.course == course) & Attendance.person.in_(trainee_ids)
                                        & (Attendance.attended == True))  # noqa: E712
                                 .tuples()):
        attended[person_id].add(module_id)
    latest: dict[int, dict[str, str]] = {pid: {} for pid in trainee_ids}
    for person_id, step_id, state in (CheckoutResult.select(CheckoutResult.trainee, CheckoutResult.step_id,
                                                            CheckoutResult.state)
                                      .where((CheckoutResult.course == course)
                                             & CheckoutResult.trainee.in_(trainee_ids)
                                             & CheckoutResult.voided_at.is_null())
                                      .order_by(CheckoutResult.recorded_at, CheckoutResult.id).tuples()):
        latest[person_id][step_id] = state
    steps = checkout_steps(course.stage)
    return {pid: Eligibility([m for m in required if m not in attended[pid]],
                             [s["id"] for s in steps if latest[pid].get(s["id"]) != "passed"])
            for pid in trainee_ids}


def _original(person_id: int) -> Certification | None:
    return (Certification.select().where((Certification.person == person_id) & Certification.renewal_of.is_null())
            .order_by(Certification.id).first())


def current_certification(person_id: int) -> Certification | None:
    """The latest certification in a person's chain (original or latest renewal)."""
    return (Certification.select().where(Certification.person == person_id)
            .order_by(Certification.certified_on.desc(), Certification.id.desc()).first())


def generation_of(person: Person) -> int | None:
    if person.founding_trainer:
        return 0
    return lineage.generation_from(lineage.lineage(person.id), False)


def _check_certifier(certifier: Person, trainee: Person, course: Course, on: dt.date) -> int:
    """Apply the certifier rules; return the certifier's generation."""
    if certifier.id == trainee.id:
        raise Refused("Nobody can certify themselves.", "certifier")
    if not is_trainer(course, certifier.id):
        raise Refused("The certifying trainer must be a trainer on this course.", "certifier")
    generation = generation_of(certifier)
    if generation is None:
        raise Refused(f"{certifier.name} is not certified, so cannot certify others. The certifier must be "
                      "a founding trainer (generation 0) or certified in an earlier generation.", "certifier")
    if not certifier.founding_trainer:
        current = current_certification(certifier.id)
        if current is None or current.effective_status(on) != "active":
            status = current.effective_status(on) if current else "none"
            raise Refused(f"{certifier.name}'s own certification is {status}, so they cannot certify others.",
                          "certifier")
    if trainee.id in {step.certifier_id for step in lineage.lineage(certifier.id)}:
        raise Refused(f"{trainee.name} is in {certifier.name}'s own lineage: certifying them would make a "
                      "cycle in the cascade.", "certifier")
    return generation


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"CPS-{raw[:4]}-{raw[4:]}"


def _expiry(on: dt.date) -> dt.date:
    months = int(programme().get("certification_valid_months", 24))
    year, month = divmod(on.month - 1 + months, 12)
    day = min(on.day, 28)
    return dt.date(on.year + year, month + 1, day)


def certify(actor, course: Course, trainee: Person, certifier: Person, certified_on: dt.date,
            curriculum) -> Certification:
    """Certify a trainee who attended every required module and passed every checkout step.

    The checks run inside the write transaction, so two trainers certifying at once cannot both pass.
    """
    with write_transaction():
        lock_rows(Person, [trainee.id])  # two trainers certifying the same trainee at once: one wins
        if not is_trainee(course, trainee.id):
            raise Refused(f"{trainee.name} is not a trainee on this course.", "trainee")
        if trainee.founding_trainer:
            raise Refused("Founding trainers (generation 0) are not certified in the cascade.", "trainee")
        existing = _original(trainee.id)
        if existing is not None:
            raise Refused(f"{trainee.name} was already certified on {existing.certified_on}. "
                          "Renew that certification instead.", "trainee")
        _check_certifier(certifier, trainee, course, certified_on)
        status = eligibility(course, trainee.id, curriculum)
        if status.missing_modules:
            names = ", ".join(curriculum.by_id[m].title if m in curriculum.by_id else m
                              for m in status.missing_modules)
            raise Refused(f"{trainee.name} has not attended every required module of stage {course.stage}. "
                          f"Still to attend: {names}.")
        if status.steps_not_passed:
            titles = {s["id"]: s["title"] for s in checkout_steps(course.stage)}
            names = ", ".join(titles.get(s, s) for s in status.steps_not_passed)
            raise Refused(f"{trainee.name} has not passed every checkout step. Not passed yet: {names}.")
        if certified_on < course.starts_on:
            raise Refused("The certification date cannot be before the course starts.", "certified_on")
        if certified_on > dt.date.today():
            raise Refused("The certification date cannot be in the future.", "certified_on")
        cert = Certification.create(person=trainee, certified_by=certifier, course=course, stage=course.stage,
                                    curriculum_release=course.curriculum_release, certified_on=certified_on,
                                    expires_on=_expiry(certified_on), status="active",
                                    verification_code=_new_code())
        CertificationEvent.create(certification=cert, event="issued", by_user_id=getattr(actor, "id", None))
        keep.person_certified(trainee.id, course.site_id)
        audit.record(actor, "certification.issue", "certification", cert.id, f"Certified at stage {course.stage}",
                     person_id=trainee.id, certifier_id=certifier.id, course_id=course.id,
                     release=course.curriculum_release)
    return cert


def renew(actor, previous: Certification, course: Course, certifier: Person, renewed_on: dt.date) -> Certification:
    """Renew a certification (e.g. after a refresher); the history keeps both."""
    trainee = previous.person
    with write_transaction():
        lock_rows(Certification, [previous.id])  # two renewals at once: the second waits, then sees the first
        previous = Certification.get_by_id(previous.id)
        if previous.status == "revoked":
            raise Refused("A revoked certification cannot be renewed.", "certification")
        latest = current_certification(trainee.id)
        if latest is not None and latest.id != previous.id:
            raise Refused("Only the latest certification in the chain can be renewed.", "certification")
        certifier_generation = _check_certifier(certifier, trainee, course, renewed_on)
        trainee_generation = generation_of(trainee)
        if trainee_generation is not None and certifier_generation >= trainee_generation:
            raise Refused(f"{certifier.name} is generation {certifier_generation}; a renewal must be given by "
                          f"someone of an earlier generation than {trainee.name} ({trainee_generation}).",
                          "certifier")
        if renewed_on < previous.certified_on:
            raise Refused("A renewal cannot be dated before the certification it renews.", "certified_on")
        if renewed_on > dt.date.today():
            raise Refused("A renewal cannot be dated in the future.", "certified_on")
        cert = Certification.create(person=trainee, certified_by=certifier, course=course, stage=previous.stage,
                                    curriculum_release=course.curriculum_release, certified_on=renewed_on,
                                    expires_on=_expiry(renewed_on), status="active", renewal_of=previous,
                                    verification_code=_new_code())
        CertificationEvent.create(certification=cert, event="renewed", by_user_id=getattr(actor, "id", None),
                                  reason=f"renews certification {previous.id}")
        audit.record(actor, "certification.renew", "certification", cert.id, "Certification renewed",
                     person_id=trainee.id, certifier_id=certifier.id, renews=previous.id)
    return cert


def _set_status(actor, cert: Certification, status: str, reason: str, event: str) -> Certification:
    if not reason.strip():
        raise Refused("Give a reason. It is kept in the certification's history.", "reason")
    if cert.status == "revoked":
        raise Refused("This certification is already revoked.", "certification")
    with write_transaction():
        cert.status = status
        cert.status_reason = reason.strip()
        cert.save()
        CertificationEvent.create(certification=cert, event=event, by_user_id=getattr(actor, "id", None),
                                  reason=reason.strip())
        keep.certification_status_changed(cert.person_id, cert.course.site_id)
        audit.record(actor, f"certification.{event}", "certification", cert.id, f"Certification {event}",
                     person_id=cert.person_id)
    return cert


def revoke(actor, cert: Certification, reason: str) -> Certification:
    return _set_status(actor, cert, "revoked", reason, "revoked")


def lapse(actor, cert: Certification, reason: str) -> Certification:
    if cert.status == "lapsed":
        raise Refused("This certification has already lapsed.", "certification")
    return _set_status(actor, cert, "lapsed", reason, "lapsed")


def lapse_expired(actor, today: dt.date) -> int:
    """Record as lapsed every active certification past its expiry date (run daily)."""
    count = 0
    for cert in Certification.select().where((Certification.status == "active") & (Certification.expires_on < today)):
        if not cert.renewals.exists():
            lapse(actor, cert, f"Expired on {cert.expires_on} without renewal")
            count += 1
    return count
