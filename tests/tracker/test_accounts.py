"""Passwords, sign-in throttling and its audit."""

from __future__ import annotations

import datetime as dt

import pytest

from trainer_tracker.accounts import passwords, roles
from trainer_tracker.accounts.models import LoginAttempt, User
from trainer_tracker.accounts.services import authenticate, create_user
from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.errors import Refused

from .conftest import PASSWORD, login


def test_password_rules():
    assert passwords.problems_with("short")
    assert any("too common" in p for p in passwords.problems_with("password1234"))
    assert any("email" in p for p in passwords.problems_with("alex.smith-2027!", "alex.smith@example.org"))
    assert passwords.problems_with("three random words here") == []
    assert passwords.problems_with("all lower case words") == []  # no composition rules


def test_argon2id_hash():
    stored = passwords.hash_password("three random words here")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "three random words here")
    assert not passwords.verify_password(stored, "three random words there")


def test_create_user_refusals(world):
    with pytest.raises(Refused, match="already exists"):
        create_user(None, "LEAD@example.org", roles.ADMIN, PASSWORD)
    with pytest.raises(Refused, match="site lead needs a site"):
        create_user(None, "x@example.org", roles.SITE_LEAD, PASSWORD)
    with pytest.raises(Refused, match="too common"):
        create_user(None, "y@example.org", roles.ADMIN, "password1234")


def test_login_and_wrong_password(client, world):
    response = client.post("/login", data={"email": "lead@example.org", "password": "wrong password here"})
    assert response.status_code == 401
    assert "The email address or password is not right" in response.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "wrong password here"})
    assert "The email address or password is not right" in unknown.get_data(as_text=True)
    login(client, "lead@example.org")


def test_throttled_per_account_and_audited(world):
    secret, now = "s", dt.datetime(2027, 1, 1, 12, 0)
    for n in range(5):
        with pytest.raises(Refused, match="not right"):
            authenticate("lead@example.org", "wrong password here", f"10.0.0.{n}", secret, now)
    with pytest.raises(Refused, match="Too many failed sign-in attempts"):
        authenticate("lead@example.org", PASSWORD, "10.0.0.99", secret, now)
    # After the window the right password works again.
    user = authenticate("lead@example.org", PASSWORD, "10.0.0.99", secret, now + dt.timedelta(minutes=16))
    assert user.email == "lead@example.org"
    actions = [a.action for a in AuditEntry.select().where(AuditEntry.action.startswith("login."))]
    assert actions.count("login.failed") == 5 and "login.throttled" in actions and "login.succeeded" in actions
    stored = " ".join(f"{a.account_key}{a.address_key}" for a in LoginAttempt.select())
    assert "lead@example.org" not in stored and "10.0.0" not in stored


def test_throttled_per_address(world):
    secret, now = "s", dt.datetime(2027, 1, 1, 12, 0)
    for n in range(20):
        with pytest.raises(Refused):
            authenticate(f"user{n}@example.org", "wrong password here", "192.0.2.1", secret, now)
    with pytest.raises(Refused, match="Too many"):
        authenticate("lead@example.org", PASSWORD, "192.0.2.1", secret, now)
    assert authenticate("lead@example.org", PASSWORD, "192.0.2.2", secret, now)


def test_disabled_account_cannot_sign_in(client, world):
    user = User.get(User.email == "leap@example.org")
    user.active = False
    user.save()
    response = client.post("/login", data={"email": "leap@example.org", "password": PASSWORD})
    assert response.status_code == 401


def test_password_change_signs_out_other_sessions(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, "lead@example.org")
    login(second, "lead@example.org")
    response = first.post("/account", data={"current": PASSWORD, "new": "a brand new passphrase"})
    assert response.status_code == 302
    assert first.get("/dashboard").status_code == 200
    assert second.get("/dashboard").status_code == 302  # old session no longer valid


def test_open_redirect_refused(client, world):
    response = client.post("/login?next=//evil.example/x", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.headers["Location"] in ("/", "http://localhost/")
