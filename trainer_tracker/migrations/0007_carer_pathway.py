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

    class Referral(Model):
        site = ForeignKeyField(Site, on_delete='RESTRICT')
        source = CharField(max_length=30)
        referred_on = DateField(index=True)
        relationship = CharField(max_length=30, default='')
        language = CharField(max_length=40, default='')
        contact_mode = CharField(max_length=20, default='')
        area = CharField(max_length=60, default='')
        availability = CharField(max_length=120, default='')
        preferences = CharField(max_length=300, default='')
        eligibility = TextField(default='{}')
        status = CharField(max_length=16, default='referred', index=True)
        carer = ForeignKeyField(Carer, null=True, unique=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'referral'

    class ReferralContact(Model):
        referral = ForeignKeyField(Referral, unique=True, on_delete='CASCADE')
        name = CharField(max_length=120, default='')
        phone = CharField(max_length=40, default='')
        email = CharField(max_length=254, default='')
        class Meta:
            database = db
            table_name = 'referral_contact'

    class ReferralStep(Model):
        referral = ForeignKeyField(Referral, on_delete='CASCADE')
        step = CharField(max_length=16)
        on = DateField()
        by_user_id = IntegerField(null=True)
        note = CharField(max_length=300, default='')
        class Meta:
            database = db
            table_name = 'referral_step'

    class ConsentRecord(Model):
        carer = ForeignKeyField(Carer, on_delete='RESTRICT')
        form_id = CharField(max_length=64)
        form_version = CharField(max_length=20)
        consented_on = DateField()
        taken_by_user_id = IntegerField(null=True)
        answers = TextField(default='{}')
        withdrawn_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'consent_record'

    class Demographics(Model):
        referral = ForeignKeyField(Referral, null=True, unique=True, on_delete='CASCADE')
        carer = ForeignKeyField(Carer, null=True, unique=True, on_delete='CASCADE')
        age_band = CharField(max_length=20, default='')
        gender = CharField(max_length=20, default='')
        ethnicity = CharField(max_length=60, default='')
        first_language = CharField(max_length=20, default='')
        relationship = CharField(max_length=20, default='')
        area_type = CharField(max_length=20, default='')
        recorded_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'demographics'

    class SupporterProfile(Model):
        person = ForeignKeyField(Person, unique=True, on_delete='CASCADE')
        languages = CharField(max_length=120, default='English')
        relationships = CharField(max_length=120, default='')
        area = CharField(max_length=60, default='')
        availability = CharField(max_length=120, default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'supporter_profile'

    class SupervisionSession(Model):
        site = ForeignKeyField(Site, on_delete='RESTRICT')
        kind = CharField(max_length=12)
        held_on = DateField(index=True)
        minutes = IntegerField()
        supervisor = ForeignKeyField(Person, null=True, on_delete='RESTRICT')
        topics = CharField(max_length=255, default='')
        follow_ups = TextField(default='')
        recorded_by_user_id = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'supervision_session'

    class SupervisionAttendee(Model):
        session = ForeignKeyField(SupervisionSession, on_delete='CASCADE')
        person = ForeignKeyField(Person, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'supervision_attendee'
            indexes = ((('session', 'person'), True),)

    class ReflectiveNote(Model):
        author_user_id = IntegerField(index=True)
        written_on = DateField()
        text = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'reflective_note'

    class SelfCompletionLink(Model):
        token_hash = CharField(max_length=64, unique=True)
        carer = ForeignKeyField(Carer, on_delete='CASCADE')
        instrument_id = CharField(max_length=64)
        time_point = CharField(max_length=32)
        created_by_user_id = IntegerField(null=True)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        response = ForeignKeyField(AssessmentResponse, null=True, on_delete='SET NULL')
        emailed = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'self_completion_link'

    db.create_tables([SelfCompletionLink, Concern, Referral, ReferralContact, ReferralStep, ConsentRecord, Demographics, SupporterProfile,
                      SupervisionSession, SupervisionAttendee, ReflectiveNote])
    migrator.migrate(migrator.add_column('match', 'choice_note', CharField(max_length=300, default='')))
    migrator.migrate(migrator.add_column('assessment_response', 'self_completed', BooleanField(default=False)))
    migrator.migrate(migrator.add_column('user', 'reminders', BooleanField(default=True)))
    migrator.migrate(migrator.add_column('fidelity_occasion', 'branch', IntegerField(null=True)))

    class NotificationLog(Model):
        user_id = IntegerField()
        sent_on = DateField()
        kinds = CharField(max_length=255, default='')
        items = IntegerField(default=0)
        status = CharField(max_length=10)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'notification_log'
            indexes = ((('user_id', 'sent_on'), True),)
    db.create_tables([NotificationLog])

    class StudyRecord(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        module_id = CharField(max_length=80)
        module_version = CharField(max_length=20)
        studied_at = DateTimeField(null=True)
        check_right = IntegerField(null=True)
        check_questions = IntegerField(null=True)
        checked_at = DateTimeField(null=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'study_record'
            indexes = ((('person', 'module_id', 'module_version'), True),)
    db.create_tables([StudyRecord])

    class ModuleDelivery(Model):
        class Meta:
            database = db
            table_name = 'module_delivery'

    class Refresher(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        module_id = CharField(max_length=80)
        from_version = CharField(max_length=20, default='')
        to_version = CharField(max_length=20)
        reason = CharField(max_length=30)
        assigned_at = DateTimeField()
        assigned_by_user_id = IntegerField(null=True)
        confirmed_at = DateTimeField(null=True, index=True)
        confirmed_by_user_id = IntegerField(null=True)
        confirmed_how = CharField(max_length=10, default='')
        session = ForeignKeyField(ModuleDelivery, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'refresher'
            indexes = ((('person', 'module_id', 'to_version'), True),)
    db.create_tables([Refresher])


def down(migrator, db):
    migrator.migrate(migrator.drop_column('fidelity_occasion', 'branch'))
    migrator.migrate(migrator.drop_column('user', 'reminders'))
    migrator.migrate(migrator.drop_column('assessment_response', 'self_completed'))
    migrator.migrate(migrator.drop_column('match', 'choice_note'))
    for table in ('refresher', 'study_record', 'notification_log', 'self_completion_link', 'reflective_note', 'supervision_attendee', 'supervision_session', 'supporter_profile', 'demographics', 'consent_record', 'referral_step', 'referral_contact',
                  'referral', 'concern'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
