"""Deny by default: every route declares its rule; a role x route matrix; per-record denial; CSRF."""

from __future__ import annotations

import re

import pytest

from trainer_tracker.accounts import roles

from .conftest import PASSWORD, login

A, PL, SL, T, S, R, L = (roles.ADMIN, roles.PROGRAMME_LEAD, roles.SITE_LEAD, roles.TRAINER, roles.SUPPORTER,
                         roles.RESEARCHER, roles.LEAP_REVIEWER)
EVERYONE = {A, PL, SL, T, S, R, L}
PUBLIC = "public"

# Written independently of the code: who may open each page (GET). Record-level checks are separate.
EXPECTED = {
    "web.home": PUBLIC, "web.health": PUBLIC, "web.accessibility": PUBLIC, "web.verify": PUBLIC,
    "auth.login": PUBLIC, "auth.account": EVERYONE, "auth.forgot": PUBLIC, "auth.reset": PUBLIC,
    "auth.two_step": EVERYONE, "auth.second_step": EVERYONE,
    "dashboard.index": {A, PL, SL, R, L},
    "cascade.tree": {A, PL, SL, T}, "cascade.courses": {A, PL, SL, T}, "cascade.people": {A, PL, SL, T},
    "cascade.new_person": {A, PL, SL}, "cascade.me": {T, S},
    "cascade.person": {A, PL, SL, T, S}, "cascade.new_course": {A, PL, SL},
    "cascade.course": {A, PL, SL, T}, "cascade.add_trainer": {A, PL, SL}, "cascade.enrol": {A, PL, SL},
    "cascade.new_delivery": {A, PL, SL, T}, "cascade.attendance": {A, PL, SL, T},
    "cascade.checkout": {A, PL, SL, T}, "cascade.certify": {A, PL, SL, T},
    "cascade.certification": {A, PL, SL, T, S}, "cascade.certificate": {A, PL, SL, T, S},
    "cascade.renew": {A, PL, SL},
    "support.carers": {A, PL, SL}, "support.new_carer": {A, PL, SL}, "support.carer": {A, PL, SL, T, S},
    "support.contact_details": {SL, T, S}, "support.match": {A, PL, SL},
    "support.new_contact": {A, PL, SL, T, S}, "support.end": {A, PL, SL, T, S},
    "support.my_caseload": {T, S}, "support.contacts": {A, PL, SL, T, S},
    "admin.users": {A}, "admin.new_user": {A}, "admin.audit": {A}, "admin.user": {A}, "admin.edit_user": {A},
    "admin.sites": {A}, "admin.new_site": {A}, "admin.edit_site": {A},
    "cascade.edit_person": {A, PL, SL}, "cascade.edit_course": {A, PL, SL}, "cascade.remove_trainer": {A, PL, SL},
    "cascade.remove_trainee": {A, PL, SL}, "cascade.edit_delivery": {A, PL, SL, T},
    "cascade.withdraw_result": {A, PL, SL, T},
    "support.edit_consent": {A, PL, SL}, "support.withdraw": {A, PL, SL}, "support.undo_withdrawal": {A, PL, SL},
    "support.reopen": {A, PL, SL}, "support.edit_contact": {A, PL, SL, T, S}, "support.void_contact": {A, PL, SL, T, S},
    "research.edit_adverse_event": {A, PL, SL}, "research.edit_cost": {A, PL, SL}, "research.void_cost": {A, PL, SL},
    "fidelity.dashboard": {A, PL, SL, R, L}, "fidelity.records_list": {A, PL, SL},
    "fidelity.record_detail": {A, PL, SL}, "fidelity.rate_delivery": {A, PL, SL, T},
    "fidelity.rate_contact": {A, PL, SL, T, S},
    "research.due": {A, PL, SL, T, S}, "research.new_response": {A, PL, SL, T, S},
    "research.response": {A, PL, SL, T, S}, "research.responses": {A, PL, SL, T, S},
    "research.adverse_events": {A, PL, SL},
    "research.new_adverse_event": {A, PL, SL}, "research.adverse_event": {A, PL, SL},
    "research.costs": {A, PL, SL, R},
    "concerns.raise_concern": {A, PL, SL, T, S}, "concerns.queue": {A, PL, SL, T, S},
    "concerns.concern": {A, PL, SL, T, S},
    "research.answer_link": {A, PL, SL, T, S}, "research.answer": PUBLIC,
    "study.state": PUBLIC, "study.my_training": {T, S}, "refreshers.needed": {A, PL, SL},
    "pathway.referrals": {A, PL, SL}, "pathway.new_referral": {A, PL, SL}, "pathway.referral": {A, PL, SL},
    "pathway.consent": {A, PL, SL}, "pathway.referral_demographics": {A, PL, SL},
    "pathway.carer_demographics": {A, PL, SL}, "pathway.waiting": {A, PL, SL}, "pathway.profile": {A, PL, SL, T, S},
    "supervision.sessions": {A, PL, SL, T, S}, "supervision.new_session": {A, PL, SL, T},
    "supervision.overdue": {A, PL, SL}, "supervision.reflections": {SL, T, S},
}
POST_ONLY = {
    "auth.logout": EVERYONE, "cascade.revoke": {A, PL, SL}, "cascade.lapse": {A, PL, SL},
    "research.adverse_event_reported": {A, PL, SL}, "research.adverse_event_close": {A, PL, SL},
    "research.adverse_event_safeguarding": {A, PL, SL}, "concerns.acknowledge": {A, PL, SL},
    "admin.toggle_active": {A}, "admin.reset_link": {A, SL}, "admin.sign_out_everywhere": {A},
    "auth.reminders": EVERYONE, "study.record": {T, S}, "refreshers.assign_all": {A, PL, SL},
    "refreshers.confirm": {A, PL, SL, T}, "refreshers.assign_one": {A, PL, SL},
    "auth.sign_out_everywhere": EVERYONE,
}


