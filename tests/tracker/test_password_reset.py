"""One-time password reset links: issued by an administrator, a site lead (own site's trainers and
supporters only) or the command line; they expire, work once, end every session, are emailed when
SMTP is set up, and the public page never says whether an account exists."""

from __future__ import annotations

import datetime as dt
import re
import time

from click.testing import CliRunner
from smtp import smtp_server

from trainer_tracker.accounts import roles

from .conftest import login

NEW = "quiet orchard lantern 42"


def _link(html: str) -> str:
    return re.search(r"(https?://[^\s<\"]+/reset/[\w-]+)", html).group(1)


def test_admin_issues_a_link_that_works_once(app, world):
    admin = app.test_client()
    login(admin, "admin@example.org")
    supporter = world.users[roles.SUPPORTER]
    other_session = app.test_client()
    login(other_session, supporter.email)
    page = admin.post(f"/admin/users/{supporter.id}/reset")
    assert page.status_code == 200 and "Email is not set up" in page.get_data(as_text=True)
    path = _link(page.get_data(as_text=True)).split("localhost", 1)[1]
    person = app.test_client()
    assert person.get(path).status_code == 200
    weak = person.post(path, data={"password": "password1234"})
    assert weak.status_code == 200 and "too common" in weak.get_data(as_text=True)
    assert person.post(path, data={"password": NEW}).status_code == 302
    assert person.get(path).status_code == 410  # used: refused the second time
    assert person.post(path, data={"password": "another fine passphrase"}).status_code == 410
    assert other_session.get("/account").status_code == 302  # every earlier session ended
    login(person, supporter.email, NEW)


def test_links_expire(app, world, db):
    from trainer_tracker.accounts.models import PasswordReset
    from trainer_tracker.accounts.services import issue_reset, reset_target

    token = issue_reset(None, world.users[roles.TRAINER])
    assert reset_target(token) is not None
    PasswordReset.update(expires_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)).execute()
    assert reset_target(token) is None
    assert app.test_client().get(f"/reset/{token}").status_code == 410


def test_a_new_link_cancels_the_old_one(world, db):
    from trainer_tracker.accounts.services import issue_reset, reset_target

    first = issue_reset(None, world.users[roles.TRAINER])
    second = issue_reset(None, world.users[roles.TRAINER])
    assert reset_target(first) is None and reset_target(second) is not None


def test_site_lead_resets_own_sites_trainers_and_supporters_only(app, world):
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    assert lead.post(f"/admin/users/{world.users[roles.SUPPORTER].id}/reset").status_code == 200
    assert lead.post(f"/admin/users/{world.users[roles.PROGRAMME_LEAD].id}/reset").status_code == 404
    dv_lead = app.test_client()
    login(dv_lead, "dv-lead@example.org")
    assert dv_lead.post(f"/admin/users/{world.users[roles.SUPPORTER].id}/reset").status_code == 404


def test_every_account_event_is_audited(app, world):
    from trainer_tracker.audit.models import AuditEntry

    admin = app.test_client()
    login(admin, "admin@example.org")
    admin.post(f"/admin/users/{world.users[roles.SUPPORTER].id}/reset")
    actions = {e.action for e in AuditEntry.select()}
    assert {"login.succeeded", "user.reset_issued"} <= actions


def test_cli_prints_a_link(app, world, monkeypatch, database_url):
    from cascade.cli import cascade

    monkeypatch.setenv("CASCADE_DATABASE_URL", database_url)
    monkeypatch.setenv("CASCADE_BASE_URL", "https://tracker.example.org")
    result = CliRunner().invoke(cascade, ["tracker", "reset-password", "Trainer@Example.org"])
    assert result.exit_code == 0, result.output
    assert re.match(r"https://tracker\.example\.org/reset/[\w-]{40,}$", result.output.splitlines()[0])
    unknown = CliRunner().invoke(cascade, ["tracker", "reset-password", "nobody@example.org"])
    assert unknown.exit_code == 1 and "no account" in unknown.output


def test_forgot_password_emails_a_link_and_reveals_nothing(app, world, monkeypatch):
    with smtp_server() as (url, inbox):
        monkeypatch.setenv("CASCADE_SMTP_URL", url)
        client = app.test_client()
        known = client.post("/forgot-password", data={"email": "supporter@example.org"})
        unknown = client.post("/forgot-password", data={"email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 200
        assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
        deadline = time.monotonic() + 10
        while not inbox and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
    assert len(inbox) == 1 and inbox[0]["to"] == ["supporter@example.org"]
    path = re.search(r"/reset/[\w-]+", inbox[0]["body"]).group(0)
    assert app.test_client().post(path, data={"password": NEW}).status_code == 302
    login(app.test_client(), "supporter@example.org", NEW)


def test_admin_link_is_emailed_when_smtp_is_set(app, world, monkeypatch):
    with smtp_server() as (url, inbox):
        monkeypatch.setenv("CASCADE_SMTP_URL", url)
        admin = app.test_client()
        login(admin, "admin@example.org")
        page = admin.post(f"/admin/users/{world.users[roles.TRAINER].id}/reset").get_data(as_text=True)
    assert "We have emailed this link" in page
    assert len(inbox) == 1 and _link(page).split("/reset/")[1] in inbox[0]["body"]
    assert inbox[0]["to"][0] == "trainer@example.org"


def test_login_page_links_to_the_reset(client):
    assert "/forgot-password" in client.get("/login").get_data(as_text=True)
