"""A refresher one person owes in one module: why, since when, and how it was completed."""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from ..cascade.models import ModuleDelivery, Person
from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Refresher(BaseModel):
    person = ForeignKeyField(Person, backref="refreshers", on_delete="CASCADE")
    module_id = CharField(max_length=80)
    from_version = CharField(max_length=20, default="")  # the version they were trained on ("" if assigned by hand)
    to_version = CharField(max_length=20)  # the version they refresh to
    reason = CharField(max_length=30)  # major-change, assigned
    assigned_at = DateTimeField(default=utcnow)
    assigned_by_user_id = IntegerField(null=True)
    confirmed_at = DateTimeField(null=True, index=True)
    confirmed_by_user_id = IntegerField(null=True)
    confirmed_how = CharField(max_length=10, default="")  # trainer, session
    session = ForeignKeyField(ModuleDelivery, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("person", "module_id", "to_version"), True),)
