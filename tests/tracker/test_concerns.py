"""Concerns (trainer_tracker/concerns): a peer supporter raises one in a few taps, it reaches their
site lead's queue at once with its clock, the site lead acknowledges, acts and closes it (or records
it as an adverse event); wellbeing-check alerts land in the same queue; nobody else sees it."""

from __future__ import annotations

import datetime as dt
import json

from cascade.assessments.instruments import load_instruments
from trainer_tracker.accounts import roles
from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.concerns import services
from trainer_tracker.concerns.models import Concern
from trainer_tracker.research import services as research
from trainer_tracker.research.models import AdverseEvent

from .conftest import login
from .formfill import fill

SECRET_TEXT = "Said they feel they cannot go on"


def _raise(client, world, **overrides):
    page = client.get(f"/concerns/new?carer={world.carer.id}").get_data(as_text=True)
    data = fill(page, {"about": "carer", "carer": str(world.carer.id), "urgency": "today",
                       "category": "carer-safety", "description": SECRET_TEXT, **overrides})
    return client.post("/concerns/new", data=data)


def test_a_supporter_raises_a_concern_and_the_site_lead_works_it_through(app, world):
    supporter, lead, other_lead = app.test_client(), app.test_client(), app.test_client()
    login(supporter, "supporter@example.org")
    form = supporter.get("/concerns/new").get_data(as_text=True)
    assert "999" in form and "East London" in form  # who to call, from the programme configuration
    sent = _raise(supporter, world)
    assert sent.status_code == 302
    concern = Concern.get()
    assert concern.carer_id == world.carer.id and concern.site_id == world.el.id and concern.status == "open"
    confirmation = supporter.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Concern sent" in confirmation and "Close the concern" not in confirmation

    login(lead, "el-lead@example.org")
    queue = lead.get("/concerns").get_data(as_text=True)
    assert f"/concerns/{concern.id}" in queue and "Open" in queue
    login(other_lead, "dv-lead@example.org")
    assert other_lead.get(f"/concerns/{concern.id}").status_code == 404
    assert f"/concerns/{concern.id}" not in other_lead.get("/concerns").get_data(as_text=True)

    page = lead.get(f"/concerns/{concern.id}").get_data(as_text=True)
    assert "Acknowledge" in page and SECRET_TEXT in page
    assert lead.post(f"/concerns/{concern.id}/acknowledge", data=fill(page, {}, action=f"/concerns/{concern.id}/acknowledge")
                     ).status_code == 302
    assert Concern.get_by_id(concern.id).status == "acknowledged"
    page = lead.get(f"/concerns/{concern.id}").get_data(as_text=True)
    closed = lead.post(f"/concerns/{concern.id}", data=fill(page, {"outcome": "referred",
                                                                  "action": "Called the carer; crisis team contacted."}))
    assert closed.status_code == 302
    concern = Concern.get_by_id(concern.id)
    assert concern.status == "closed" and concern.outcome == "referred"
    # The supporter sees what happened; nobody's words reach the audit log.
    assert "Crisis team" in supporter.get(f"/concerns/{concern.id}").get_data(as_text=True).replace("crisis", "Crisis")
    assert supporter.post(f"/concerns/{concern.id}", data={}).status_code in (400, 403)
    assert not any(SECRET_TEXT in (e.data or "") + e.summary for e in AuditEntry.select())


def test_a_supporter_cannot_raise_a_concern_about_someone_elses_carer(app, world):
    supporter = app.test_client()
    login(supporter, "supporter@example.org")
    page = supporter.get("/concerns/new").get_data(as_text=True)
    response = supporter.post("/concerns/new", data=fill(page, {"about": "carer", "carer": str(world.carer_dv.id),
                                                                "urgency": "today", "category": "carer-safety",
                                                                "description": "x"}))
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert not Concern.select().exists()


def test_a_concern_about_oneself_and_a_missing_description(app, world):
    supporter = app.test_client()
    login(supporter, "supporter@example.org")
    missing = _raise(supporter, world, about="self", carer="", description="")
    assert missing.status_code == 200 and "Say briefly what happened" in missing.get_data(as_text=True)
    assert _raise(supporter, world, about="self", carer="", category="supporter-wellbeing").status_code == 302
    concern = Concern.get()
    assert concern.about == "self" and concern.carer_id is None and concern.person_id == world.gen2.id


def test_the_clock_is_shorter_when_someone_may_be_in_danger(world):
    row = services.raise_concern(world.users[roles.SUPPORTER], about="self", category="supporter-wellbeing",
                                 urgency="now", description="x", person=world.gen2)
    assert services.due_by(row) - row.raised_at == dt.timedelta(hours=1)
    row = services.raise_concern(world.users[roles.SUPPORTER], about="self", category="supporter-wellbeing",
                                 urgency="week", description="x", person=world.gen2)
    assert services.due_by(row) - row.raised_at == dt.timedelta(hours=services.settings()["acknowledge_within_hours"])


def test_wellbeing_check_alerts_reach_the_queue(app, world, repo_root):
    instrument = load_instruments(repo_root / "assessments").get("cps-wellbeing-check")
    alert = next(a for a in instrument.alerts if a.id == "asked_for_contact")
    answers = {}
    for item in instrument.items:
        answers[item.id] = list(item.scale.values)[0] if item.scale.type == "choice" else 6
    answers[alert.item] = alert.values[0]
    point = next(p.id for p in instrument.time_points)
    row = research.save_response(None, instrument, time_point=point, completed_on=world.today, answers=answers,
                                 person=world.gen2)
    concern = Concern.get(Concern.response == row.id)
    assert concern.source == "wellbeing-check" and concern.person_id == world.gen2.id
    assert alert.message in concern.description
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    assert "wellbeing check" in lead.get("/concerns").get_data(as_text=True)
    assert json.loads(row.scores)["alerts"]


def test_a_concern_becomes_an_adverse_event(app, world):
    concern = services.raise_concern(world.users[roles.SUPPORTER], about="carer", category="carer-safety",
                                     urgency="today", description="Taken to A&E after a fall at home.",
                                     carer=world.carer, person=world.gen2)
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    page = lead.get(f"/research/adverse-events/new?concern={concern.id}").get_data(as_text=True)
    assert "Taken to A&amp;E after a fall at home." in page
    response = lead.post(f"/research/adverse-events/new?concern={concern.id}",
                         data=fill(page, {"relatedness": "not_related", "expectedness": "expected"}))
    assert response.status_code == 302
    event = AdverseEvent.get()
    assert Concern.get_by_id(concern.id).adverse_event_id == event.id and event.carer_id == world.carer.id
