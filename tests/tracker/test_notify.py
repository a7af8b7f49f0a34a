"""`cascade tracker notify`: each person with something waiting gets one digest a day through a real
SMTP server (aiosmtpd on loopback), with study IDs and counts only; --dry-run sends nothing;
reminders can be turned off."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from smtp import smtp_server

from cascade.cli import cascade
from trainer_tracker.accounts import roles
from trainer_tracker.accounts.models import User
from trainer_tracker.concerns import services as concerns
from trainer_tracker.notify.models import NotificationLog

from .conftest import _close_bound, login


def _notify(database_url, *args):
    _close_bound()
    return CliRunner().invoke(cascade, ["tracker", "notify", *args], env={"CASCADE_DATABASE_URL": database_url},
                              catch_exceptions=False)


def test_digests_are_sent_once_and_say_only_what_is_needed(world, database_url, monkeypatch):
    concerns.raise_concern(world.users[roles.SUPPORTER], about="carer", category="carer-safety", urgency="today",
                           description="Not sleeping; worried about the ward round.", carer=world.carer,
                           person=world.gen2)
    with smtp_server() as (url, messages):
        monkeypatch.setenv("CASCADE_SMTP_URL", url)
        dry = _notify(database_url, "--dry-run")
        assert dry.exit_code == 0 and "would send" in dry.output and "el-lead@example.org" in dry.output
        assert messages == []
        first = _notify(database_url)
        assert first.exit_code == 0, first.output
        by = {m["to"][0]: m for m in messages}
        lead = by["el-lead@example.org"]["body"]
        assert "Concerns not yet acknowledged" in lead and "Concern 1" in lead
        assert "Not sleeping" not in lead and "Jo Carer" not in lead  # never what was said, never a name
        supporter = by["supporter@example.org"]["body"]
        assert world.carer.study_id in supporter and "/account" in supporter
        sent = len(messages)
        again = _notify(database_url)
        assert "already sent today" in again.output and len(messages) == sent  # once a day
    _close_bound()
    assert NotificationLog.select().where(NotificationLog.sent_on == dt.date.today()).count() == sent


def test_reminders_can_be_turned_off(app, world, database_url, monkeypatch):
    client = app.test_client()
    login(client, "supporter@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert "Email reminders" in page
    from .formfill import fill

    client.post("/account/reminders", data=fill(page, {}, action="/account/reminders"))
    assert User.get(User.email == "supporter@example.org").reminders is False
    with smtp_server() as (url, messages):
        monkeypatch.setenv("CASCADE_SMTP_URL", url)
        result = _notify(database_url)
        assert result.exit_code == 0
        assert "supporter@example.org" not in {m["to"][0] for m in messages}


def test_notify_refuses_without_email_set_up(world, database_url, monkeypatch):
    monkeypatch.delenv("CASCADE_SMTP_URL", raising=False)
    result = CliRunner().invoke(cascade, ["tracker", "notify"], env={"CASCADE_DATABASE_URL": database_url})
    assert result.exit_code != 0 and "CASCADE_SMTP_URL" in result.output
