"""Supervision sessions, who attended, and reflective notes only their writer can read."""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..cascade.models import Person, Site
from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class SupervisionSession(BaseModel):
    site = ForeignKeyField(Site, backref="supervision_sessions", on_delete="RESTRICT")
    kind = CharField(max_length=12)  # individual, group
    held_on = DateField(index=True)
    minutes = IntegerField()
    supervisor = ForeignKeyField(Person, null=True, backref="supervision_given", on_delete="RESTRICT")
    topics = CharField(max_length=255, default="")  # comma-separated programme.yml supervision topics
    follow_ups = TextField(default="")  # agreed actions: no names
    recorded_by_user_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


class SupervisionAttendee(BaseModel):
    session = ForeignKeyField(SupervisionSession, backref="attendees", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="supervision_attended", on_delete="RESTRICT")

    class Meta:
        indexes = ((("session", "person"), True),)


class ReflectiveNote(BaseModel):
    """A peer supporter's private note: read by its writer only, never shown to anyone else and
    never exported (the audit log records that one was written, not what it says)."""

    author_user_id = IntegerField(index=True)
    written_on = DateField()
    text = TextField()
    created_at = DateTimeField(default=utcnow)
