"""What a person studied on the training site, per module version."""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from ..cascade.models import Person
from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class StudyRecord(BaseModel):
    person = ForeignKeyField(Person, backref="studies", on_delete="CASCADE")
    module_id = CharField(max_length=80)
    module_version = CharField(max_length=20)
    studied_at = DateTimeField(null=True)  # marked studied
    check_right = IntegerField(null=True)  # knowledge check: questions answered rightly
    check_questions = IntegerField(null=True)  # ... of this many
    checked_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "study_record"
        indexes = ((("person", "module_id", "module_version"), True),)
