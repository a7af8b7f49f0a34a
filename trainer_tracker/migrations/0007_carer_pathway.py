"""The carer's pathway and the safety net: concerns (and, in the same release, referrals, consent
records, demographics, supervision, self-completion links and reminders). Written by hand after
the models."""
from peewee import *


def up(migrator, db):
    class Site(Model):
        class Meta:
            database = db
            table_name = 'site'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Carer(Model):
        class Meta:
            database = db
            table_name = 'carer'

    class AssessmentResponse(Model):
        class Meta:
            database = db
            table_name = 'assessment_response'

    class AdverseEvent(Model):
        class Meta:
            database = db
            table_name = 'adverse_event'

    class Concern(Model):
        site = ForeignKeyField(Site, on_delete='RESTRICT')
        source = CharField(max_length=20)
        about = CharField(max_length=10)
        carer = ForeignKeyField(Carer, null=True, on_delete='RESTRICT')
        person = ForeignKeyField(Person, null=True, on_delete='RESTRICT')
        category = CharField(max_length=40)
        urgency = CharField(max_length=10)
        description = TextField(default='')
        raised_by_user_id = IntegerField(null=True)
        raised_at = DateTimeField(index=True)
        response = ForeignKeyField(AssessmentResponse, null=True, on_delete='SET NULL')
        status = CharField(max_length=14, default='open', index=True)
        acknowledged_at = DateTimeField(null=True)
        acknowledged_by_user_id = IntegerField(null=True)
        action = TextField(default='')
        outcome = CharField(max_length=40, default='')
        closed_at = DateTimeField(null=True)
        adverse_event = ForeignKeyField(AdverseEvent, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'concern'

    db.create_tables([Concern])


def down(migrator, db):
    for table in ('concern',):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
