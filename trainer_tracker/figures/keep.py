"""Which kept figures each kind of write changes: services call these inside their transaction,
after their own change, so the figures commit (or roll back) with it."""

from __future__ import annotations

from collections.abc import Iterable

from ..cascade.models import Course, Person
from . import counts, due, fidelity, generations


def _person_sites(person_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(person_ids))
    return {s for (s,) in Person.select(Person.site).where(Person.id.in_(ids)).tuples()} if ids else set()


def site_changed(*site_ids: int | None) -> None:
    counts.refresh_sites(site_ids)


def person_added(person: Person) -> None:
    if person.founding_trainer:
        generations.refresh(person.id)
    counts.refresh_sites([person.site_id])


def person_certified(person_id: int, course_site_id: int) -> None:
    """A new certification: the person's generation (and their descendants') may move."""
    changed = generations.refresh(person_id)
    fidelity.for_people(changed)
    counts.refresh_sites(_person_sites({person_id, *changed}) | {course_site_id})


def certification_status_changed(person_id: int, course_site_id: int) -> None:
    counts.refresh_sites(_person_sites([person_id]) | {course_site_id})


def delivery_added(course_site_id: int) -> None:
    counts.refresh_sites([course_site_id])


def person_moved(person_id: int, *site_ids: int) -> None:
    counts.refresh_sites(site_ids)
    due.refresh_people([person_id])


def course_changed(course: Course, *site_ids: int) -> None:
    counts.refresh_sites({course.site_id, *site_ids})
    due.refresh_course(course.id)
    fidelity.for_course(course.id)


def enrolment_changed(person_id: int) -> None:
    due.refresh_people([person_id])


def delivery_changed(delivery_id: int, course_site_id: int) -> None:
    counts.refresh_sites([course_site_id])  # deliveries per module
    fidelity.for_deliveries([delivery_id])


def carer_changed(carer_id: int, supporter_ids: Iterable[int] = ()) -> None:
    """A carer registered, matched, ended, withdrew or came back."""
    counts.refresh_sites([counts.site_of_carer(carer_id)])
    due.refresh_carers([carer_id])
    due.refresh_people(supporter_ids)  # their caseload may have ended or begun again


def contact_counted(match_id: int, contacts: int, minutes: int) -> None:
    counts.contact_changed(counts.site_of_match(match_id), contacts, minutes)


def contact_voided(contact_id: int, match_id: int, minutes: int) -> None:
    counts.contact_changed(counts.site_of_match(match_id), -1, -minutes)
    fidelity.for_contacts([contact_id])


def response_saved(carer_id: int | None, person_id: int | None) -> None:
    if carer_id is not None:
        due.refresh_carers([carer_id])
    if person_id is not None:
        due.refresh_people([person_id])


def fidelity_recorded(record_id: int) -> None:
    fidelity.for_record(record_id)
