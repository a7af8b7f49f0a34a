"""Sending the day's digests: one email per person per day at most, only when something is
waiting, only to people who have reminders on; each send logged without its body."""

from __future__ import annotations

import datetime as dt

from .. import mail
from ..accounts.models import User
from ..audit import service as audit
from ..db import write_transaction
from ..errors import Refused
from .digest import for_user, text
from .models import NotificationLog

SUBJECT = "What is waiting for you: carer peer support"


def run(today: dt.date, base_url: str, dry_run: bool = False) -> list[dict]:
    """[{"email", "kinds", "items", "status"}] for everyone with something waiting."""
    results = []
    already = {u for (u,) in NotificationLog.select(NotificationLog.user_id).where(NotificationLog.sent_on == today)
               .tuples()}
    for user in User.select().where(User.active & User.reminders & (User.email != "")).order_by(User.id):
        digest = for_user(user, today)
        if not digest.items:
            continue
        result = {"email": user.email, "kinds": digest.kinds, "items": digest.items}
        if user.id in already:
            results.append({**result, "status": "already sent today"})
            continue
        if dry_run:
            results.append({**result, "status": "would send"})
            continue
        try:
            mail.send(user.email, SUBJECT, text(digest, base_url))
        except mail.MailError as exc:
            with write_transaction():
                audit.record(None, "notify.failed", "user", user.id, "Reminder email could not be sent",
                             error=str(exc)[:200])
            results.append({**result, "status": "failed"})
            continue
        try:
            with write_transaction():
                NotificationLog.create(user_id=user.id, sent_on=today, kinds=",".join(digest.kinds), items=digest.items,
                                       status="sent")
                audit.record(None, "notify.sent", "user", user.id, "Reminder email sent", kinds=",".join(digest.kinds),
                             items=digest.items)
        except Refused:  # another notify run logged it at the same moment (one row per person per day)
            pass
        results.append({**result, "status": "sent"})
    return results
