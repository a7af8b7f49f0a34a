"""Corrections to support records: a carer's consent date, withdrawal (and undoing a mistaken one),
reopening a mistaken ending, editing or voiding a contact. Each with a reason, audited, in the
record's history; nothing is deleted."""

from __future__ import annotations

import datetime as dt

from cascade.config import programme

from ..audit import service as audit
from ..db import lock_rows, write_transaction
from ..errors import Refused
from ..figures import keep
from . import services
from .models import Carer, Contact, Match

WITHDRAWAL_REASONS = {
    "no-longer-wants": "No longer wants support or to take part",
    "too-unwell-or-busy": "Too unwell, or too much going on",
    "person-discharged-or-moved": "The person they care for was discharged or moved",
    "bereaved": "Bereavement",
    "lost-contact": "We lost contact",
    "unhappy-with-support": "Unhappy with the support",
    "other": "Other, or prefers not to say",
}
WITHDRAWAL_DATA_OPTIONS = ("keep", "before-withdrawal")


def withdrawal_data_option() -> str:
    """What the study keeps after a carer withdraws (programme configuration, `withdrawal_data`):
    `keep` (everything stays for the research) or `before-withdrawal` (only what was collected
    before the withdrawal date reaches the research exports)."""
    option = str(programme().get("withdrawal_data", "keep"))
    return option if option in WITHDRAWAL_DATA_OPTIONS else "keep"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def correct_consent(actor, carer: Carer, consented_on: dt.date, reason: str) -> Carer:
    if consented_on > dt.date.today():
        raise Refused("The consent date cannot be in the future.", "consented_on")
    first = Match.select(Match.matched_on).where(Match.carer == carer).order_by(Match.matched_on).first()
    if first is not None and consented_on > first.matched_on:
        raise Refused(f"The carer was matched on {first.matched_on}: consent must come first.", "consented_on")
    with write_transaction():
        audit.correct(actor, carer, {"consented_on": consented_on}, reason, entity="carer", action="carer.correct",
                      summary=f"{carer.study_id} consent date corrected")
    return carer


def withdraw(actor, carer: Carer, withdrawn_on: dt.date, category: str, reason: str = "") -> Carer:
    """A carer withdraws at any stage: an active match ends (reason 'withdrawn') on the same day."""
    if category not in WITHDRAWAL_REASONS:
        raise Refused("Choose why the carer withdrew (or 'Other, or prefers not to say').", "category")
    if withdrawn_on > dt.date.today():
        raise Refused("The withdrawal date cannot be in the future.", "withdrawn_on")
    if withdrawn_on < carer.consented_on:
        raise Refused(f"The carer consented on {carer.consented_on}; withdrawal cannot be earlier.", "withdrawn_on")
    with write_transaction():
        lock_rows(Carer, [carer.id])
        carer = Carer.get_by_id(carer.id)
        if carer.status == "withdrawn":
            raise Refused(f"{carer.study_id} has already withdrawn.")
        active = Match.get_or_none((Match.carer == carer) & Match.ended_on.is_null())
        if active is not None:
            if withdrawn_on < active.matched_on:
                raise Refused(f"Support started on {active.matched_on}; withdrawal cannot be earlier.",
                              "withdrawn_on")
            active.ended_on, active.end_reason = withdrawn_on, "withdrawn"
            active.save()
        carer.status, carer.withdrawn_on, carer.withdrawal_reason = "withdrawn", withdrawn_on, category
        carer.save()
        from ..pathway.services import consent_withdrawn

        consent_withdrawn(carer.id, withdrawn_on)  # the consent record says so too
        keep.carer_changed(carer.id, [active.supporter_id] if active else [])
        audit.record(actor, "carer.withdraw", "carer", carer.id, f"{carer.study_id} withdrew", category=category,
                     reason=(reason or "").strip()[:500], ended_match=active.id if active else None,
                     data_kept=withdrawal_data_option())
    return carer


