"""Pages render through the app: the person page's query count is bounded, the tree and
dashboard show the cascade, and the forms record what they say."""

from __future__ import annotations

import datetime as dt

from trainer_tracker.cascade import services as cs
from trainer_tracker.cascade.models import Certification

from .conftest import login
from .helpers import count_queries

PERSON_PAGE_QUERY_LIMIT = 13


def _deepen(world, depth: int):
    """Add `depth` more generations below gen2, each certified by the one above."""
    above, above_cert = world.gen2, world.cert2
    last = None
    for n in range(depth):
        person = cs.create_person(None, f"Deep{n}", "Person", world.el)
        course = cs.create_course(None, f"Course {n}", 2, world.el, world.today - dt.timedelta(days=30),
                                  world.today - dt.timedelta(days=1), "2027.1")
        cs.add_trainer(None, course, above)
        cs.enrol(None, course, person)
        world.complete(course, [person], above)
        above_cert = cs.certify(None, course, person, above, world.today - dt.timedelta(days=1), world.curriculum)
        above, last = person, person
    return last, above_cert


def test_person_page_query_count_does_not_grow_with_lineage(app, world, db):
    client = app.test_client()
    login(client, "lead@example.org")
    with count_queries(db) as shallow:
        assert client.get(f"/people/{world.gen2.id}").status_code == 200
    deep_person, _ = _deepen(world, 4)
    with count_queries(db) as deep:
        page = client.get(f"/people/{deep_person.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "generation 6" in text.lower() or "(generation 6)" in text
    assert deep.count == shallow.count, (shallow.statements, deep.statements)
    assert deep.count <= PERSON_PAGE_QUERY_LIMIT


def test_person_page_shows_lineage_and_certificates(client, world):
    login(client, "el-lead@example.org")
    text = client.get(f"/people/{world.gen2.id}").get_data(as_text=True)
    assert "certified by Alex Firstgen" in text and "certified by Grace Founder" in text
    assert world.cert2.verification_code in text


def test_tree_shows_generations_with_table(client, world):
    login(client, "lead@example.org")
    text = client.get("/cascade").get_data(as_text=True)
    assert 'aria-label="Cascade tree"' in text
    for name in ("Grace Founder", "Alex Firstgen", "Chris Secondgen", "Bea Firstgen"):
        assert name in text
    site = client.get("/cascade?site=DV").get_data(as_text=True)
    assert "Bea Firstgen" in site and "Chris Secondgen" not in site


def test_dashboard_targets_against_actuals(client, world):
    login(client, "researcher@example.org")
    text = client.get("/dashboard").get_data(as_text=True)
    assert "2 of 8" in text  # stage 1: two certified against the default target of 8
    assert "1 of 12" in text  # stage 2
    assert "1 of 36" in text  # carers supported by stage-2 peer supporters
    assert "Chris" not in text and "EL-C-0001" not in text  # aggregates only


def test_site_lead_dashboard_is_scoped(client, world):
    login(client, "dv-lead@example.org")
    text = client.get("/dashboard").get_data(as_text=True)
    assert "Devon" in text and "East London" not in text


def test_forms_record_a_course_end_to_end(client, world, curriculum):
    login(client, "lead@example.org")
    response = client.post("/courses/new", data={
        "title": "Stage 2 Devon", "stage": "2", "site": str(world.dv.id),
        "starts_on": (world.today - dt.timedelta(days=10)).isoformat(), "ends_on": world.today.isoformat(),
        "curriculum_release": "2027.1"})
    assert response.status_code == 302
    course_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    trainee = cs.create_person(None, "Dana", "Devon", world.dv)
    assert client.post(f"/courses/{course_id}/trainers", data={"person": str(world.gen1_dv.id)}).status_code == 302
    assert client.post(f"/courses/{course_id}/trainees", data={"person": str(trainee.id)}).status_code == 302
    for module_id in cs.required_modules(curriculum, 2, "2027.1"):
        response = client.post(f"/courses/{course_id}/deliveries/new", data={
            "module_id": module_id, "delivered_on": world.today.isoformat(), "trainer": str(world.gen1_dv.id)})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        delivery_id = int(response.headers["Location"].split("/")[-2])
        assert client.post(f"/deliveries/{delivery_id}/attendance",
                           data={"attended": [str(trainee.id)]}).status_code == 302
    refused = client.post(f"/courses/{course_id}/trainees/{trainee.id}/certify",
                          data={"certifier": str(world.gen1_dv.id), "certified_on": world.today.isoformat()})
    assert refused.status_code == 200 and "has not passed every checkout step" in refused.get_data(as_text=True)
    failed = client.post(f"/courses/{course_id}/trainees/{trainee.id}/checkout", data={
        "step_id": "records-contact", "state": "failed", "assessor": str(world.gen1_dv.id), "notes": ""})
    assert "Say why the step was failed" in failed.get_data(as_text=True)
    for step in cs.checkout_steps(2):
        assert client.post(f"/courses/{course_id}/trainees/{trainee.id}/checkout", data={
            "step_id": step["id"], "state": "passed", "assessor": str(world.gen1_dv.id)}).status_code == 302
    done = client.post(f"/courses/{course_id}/trainees/{trainee.id}/certify",
                       data={"certifier": str(world.gen1_dv.id), "certified_on": world.today.isoformat()})
    assert done.status_code == 302
    cert = Certification.get(Certification.person == trainee.id)
    assert cert.certified_by_id == world.gen1_dv.id
    tree = client.get("/cascade?site=DV").get_data(as_text=True)
    assert "Dana Devon" in tree


def test_verification_page_reveals_no_personal_data(client, world):
    text = client.get(f"/verify?code={world.cert2.verification_code}").get_data(as_text=True)
    assert "Valid" in text and "stage 2" in text
    assert "Chris" not in text and "Secondgen" not in text and "Alex" not in text
    assert "No certificate has this code" in client.get("/verify?code=CPS-0000-0000").get_data(as_text=True)


def test_supporter_records_a_contact(client, world):
    login(client, "supporter@example.org")
    assert "EL-C-0001" in client.get("/my/caseload").get_data(as_text=True)
    response = client.post(f"/matches/{world.match.id}/contacts/new", data={
        "contact_date": world.today.isoformat(), "mode": "phone", "duration_minutes": "40",
        "topics": ["emotional-support"]})
    assert response.status_code == 302
    text = client.get(f"/carers/{world.carer.id}").get_data(as_text=True)
    assert "Phone call" in text and "Emotional support" in text


def test_a_large_tree_is_shown_a_page_of_people_at_a_time(client, world, monkeypatch):
    from trainer_tracker.cascade import tree_views as views

    monkeypatch.setattr(views, "TREE_PAGE_SIZE", 2)
    login(client, "lead@example.org")
    first = client.get("/cascade").get_data(as_text=True)
    assert "People 1 to 2 of" in first and "Grace Founder" in first and "page=2" in first
    total = int(first.split("People 1 to 2 of ")[1].split(",")[0].split()[0])
    last_page = -(-total // 2)
    seen = set()
    for page in range(1, last_page + 1):
        text = client.get(f"/cascade?page={page}").get_data(as_text=True)
        for name in ("Grace Founder", "Alex Firstgen", "Chris Secondgen", "Bea Firstgen"):
            if f'<th scope="row">{name}</th>' in text:
                seen.add(name)
    assert seen == {"Grace Founder", "Alex Firstgen", "Chris Secondgen", "Bea Firstgen"}
    assert client.get("/cascade?page=999").status_code == 200  # clamped to the last page
    assert client.get("/cascade?page=x").status_code == 200
