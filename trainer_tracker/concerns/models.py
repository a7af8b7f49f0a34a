"""A concern: who raised it, whom it is about, how urgent, and what the site did."""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..cascade.models import Person, Site
from ..db import BaseModel
from ..research.models import AdverseEvent, AssessmentResponse
from ..support.models import Carer


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Concern(BaseModel):
    site = ForeignKeyField(Site, backref="concerns", on_delete="RESTRICT")
    source = CharField(max_length=20)  # supporter, staff, wellbeing-check
    about = CharField(max_length=10)  # carer, self, other
    carer = ForeignKeyField(Carer, null=True, backref="concerns", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="concerns", on_delete="RESTRICT")  # about this supporter
    category = CharField(max_length=40)
    urgency = CharField(max_length=10)  # now, today, week
    description = TextField(default="")  # what happened: no names (the form says so)
    raised_by_user_id = IntegerField(null=True)
    raised_at = DateTimeField(default=utcnow, index=True)
    response = ForeignKeyField(AssessmentResponse, null=True, on_delete="SET NULL")  # wellbeing-check alerts
    status = CharField(max_length=14, default="open", index=True)  # open, acknowledged, closed
    acknowledged_at = DateTimeField(null=True)
    acknowledged_by_user_id = IntegerField(null=True)
    action = TextField(default="")  # what the site did
    outcome = CharField(max_length=40, default="")
    closed_at = DateTimeField(null=True)
    adverse_event = ForeignKeyField(AdverseEvent, null=True, on_delete="SET NULL")
