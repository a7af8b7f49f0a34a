"""Research records: assessment responses, adverse events and intervention costs."""

from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from ..cascade.models import Person, Site
from ..db import BaseModel
from ..support.models import Carer


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class AssessmentResponse(BaseModel):
    """One instrument completed at one time point, scored on save with the instrument's version."""

    instrument_id = CharField(max_length=64, index=True)
    instrument_version = CharField(max_length=20)
    respondent = CharField(max_length=16)  # carer, cps, trainer
    carer = ForeignKeyField(Carer, null=True, backref="responses", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="responses", on_delete="RESTRICT")
    site = ForeignKeyField(Site, backref="responses", on_delete="RESTRICT")
    time_point = CharField(max_length=32)
    completed_on = DateField(index=True)
    scores = TextField(default="{}")  # JSON from research.scoring.ScoreResult.to_dict()
    recorded_by_user_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    self_completed = BooleanField(default=False)  # answered by the carer through their own link


class AssessmentAnswer(BaseModel):
    response = ForeignKeyField(AssessmentResponse, backref="answers", on_delete="CASCADE")
    item_id = CharField(max_length=64)
    value = TextField(null=True)  # as entered; NULL = not answered

    class Meta:
        indexes = ((("response", "item_id"), True),)


class AdverseEvent(BaseModel):
    site = ForeignKeyField(Site, backref="adverse_events", on_delete="RESTRICT")
    affected = CharField(max_length=16)  # carer, cps, patient
    carer = ForeignKeyField(Carer, null=True, backref="adverse_events", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="adverse_events", on_delete="RESTRICT")
    onset_on = DateField()
    aware_at = DateTimeField(index=True)
    seriousness = CharField(max_length=255, default="")  # comma-separated criteria; empty = not serious
    relatedness = CharField(max_length=32)
    expectedness = CharField(max_length=16)
    description = TextField(default="")  # free text: never exported de-identified
    sponsor_reported_at = DateTimeField(null=True)
    rec_reported_at = DateTimeField(null=True)
    safeguarding_escalated = BooleanField(default=False)
    safeguarding_referral_on = DateField(null=True)
    status = CharField(max_length=16, default="open")  # open, closed
    recorded_by_user_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


class CostItem(BaseModel):
    """An intervention cost not recorded elsewhere (supervision, travel, venue, materials)."""

    site = ForeignKeyField(Site, backref="cost_items", on_delete="RESTRICT")
    category = CharField(max_length=32)  # supervision, travel, venue, materials, other
    occurred_on = DateField(index=True)
    unit_cost_key = CharField(max_length=64, default="")  # key in the unit-cost table
    quantity = DecimalField(max_digits=12, decimal_places=2)
    amount = DecimalField(max_digits=12, decimal_places=2, null=True)  # when no unit cost applies
    description = CharField(max_length=255, default="")
    recorded_by_user_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    voided_at = DateTimeField(null=True)  # entered by mistake: kept, counted nowhere
    void_reason = TextField(default="")
