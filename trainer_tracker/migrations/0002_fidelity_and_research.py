"""Fidelity records and research data: assessments, adverse events, costs (peewee generator)."""
from peewee import *


def up(migrator, db):
    class Carer(Model):
        class Meta:
            database = db
            table_name = 'carer'

    class Contact(Model):
        class Meta:
            database = db
            table_name = 'contact'

    class ModuleDelivery(Model):
        class Meta:
            database = db
            table_name = 'module_delivery'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Site(Model):
        class Meta:
            database = db
            table_name = 'site'

    class AdverseEvent(Model):
        site = ForeignKeyField(Site, on_delete='RESTRICT')
        affected = CharField(max_length=16)
        carer = ForeignKeyField(Carer, null=True, on_delete='RESTRICT')
        person = ForeignKeyField(Person, null=True, on_delete='RESTRICT')
        onset_on = DateField()
        aware_at = DateTimeField(index=True)
        seriousness = CharField(default='')
        relatedness = CharField(max_length=32)
        expectedness = CharField(max_length=16)
        description = TextField(default='')
        sponsor_reported_at = DateTimeField(null=True)
        rec_reported_at = DateTimeField(null=True)
        safeguarding_escalated = BooleanField(default=False)
        safeguarding_referral_on = DateField(null=True)
        status = CharField(max_length=16, default='open')
        recorded_by_user_id = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'adverse_event'
    db.create_tables([AdverseEvent])

    class AssessmentResponse(Model):
        instrument_id = CharField(index=True, max_length=64)
        instrument_version = CharField(max_length=20)
        respondent = CharField(max_length=16)
        carer = ForeignKeyField(Carer, null=True, on_delete='RESTRICT')
        person = ForeignKeyField(Person, null=True, on_delete='RESTRICT')
        site = ForeignKeyField(Site, on_delete='RESTRICT')
        time_point = CharField(max_length=32)
        completed_on = DateField(index=True)
        scores = TextField(default='{}')
        recorded_by_user_id = IntegerField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'assessment_response'
    db.create_tables([AssessmentResponse])

    class AssessmentAnswer(Model):
        response = ForeignKeyField(AssessmentResponse, on_delete='CASCADE')
        item_id = CharField(max_length=64)
        value = TextField(null=True)
        class Meta:
            database = db
            table_name = 'assessment_answer'
            indexes = ((('response', 'item_id'), True),)
    db.create_tables([AssessmentAnswer])

    class CostItem(Model):
        site = ForeignKeyField(Site, on_delete='RESTRICT')
        category = CharField(max_length=32)
        occurred_on = DateField(index=True)
        unit_cost_key = CharField(max_length=64, default='')
        quantity = DecimalField(max_digits=12, decimal_places=2)
        amount = DecimalField(null=True, max_digits=12, decimal_places=2)
        description = CharField(default='')
        recorded_by_user_id = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'cost_item'
    db.create_tables([CostItem])

    class FidelityRecord(Model):
        checklist_id = CharField(index=True, max_length=96)
        checklist_version = CharField(max_length=20)
        delivery = ForeignKeyField(ModuleDelivery, null=True, on_delete='RESTRICT')
        contact = ForeignKeyField(Contact, null=True, on_delete='RESTRICT')
        rater = ForeignKeyField(Person, null=True, on_delete='RESTRICT')
        rater_role = CharField(max_length=16)
        rated_on = DateField(index=True)
        notes = TextField(default='')
        recorded_by_user_id = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'fidelity_record'
    db.create_tables([FidelityRecord])

    class FidelityItemScore(Model):
        record = ForeignKeyField(FidelityRecord, on_delete='CASCADE')
        item_id = CharField(max_length=96)
        score = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'fidelity_item_score'
            indexes = ((('record', 'item_id'), True),)
    db.create_tables([FidelityItemScore])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('fidelity_item_score'))
    migrator.migrate(migrator.drop_table('fidelity_record'))
    migrator.migrate(migrator.drop_table('cost_item'))
    migrator.migrate(migrator.drop_table('assessment_answer'))
    migrator.migrate(migrator.drop_table('assessment_response'))
    migrator.migrate(migrator.drop_table('adverse_event'))