def undo_withdrawal(actor, carer: Carer, reason: str) -> Carer:
    """Withdrawal recorded by mistake: the carer goes back to where they were (support that ended
    because of the withdrawal stays ended: reopen it separately if that was a mistake too)."""
    reason = audit.require_reason(reason)
    with write_transaction():
        lock_rows(Carer, [carer.id])
        carer = Carer.get_by_id(carer.id)
        if carer.status != "withdrawn":
            raise Refused(f"{carer.study_id} has not withdrawn.")
        status = "ended" if Match.select().where(Match.carer == carer).exists() else "waiting"
        old = (carer.withdrawn_on, carer.withdrawal_reason)
        carer.status, carer.withdrawn_on, carer.withdrawal_reason = status, None, ""
        carer.save()
        from ..pathway.services import consent_restored

        consent_restored(carer.id)
        keep.carer_changed(carer.id)
        audit.record(actor, "carer.undo_withdrawal", "carer", carer.id, f"{carer.study_id} withdrawal undone",
                     reason=reason, changes={"withdrawn_on": {"from": str(old[0]), "to": None},
                                             "status": {"from": "withdrawn", "to": status}})
    return carer


def reopen_match(actor, match: Match, reason: str) -> Match:
    """Undo a mistaken ending: the same rules as a new match (one active match, caseload cap)."""
    reason = audit.require_reason(reason)
    cap = int(programme().get("caseload_cap", 3))
    with write_transaction():
        lock_rows(Carer, [match.carer_id])
        services.lock_supporter(match.supporter_id)
        match = Match.get_by_id(match.id)
        if match.ended_on is None:
            raise Refused("This support has not ended.")
        carer = Carer.get_by_id(match.carer_id)
        if carer.status == "withdrawn":
            raise Refused(f"{carer.study_id} has withdrawn: undo the withdrawal first.")
        if Match.select().where((Match.carer == carer) & Match.ended_on.is_null()).exists():
            raise Refused(f"{carer.study_id} already has a peer supporter.")
        load = services.active_caseload(match.supporter_id)
        if load >= cap:
            raise Refused(f"This peer supporter already supports {load} carers; the caseload cap is {cap}.")
        old = (match.ended_on, match.end_reason)
        match.ended_on, match.end_reason = None, ""
        match.save()
        carer.status = "matched"
        carer.save()
        keep.carer_changed(carer.id, [match.supporter_id])
        audit.record(actor, "match.reopen", "match", match.id, "Mistaken ending undone", reason=reason,
                     changes={"ended_on": {"from": str(old[0]), "to": None}, "end_reason": {"from": old[1], "to": ""}})
    return match


def correct_contact(actor, contact: Contact, *, contact_date: dt.date, mode: str, duration_minutes: int,
                    topics: list[str], reason: str) -> Contact:
    if contact.voided_at is not None:
        raise Refused("This contact was voided; record a new one instead.")
    match = Match.get_by_id(contact.match_id)
    services.validate_contact(match, contact_date, mode, duration_minutes, topics)
    with write_transaction():
        lock_rows(Contact, [contact.id])
        contact = Contact.get_by_id(contact.id)
        if contact.voided_at is not None:
            raise Refused("This contact was voided; record a new one instead.")
        old_minutes = contact.duration_minutes
        audit.correct(actor, contact, {"contact_date": contact_date, "mode": mode,
                                       "duration_minutes": int(duration_minutes), "topics": ",".join(topics)},
                      reason, entity="contact", action="contact.correct", summary="Contact corrected",
                      match_id=match.id)
        keep.contact_counted(match.id, 0, int(duration_minutes) - old_minutes)
    return contact


def void_contact(actor, contact: Contact, reason: str) -> Contact:
    """A contact logged by mistake (wrong carer, never happened) stops counting; it is kept."""
    reason = audit.require_reason(reason)
    with write_transaction():
        lock_rows(Contact, [contact.id])  # voided twice at once: the second sees the first
        contact = Contact.get_by_id(contact.id)
        if contact.voided_at is not None:
            raise Refused("This contact is already voided.")
        contact.voided_at, contact.void_reason = _now(), reason
        contact.save()
        keep.contact_voided(contact.id, contact.match_id, contact.duration_minutes)
        audit.record(actor, "contact.void", "contact", contact.id, "Contact voided", reason=reason,
                     match_id=contact.match_id)
    return contact
