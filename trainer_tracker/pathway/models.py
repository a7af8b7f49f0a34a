"""Referrals and their steps, consent records, demographics and peer supporters' profiles.

Identity (name, phone, email) is kept apart from the referral, as the carer's contact details are
kept apart from the study record; demographics are kept apart from both.
"""

from __future__ import annotations

import datetime as dt

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..cascade.models import Person, Site
from ..db import BaseModel
from ..support.models import Carer


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Referral(BaseModel):
    site = ForeignKeyField(Site, backref="referrals", on_delete="RESTRICT")
    source = CharField(max_length=30)  # programme.yml referrals.sources
    referred_on = DateField(index=True)
    relationship = CharField(max_length=30, default="")  # programme.yml relationships
    language = CharField(max_length=40, default="")  # preferred language
    contact_mode = CharField(max_length=20, default="")  # programme.yml contact_modes
    area = CharField(max_length=60, default="")  # a district or town, never an address
    availability = CharField(max_length=120, default="")  # comma-separated programme.yml availability
    preferences = CharField(max_length=300, default="")  # what matters in a peer supporter
    eligibility = TextField(default="{}")  # JSON {criterion id: yes|no|unknown}
    status = CharField(max_length=16, default="referred", index=True)  # referred contacted eligible not-eligible consented closed
    carer = ForeignKeyField(Carer, null=True, unique=True, backref="referral", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class ReferralContact(BaseModel):
    """Who to call about a referral: personal data, shown to the site team only."""

    referral = ForeignKeyField(Referral, unique=True, backref="contact", on_delete="CASCADE")
    name = CharField(max_length=120, default="")
    phone = CharField(max_length=40, default="")
    email = CharField(max_length=254, default="")


class ReferralStep(BaseModel):
    """One dated step of the pathway (referred, contacted, eligible, not-eligible, consented, closed)."""

    referral = ForeignKeyField(Referral, backref="steps", on_delete="CASCADE")
    step = CharField(max_length=16)
    on = DateField()
    by_user_id = IntegerField(null=True)
    note = CharField(max_length=300, default="")  # no names: the form says so


class ConsentRecord(BaseModel):
    """The consent a carer gave: the form and version, who took it, each item's answer."""

    carer = ForeignKeyField(Carer, backref="consents", on_delete="RESTRICT")
    form_id = CharField(max_length=64)
    form_version = CharField(max_length=20)
    consented_on = DateField()
    taken_by_user_id = IntegerField(null=True)
    answers = TextField(default="{}")  # JSON {item id: true|false}
    withdrawn_on = DateField(null=True)
    created_at = DateTimeField(default=utcnow)


class Demographics(BaseModel):
    """Optional answers about the carer, for equity of reach only; every item may be 'prefer not to say'."""

    referral = ForeignKeyField(Referral, null=True, unique=True, backref="demographics", on_delete="CASCADE")
    carer = ForeignKeyField(Carer, null=True, unique=True, backref="demographics", on_delete="CASCADE")
    age_band = CharField(max_length=20, default="")
    gender = CharField(max_length=20, default="")
    ethnicity = CharField(max_length=60, default="")
    first_language = CharField(max_length=20, default="")
    relationship = CharField(max_length=20, default="")
    area_type = CharField(max_length=20, default="")
    recorded_at = DateTimeField(default=utcnow)


class SupporterProfile(BaseModel):
    """What a peer supporter offers, for matching: languages, the relationships they know from
    their own life, where they can meet, when they are free."""

    person = ForeignKeyField(Person, unique=True, backref="profile", on_delete="CASCADE")
    languages = CharField(max_length=120, default="English")
    relationships = CharField(max_length=120, default="")  # comma-separated programme.yml relationships
    area = CharField(max_length=60, default="")
    availability = CharField(max_length=120, default="")
    updated_at = DateTimeField(default=utcnow)
