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


def test_failures_slow_the_guesser_down_without_locking_the_owner_out(world):
    secret, now = "s", dt.datetime(2027, 1, 1, 12, 0)
    attacker, owner = "203.0.113.9", "198.51.100.4"
    for _ in range(3):  # three free tries, then delays that double
        with pytest.raises(Refused, match="not right"):
            authenticate("lead@example.org", "wrong password here", attacker, secret, now)
    with pytest.raises(Refused, match="Wait 2 seconds"):
        authenticate("lead@example.org", PASSWORD, attacker, secret, now)  # not even checked
    assert authenticate("lead@example.org", PASSWORD, owner, secret, now).email == "lead@example.org"
    later = now + dt.timedelta(seconds=2)
    with pytest.raises(Refused, match="not right"):
        authenticate("lead@example.org", "wrong password again", attacker, secret, later)
    with pytest.raises(Refused, match="Wait 3 seconds"):  # 4 failures: 2 seconds after the last one
        authenticate("lead@example.org", PASSWORD, attacker, secret, later)
    for step in range(4, 15):
        later += dt.timedelta(hours=2) if step == 14 else dt.timedelta(seconds=2 ** (step - 3) + 1)
        if step < 14:
            with pytest.raises(Refused):
                authenticate("lead@example.org", "still guessing", attacker, secret, later)
    assert authenticate("lead@example.org", PASSWORD, attacker, secret, later)  # after the window
    actions = [a.action for a in AuditEntry.select().where(AuditEntry.action.startswith("login."))]
    assert "login.failed" in actions and "login.throttled" in actions and actions.count("login.succeeded") == 2
    stored = " ".join(f"{a.account_key}{a.address_key}" for a in LoginAttempt.select())
    assert "lead@example.org" not in stored and "203.0.113" not in stored


def test_an_address_that_fails_on_many_accounts_waits(world):
    secret, now = "s", dt.datetime(2027, 1, 1, 12, 0)
    for n in range(20):
        with pytest.raises(Refused):
            authenticate(f"user{n}@example.org", "wrong password here", "192.0.2.1", secret, now)
    with pytest.raises(Refused, match="Wait"):
        authenticate("lead@example.org", PASSWORD, "192.0.2.1", secret, now)
    assert authenticate("lead@example.org", PASSWORD, "192.0.2.2", secret, now)


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "123456789012", "\u200b" * 12, "qwertyuiopas", "abababababab",
                                  "\u200b" * 6 + "abcdef"])
def test_weak_passwords_are_refused(weak):
    assert passwords.problems_with(weak)


def test_the_current_password_check_is_throttled(app, world):
    client = app.test_client()
    login(client, "lead@example.org")
    for _ in range(3):
        page = client.post("/account", data={"current": "not my password", "new": "quiet orchard lantern 42"})
        assert "Your current password is not right" in page.get_data(as_text=True)
    page = client.post("/account", data={"current": PASSWORD, "new": "quiet orchard lantern 42"})
    assert "Too many wrong attempts" in page.get_data(as_text=True)


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
