"""Corrections: each needs a reason, is one audited change (old and new values, personal ones
masked), keeps the programme's rules, and shows in the record's history; nothing is deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.cascade import corrections as cc
from trainer_tracker.errors import Refused
from trainer_tracker.support import corrections as sc

from .conftest import login

WHY = "Typed wrongly at first"


def test_a_correction_needs_a_reason_and_a_change(world):
    with pytest.raises(Refused, match="Say why"):
        cc.correct_person(None, world.gen2, "Chris", "Secondgen", world.el, "  ")
    with pytest.raises(Refused, match="Nothing was changed"):
        cc.correct_person(None, world.gen2, "Chris", "Secondgen", world.el, WHY)


def test_person_correction_is_audited_without_the_name_and_shown_in_history(app, world):
    cc.correct_person(None, world.gen2, "Chris", "Secondgen-Lee", world.el, WHY)
    entry = AuditEntry.get(AuditEntry.action == "person.correct")
    assert "Secondgen-Lee" not in entry.data and entry.reason == WHY
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    page = lead.get(f"/people/{world.gen2.id}").get_data(as_text=True)
    assert "History of this person" in page and WHY in page and "Last name" in page


def test_course_corrections_keep_deliveries_consistent(world):
    with pytest.raises(Refused, match="outside these dates"):
        cc.correct_course(None, world.course2, title="Stage 2", site=world.el,
                          starts_on=world.course2.starts_on + dt.timedelta(days=3), ends_on=world.course2.ends_on,
                          curriculum_release="2027.1", reason=WHY)
    with pytest.raises(Refused, match="release cannot change"):
        cc.correct_course(None, world.course2, title="Stage 2", site=world.el, starts_on=world.course2.starts_on,
                          ends_on=world.course2.ends_on, curriculum_release="2028.1", reason=WHY)
    cc.correct_course(None, world.course2, title="Stage 2 (autumn)", site=world.el, starts_on=world.course2.starts_on,
                      ends_on=world.course2.ends_on, curriculum_release="2027.1", reason=WHY)
    assert world.course2.title == "Stage 2 (autumn)"


def test_trainers_and_trainees_with_records_cannot_be_removed(world):
    with pytest.raises(Refused, match="delivered modules"):
        cc.remove_trainer(None, world.course2, world.gen1, WHY)
    with pytest.raises(Refused, match="certified on this course"):
        cc.remove_trainee(None, world.course2, world.gen2, WHY)
    mistake = world.cs.create_person(None, "Wrong", "Person", world.el)
    world.cs.enrol(None, world.course2, mistake)
    cc.remove_trainee(None, world.course2, mistake, WHY)
    assert not world.cs.is_trainee(world.course2, mistake.id)


def test_changing_saved_attendance_needs_a_reason(world):
    from trainer_tracker.cascade.models import ModuleDelivery

    delivery = ModuleDelivery.select().where(ModuleDelivery.course == world.course2).first()
    with pytest.raises(Refused, match="Say why"):
        world.cs.record_attendance(None, delivery, {world.gen2.id: False})
    world.cs.record_attendance(None, delivery, {world.gen2.id: False}, WHY)
    assert AuditEntry.get(AuditEntry.action == "attendance.correct").reason == WHY


def test_a_withdrawn_checkout_result_no_longer_counts(world, curriculum):
    trainee = world.cs.create_person(None, "Tia", "Trainee", world.el)
    world.cs.enrol(None, world.course2, trainee)
    world.complete(world.course2, [trainee], world.gen1)
    assert world.cs.eligibility(world.course2, trainee.id, curriculum).ok
    from trainer_tracker.cascade.models import CheckoutResult

    result = CheckoutResult.select().where(CheckoutResult.trainee == trainee).first()
    cc.void_checkout(None, result, "Recorded for the wrong trainee")
    status = world.cs.eligibility(world.course2, trainee.id, curriculum)
    assert result.step_id in status.steps_not_passed
    with pytest.raises(Refused, match="certified"):
        cc.void_checkout(None, CheckoutResult.select().where(CheckoutResult.trainee == world.gen2).first(), WHY)


def test_a_voided_contact_stays_but_counts_nowhere(world):
    from trainer_tracker.exports.support import contacts
    from trainer_tracker.support.models import Contact

    contact = world.ss.record_contact(None, world.match, world.today, "phone", 30, ["practical"])
    sc.correct_contact(None, contact, contact_date=world.today, mode="video", duration_minutes=45,
                       topics=["practical"], reason=WHY)
    assert Contact.get_by_id(contact.id).mode == "video"
    sc.void_contact(None, contact, "Logged against the wrong carer")
    assert Contact.get_by_id(contact.id).voided_at is not None
    assert contact.id not in {row["contact_id"] for row in contacts().rows()}
    with pytest.raises(Refused, match="voided"):
        sc.correct_contact(None, contact, contact_date=world.today, mode="phone", duration_minutes=10,
                           topics=[], reason=WHY)


def test_withdrawal_ends_support_and_can_be_undone(world):
    carer = sc.withdraw(None, world.carer, world.today, "bereaved")
    world.match = type(world.match).get_by_id(world.match.id)
    assert carer.status == "withdrawn" and world.match.ended_on == world.today
    assert world.match.end_reason == "withdrawn"
    with pytest.raises(Refused, match="already withdrawn"):
        sc.withdraw(None, world.carer, world.today, "other")
    carer = sc.undo_withdrawal(None, carer, WHY)
    assert carer.status == "ended" and carer.withdrawn_on is None


def test_reopening_a_mistaken_ending_keeps_the_rules(world):
    world.ss.end_support(None, world.match, world.today, "completed")
    other = world.ss.register_carer(None, world.el, world.today)
    new = world.ss.match(None, other, world.gen2, world.today)
    with pytest.raises(Refused):  # still one active match per carer: end the other first
        world.ss.match(None, other, world.gen2, world.today)
    match = sc.reopen_match(None, world.match, WHY)
    assert match.ended_on is None and match.carer.status == "matched"
    with pytest.raises(Refused, match="has not ended"):
        sc.reopen_match(None, world.match, WHY)
    assert new.ended_on is None


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-1000", "0", "1e9", "12.345", "twelve"])
def test_costs_must_be_plain_positive_amounts(world, bad):
    from trainer_tracker.research import services as research

    with pytest.raises(Refused):
        research.add_cost_item(None, site=world.el, category="venue", occurred_on=world.today, quantity=1, amount=bad)


def test_a_voided_cost_counts_nowhere(app, world):
    from trainer_tracker.research import corrections as rc
    from trainer_tracker.research import economics
    from trainer_tracker.research import services as research

    row = research.add_cost_item(None, site=world.el, category="venue", occurred_on=world.today, quantity=1,
                                 amount=500)
    rc.correct_cost(None, row, category="venue", occurred_on=world.today, quantity=1, unit_cost_key="",
                    amount="450.50", description="", table=None, reason=WHY)
    assert row.amount == Decimal("450.50")
    with app.app_context():
        from trainer_tracker.web.curriculum import get_curriculum

        before = economics.compute(get_curriculum())["total"]
        rc.void_cost(None, row, "Entered twice")
        after = economics.compute(get_curriculum())["total"]
    assert Decimal(str(before)) - Decimal(str(after)) == Decimal("450.50")
