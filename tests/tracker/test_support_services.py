"""Carers under study IDs, the caseload cap, contacts and ending support."""

from __future__ import annotations

import datetime as dt

import pytest

from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.errors import Refused
from trainer_tracker.support.models import CarerContactDetails


def test_study_ids_are_per_site_and_sequential(world):
    ss = world.ss
    first = ss.register_carer(None, world.el, world.today)
    second = ss.register_carer(None, world.el, world.today)
    dv = ss.register_carer(None, world.dv, world.today)
    assert (first.study_id, second.study_id, dv.study_id) == ("EL-C-0002", "EL-C-0003", "DV-C-0002")


def test_contact_details_sit_apart(world):
    details = CarerContactDetails.get(CarerContactDetails.carer == world.carer)
    assert details.name == "Jo Carer"
    assert "Jo" not in world.carer.study_id


def test_caseload_cap(world):
    ss = world.ss
    for _ in range(2):
        ss.match(None, ss.register_carer(None, world.el, world.today), world.gen2, world.today)
    extra = ss.register_carer(None, world.el, world.today)
    with pytest.raises(Refused, match="already supports 3 carers; the caseload cap is 3"):
        ss.match(None, extra, world.gen2, world.today)


def test_only_certified_supporters_are_matched(world):
    ss, cs = world.ss, world.cs
    uncertified = cs.create_person(None, "Una", "Certified", world.el)
    with pytest.raises(Refused, match="does not hold an active certification"):
        ss.match(None, ss.register_carer(None, world.el, world.today), uncertified, world.today)
    cs.revoke(None, world.cert2, "test")
    with pytest.raises(Refused, match="does not hold an active certification"):
        ss.match(None, ss.register_carer(None, world.el, world.today), world.gen2, world.today)


def test_one_active_match_per_carer(world):
    with pytest.raises(Refused, match="already has a peer supporter"):
        world.ss.match(None, world.carer, world.gen1, world.today)


def test_contact_validation(world):
    ss, match = world.ss, world.match
    with pytest.raises(Refused, match="Choose how you were in touch"):
        ss.record_contact(None, match, world.today, "carrier-pigeon", 30, [])
    with pytest.raises(Refused, match="between 1 and 600"):
        ss.record_contact(None, match, world.today, "phone", 0, [])
    with pytest.raises(Refused, match="Unknown topic"):
        ss.record_contact(None, match, world.today, "phone", 30, ["astrology"])
    with pytest.raises(Refused, match="before the match"):
        ss.record_contact(None, match, match.matched_on - dt.timedelta(days=1), "phone", 30, [])
    with pytest.raises(Refused, match="future"):
        ss.record_contact(None, match, world.today + dt.timedelta(days=1), "phone", 30, [])
    contact = ss.record_contact(None, match, world.today, "video", 45, ["emotional-support", "carers-rights"])
    assert contact.topic_list == ["emotional-support", "carers-rights"]
    assert AuditEntry.get(AuditEntry.action == "contact.record").entity_id == contact.id


def test_end_support(world):
    ss = world.ss
    with pytest.raises(Refused, match="Choose why support ended"):
        ss.end_support(None, world.match, world.today, "bored")
    ended = ss.end_support(None, world.match, world.today - dt.timedelta(days=5), "completed")
    assert ended.carer.status == "ended"
    with pytest.raises(Refused, match="already ended"):
        ss.end_support(None, ended, world.today, "completed")
    with pytest.raises(Refused, match="Support ended on"):
        ss.record_contact(None, ended, world.today - dt.timedelta(days=1), "phone", 10, [])
