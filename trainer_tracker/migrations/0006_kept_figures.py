"""Figures kept in the database (trainer_tracker/figures): site counts, fidelity occasions and
sums, the assessment windows each person owes, each person's generation, each fidelity record's
own percentage. Written by hand after the models; the rows are filled by the figures rebuild,
which `cascade tracker upgrade` (and init, run, demo, synth) runs when the kept figures are stale.
"""
from peewee import *


def up(migrator, db):
    class Site(Model):
        class Meta:
            database = db
            table_name = 'site'

    class ModuleDelivery(Model):
        class Meta:
            database = db
            table_name = 'module_delivery'

    class Contact(Model):
        class Meta:
            database = db
            table_name = 'contact'

    class SiteCount(Model):
        site = ForeignKeyField(Site, on_delete='CASCADE')
        name = CharField(max_length=120)
        value = BigIntegerField(default=0)
        class Meta:
            database = db
            table_name = 'site_count'
            indexes = ((('site', 'name'), True),)

    class FidelityOccasion(Model):
        checklist_id = CharField(max_length=96)
        checklist_version = CharField(max_length=20)
        delivery = ForeignKeyField(ModuleDelivery, null=True, on_delete='CASCADE')
        contact = ForeignKeyField(Contact, null=True, on_delete='CASCADE')
        occasion_key = CharField(max_length=24)
        site = IntegerField(null=True)
        generation = IntegerField(null=True)
        person = IntegerField(null=True)
        module_id = CharField(max_length=80, null=True)
        percent = DoubleField(null=True)
        counted = BooleanField(default=False)
        counted_records = TextField(default='[]')
        class Meta:
            database = db
            table_name = 'fidelity_occasion'
            indexes = ((('checklist_id', 'checklist_version', 'occasion_key'), True), (('person',), False))

    class FidelitySum(Model):
        checklist_id = CharField(max_length=96)
        checklist_version = CharField(max_length=20)
        scope = IntegerField()
        dimension = CharField(max_length=16)
        grp = CharField(max_length=96, default='')
        item_id = CharField(max_length=96, default='')
        n = BigIntegerField(default=0)
        total = DoubleField(default=0.0)
        total_sq = DoubleField(default=0.0)
        n_records = BigIntegerField(default=0)
        n_unscored = BigIntegerField(default=0)
        mean = DoubleField(null=True)
        class Meta:
            database = db
            table_name = 'fidelity_sum'
            indexes = ((('checklist_id', 'checklist_version', 'scope', 'dimension', 'item_id', 'grp'), True),
                       (('checklist_id', 'checklist_version', 'scope', 'dimension', 'item_id', 'mean'), False))

    class AssessmentDue(Model):
        respondent = CharField(max_length=8)
        subject = IntegerField()
        site = IntegerField()
        cps = IntegerField(null=True)
        instrument_id = CharField(max_length=64)
        time_point = CharField(max_length=32)
        opens = DateField(null=True)
        closes = DateField(null=True)
        done_on = DateField(null=True)
        done = IntegerField(default=0)
        since = DateField()
        class Meta:
            database = db
            table_name = 'assessment_due'
            indexes = ((('respondent', 'subject', 'instrument_id', 'time_point'), True),
                       (('done', 'since', 'closes'), False),
                       (('site', 'done', 'closes'), False),
                       (('cps', 'done', 'closes'), False))

    class KeptState(Model):
        name = CharField(max_length=40, unique=True)
        value = TextField(default='')
        class Meta:
            database = db
            table_name = 'kept_state'

    db.create_tables([SiteCount, FidelityOccasion, FidelitySum, AssessmentDue, KeptState])
    migrator.migrate(migrator.add_column('person', 'generation', IntegerField(null=True, index=True)))
    migrator.migrate(migrator.add_column('person', 'tree_path', CharField(max_length=400, null=True, index=True)))
    migrator.migrate(migrator.add_column('fidelity_record', 'percent', DoubleField(null=True)))
    migrator.migrate(migrator.add_column('fidelity_record', 'occasion_id',
                                         ForeignKeyField(FidelityOccasion, null=True, on_delete='SET NULL',
                                                         field=FidelityOccasion.id)))
    migrator.migrate(migrator.add_index('fidelity_record', ('checklist_id', 'checklist_version', 'percent')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('fidelity_record', 'fidelityrecord_checklist_id_checklist_version_percent'))
    migrator.migrate(migrator.drop_column('fidelity_record', 'occasion_id'))
    migrator.migrate(migrator.drop_column('fidelity_record', 'percent'))
    migrator.migrate(migrator.drop_column('person', 'tree_path'))
    migrator.migrate(migrator.drop_column('person', 'generation'))
    for table in ('kept_state', 'assessment_due', 'fidelity_sum', 'fidelity_occasion', 'site_count'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
