"""Carers, matches and contacts: validated, transactional, audited."""

from __future__ import annotations

import datetime as dt

from cascade.config import programme

from ..audit import service as audit
from ..cascade.models import Person, Site
from ..cascade.services import current_certification
from ..db import lock_rows, write_transaction
from ..errors import Refused
from ..figures import keep
from .models import Carer, CarerContactDetails, Contact, Match

END_REASONS = {
    "completed": "Support finished as planned",
    "carer-ended": "The carer chose to end support",
    "withdrawn": "The carer withdrew from the study",
    "supporter-unavailable": "The peer supporter could not continue",
    "other": "Other",
}


def study_id(site: Site, sequence: int) -> str:
    return f"{site.code}-C-{sequence:04d}"


def register_carer(actor, site: Site, consented_on: dt.date, *, name: str = "", phone: str = "",
                   email: str = "", notes: str = "") -> Carer:
    """Add a carer under the next study ID for the site; identifying details are stored apart."""
    if consented_on > dt.date.today():
        raise Refused("The consent date cannot be in the future.", "consented_on")
    with write_transaction():
        # The site's counter row gives out the number: the update holds the row until commit, so
        # two registrations at once get consecutive numbers, never the same one.
        Site.update(carer_sequence=Site.carer_sequence + 1).where(Site.id == site.id).execute()
        sequence = Site.select(Site.carer_sequence).where(Site.id == site.id).scalar()
        carer = Carer.create(study_id=study_id(site, sequence), site=site, sequence=sequence,
                             consented_on=consented_on, status="waiting")
        if any(v.strip() for v in (name, phone, email, notes)):
            CarerContactDetails.create(carer=carer, name=name.strip(), phone=phone.strip(),
                                       email=email.strip(), notes=notes.strip())
        keep.carer_changed(carer.id)
        audit.record(actor, "carer.register", "carer", carer.id, f"Carer {carer.study_id} registered",
                     site=site.code, contact_details=bool(name or phone or email))
    return carer


def update_contact_details(actor, carer: Carer, **fields) -> CarerContactDetails:
    with write_transaction():
        details, _ = CarerContactDetails.get_or_create(carer=carer)
        for key in ("name", "phone", "email", "notes"):
            if key in fields:
                setattr(details, key, (fields[key] or "").strip())
        details.save()
        audit.record(actor, "carer.contact_details", "carer", carer.id, "Contact details changed",
                     **{k: "x" for k in fields})
    return details


def active_caseload(supporter_id: int) -> int:
    return Match.select().where((Match.supporter == supporter_id) & Match.ended_on.is_null()).count()


def lock_supporter(person_id: int) -> None:
    """Hold the supporter's row until the transaction ends, so two matches cannot both see room in
    the caseload."""
    lock_rows(Person, [person_id])


def match(actor, carer: Carer, supporter: Person, matched_on: dt.date, note: str = "") -> Match:
    """Match a carer to a certified peer supporter, within the caseload cap."""
    cap = int(programme().get("caseload_cap", 3))
    if matched_on > dt.date.today():
        raise Refused("The match date cannot be in the future.", "matched_on")
    if matched_on < carer.consented_on:
        raise Refused(f"{carer.study_id} consented on {carer.consented_on}: the match cannot be earlier.", "matched_on")
    with write_transaction():
        lock_rows(Carer, [carer.id])  # carer first, then supporter: every writer locks in this order
        lock_supporter(supporter.id)
        carer = Carer.get_by_id(carer.id)  # the status as of the lock
        if Match.select().where((Match.carer == carer) & Match.ended_on.is_null()).exists():
            raise Refused(f"{carer.study_id} already has a peer supporter.", "carer")
        if carer.status in ("withdrawn",):
            raise Refused(f"{carer.study_id} has withdrawn from the study.", "carer")
        cert = current_certification(supporter.id)
        if cert is None or cert.effective_status(matched_on) != "active":
            raise Refused(f"{supporter.name} does not hold an active certification, so cannot support carers yet.",
                          "supporter")
        load = active_caseload(supporter.id)
        if load >= cap:
            raise Refused(f"{supporter.name} already supports {load} carers; the caseload cap is {cap}.",
                          "supporter")
        new = Match.create(carer=carer, supporter=supporter, matched_on=matched_on,
                           choice_note=" ".join((note or "").split())[:300])
        carer.status = "matched"
        carer.save()
        keep.carer_changed(carer.id, [supporter.id])
        audit.record(actor, "match.create", "match", new.id, f"{carer.study_id} matched", carer_id=carer.id,
                     supporter_id=supporter.id, caseload=load + 1, cap=cap)
    return new