def test_every_route_declares_its_access_rule(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint != "static" and not endpoint.endswith(".static")
                  and getattr(view, "access_rule", None) is None]
    assert undeclared == []


def test_the_matrix_covers_every_route(app):
    endpoints = {e for e in app.view_functions if e != "static" and not e.startswith("site.")}
    assert endpoints == set(EXPECTED) | set(POST_ONLY)


def test_declared_rules_match_the_matrix(app):
    for endpoint, expected in {**EXPECTED, **POST_ONLY}.items():
        rule = app.view_functions[endpoint].access_rule
        assert (rule == "public") if expected == PUBLIC else (set(rule) == expected), endpoint


def _records(world) -> dict[str, dict]:
    """For each role, records of its own that it may open: allowed then means 200 or a redirect,
    never 404 (a 404 for an allowed role would hide a broken rule)."""
    import datetime as dt

    from cascade.assessments.checklists import module_checklist
    from trainer_tracker.cascade.models import CheckoutResult, ModuleDelivery
    from trainer_tracker.concerns import services as concerns
    from trainer_tracker.fidelity import services as fidelity
    from trainer_tracker.pathway import services as pathway
    from trainer_tracker.research import services as research
    from trainer_tracker.research.views import registry

    today = world.today
    delivery = ModuleDelivery.select().where(ModuleDelivery.course == world.course2).order_by(ModuleDelivery.id).first()
    checklist = module_checklist(world.curriculum.module(delivery.module_id))
    record = fidelity.record(None, checklist, rater_role="observer", rated_on=today, delivery=delivery,
                             rater=world.founder, scores={i.id: 2 for i in checklist.items})
    result = CheckoutResult.select().where(CheckoutResult.course == world.course2).first()
    instrument = registry().get("carerqol-7d")
    answers = {i.id: (list(i.scale.values)[0] if i.scale.type == "choice" else 7) for i in instrument.items
               if i.scale.type in ("choice", "number")}

    def carer_records(carer, match, supporter_user, person):
        contact = world.ss.record_contact(None, match, today, "phone", 30, [])
        response = research.save_response(None, instrument, time_point="baseline", completed_on=today,
                                          answers=answers, carer=carer)
        concern = concerns.raise_concern(supporter_user, about="carer", category="carer-safety", urgency="week",
                                         description="x", carer=carer, person=person)
        return {"carer_id": carer.id, "match_id": match.id, "contact_id": contact.id, "response_id": response.id,
                "concern_id": concern.id}

    own = carer_records(world.carer, world.match, world.users[S], world.gen2)
    trainer_carer = world.ss.register_carer(None, world.el, today - dt.timedelta(days=5))
    trainer_match = world.ss.match(None, trainer_carer, world.gen1, today)
    trainers = carer_records(trainer_carer, trainer_match, world.users[T], world.gen1)
    event = research.record_adverse_event(None, site=world.el, affected="carer", onset_on=today,
                                          aware_at=dt.datetime.now(), seriousness=[], relatedness="not_related",
                                          expectedness="expected", carer=world.carer)
    cost = research.add_cost_item(None, site=world.el, category="venue", occurred_on=today, quantity=1, amount=50)
    referral = pathway.refer(None, world.el, source="self", referred_on=today)
    from trainer_tracker.refreshers import services as refreshers

    refresher = refreshers.assign(None, world.gen2, delivery.module_id, "9.0.0")
    common = {"person_id": world.gen2.id, "course_id": world.course2.id, "delivery_id": delivery.id,
              "record_id": record.id, "event_id": event.id, "certification_id": world.cert2.id,
              "user_id": world.users[S].id, "site_id": world.el.id, "result_id": result.id, "item_id": cost.id,
              "token": "not-a-real-token", "referral_id": referral.id,
              "module_id": delivery.module_id, "refresher_id": refresher.id}
    out = {role: {**common, **(trainers if role == T else own)} for role in EVERYONE}
    out[T]["own_person_id"] = world.gen1.id
    for role in EVERYONE - {T}:
        out[role]["own_person_id"] = world.gen2.id
    return out


