"""A log of the digests sent: who, when, what kinds of item and how many, never the body."""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateField, DateTimeField, IntegerField

from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class NotificationLog(BaseModel):
    user_id = IntegerField()
    sent_on = DateField()
    kinds = CharField(max_length=255, default="")  # comma-separated kinds of item in the digest
    items = IntegerField(default=0)
    status = CharField(max_length=10)  # sent, failed
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "notification_log"
        indexes = ((("user_id", "sent_on"), True),)  # one digest per person per day
