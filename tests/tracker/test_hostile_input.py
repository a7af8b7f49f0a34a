"""Generated and hostile values (Hypothesis) to every route, as every role and as nobody, on
SQLite and PostgreSQL: every form field the page offers and every query parameter any page reads,
plus record ids out of range. The tracker never answers with a server error, and a refused
change writes nothing: every table's row count and the audit log stay as they were.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer_tracker.accounts import roles

from .conftest import login
from .formfill import post_forms

ROLES = [None, *roles.ROLES]
EMAILS = {roles.ADMIN: "admin@example.org", roles.PROGRAMME_LEAD: "lead@example.org",
          roles.SITE_LEAD: "el-lead@example.org", roles.TRAINER: "trainer@example.org",
          roles.SUPPORTER: "supporter@example.org", roles.RESEARCHER: "researcher@example.org",
          roles.LEAP_REVIEWER: "leap@example.org"}
# Query parameters the pages read, and some they do not.
QUERY_KEYS = ["page", "site", "status", "action", "q", "instrument", "carer", "person", "checklist", "step", "code",
              "next", "stage", "generation", "from", "to", "respondent", "time_point", "sort", "zzz"]
# Form fields of pages that only take a POST (buttons), and common names.
BASE_FIELDS = ["reason", "recipient", "reported_on", "reported_time", "once", "csrf_token"]
# Requests that record a failure on purpose (throttling needs it): they may write when they refuse.
RECORDS_FAILURES = {"auth.login", "auth.forgot", "auth.second_step", "auth.account", "auth.two_step",
                    "auth.logout", "auth.sign_out_everywhere", "admin.reset_link"}

HOSTILE = st.sampled_from([
    "", " ", "0", "-1", "-1000", "1.5", "NaN", "nan", "Infinity", "-Infinity", "1e309", "9" * 30,
    "2147483648", "99999999999999999999", "9999-01-01", "0001-01-01", "2026-02-30", "31/12/2026", "25:99",
    "14:30+01:00", "14:30:00.123456", "'; DROP TABLE person; --", "<script>alert(1)</script>", "../../etc/passwd",
    "//evil.example", "/%09/evil.example", "\u200b" * 20, "x" * 5000, "\U0001f600", "\r\n", "a\x00b", "\x00",
    "=cmd|' /C calc'!A0", "true", "[]", "{}", "EL", "DV", "passed", "phone", "carer", "observer",
])
VALUES = st.one_of(HOSTILE, st.text(max_size=30), st.integers(min_value=-(10**20), max_value=10**20).map(str))


def _routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("site."):
            continue
        found.append(rule)
    return sorted(found, key=lambda r: (r.endpoint, r.rule))


def _counts(db) -> tuple:
    from trainer_tracker.models import ALL_MODELS

    sql = " UNION ALL ".join(f'SELECT {n}, COUNT(*) FROM "{m._meta.table_name}"' for n, m in enumerate(ALL_MODELS))
    return tuple(row[1] for row in sorted(db.obj.execute_sql(sql).fetchall()))


def _ids(world) -> dict:
    return {"person_id": world.gen2.id, "course_id": world.course2.id, "delivery_id": 1, "record_id": 1,
            "contact_id": 1, "response_id": 1, "event_id": 1, "certification_id": world.cert2.id,
            "carer_id": world.carer.id, "match_id": world.match.id, "user_id": world.users[roles.SUPPORTER].id,
            "site_id": world.el.id, "result_id": 1, "item_id": 1, "token": "x", "concern_id": 1,
            "referral_id": 1, "module_id": "peer-support-role",
            "refresher_id": 1}


ENDPOINTS = [
    "admin.audit", "admin.edit_site", "admin.edit_user", "admin.new_site", "admin.new_user", "admin.reset_link",
    "admin.sign_out_everywhere", "admin.sites", "admin.toggle_active", "admin.user", "admin.users",
    "auth.account", "auth.forgot", "auth.reminders", "auth.login", "auth.logout", "auth.reset", "auth.second_step",
    "auth.sign_out_everywhere", "auth.two_step",
    "cascade.add_trainer", "cascade.attendance", "cascade.certificate", "cascade.certification", "cascade.certify",
    "cascade.checkout", "cascade.course", "cascade.courses", "cascade.edit_course", "cascade.edit_delivery",
    "cascade.edit_person", "cascade.enrol", "cascade.lapse", "cascade.me", "cascade.new_course",
    "cascade.new_delivery", "cascade.new_person", "cascade.people", "cascade.person", "cascade.remove_trainee",
    "cascade.remove_trainer", "cascade.renew", "cascade.revoke", "cascade.tree", "cascade.withdraw_result",
    "concerns.acknowledge", "concerns.concern", "concerns.queue", "concerns.raise_concern",
    "pathway.carer_demographics", "pathway.consent", "pathway.new_referral", "pathway.profile", "pathway.referral",
    "pathway.referral_demographics", "pathway.referrals", "pathway.waiting",
    "supervision.new_session", "supervision.overdue", "supervision.reflections", "supervision.sessions",
    "study.my_training", "study.record", "study.state", "refreshers.assign_all", "refreshers.assign_one",
    "refreshers.confirm", "refreshers.needed",
    "dashboard.index",
    "fidelity.dashboard", "fidelity.rate_contact", "fidelity.rate_delivery", "fidelity.record_detail",
    "fidelity.records_list",
    "research.adverse_event", "research.adverse_event_close", "research.adverse_event_reported",
    "research.adverse_event_safeguarding", "research.adverse_events", "research.answer", "research.answer_link",
    "research.costs", "research.due", "research.edit_adverse_event", "research.edit_cost",
    "research.new_adverse_event", "research.new_response", "research.response", "research.responses",
    "research.void_cost",
    "support.carer", "support.carers", "support.contact_details", "support.contacts", "support.edit_consent", "support.edit_contact",
    "support.end", "support.match", "support.my_caseload", "support.new_carer", "support.new_contact",
    "support.reopen", "support.undo_withdrawal", "support.void_contact", "support.withdraw",
    "web.accessibility", "web.health", "web.home", "web.verify",
]


def test_the_list_covers_every_route(app):
    assert {r.endpoint for r in _routes(app)} == set(ENDPOINTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hostile_input_never_breaks_a_page(app, world, db, endpoint):
    from flask import url_for

    rules = [r for r in _routes(app) if r.endpoint == endpoint]
    ids = _ids(world)
    fields_by_role: dict = {}

    def clients():
        made = {}
        for role in ROLES:
            client = app.test_client()
            if role is not None:
                login(client, EMAILS[role])
            made[role] = client
        return made

    signed_in = clients()

    def form_fields(role, rule, url) -> list[str]:
        key = (role, rule.rule)
        if key not in fields_by_role:
            names = set(BASE_FIELDS)
            if "GET" in rule.methods:
                page = signed_in[role].get(url)
                if page.status_code == 200:
                    for form in post_forms(page.get_data(as_text=True)):
                        names |= {f["name"] for f in form["fields"]}
            fields_by_role[key] = sorted(names)
        return fields_by_role[key]

    @settings(max_examples=12, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    def attack(data):
        role = data.draw(st.sampled_from(ROLES), label="role")
        rule = data.draw(st.sampled_from(rules), label="rule")
        args = {}
        for name in rule.arguments:
            args[name] = data.draw(st.sampled_from([ids[name], 0, 2_147_483_647, 2_147_483_648, 10**19])
                                   if name != "token" else st.text(max_size=40), label=name)
        with app.test_request_context():
            try:
                url = url_for(endpoint, **args)
            except Exception:  # noqa: BLE001 - a value the route itself cannot take (e.g. a slash in a token)
                return
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_KEYS), VALUES, max_size=4), label="query")
        client = signed_in[role]
        method = "POST" if "POST" in rule.methods and (data.draw(st.booleans(), label="post")
                                                       or "GET" not in rule.methods) else "GET"
        before = _counts(db)
        if method == "GET":
            response = client.get(url, query_string=query)
        else:
            names = form_fields(role, rule, url)
            form = data.draw(st.dictionaries(st.sampled_from(names), st.one_of(VALUES, st.lists(VALUES, max_size=3)),
                                             max_size=len(names)), label="form")
            response = client.post(url, query_string=query, data=form)
        assert response.status_code < 500, (role, method, url, query, response.get_data(as_text=True)[:500])
        if method == "POST" and response.status_code != 302 and endpoint not in RECORDS_FAILURES:
            assert _counts(db) == before, (role, url, "a refused change wrote something")

    attack()
