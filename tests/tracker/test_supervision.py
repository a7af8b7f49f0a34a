"""Supervision (trainer_tracker/supervision): sessions recorded with who attended, peer supporters
overdue for supervision listed until they have it, and reflective notes only their writer reads."""

from __future__ import annotations

import datetime as dt

import pytest

from trainer_tracker.accounts import roles
from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.errors import Refused
from trainer_tracker.supervision import services

from .conftest import login
from .formfill import fill

NOTE = "The ending with the carer left me sad; bring it to supervision."


def test_overdue_until_supervised(app, world):
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    # Chris Secondgen was certified 60 days ago and has had no supervision (the interval is 42 days).
    assert "Chris Secondgen" in lead.get("/supervision/overdue").get_data(as_text=True)
    dashboard = lead.get("/dashboard").get_data(as_text=True)
    assert "overdue for supervision" in dashboard
    services.record_session(None, world.el, kind="individual", held_on=world.today, minutes=50, supervisor=world.gen1,
                            attendees=[world.gen2], topics=["caseload"])
    assert "Chris Secondgen" not in lead.get("/supervision/overdue").get_data(as_text=True)


def test_session_rules(world):
    with pytest.raises(Refused, match="one peer supporter"):
        services.record_session(None, world.el, kind="individual", held_on=world.today, minutes=50, supervisor=None,
                                attendees=[world.gen2, world.gen1], topics=[])
    with pytest.raises(Refused, match="cannot also be an attendee"):
        services.record_session(None, world.el, kind="group", held_on=world.today, minutes=50, supervisor=world.gen2,
                                attendees=[world.gen2, world.gen1], topics=[])
    with pytest.raises(Refused, match="future"):
        services.record_session(None, world.el, kind="group", held_on=world.today + dt.timedelta(days=1), minutes=50,
                                supervisor=None, attendees=[world.gen2], topics=[])
    row = services.record_session(None, world.el, kind="group", held_on=world.today, minutes=90, supervisor=world.founder,
                                  attendees=[world.gen2, world.gen1], topics=["safeguarding", "wellbeing"])
    assert row.attendees.count() == 2


def test_a_group_session_through_the_form(app, world):
    trainer = app.test_client()
    login(trainer, "trainer@example.org")
    page = trainer.get("/supervision/new").get_data(as_text=True)
    response = trainer.post("/supervision/new", data=fill(page, {
        "kind": "group", "held_on": world.today.isoformat(), "minutes": "60", "attendee_1": str(world.gen2.id),
        "topics": ["skills"], "follow_ups": "Practise the ending conversation."}))
    assert response.status_code == 302
    supporter = app.test_client()
    login(supporter, "supporter@example.org")
    assert "Group" in supporter.get("/supervision").get_data(as_text=True)  # a supporter sees sessions they attended


def test_reflective_notes_are_read_by_their_writer_only(app, world):
    supporter, lead, admin = app.test_client(), app.test_client(), app.test_client()
    login(supporter, "supporter@example.org")
    page = supporter.get("/reflections").get_data(as_text=True)
    assert supporter.post("/reflections", data=fill(page, {"text": NOTE})).status_code == 302
    assert NOTE.split(";")[0] in supporter.get("/reflections").get_data(as_text=True)
    login(lead, "el-lead@example.org")
    assert NOTE.split(";")[0] not in lead.get("/reflections").get_data(as_text=True)
    login(admin, "admin@example.org")
    assert admin.get("/reflections").status_code == 403
    assert "/reflections" not in admin.get("/supervision").get_data(as_text=True), "no link to a page that refuses"
    assert "/reflections" in supporter.get("/supervision").get_data(as_text=True)
    assert NOTE.split(";")[0] not in admin.get("/admin/audit").get_data(as_text=True)
    assert not any(NOTE[:20] in (e.data or "") + e.summary for e in AuditEntry.select())
    assert world.users[roles.SUPPORTER].id is not None
