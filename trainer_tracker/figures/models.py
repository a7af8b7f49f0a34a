"""Figures kept in the database, updated in the transaction of the write that changes them.

Every worker and every app server reads the same rows, so the first visit after a restart costs
what the second does. `cascade tracker refresh-figures` rebuilds them all from the raw records
(tests/tracker/test_kept_figures.py checks that the kept rows equal a rebuild after random writes).
"""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from ..cascade.models import ModuleDelivery, Site
from ..db import BaseModel
from ..support.models import Contact


class SiteCount(BaseModel):
    """One dashboard count for one site (programme figures are the sum over sites)."""

    site = ForeignKeyField(Site, backref="counts", on_delete="CASCADE")
    name = CharField(max_length=120)  # see figures/counts.py
    value = BigIntegerField(default=0)

    class Meta:
        table_name = "site_count"
        indexes = ((("site", "name"), True),)


class FidelityOccasion(BaseModel):
    """One delivery or contact rated with one checklist version: what its figures are grouped by,
    and which records were pooled the last time its sums were updated."""

    checklist_id = CharField(max_length=96)
    checklist_version = CharField(max_length=20)
    delivery = ForeignKeyField(ModuleDelivery, null=True, on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, on_delete="CASCADE")
    occasion_key = CharField(max_length=24)  # d<delivery id> or c<contact id>
    site = IntegerField(null=True)  # site id; NULL while nothing is counted
    generation = IntegerField(null=True)
    person = IntegerField(null=True)  # trainer (deliveries) or peer supporter (contacts)
    module_id = CharField(max_length=80, null=True)
    branch = IntegerField(null=True)  # the stage-one trainer whose branch it is (generation 2 and below)
    percent = DoubleField(null=True)  # raters pooled; NULL: no item applied
    counted = BooleanField(default=False)  # False: its contact was voided (or nothing recorded yet)
    counted_records = TextField(default="[]")  # JSON: ids of the records in the sums

    class Meta:
        table_name = "fidelity_occasion"
        indexes = ((("checklist_id", "checklist_version", "occasion_key"), True),
                   (("person",), False))


class FidelitySum(BaseModel):
    """Running sums of one group's occasion percentages (or one core component's), per checklist
    version and scope (0: every site; otherwise one site's id)."""

    checklist_id = CharField(max_length=96)
    checklist_version = CharField(max_length=20)
    scope = IntegerField()
    dimension = CharField(max_length=16)  # all, generation, module, person, rater_role, pair, pairs
    grp = CharField(max_length=96, default="")
    item_id = CharField(max_length=96, default="")  # "" for the whole checklist
    n = BigIntegerField(default=0)  # scored occasions (records for rater_role; pairs for pair)
    total = DoubleField(default=0.0)
    total_sq = DoubleField(default=0.0)
    n_records = BigIntegerField(default=0)
    n_unscored = BigIntegerField(default=0)
    mean = DoubleField(null=True)  # total / n, kept so that "lowest first" is an index scan

    class Meta:
        table_name = "fidelity_sum"
        indexes = ((("checklist_id", "checklist_version", "scope", "dimension", "item_id", "grp"), True),
                   (("checklist_id", "checklist_version", "scope", "dimension", "item_id", "mean"), False))


class AssessmentDue(BaseModel):
    """One time point one carer or peer supporter owes: its window, kept; its status on a given day
    follows from the dates in SQL (figures/due.py)."""

    respondent = CharField(max_length=8)  # carer or cps
    subject = IntegerField()  # carer id or person id
    site = IntegerField()
    cps = IntegerField(null=True)  # the peer supporter who follows it up
    instrument_id = CharField(max_length=64)
    time_point = CharField(max_length=32)
    opens = DateField(null=True)  # NULL: the anchor date is not known yet
    closes = DateField(null=True)
    done_on = DateField(null=True)
    done = IntegerField(default=0)
    since = DateField()  # the subject's first anchor: older subjects drop off the list

    class Meta:
        table_name = "assessment_due"
        indexes = ((("respondent", "subject", "instrument_id", "time_point"), True),
                   (("done", "since", "closes"), False),
                   (("site", "done", "closes"), False),
                   (("cps", "done", "closes"), False))


class KeptState(BaseModel):
    """What the kept figures were built with (a settings change means a rebuild)."""

    name = CharField(max_length=40, unique=True)
    value = TextField(default="")

    class Meta:
        table_name = "kept_state"
