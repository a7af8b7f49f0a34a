"""Pickers that scale (web/pickers.py): the choices are what this user may pick here, and a long list
becomes search-then-choose that works without JavaScript, checked against the allowed set."""

from __future__ import annotations

import datetime as dt
import re

from trainer_tracker.accounts.models import User
from trainer_tracker.cascade.models import Person
from trainer_tracker.support import services as ss
from trainer_tracker.support.models import Match

from .conftest import PASSWORD, login


def _csrf(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_a_long_list_becomes_search_then_choose(app, world):
    app.config["PICKER_SHORT_LIST"] = 1  # every list of people counts as long here
    admin = app.test_client()
    login(admin, "admin@example.org")
    page = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'name="person_q"' in page and "too many to list" in page
    assert _options(page, "person") == ["Not in the cascade"]
    form = {"csrf_token": _csrf(page), "email": "new.person@example.org", "role": "trainer", "site": "",
            "password": PASSWORD, "person": "", "person_q": "Found", "find": "person"}
    found = admin.post("/admin/users/new", data=form)
    text = found.get_data(as_text=True)
    assert found.status_code == 200 and "There is a problem" not in text
    assert "Grace Founder (EL)" in _options(text, "person")
    assert 'value="new.person@example.org"' in text  # what was typed is kept
    assert not User.select().where(User.email == "new.person@example.org").exists()  # nothing saved
    # A person who already has an account is not allowed here, even if their id is posted.
    taken = world.gen1.id
    refused = admin.post("/admin/users/new", data={**form, "find": "", "person": str(taken)})
    assert "Not a valid choice" in refused.get_data(as_text=True)
    chosen = admin.post("/admin/users/new", data={**form, "find": "", "person": str(world.founder.id)})
    assert chosen.status_code == 302
    assert User.get(User.email == "new.person@example.org").person_id == world.founder.id


def test_a_short_list_is_a_plain_select(app, world):
    admin = app.test_client()
    login(admin, "admin@example.org")
    page = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'name="person_q"' not in page
    assert "Grace Founder (EL)" in _options(page, "person")


def test_match_lists_only_supporters_with_room(app, world):
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    # Fill Chris Secondgen's caseload (the cap is 3; one carer is matched in the world already).
    for _ in range(2):
        carer = ss.register_carer(None, world.el, world.today - dt.timedelta(days=30))
        ss.match(None, carer, world.gen2, world.today)
    waiting = ss.register_carer(None, world.el, world.today - dt.timedelta(days=30))
    page = lead.get(f"/carers/{waiting.id}/match").get_data(as_text=True)
    names = _options(page, "supporter")
    assert not any("Chris Secondgen" in n for n in names)
    assert any("Alex Firstgen (0 of 3 carers)" in n for n in names)
    posted = lead.post(f"/carers/{waiting.id}/match", data={"csrf_token": _csrf(page), "supporter": str(world.gen2.id),
                                                             "matched_on": world.today.isoformat()})
    assert "Not a valid choice" in posted.get_data(as_text=True)
    assert not Match.select().where(Match.carer == waiting.id).exists()


def test_renewal_certifiers_are_of_an_earlier_generation(app, world):
    admin = app.test_client()
    login(admin, "admin@example.org")
    page = admin.get(f"/certifications/{world.cert2.id}/renew").get_data(as_text=True)
    names = " ".join(_options(page, "certifier"))
    gen2 = Person.get_by_id(world.gen2.id)
    assert gen2.generation == 2
    assert "Grace Founder" in names and "Alex Firstgen" in names and "Chris Secondgen" not in names
