"""Recording supervision (validated, one transaction, audited) and who is overdue for it."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from cascade.config import programme

from ..audit import service as audit
from ..cascade.models import Certification, Person, Site
from ..db import write_transaction
from ..errors import Refused
from .models import ReflectiveNote, SupervisionAttendee, SupervisionSession

KINDS = {"individual": "One to one", "group": "Group"}


def settings() -> dict:
    config = programme().get("supervision") or {}
    return {"every_days": int(config.get("every_days", 42)), "topics": dict(config.get("topics") or {})}


def record_session(actor, site: Site, *, kind: str, held_on: dt.date, minutes: int, supervisor: Person | None,
                   attendees: list[Person], topics: list[str], follow_ups: str = "") -> SupervisionSession:
    if kind not in KINDS:
        raise Refused("Choose one to one or group.", "kind")
    if held_on > dt.date.today():
        raise Refused("The date cannot be in the future.", "held_on")
    if not 5 <= int(minutes) <= 480:
        raise Refused("The length must be between 5 and 480 minutes.", "minutes")
    if not attendees:
        raise Refused("Choose who attended.", "attendees")
    if kind == "individual" and len(attendees) != 1:
        raise Refused("A one to one session has one peer supporter; choose group for more.", "attendees")
    known = settings()["topics"]
    if any(t not in known for t in topics):
        raise Refused("Choose topics from the list.", "topics")
    if supervisor is not None and supervisor.id in {p.id for p in attendees}:
        raise Refused("The supervisor cannot also be an attendee.", "supervisor")
    follow_ups = (follow_ups or "").strip()
    if len(follow_ups) > 2000:
        raise Refused("Keep the follow-ups to 2000 characters or fewer.", "follow_ups")
    with write_transaction():
        row = SupervisionSession.create(site=site, kind=kind, held_on=held_on, minutes=int(minutes), supervisor=supervisor,
                                        topics=",".join(topics), follow_ups=follow_ups,
                                        recorded_by_user_id=getattr(actor, "id", None))
        SupervisionAttendee.insert_many([{"session": row.id, "person": p.id} for p in attendees]).execute()
        audit.record(actor, "supervision.record", "supervision_session", row.id, f"{KINDS[kind]} supervision recorded",
                     site=site.code, attendees=len(attendees), minutes=int(minutes), topics=",".join(topics))
    return row


def write_note(actor, text: str, written_on: dt.date | None = None) -> ReflectiveNote:
    text = (text or "").strip()
    if not text:
        raise Refused("Write something first.", "text")
    if len(text) > 5000:
        raise Refused("Keep a note to 5000 characters or fewer.", "text")
    with write_transaction():
        row = ReflectiveNote.create(author_user_id=actor.id, written_on=written_on or dt.date.today(), text=text)
        audit.record(actor, "reflection.write", "reflective_note", row.id, "Reflective note written")
    return row


def last_supervised(person_ids: list[int]) -> dict[int, dt.date]:
    query = (SupervisionAttendee.select(SupervisionAttendee.person, fn.MAX(SupervisionSession.held_on))
             .join(SupervisionSession).where(SupervisionAttendee.person.in_(person_ids or [0]))
             .group_by(SupervisionAttendee.person))
    return dict(query.tuples())


def overdue(site_id: int | None, today: dt.date | None = None):
    """Peer supporters with an active certification whose last supervision (or certification, if
    none yet) is more than `every_days` ago: a query, to count or page."""
    today = today or dt.date.today()
    since = today - dt.timedelta(days=settings()["every_days"])
    recent = (SupervisionAttendee.select(SupervisionAttendee.person).join(SupervisionSession)
              .where(SupervisionSession.held_on >= since))
    fresh = Certification.select(Certification.person).where((Certification.status == "active")
                                                             & (Certification.certified_on >= since))
    active = Certification.select(Certification.person).where(Certification.status == "active")
    query = Person.select().where(Person.id.in_(active) & Person.id.not_in(recent) & Person.id.not_in(fresh)
                                  & (Person.founding_trainer == False))  # noqa: E712
    return query.where(Person.site == site_id) if site_id is not None else query
