"""The attacks and faults found against the first round, each turned into a test (issue 14):
every one is now a refusal or a 404, never a server error, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from trainer_tracker.research.models import CostItem

from .conftest import login


@pytest.mark.parametrize("path", [
    "/admin/audit?page=abc", "/admin/audit?page=99999999999999999999", "/admin/audit?page=-3", "/cascade?page=1e9",
    "/people/99999999999999999999", "/carers/2147483648", "/certifications/9223372036854775808",
    "/research/responses/new?instrument=carerqol-7d&carer=99999999999999999999",
    "/verify?code=%00", "/people?site=%00", "/login?next=/%0A/x",
])
def test_odd_addresses_are_not_errors(app, world, path):
    client = app.test_client()
    login(client, "admin@example.org")
    assert client.get(path).status_code in (200, 302, 400, 404), path
    assert app.test_client().get(path).status_code in (200, 302, 400, 404), path


def test_a_nul_byte_in_any_field_is_refused_plainly(app, world):
    client = app.test_client()
    login(client, "el-lead@example.org")
    response = client.post("/people/new", data={"given_name": "Ann\x00", "family_name": "X", "site": str(world.el.id)})
    assert response.status_code == 400 and "control character" in response.get_data(as_text=True)
    assert app.test_client().get("/verify", query_string={"code": "\x00"}).status_code == 400


def test_a_renewal_dated_9999_is_refused(app, world):
    client = app.test_client()
    login(client, "el-lead@example.org")
    response = client.post(f"/certifications/{world.cert2.id}/renew", data={
        "course": str(world.course1.id), "certifier": str(world.founder.id), "certified_on": "9999-01-01"})
    assert response.status_code == 200 and "Enter a date between" in response.get_data(as_text=True)


def test_a_time_with_an_offset_is_refused_on_the_form(app, world):
    client = app.test_client()
    login(client, "el-lead@example.org")
    today = dt.date.today().isoformat()
    response = client.post("/research/adverse-events/new", data={
        "affected": "patient", "carer": str(world.carer.id), "onset_on": today, "aware_on": today,
        "aware_time": "14:30+01:00", "relatedness": "not_related", "expectedness": "expected", "once": "k1"})
    assert response.status_code == 200 and "Enter the time like 14:30" in response.get_data(as_text=True)


@pytest.mark.parametrize("amount", ["-1000", "NaN", "Infinity", "1e400"])
def test_bad_money_is_refused_and_the_costs_page_keeps_working(app, world, amount):
    client = app.test_client()
    login(client, "el-lead@example.org")
    response = client.post("/research/costs", data={
        "site": str(world.el.id), "category": "venue", "occurred_on": dt.date.today().isoformat(), "unit_cost_key": "",
        "quantity": "1", "amount": amount, "once": f"cost-{amount}"})
    assert response.status_code == 200 and CostItem.select().count() == 0
    assert client.get("/research/costs").status_code == 200
    researcher = app.test_client()
    login(researcher, "researcher@example.org")
    assert researcher.get("/research/costs").status_code == 200
