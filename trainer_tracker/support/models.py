"""Carers are research participants known by study IDs (e.g. EL-C-0001); contact details sit apart."""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..cascade.models import Person, Site
from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Carer(BaseModel):
    study_id = CharField(max_length=20, unique=True)
    site = ForeignKeyField(Site, backref="carers", on_delete="RESTRICT")
    sequence = IntegerField()  # the NNNN of the study ID, per site
    consented_on = DateField()
    status = CharField(max_length=16, default="waiting", index=True)  # waiting, matched, ended, withdrawn
    withdrawn_on = DateField(null=True)
    withdrawal_reason = CharField(max_length=40, default="")  # a category from WITHDRAWAL_REASONS
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("site", "sequence"), True),)


class CarerContactDetails(BaseModel):
    """Identifying details, kept apart. Only the assigned peer supporter and the site lead see them."""

    carer = ForeignKeyField(Carer, unique=True, backref="contact_details", on_delete="CASCADE")
    name = CharField(max_length=120, default="")
    phone = CharField(max_length=40, default="")
    email = CharField(max_length=254, default="")
    notes = TextField(default="")


class Match(BaseModel):
    carer = ForeignKeyField(Carer, backref="matches", on_delete="RESTRICT")
    supporter = ForeignKeyField(Person, backref="matches", on_delete="RESTRICT")
    matched_on = DateField()
    ended_on = DateField(null=True, index=True)
    end_reason = CharField(max_length=40, default="")
    choice_note = CharField(max_length=300, default="")  # why the site lead chose this supporter (optional)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("supporter", "ended_on"), False),)


# One active match per carer, enforced by the database (partial unique index).
Match.add_index(Match.index(Match.carer, unique=True, where=Match.ended_on.is_null(), name="match_one_active"))


class Contact(BaseModel):
    match = ForeignKeyField(Match, backref="contacts", on_delete="RESTRICT")
    contact_date = DateField(index=True)
    mode = CharField(max_length=20)  # phone, video, in-person, text-or-email
    duration_minutes = IntegerField()
    topics = CharField(max_length=255, default="")  # comma-separated topic codes
    recorded_at = DateTimeField(default=utcnow)
    # A contact logged by mistake is voided with a reason, never deleted; voided contacts count nowhere.
    voided_at = DateTimeField(null=True)
    void_reason = TextField(default="")

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]