def _urls(app, args):
    # Pages that need more than the path: what their links give them.
    extra = {"research.new_response": {"instrument": "carerqol-7d", "carer": args["carer_id"]}}
    own = {"pathway.profile": {"person_id": args["own_person_id"]}}  # one's own matching profile
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.endpoint.startswith("site."):
                continue
            values = {name: args[name] for name in rule.arguments}
            values.update(own.get(rule.endpoint, {}))
            values.update(extra.get(rule.endpoint, {}))
            yield rule.endpoint, ("GET" if "GET" in rule.methods else "POST"), url_for(rule.endpoint, **values)


@pytest.mark.parametrize("role", sorted(EVERYONE) + ["anonymous"])
def test_role_route_matrix(app, world, role):
    """Every route for every role: public pages open, anonymous people are sent to sign in, a role
    the rule does not name gets 403, and a role it names opens its own records (200 or a redirect)."""
    with app.app_context():
        records = _records(world)
    args = records[role if role != "anonymous" else A]
    client = app.test_client()
    if role != "anonymous":
        login(client, world.users[role].email)
    for endpoint, method, url in _urls(app, args):
        if endpoint in ("auth.logout", "auth.sign_out_everywhere"):
            continue
        response = client.open(url, method=method)
        expected = {**EXPECTED, **POST_ONLY}[endpoint]
        if expected == PUBLIC:
            dead_link = endpoint in ("auth.reset", "research.answer") and response.status_code == 410
            assert response.status_code in (200, 302) or dead_link, (role, url, response.status_code)
            continue
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], (url, response.status_code)
        elif role in expected:
            # An empty POST to the JSON interface is a bad request (400), not a hidden record.
            allowed = (200, 302, 400) if endpoint == "study.record" else (200, 302)
            assert response.status_code in allowed, (role, url, response.status_code)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


@pytest.mark.parametrize("path", ["/people/{dv}", "/carers/{carer_dv}", "/certifications/{cert_dv}",
                                  "/certifications/{cert_dv}/certificate"])
def test_site_lead_cannot_open_another_sites_records(client, world, path):
    login(client, "el-lead@example.org")
    url = path.format(dv=world.gen1_dv.id, carer_dv=world.carer_dv.id, cert_dv=world.cert1_dv.id)
    assert client.get(url).status_code == 404
    own = path.format(dv=world.gen1.id, carer_dv=world.carer.id, cert_dv=world.cert1.id)
    assert client.get(own).status_code == 200


def test_supporter_sees_own_carer_only(client, world):
    login(client, "supporter@example.org")
    assert client.get(f"/carers/{world.carer.id}").status_code == 200
    assert client.get(f"/carers/{world.carer_dv.id}").status_code == 404
    assert client.get(f"/people/{world.gen2.id}").status_code == 200
    assert client.get(f"/people/{world.gen1.id}").status_code == 404


def test_contact_details_only_for_assigned_supporter_and_site_lead(app, world):
    for email, sees in (("supporter@example.org", True), ("el-lead@example.org", True),
                        ("lead@example.org", False), ("admin@example.org", False)):
        client = app.test_client()
        login(client, email)
        page = client.get(f"/carers/{world.carer.id}").get_data(as_text=True)
        assert ("01632 960001" in page) is sees, email
        assert (client.get(f"/carers/{world.carer.id}/details").status_code == 200) is sees, email


def test_trainer_cannot_manage_a_course_they_do_not_teach(client, world):
    login(client, "trainer@example.org")
    assert client.get(f"/courses/{world.course1.id}").status_code == 404
    assert client.get(f"/courses/{world.course2.id}").status_code == 200


def test_csrf_refuses_a_post_without_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert client.post("/logout").status_code == 400  # signed in, still no token: refused


def test_no_state_change_on_get(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        name = rule.endpoint.split(".")[-1]
        if name in {"logout", "revoke", "lapse", "toggle_active"}:
            assert "GET" not in rule.methods, rule.endpoint
        _ = view


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_secure_cookie_defaults(monkeypatch, tmp_path):
    from trainer_tracker.app import ConfigError, create_app

    monkeypatch.delenv("CASCADE_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="CASCADE_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_error_pages_are_generic(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Page not found" in text and "Traceback" not in text


def test_a_shared_course_shows_a_site_lead_only_their_own_trainees(app, world):
    """course1 (run at EL) has trainees from EL and DV: each site lead sees only their own."""
    from trainer_tracker.cascade.models import ModuleDelivery

    dv = app.test_client()
    login(dv, "dv-lead@example.org")
    page = dv.get(f"/courses/{world.course1.id}").get_data(as_text=True)
    assert world.gen1_dv.name in page and world.gen1.name not in page
    el = app.test_client()
    login(el, "el-lead@example.org")
    page = el.get(f"/courses/{world.course1.id}").get_data(as_text=True)
    assert world.gen1.name in page and world.gen1_dv.name not in page
    delivery = ModuleDelivery.select().where(ModuleDelivery.course == world.course1).first()
    form = el.get(f"/deliveries/{delivery.id}/attendance").get_data(as_text=True)
    assert world.gen1.name in form and world.gen1_dv.name not in form
    assert el.get(f"/courses/{world.course1.id}/trainees/{world.gen1_dv.id}/checkout").status_code == 404
