"""Fidelity records: one checklist filled in for one module delivery or support contact.

The checklist id and version are stored with every record (figures compare like with like);
each item's score is a row (0, 1, 2, or NULL for not applicable).
"""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateField, DateTimeField, DoubleField, ForeignKeyField, IntegerField, TextField

from ..cascade.models import ModuleDelivery, Person
from ..db import BaseModel
from ..figures.models import FidelityOccasion
from ..support.models import Contact


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class FidelityRecord(BaseModel):
    checklist_id = CharField(max_length=96, index=True)  # module:<id>, training-session, support-contact...
    checklist_version = CharField(max_length=20)
    delivery = ForeignKeyField(ModuleDelivery, null=True, backref="fidelity_records", on_delete="RESTRICT")
    contact = ForeignKeyField(Contact, null=True, backref="fidelity_records", on_delete="RESTRICT")
    rater = ForeignKeyField(Person, null=True, backref="fidelity_ratings", on_delete="RESTRICT")
    rater_role = CharField(max_length=16)  # observer, self, supervisor, cps, carer
    rated_on = DateField(index=True)
    notes = TextField(default="")
    recorded_by_user_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    percent = DoubleField(null=True)  # this record's own fidelity %; NULL: no item applied
    occasion = ForeignKeyField(FidelityOccasion, null=True, on_delete="SET NULL")  # kept with the figures

    class Meta:
        indexes = ((("checklist_id", "checklist_version", "percent"), False),)


class FidelityItemScore(BaseModel):
    record = ForeignKeyField(FidelityRecord, backref="item_scores", on_delete="CASCADE")
    item_id = CharField(max_length=96)
    score = IntegerField(null=True)  # 0 not done, 1 partly, 2 fully; NULL = not applicable

    class Meta:
        indexes = ((("record", "item_id"), True),)
