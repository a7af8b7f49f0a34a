"""Suggested peer supporters for a carer, ranked by what matters to the carer: a shared language,
the same relationship to the person cared for, the same area, overlapping free time. Only
supporters of the carer's site with a current certification and room in their caseload are
suggested; the site lead decides (and may record why)."""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN, fn

from cascade.config import programme

from ..cascade.models import Certification, Person
from ..support.models import Carer, Match
from .models import Referral, SupporterProfile
from .services import settings

SHOWN = 5


@dataclass
class Suggestion:
    person: Person
    load: int
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def available_supporters(site_id: int):
    """Supporters of a site who may take a carer now: an active certification and room."""
    cap = int(programme().get("caseload_cap", 3))
    active = Certification.select(Certification.person).where(Certification.status == "active")
    full = (Match.select(Match.supporter).where(Match.ended_on.is_null()).group_by(Match.supporter)
            .having(fn.COUNT(Match.id) >= cap))
    query = Person.select().where((Person.site == site_id) & Person.id.in_(active) & Person.id.not_in(full))
    from ..refreshers.services import blocks_new_carers, outstanding_people

    if blocks_new_carers():  # programme.yml refreshers.outstanding_may_take_new_carers: false
        query = query.where(Person.id.not_in(outstanding_people()))
    return query


def _words(text: str) -> set[str]:
    return {w.strip().casefold() for w in (text or "").split(",") if w.strip()}


def suggestions(carer: Carer, limit: int = SHOWN) -> list[Suggestion]:
    referral = Referral.get_or_none(Referral.carer == carer.id)
    s = settings()
    people = list(available_supporters(carer.site_id)
                  .select(Person, SupporterProfile)
                  .join(SupporterProfile, JOIN.LEFT_OUTER, on=(SupporterProfile.person == Person.id)))
    loads = dict(Match.select(Match.supporter, fn.COUNT(Match.id))
                 .where(Match.ended_on.is_null() & Match.supporter.in_([p.id for p in people] or [0]))
                 .group_by(Match.supporter).tuples())
    ranked = []
    for person in people:
        profile = getattr(person, "supporterprofile", None)
        found = Suggestion(person, loads.get(person.id, 0))
        if referral is not None and profile is not None and profile.id:
            language = (referral.language or "").strip()
            if language and language.casefold() in _words(profile.languages):
                found.score += 3
                found.reasons.append(f"speaks {language}")
            if referral.relationship and referral.relationship in _words(profile.relationships):
                found.score += 2
                found.reasons.append(f"also cares for a {s['relationships'].get(referral.relationship, referral.relationship).lower()}")
            if referral.area and profile.area and referral.area.casefold() == profile.area.casefold():
                found.score += 1
                found.reasons.append(f"in {profile.area}")
            shared = _words(referral.availability) & _words(profile.availability)
            if shared:
                found.score += len(shared)
                found.reasons.append("free " + ", ".join(s["availability"].get(a, a).lower() for a in sorted(shared)))
        if not found.reasons:
            found.reasons.append("has room in their caseload")
        ranked.append(found)
    ranked.sort(key=lambda f: (-f.score, f.load, f.person.family_name, f.person.given_name, f.person.id))
    return ranked[:limit]
