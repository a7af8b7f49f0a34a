"""Cascade records. A person's generation is kept on their row (figures/generations.py keeps it in
step with the certification graph, which cascade/lineage.py walks from scratch)."""

from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Site(BaseModel):
    code = CharField(max_length=8, unique=True)  # e.g. EL; prefixes carers' study IDs
    name = CharField(max_length=120)
    setting = CharField(max_length=16, default="")  # urban / rural
    # The last carer sequence number given out at this site: study IDs are allocated by updating
    # this row, so two registrations at once cannot take the same number.
    carer_sequence = IntegerField(default=0)


class Person(BaseModel):
    """A trainer or peer supporter in the cascade. Names are personal data."""

    given_name = CharField(max_length=80)
    family_name = CharField(max_length=80)
    site = ForeignKeyField(Site, backref="people", on_delete="RESTRICT")
    # Generation 0: developers of the German programme and the carer representative.
    founding_trainer = BooleanField(default=False, index=True)
    generation = IntegerField(null=True, index=True)  # kept: see figures/generations.py
    tree_path = CharField(max_length=400, null=True, index=True)  # kept: founding trainer's id down to this id
    created_at = DateTimeField(default=utcnow)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Course(BaseModel):
    title = CharField(max_length=160)
    stage = IntegerField()  # 1 or 2
    site = ForeignKeyField(Site, backref="courses", on_delete="RESTRICT")
    starts_on = DateField()
    ends_on = DateField()
    curriculum_release = CharField(max_length=32)  # e.g. 2027.1
    created_at = DateTimeField(default=utcnow)


class CourseTrainer(BaseModel):
    course = ForeignKeyField(Course, backref="trainer_links", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="trainer_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("course", "person"), True),)


class CourseTrainee(BaseModel):
    course = ForeignKeyField(Course, backref="trainee_links", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="trainee_links", on_delete="RESTRICT")
    enrolled_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("course", "person"), True),)


class ModuleDelivery(BaseModel):
    """One module taught in a course: module id and version come from the curriculum loader."""

    course = ForeignKeyField(Course, backref="deliveries", on_delete="CASCADE")
    module_id = CharField(max_length=80, index=True)
    module_version = CharField(max_length=20)
    delivered_on = DateField()
    trainer = ForeignKeyField(Person, backref="deliveries", on_delete="RESTRICT")
    notes = TextField(default="")


class Attendance(BaseModel):
    delivery = ForeignKeyField(ModuleDelivery, backref="attendance", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="attendance", on_delete="RESTRICT")
    attended = BooleanField(default=True)

    class Meta:
        indexes = ((("delivery", "person"), True),)


class CheckoutResult(BaseModel):
    """A checkout step evaluated for a trainee. Append-only: the latest row is the state."""

    course = ForeignKeyField(Course, backref="checkout_results", on_delete="CASCADE")
    trainee = ForeignKeyField(Person, backref="checkout_results", on_delete="RESTRICT")
    step_id = CharField(max_length=64)
    state = CharField(max_length=16)  # not_evaluated, passed, failed, repeat
    notes = TextField(default="")
    assessor = ForeignKeyField(Person, backref="checkouts_assessed", on_delete="RESTRICT")
    recorded_at = DateTimeField(default=utcnow)
    voided_at = DateTimeField(null=True)  # recorded by mistake (wrong trainee or step): ignored
    void_reason = TextField(default="")

    class Meta:
        indexes = ((("course", "trainee", "step_id"), False),)


class Certification(BaseModel):
    """A peer supporter certified by a trainer. Renewals point at the certification they renew."""

    person = ForeignKeyField(Person, backref="certifications", on_delete="RESTRICT")
    certified_by = ForeignKeyField(Person, backref="certifications_given", on_delete="RESTRICT")
    course = ForeignKeyField(Course, backref="certifications", on_delete="RESTRICT")
    stage = IntegerField()
    curriculum_release = CharField(max_length=32)
    certified_on = DateField()
    expires_on = DateField(null=True)
    status = CharField(max_length=16, default="active", index=True)  # active, lapsed, revoked
    status_reason = TextField(default="")
    renewal_of = ForeignKeyField("self", null=True, backref="renewals", on_delete="RESTRICT")
    verification_code = CharField(max_length=20, unique=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        # (x, renewal_of): the cascade graph is the original certifications (renewal_of IS NULL);
        # recursive lineage and generation queries look edges up by certifier and by person.
        indexes = ((("certified_by",), False), (("certified_by", "renewal_of"), False),
                   (("person", "renewal_of"), False))

    def effective_status(self, today: dt.date | None = None) -> str:
        today = today or dt.date.today()
        if self.status == "active" and self.expires_on and self.expires_on < today:
            return "lapsed"
        return self.status


# One renewal per certification, enforced by the database (a partial unique index: renewal_of is
# NULL for every original certification).
Certification.add_index(Certification.index(Certification.renewal_of, unique=True,
                                            where=Certification.renewal_of.is_null(False),
                                            name="certification_one_renewal"))


class CertificationEvent(BaseModel):
    """Full, append-only history of each certification: issued, renewed, lapsed, revoked."""

    certification = ForeignKeyField(Certification, backref="events", on_delete="CASCADE")
    event = CharField(max_length=16)
    at = DateTimeField(default=utcnow)
    by_user_id = IntegerField(null=True)
    reason = TextField(default="")
