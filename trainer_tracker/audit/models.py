"""Audit entries (who did what, when). No personal data: ids and field names, not names."""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateTimeField, IntegerField, TextField

from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class AuditEntry(BaseModel):
    at = DateTimeField(default=utcnow, index=True)
    user_id = IntegerField(null=True, index=True)  # not a foreign key: entries outlive accounts
    role = CharField(max_length=32, null=True)
    action = CharField(max_length=64, index=True)  # e.g. certification.issue
    entity = CharField(max_length=64)
    entity_id = IntegerField(null=True)
    summary = CharField(max_length=255)
    data = TextField(default="{}")  # JSON: changed fields; personal fields are masked
    reason = TextField(default="")  # why a correction was made, as the person gave it

    class Meta:
        indexes = ((("entity", "entity_id"), False),)  # a record's history
