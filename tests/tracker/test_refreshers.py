"""Closing the loop from a module change to the people trained on it (trainer_tracker/refreshers):
a module's MAJOR version goes up after release 2027.1, and everyone trained on the old version
appears in `cascade report refreshers` and on the page, until their refresher is recorded (by a
trainer, or by attending a refresher session); courses teach from releases that exist; a
supporter with a refresher outstanding is not offered new carers when the programme says so."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from cascade.cli import cascade
from trainer_tracker.cascade import services as cs
from trainer_tracker.cascade.models import CertificationEvent, ModuleDelivery
from trainer_tracker.errors import Refused
from trainer_tracker.pathway.matching import available_supporters
from trainer_tracker.refreshers import services as refreshers
from trainer_tracker.refreshers.models import Refresher

from .conftest import _close_bound, login


@pytest.fixture
def changed(app, world, content_copy):
    """The content with one module the world's stage-2 course delivered at a new MAJOR version."""
    delivery = ModuleDelivery.select().where(ModuleDelivery.course == world.course2).order_by(ModuleDelivery.id).first()
    page = content_copy / "curriculum" / "modules" / delivery.module_id / "index.md"
    text = page.read_text(encoding="utf-8")
    old = re.search(r"^version: (\d+)\.(\d+)\.(\d+)$", text, re.M)
    new = f"{int(old.group(1)) + 1}.0.0"
    text = text.replace(old.group(0), f"version: {new}", 1)
    text = text.replace("changelog:\n", f"changelog:\n  - version: {new}\n    date: '{dt.date.today()}'\n"
                                        "    summary: The core components were rewritten after the pilot.\n", 1)
    # The first core component is reworded: the next observed delivery should watch it.
    text = re.sub(r"(^fidelity:\n  - id: [a-z0-9-]+\n    description: )", r"\1(Reworded after the pilot.) ", text,
                  count=1, flags=re.M)
    page.write_text(text, encoding="utf-8")
    app.config["CONTENT_ROOT"] = str(content_copy)
    return delivery.module_id, new


def test_people_trained_on_the_old_version_need_a_refresher_until_it_is_recorded(app, world, changed, content_copy,
                                                                                  database_url, monkeypatch):
    module_id, new = changed
    with app.app_context():
        from trainer_tracker.web.curriculum import get_curriculum

        needs = refreshers.needed(get_curriculum())
    gen2 = [n for n in needs if n.person_id == world.gen2.id and n.module_id == module_id]
    assert gen2 and gen2[0].target_version == new and gen2[0].state == "not assigned"
    assert "rewritten after the pilot" in gen2[0].summary

    monkeypatch.setenv("CASCADE_DATABASE_URL", database_url)
    monkeypatch.setenv("CASCADE_CONTENT_ROOT", str(content_copy))
    _close_bound()
    report = CliRunner().invoke(cascade, ["report", "refreshers", "--format", "json"], catch_exceptions=False)
    assert report.exit_code == 0, report.output
    rows = json.loads(report.output)["refreshers"]
    assert any(r["name"] == "Chris Secondgen" and r["module"] == module_id for r in rows)

    lead = app.test_client()
    login(lead, "el-lead@example.org")
    page = lead.get("/refreshers").get_data(as_text=True)
    assert "Chris Secondgen" in page and "Not assigned" in page
    lead.post("/refreshers/assign")
    refresher = Refresher.get((Refresher.person == world.gen2.id) & (Refresher.module_id == module_id))
    assert refresher.from_version and refresher.to_version == new and refresher.confirmed_at is None
    # While it is outstanding, Chris is not offered new carers (programme.yml: may not take new carers).
    assert world.gen2.id not in {p.id for p in available_supporters(world.el.id)}

    trainer = app.test_client()
    login(trainer, "trainer@example.org")
    assert trainer.post(f"/refreshers/{refresher.id}/confirm").status_code == 302
    assert Refresher.get_by_id(refresher.id).confirmed_at is not None
    assert CertificationEvent.select().where((CertificationEvent.certification == world.cert2.id)
                                             & (CertificationEvent.event == "refresher")).exists()
    page = lead.get("/refreshers?state=not+assigned").get_data(as_text=True)
    assert "Chris Secondgen" not in page
    with app.app_context():
        from trainer_tracker.web.curriculum import get_curriculum

        assert all(n.state == "done" for n in refreshers.needed(get_curriculum()) if n.person_id == world.gen2.id
                   and n.module_id == module_id)
    assert world.gen2.id in {p.id for p in available_supporters(world.el.id)}


def test_a_refresher_session_completes_it(app, world, changed, curriculum):
    module_id, new = changed
    refresher = refreshers.assign(None, world.gen2, module_id, new, reason="major-change")
    course = cs.create_course(None, "Refresher", 2, world.el, world.today, world.today, "2027.1")
    cs.add_trainer(None, course, world.gen1)
    cs.enrol(None, course, world.gen2)
    session = ModuleDelivery.create(course=course, module_id=module_id, module_version=new,
                                    delivered_on=world.today, trainer=world.gen1)
    cs.record_attendance(None, session, {world.gen2.id: True})
    done = Refresher.get_by_id(refresher.id)
    assert done.confirmed_how == "session" and done.session_id == session.id


def test_courses_teach_from_releases_that_exist(app, world):
    with pytest.raises(Refused, match="no curriculum release 2031.4"):
        cs.create_course(None, "A course", 2, world.el, world.today, world.today, "2031.4")
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    page = lead.get("/courses/new").get_data(as_text=True)
    assert '<option value="2027.1"' in page


def test_the_next_observed_delivery_marks_the_changed_components(app, world, changed):
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    delivery = ModuleDelivery.select().where(ModuleDelivery.course == world.course2).order_by(ModuleDelivery.id).first()
    page = lead.get(f"/deliveries/{delivery.id}/fidelity/new").get_data(as_text=True)
    assert page.count("watch this closely") == 1  # the reworded component, and only that one


def test_the_demo_shows_a_refresher_in_progress_and_drift_by_branch(cli_env):
    """What a new user sees in the demo: one refresher assigned by hand and studied, awaiting a
    trainer, and the fidelity dashboard's table of branches."""
    from cascade.devdata.demo import DEMO_PASSWORD
    from trainer_tracker.app import create_app

    assert CliRunner().invoke(cascade, ["tracker", "demo"], catch_exceptions=False).exit_code == 0
    _close_bound()
    app = create_app({"DATABASE_URL": cli_env, "SECRET_KEY": "demo-test", "WTF_CSRF_ENABLED": False})
    lead = app.test_client()
    login(lead, "lead@example.org", DEMO_PASSWORD)
    page = lead.get("/refreshers").get_data(as_text=True)
    assert "Assigned by hand, not yet done" in page and "Joseph Adeyemi" in page
    with app.app_context():
        refresher = Refresher.get(Refresher.module_id == "listening-and-support")
    assert refresher.reason == "assigned" and refresher.confirmed_at is None, "in progress: not yet confirmed"
    fidelity = lead.get("/fidelity").get_data(as_text=True)
    assert "Branches, lowest first" in fidelity
    _close_bound()