def record_contact(actor, match_obj: Match, contact_date: dt.date, mode: str, duration_minutes: int,
                   topics: list[str]) -> Contact:
    validate_contact(match_obj, contact_date, mode, duration_minutes, topics)
    with write_transaction():
        contact = Contact.create(match=match_obj, contact_date=contact_date, mode=mode,
                                 duration_minutes=int(duration_minutes), topics=",".join(topics))
        keep.contact_counted(match_obj.id, 1, int(duration_minutes))
        audit.record(actor, "contact.record", "contact", contact.id, "Contact recorded", match_id=match_obj.id,
                     mode=mode, minutes=int(duration_minutes), topics=",".join(topics))
    return contact


def validate_contact(match_obj: Match, contact_date: dt.date, mode: str, duration_minutes: int,
                     topics: list[str]) -> None:
    modes = programme().get("contact_modes", {})
    known_topics = programme().get("contact_topics", {})
    if mode not in modes:
        raise Refused(f"Choose how you were in touch: {', '.join(modes.values())}.", "mode")
    if not 1 <= int(duration_minutes) <= 600:
        raise Refused("The length must be between 1 and 600 minutes.", "duration_minutes")
    unknown = [t for t in topics if t not in known_topics]
    if unknown:
        raise Refused(f"Unknown topic: {', '.join(unknown)}.", "topics")
    if contact_date < match_obj.matched_on:
        raise Refused(f"The contact cannot be before the match on {match_obj.matched_on}.", "contact_date")
    if contact_date > dt.date.today():
        raise Refused("The contact date cannot be in the future.", "contact_date")
    if match_obj.ended_on is not None and contact_date > match_obj.ended_on:
        raise Refused(f"Support ended on {match_obj.ended_on}.", "contact_date")


def end_support(actor, match_obj: Match, ended_on: dt.date, reason: str) -> Match:
    if reason not in END_REASONS:
        raise Refused("Choose why support ended.", "reason")
    if match_obj.ended_on is not None:
        raise Refused(f"Support already ended on {match_obj.ended_on}.", "ended_on")
    if ended_on < match_obj.matched_on:
        raise Refused("Support cannot end before it started.", "ended_on")
    if ended_on > dt.date.today():
        raise Refused("Support cannot end in the future.", "ended_on")
    with write_transaction():
        lock_rows(Carer, [match_obj.carer_id])  # ended twice at once: the second sees the first
        match_obj = Match.get_by_id(match_obj.id)
        if match_obj.ended_on is not None:
            raise Refused(f"Support already ended on {match_obj.ended_on}.", "ended_on")
        match_obj.ended_on = ended_on
        match_obj.end_reason = reason
        match_obj.save()
        carer = match_obj.carer
        carer.status = "withdrawn" if reason == "withdrawn" else "ended"
        if reason == "withdrawn":
            carer.withdrawn_on, carer.withdrawal_reason = ended_on, carer.withdrawal_reason or "other"
        carer.save()
        keep.carer_changed(carer.id, [match_obj.supporter_id])
        audit.record(actor, "match.end", "match", match_obj.id, "Support ended", reason=reason)
    return match_obj
