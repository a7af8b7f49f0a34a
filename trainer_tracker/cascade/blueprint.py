"""The cascade blueprint and what its views share: the record lookups and the pickers."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from .. import access
from ..accounts import roles
from ..web import pickers
from .models import Course, ModuleDelivery, Person, Site

bp = Blueprint("cascade", __name__)
PEOPLE_VIEWERS = (*roles.CASCADE_VIEWERS, roles.SUPPORTER)


def site_choices(user) -> list[tuple[str, str]]:
    query = Site.select().order_by(Site.name)
    if user.role == roles.SITE_LEAD:
        query = query.where(Site.id == user.site_id)
    return [(s.id, f"{s.name} ({s.code})") for s in query]


def person_choices(query) -> list[tuple[str, str]]:
    rows = query.join(Site, on=(Person.site == Site.id)).select(Person, Site).order_by(Person.family_name,
                                                                                         Person.given_name)
    return [("", "Choose a person")] + [(p.id, f"{p.name} ({p.site.code})") for p in rows]


def bind_people(field, query, blank: str = "Choose a person") -> None:
    """A person picker over `query` (people this user may choose here): searched when long."""
    pickers.bind(field, query.join(Site, on=(Person.site == Site.id)).select(Person, Site),
                 label=lambda p: f"{p.name} ({p.site.code})", search=[Person.given_name, Person.family_name],
                 order=[Person.family_name, Person.given_name, Person.id], blank=blank, noun="people")


def bind_courses(field, query, blank: str = "Choose a course") -> None:
    pickers.bind(field, query, label=lambda c: f"{c.title} ({c.starts_on:%Y-%m-%d})", search=[Course.title],
                 order=[Course.starts_on.desc(), Course.id.desc()], blank=blank, noun="courses")


def release_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The curriculum releases that exist (curriculum/releases/), newest first; a course's own
    release is kept in the list even if its file has gone, so the form shows what is recorded."""
    from cascade.authoring.releases import load_releases

    from ..web.curriculum import get_curriculum

    found = [(r.name, f"{r.name} (released {r.date})") for r in reversed(load_releases(get_curriculum().root))]
    if current and current not in {name for name, _ in found}:
        found.append((current, f"{current} (no release file)"))
    return [("", "Choose a release")] + found


def managed_course(course_id: int) -> Course:
    """A course this user may see (else 404) and manage (else 403)."""
    found = access.course(current_user, course_id)
    if not access.can_manage_course(current_user, found):
        abort(403)
    return found


def managed_delivery(delivery_id: int) -> tuple[ModuleDelivery, Course]:
    delivery = ModuleDelivery.get_or_none(ModuleDelivery.id == delivery_id)
    if delivery is None:
        abort(404)
    return delivery, managed_course(delivery.course_id)


def managed_site(site_id: int) -> Site:
    """A site this user may add or correct people and courses at (else 403)."""
    site = Site.get_or_none(Site.id == site_id)
    if site is None or not access.can_manage_people(current_user, site.id):
        abort(403)
    return site
