"""Self-study that counts (trainer_tracker/study): signed in, a peer supporter marks a module studied
and records a knowledge-check result from the training site's script (JSON with the CSRF token);
they see it on their training page and their trainer sees it on the course page; signed out,
nothing is recorded or told."""

from __future__ import annotations

from trainer_tracker.study.models import StudyRecord

from .conftest import login


def test_a_supporter_records_study_and_the_trainer_sees_it(app, world, curriculum):
    app.config["WTF_CSRF_ENABLED"] = True
    module = curriculum.by_id[next(m for m in world.cs.required_modules(curriculum, 2, None))]
    version = str(module.version)
    reader = app.test_client()
    assert reader.get(f"/study/state?module={module.id}&version={version}").get_json() == {"signed_in": False}
    login_page = reader.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    reader.post("/login", data={"email": "supporter@example.org", "password": "correct horse battery staple",
                                "csrf_token": token})
    state = reader.get(f"/study/state?module={module.id}&version={version}").get_json()
    assert state["signed_in"] is True and state["studied"] is False
    headers = {"X-CSRFToken": state["csrf_token"]}
    assert reader.post(f"/study/{module.id}", json={"version": version, "studied": True}).status_code == 400  # no token
    done = reader.post(f"/study/{module.id}", json={"version": version, "studied": True}, headers=headers)
    assert done.status_code == 200 and done.get_json()["studied"] is True
    checked = reader.post(f"/study/{module.id}", json={"version": version, "right": 3, "questions": 4}, headers=headers)
    assert checked.get_json() == {"studied": True, "right": 3, "questions": 4}
    worse = reader.post(f"/study/{module.id}", json={"version": version, "right": 1, "questions": 4}, headers=headers)
    assert worse.get_json()["right"] == 3  # the best result is kept
    bad = reader.post(f"/study/{module.id}", json={"version": version, "right": 9, "questions": 4}, headers=headers)
    assert bad.status_code == 400
    assert "1 of" in reader.get("/my/training").get_data(as_text=True)
    assert StudyRecord.select().count() == 1
    trainer = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    login(trainer, "trainer@example.org")
    page = trainer.get(f"/courses/{world.course2.id}").get_data(as_text=True)
    assert "Studied on the site" in page


def test_other_roles_and_unknown_modules_are_refused(app, world):
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    assert lead.get("/study/state?module=x&version=1.0.0").get_json() == {"signed_in": False}
    assert lead.post("/study/peer-support-role", json={"version": "1.0.0", "studied": True}).status_code == 403
    supporter = app.test_client()
    login(supporter, "supporter@example.org")
    assert supporter.post("/study/not-a-module", json={"version": "1.0.0", "studied": True}).status_code == 400
