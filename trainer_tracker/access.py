"""Who may see which record. Every view that looks up a record by id goes through here.

Deny by default: a role not named below sees nothing. Central roles see every site; a site
lead sees their own site; trainers see their own courses and the people in them; a peer
supporter sees themselves and the carers matched to them. Researchers and LEAP reviewers see
aggregates only, never a person or carer record.
"""

from __future__ import annotations

from peewee import JOIN

from .accounts import roles
from .cascade.models import Certification, Course, CourseTrainee, CourseTrainer, Person
from .errors import NotVisible
from .support.models import Carer, Match


def _is_central(user) -> bool:
    return user.role in roles.CENTRAL


def people(user):
    """A query of the people this user may see."""
    query = Person.select()
    if _is_central(user):
        return query
    if user.role == roles.SITE_LEAD:
        return query.where(Person.site == user.site_id)
    own = user.person_id or 0
    if user.role == roles.TRAINER:
        courses = CourseTrainer.select(CourseTrainer.course).where(CourseTrainer.person == own)
        trainees = CourseTrainee.select(CourseTrainee.person).where(CourseTrainee.course.in_(courses))
        trainers = CourseTrainer.select(CourseTrainer.person).where(CourseTrainer.course.in_(courses))
        return query.where((Person.id == own) | Person.id.in_(trainees) | Person.id.in_(trainers))
    if user.role == roles.SUPPORTER:
        return query.where(Person.id == own)
    return query.where(Person.id == 0)  # deny


def person(user, person_id: int) -> Person:
    found = people(user).where(Person.id == person_id).first()
    if found is None:
        raise NotVisible(person_id)
    return found


def courses(user):
    query = Course.select()
    if _is_central(user):
        return query
    if user.role == roles.SITE_LEAD:
        with_site_trainees = (CourseTrainee.select(CourseTrainee.course)
                              .join(Person).where(Person.site == user.site_id))
        return query.where((Course.site == user.site_id) | Course.id.in_(with_site_trainees))
    if user.role == roles.TRAINER:
        own = CourseTrainer.select(CourseTrainer.course).where(CourseTrainer.person == (user.person_id or 0))
        return query.where(Course.id.in_(own))
    return query.where(Course.id == 0)


def course(user, course_id: int) -> Course:
    found = courses(user).where(Course.id == course_id).first()
    if found is None:
        raise NotVisible(course_id)
    return found


def can_manage_course(user, course_obj: Course) -> bool:
    """Record deliveries, attendance and checkout; certify (the rules still apply)."""
    if _is_central(user):
        return True
    if user.role == roles.SITE_LEAD:
        return course_obj.site_id == user.site_id
    if user.role == roles.TRAINER and user.person_id:
        return CourseTrainer.select().where((CourseTrainer.course == course_obj)
                                            & (CourseTrainer.person == user.person_id)).exists()
    return False


def can_manage_people(user, site_id: int | None = None) -> bool:
    if _is_central(user):
        return True
    return user.role == roles.SITE_LEAD and (site_id is None or site_id == user.site_id)


def carers(user):
    query = Carer.select()
    if _is_central(user):
        return query
    if user.role == roles.SITE_LEAD:
        return query.where(Carer.site == user.site_id)
    if user.person_id and user.role in (roles.SUPPORTER, roles.TRAINER):
        mine = Match.select(Match.carer).where(Match.supporter == user.person_id)
        return query.where(Carer.id.in_(mine))
    return query.where(Carer.id == 0)


def carer(user, carer_id: int) -> Carer:
    found = carers(user).where(Carer.id == carer_id).first()
    if found is None:
        raise NotVisible(carer_id)
    return found


def can_see_contact_details(user, carer_obj: Carer) -> bool:
    """Only the currently assigned peer supporter and the site lead of the carer's site."""
    if user.role == roles.SITE_LEAD and user.site_id == carer_obj.site_id:
        return True
    if user.person_id:
        return Match.select().where((Match.carer == carer_obj) & (Match.supporter == user.person_id)
                                    & Match.ended_on.is_null()).exists()
    return False


def can_manage_carers(user, site_id: int | None = None) -> bool:
    return can_manage_people(user, site_id)


def match(user, match_id: int) -> Match:
    found = (Match.select().join(Carer, JOIN.INNER)
             .where((Match.id == match_id) & Carer.id.in_(carers(user).select(Carer.id))).first())
    if found is None:
        raise NotVisible(match_id)
    return found


def can_record_contact(user, match_obj: Match) -> bool:
    if user.person_id and match_obj.supporter_id == user.person_id:
        return True
    return user.role == roles.SITE_LEAD and match_obj.carer.site_id == user.site_id or _is_central(user)


def certification(user, certification_id: int) -> Certification:
    cert = Certification.get_or_none(Certification.id == certification_id)
    if cert is None or not people(user).where(Person.id == cert.person_id).exists():
        raise NotVisible(certification_id)
    return cert


def can_reset_password(user, target) -> bool:
    """Administrators issue reset links for anyone; a site lead for their own site's trainers and
    peer supporters (by the account's site or its linked person's site)."""
    if user.role == roles.ADMIN:
        return True
    if user.role != roles.SITE_LEAD or target.role not in (roles.TRAINER, roles.SUPPORTER):
        return False
    site_id = target.site_id
    if target.person_id:
        site_id = Person.select(Person.site).where(Person.id == target.person_id).scalar() or site_id
    return site_id is not None and site_id == user.site_id


def can_correct_contacts(user, carer_obj: Carer) -> bool:
    """Contacts are corrected by whoever may record them: the supporter on the match (current or
    past), and staff of the carer's site."""
    if _is_central(user) or (user.role == roles.SITE_LEAD and user.site_id == carer_obj.site_id):
        return True
    return bool(user.person_id) and Match.select().where((Match.carer == carer_obj)
                                                         & (Match.supporter == user.person_id)).exists()


def course_trainees(user, course_obj: Course):
    """The trainees of a course this user may see: a site lead sees only their own site's
    trainees, even on a course shared between sites (names and progress are personal data)."""
    query = (Person.select().join(CourseTrainee).where(CourseTrainee.course == course_obj)
             .order_by(Person.family_name, Person.given_name))
    if user.role == roles.SITE_LEAD:
        query = query.where(Person.site == user.site_id)
    return query


def concerns(user):
    """Concerns this user may see: staff the ones of their site (central roles every site); anyone
    else the ones they raised themselves."""
    from .concerns.models import Concern

    query = Concern.select()
    if _is_central(user):
        return query
    if user.role == roles.SITE_LEAD:
        return query.where(Concern.site == user.site_id)
    return query.where(Concern.raised_by_user_id == user.id)


def concern(user, concern_id: int):
    found = concerns(user).where(concerns(user).model.id == concern_id).first()
    if found is None:
        raise NotVisible(concern_id)
    return found


def can_act_on_concern(user, concern_obj) -> bool:
    return _is_central(user) or (user.role == roles.SITE_LEAD and user.site_id == concern_obj.site_id)


def referrals(user):
    """Referrals: the site team's (staff of the site; central roles every site)."""
    from .pathway.models import Referral

    query = Referral.select()
    if _is_central(user):
        return query
    if user.role == roles.SITE_LEAD:
        return query.where(Referral.site == user.site_id)
    return query.where(Referral.id == 0)


def referral(user, referral_id: int):
    from .pathway.models import Referral

    found = referrals(user).where(Referral.id == referral_id).first()
    if found is None:
        raise NotVisible(referral_id)
    return found
