"""Sessions that end: a copied cookie stops working at sign-out, a password change, switching the
account off and "sign out everywhere"; sessions end when idle or old; sign-in rotates the session
and its CSRF token; the session does not trust client-set headers; the redirect after sign-in stays
on this site; two-step sign-in when required."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest

from trainer_tracker.accounts import roles
from trainer_tracker.accounts.models import UserSession

from .conftest import PASSWORD, login


def _cookie(client) -> str:
    return client.get_cookie("cascade_session").value


def _clone(app, client):
    other = app.test_client()
    other.set_cookie("cascade_session", _cookie(client))
    return other


def test_a_copied_cookie_stops_working_after_sign_out(app, world):
    admin = app.test_client()
    login(admin, "admin@example.org")
    saved = _clone(app, admin)
    assert saved.get("/admin/users").status_code == 200
    assert admin.post("/logout").status_code == 302
    assert saved.get("/admin/users").status_code == 302  # back to sign in: the session ended


@pytest.mark.parametrize("how", ["password", "switched_off", "everywhere", "admin_everywhere"])
def test_other_copies_end(app, world, how):
    lead = app.test_client()
    login(lead, "lead@example.org")
    copy = _clone(app, lead)
    if how == "password":
        assert lead.post("/account", data={"current": PASSWORD, "new": "quiet orchard lantern 42"}).status_code == 302
        assert lead.get("/dashboard").status_code == 200  # this session stays
    else:
        admin = app.test_client()
        login(admin, "admin@example.org")
        user_id = world.users[roles.PROGRAMME_LEAD].id
        target = {"switched_off": f"/admin/users/{user_id}/active", "admin_everywhere": f"/admin/users/{user_id}/sign-out"}
        if how == "everywhere":
            lead.post("/account/sign-out-everywhere")
        else:
            admin.post(target[how])
    assert copy.get("/dashboard").status_code == 302


def test_sign_in_rotates_the_session_and_the_csrf_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    before = _cookie(client)
    assert client.post("/login", data={"email": "lead@example.org", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert _cookie(client) != before
    after = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/account").get_data(as_text=True))
    stale = client.post("/account", data={"current": "x", "new": "y", "csrf_token": token})
    assert stale.status_code == 400 and after.group(1) != token


@pytest.mark.parametrize(("email", "minutes", "ends"), [("lead@example.org", 31, True),
                                                         ("lead@example.org", 20, False),
                                                         ("supporter@example.org", 31, False),
                                                         ("supporter@example.org", 121, True)])
def test_idle_sessions_end(app, world, email, minutes, ends):
    client = app.test_client()
    login(client, email)
    ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=minutes)
    UserSession.update(last_seen_at=ago).execute()
    assert (client.get("/account").status_code == 302) is ends


def test_old_sessions_end_even_when_busy(app, world):
    client = app.test_client()
    login(client, "supporter@example.org")
    UserSession.update(created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=13)).execute()
    assert client.get("/account").status_code == 302


def test_the_session_does_not_depend_on_client_set_headers(app, world):
    client = app.test_client()
    login(client, "admin@example.org")
    spoofed = client.get("/admin/users", headers={"X-Forwarded-For": "203.0.113.50", "User-Agent": "other"})
    assert spoofed.status_code == 200
    client.post("/logout")
    copy = app.test_client()
    copy.set_cookie("cascade_session", "forged." + "x" * 40)
    assert copy.get("/admin/users").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "/%09/evil.example", "/\t/evil.example", "/%0A/x", "/\n/x",
                                    "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "/ok/../..//x"])
def test_the_redirect_after_sign_in_stays_here(client, world, target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": "lead@example.org", "password": PASSWORD})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        from urllib.parse import urljoin, urlsplit

        where = urlsplit(urljoin("http://localhost/login", response.headers["Location"]))
        assert where.netloc == "localhost" and where.scheme == "http", response.headers["Location"]


def test_a_local_next_page_is_kept(client, world):
    response = client.post("/login?next=/courses", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/courses")


def test_two_step_sign_in_when_required(app, world, monkeypatch):
    monkeypatch.setenv("CASCADE_REQUIRE_2FA", "1")
    admin = app.test_client()
    login(admin, "admin@example.org")
    assert admin.get("/admin/users").headers["Location"].endswith("/account/two-step")
    page = admin.get("/account/two-step").get_data(as_text=True)
    secret = re.search(r'<code class="tracker-link-to-copy">([A-Z2-7]+)</code>', page).group(1)
    assert "<svg" in page
    wrong = admin.post("/account/two-step", data={"code": "000000"})
    assert "That code is not right" in wrong.get_data(as_text=True)
    done = admin.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done)
    assert len(codes) == 10
    assert admin.get("/admin/users").status_code == 200

    again = app.test_client()
    login(again, "admin@example.org")
    assert again.get("/admin/users").headers["Location"].endswith("/login/second-step")
    assert "not right" in again.post("/login/second-step", data={"code": "123456"}).get_data(as_text=True)
    assert again.post("/login/second-step", data={"code": codes[0]}).status_code == 302
    assert again.get("/admin/users").status_code == 200
    third = app.test_client()
    login(third, "admin@example.org")
    assert "not right" in third.post("/login/second-step", data={"code": codes[0]}).get_data(as_text=True)  # used

    supporter = app.test_client()
    login(supporter, "supporter@example.org")
    assert supporter.get("/my/caseload").status_code == 200  # not required for peer supporters
