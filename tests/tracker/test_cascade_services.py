"""The cascade's rules, enforced in the services layer, each refusal with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest

from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.cascade import lineage
from trainer_tracker.cascade.models import Certification, CertificationEvent, CheckoutResult
from trainer_tracker.errors import Refused


def new_course(world, stage=2, trainer=None, site=None):
    cs = world.cs
    course = cs.create_course(None, "Another course", stage, site or world.el, world.today - dt.timedelta(days=30),
                              world.today - dt.timedelta(days=1), "2027.1")
    cs.add_trainer(None, course, trainer or world.gen1)
    return course


def test_certification_needs_every_required_module_attended(world):
    cs = world.cs
    trainee = cs.create_person(None, "Dee", "Trainee", world.el)
    course = new_course(world)
    cs.enrol(None, course, trainee)
    required = cs.required_modules(world.curriculum, 2, "2027.1")
    world.complete(course, [trainee], world.gen1, skip_module=required[-1])
    with pytest.raises(Refused, match="has not attended every required module") as refused:
        cs.certify(None, course, trainee, world.gen1, world.today, world.curriculum)
    assert world.curriculum.module(required[-1]).title in refused.value.message


def test_absent_trainee_is_not_eligible(world):
    cs = world.cs
    trainee = cs.create_person(None, "Eve", "Absent", world.el)
    other = cs.create_person(None, "Fay", "Present", world.el)
    course = new_course(world)
    cs.enrol(None, course, trainee)
    cs.enrol(None, course, other)
    for module_id in cs.required_modules(world.curriculum, 2, "2027.1"):
        delivery = cs.record_delivery(None, course, module_id, course.starts_on, world.gen1, world.curriculum)
        cs.record_attendance(None, delivery, {trainee.id: module_id != "carers-rights", other.id: True})
    status = cs.eligibility(course, trainee.id, world.curriculum)
    assert status.missing_modules == ["carers-rights"]


def test_certification_needs_every_checkout_step_passed(world):
    cs = world.cs
    trainee = cs.create_person(None, "Gil", "Trainee", world.el)
    course = new_course(world)
    cs.enrol(None, course, trainee)
    world.complete(course, [trainee], world.gen1, skip_step="records-contact")
    with pytest.raises(Refused, match="has not passed every checkout step"):
        cs.certify(None, course, trainee, world.gen1, world.today, world.curriculum)
    # The latest result counts: failed after passed is not passed.
    cs.record_checkout(None, course, trainee, "records-contact", "passed", world.gen1)
    cs.record_checkout(None, course, trainee, "records-contact", "failed", world.gen1, "Left out the topics.")
    with pytest.raises(Refused, match="Not passed yet: Records a practice contact"):
        cs.certify(None, course, trainee, world.gen1, world.today, world.curriculum)
    cs.record_checkout(None, course, trainee, "records-contact", "passed", world.gen1)
    cert = cs.certify(None, course, trainee, world.gen1, world.today, world.curriculum)
    assert cert.certified_by_id == world.gen1.id
    assert CheckoutResult.select().where(CheckoutResult.trainee == trainee).count() >= 6  # history kept


def test_failed_step_needs_notes(world):
    cs = world.cs
    with pytest.raises(Refused, match="Say why the step was failed"):
        cs.record_checkout(None, world.course2, world.gen2, "records-contact", "failed", world.gen1, "  ")


def test_unknown_checkout_step_and_state(world):
    cs = world.cs
    with pytest.raises(Refused, match="is not a checkout step of stage 2"):
        cs.record_checkout(None, world.course2, world.gen2, "juggling", "passed", world.gen1)
    with pytest.raises(Refused, match="Choose not evaluated, passed, failed or asked to repeat"):
        cs.record_checkout(None, world.course2, world.gen2, "records-contact", "great", world.gen1)


def test_assessor_must_be_course_trainer(world):
    cs = world.cs
    with pytest.raises(Refused, match="assessor must be a trainer on this course"):
        cs.record_checkout(None, world.course2, world.gen2, "records-contact", "passed", world.founder)


def test_no_self_certification(world):
    cs = world.cs
    course = new_course(world)
    with pytest.raises(Refused, match="Nobody can certify themselves"):
        cs._check_certifier(world.gen1, world.gen1, course, world.today)


def test_certifier_must_be_trainer_of_the_course(world):
    cs = world.cs
    trainee = cs.create_person(None, "Hal", "Trainee", world.el)
    course = new_course(world)
    cs.enrol(None, course, trainee)
    world.complete(course, [trainee], world.gen1)
    with pytest.raises(Refused, match="must be a trainer on this course"):
        cs.certify(None, course, trainee, world.founder, world.today, world.curriculum)


def test_certifier_must_be_certified_or_founding(world):
    cs = world.cs
    uncertified = cs.create_person(None, "Ivy", "Uncertified", world.el)
    trainee = cs.create_person(None, "Jay", "Trainee", world.el)
    course = new_course(world, trainer=uncertified)
    cs.enrol(None, course, trainee)
    world.complete(course, [trainee], uncertified)
    with pytest.raises(Refused, match="is not certified, so cannot certify others"):
        cs.certify(None, course, trainee, uncertified, world.today, world.curriculum)


def test_revoked_certifier_cannot_certify(world):
    cs = world.cs
    trainee = cs.create_person(None, "Kim", "Trainee", world.el)
    course = new_course(world)
    cs.enrol(None, course, trainee)
    world.complete(course, [trainee], world.gen1)
    cs.revoke(None, world.cert1, "No longer practising")
    with pytest.raises(Refused, match="own certification is revoked"):
        cs.certify(None, course, trainee, world.gen1, world.today, world.curriculum)


def test_no_cycles(world):
    cs = world.cs
    # gen2 is certified by gen1; gen2 trying to renew gen1's certification would close a cycle.
    course = new_course(world, trainer=world.gen2)
    with pytest.raises(Refused, match="cycle|earlier generation"):
        cs.renew(None, world.cert1, course, world.gen2, world.today)
    with pytest.raises(Refused, match="in Chris Secondgen's own lineage|cycle"):
        cs._check_certifier(world.gen2, world.gen1, course, world.today)


def test_already_certified_must_renew(world):
    cs = world.cs
    course = new_course(world, stage=2, trainer=world.founder)
    cs.enrol(None, course, world.gen2)
    world.complete(course, [world.gen2], world.founder)
    with pytest.raises(Refused, match="already certified .* Renew that certification instead"):
        cs.certify(None, course, world.gen2, world.founder, world.today, world.curriculum)


def test_renewal_keeps_history_and_lineage(world):
    cs = world.cs
    refresher = new_course(world, trainer=world.founder)
    renewed = cs.renew(None, world.cert2, refresher, world.founder, world.today)
    assert renewed.renewal_of_id == world.cert2.id
    assert cs.current_certification(world.gen2.id).id == renewed.id
    # Lineage follows the original certification: gen2 is still below gen1.
    assert [s.certifier_id for s in lineage.lineage(world.gen2.id)] == [world.gen1.id, world.founder.id]
    events = [e.event for e in CertificationEvent.select().order_by(CertificationEvent.id)]
    assert events.count("issued") == 3 and "renewed" in events
    with pytest.raises(Refused, match="Only the latest certification"):
        cs.renew(None, world.cert2, refresher, world.founder, world.today)


def test_peer_cannot_renew(world):
    cs = world.cs
    course = new_course(world, trainer=world.gen1_dv)
    with pytest.raises(Refused, match="earlier generation"):
        cs.renew(None, world.cert1, course, world.gen1_dv, world.today)


def test_revoke_and_lapse_need_reason_and_are_kept(world):
    cs = world.cs
    with pytest.raises(Refused, match="Give a reason"):
        cs.revoke(None, world.cert2, " ")
    cs.lapse(None, world.cert2, "Not practising for a year")
    cs.revoke(None, world.cert2, "Conduct")
    cert = Certification.get_by_id(world.cert2.id)
    assert cert.status == "revoked" and cert.status_reason == "Conduct"
    assert [e.event for e in cert.events.order_by(CertificationEvent.id)] == ["issued", "lapsed", "revoked"]
    with pytest.raises(Refused, match="already revoked"):
        cs.revoke(None, cert, "again")


def test_expiry_makes_lapsed(world):
    cs = world.cs
    cert = Certification.get_by_id(world.cert2.id)
    assert cert.effective_status(cert.expires_on) == "active"
    assert cert.effective_status(cert.expires_on + dt.timedelta(days=1)) == "lapsed"
    assert cs.lapse_expired(None, cert.expires_on + dt.timedelta(days=1)) >= 1
    assert Certification.get_by_id(cert.id).status == "lapsed"


def test_founding_trainers_are_not_trainees(world):
    with pytest.raises(Refused, match="Founding trainers"):
        world.cs.enrol(None, world.course2, world.founder)


def test_trainer_cannot_be_trainee_of_same_course(world):
    with pytest.raises(Refused, match="trainer of this course cannot also be its trainee"):
        world.cs.enrol(None, world.course2, world.gen1)


def test_delivery_rules(world):
    cs = world.cs
    with pytest.raises(Refused, match="is not in curriculum release"):
        cs.record_delivery(None, world.course2, "no-such-module", world.course2.starts_on, world.gen1, world.curriculum)
    with pytest.raises(Refused, match="must be a trainer on this course"):
        cs.record_delivery(None, world.course2, "peer-support-role", world.course2.starts_on, world.founder,
                           world.curriculum)
    with pytest.raises(Refused, match="within the course"):
        cs.record_delivery(None, world.course2, "peer-support-role", world.today + dt.timedelta(days=400),
                           world.gen1, world.curriculum)
    delivery = cs.record_delivery(None, world.course2, "peer-support-role", world.course2.starts_on, world.gen1,
                                  world.curriculum)
    assert delivery.module_version == str(world.curriculum.module("peer-support-role").version)


def test_attendance_only_for_trainees(world):
    cs = world.cs
    delivery = cs.record_delivery(None, world.course2, "peer-support-role", world.course2.starts_on, world.gen1,
                                  world.curriculum)
    with pytest.raises(Refused, match="only be recorded for trainees"):
        cs.record_attendance(None, delivery, {world.founder.id: True})


def test_course_validation(world):
    cs = world.cs
    with pytest.raises(Refused, match="stage must be 1 or 2"):
        cs.create_course(None, "X", 3, world.el, world.today, world.today, "2027.1")
    with pytest.raises(Refused, match="end on or after"):
        cs.create_course(None, "X", 1, world.el, world.today, world.today - dt.timedelta(days=1), "2027.1")
    with pytest.raises(Refused, match="year and number"):
        cs.create_course(None, "X", 1, world.el, world.today, world.today, "spring")


def test_generation_derived_from_the_graph(world):
    gens = lineage.generations()
    assert gens[world.founder.id] == 0
    assert gens[world.gen1.id] == 1 and gens[world.gen1_dv.id] == 1
    assert gens[world.gen2.id] == 2
    assert world.cs.generation_of(world.gen2) == 2


def test_lineage_is_one_recursive_query(world, db):
    from .helpers import count_queries

    with count_queries(db) as counter:
        steps = lineage.lineage(world.gen2.id)
    assert counter.count == 1
    assert [(s.depth, s.certifier_id) for s in steps] == [(1, world.gen1.id), (2, world.founder.id)]
    assert steps[-1].certifier_founding
    assert lineage.descendants(world.founder.id) == {world.gen1.id, world.gen1_dv.id, world.gen2.id}


def test_every_write_is_audited(world):
    actions = {a for (a,) in AuditEntry.select(AuditEntry.action).tuples()}
    for expected in ("site.create", "person.create", "course.create", "course.add_trainer", "course.enrol",
                     "delivery.create", "attendance.record", "checkout.record", "certification.issue",
                     "carer.register", "match.create", "user.create"):
        assert expected in actions, expected
    entry = AuditEntry.get(AuditEntry.action == "certification.issue")
    assert entry.entity == "certification" and entry.entity_id == world.cert1.id


def test_audit_never_holds_names(world):
    text = " ".join(e.summary + e.data for e in AuditEntry.select())
    for name in ("Grace", "Founder", "Chris", "Secondgen", "Jo Carer", "01632"):
        assert name not in text


def test_failed_write_leaves_nothing_behind(world):
    from trainer_tracker.cascade.models import Course

    before = (Course.select().count(), AuditEntry.select().count())
    with pytest.raises(Refused):
        world.cs.create_course(None, "Bad", 1, world.el, world.today, world.today - dt.timedelta(days=2), "2027.1")
    assert (Course.select().count(), AuditEntry.select().count()) == before
