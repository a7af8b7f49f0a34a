"""Raising and working through concerns: validated, one transaction, audited (never the text)."""

from __future__ import annotations

import datetime as dt

from cascade.config import programme

from ..audit import service as audit
from ..cascade.models import Person, Site
from ..db import lock_rows, write_transaction
from ..errors import Refused
from ..support.models import Carer
from .models import Concern, utcnow

ABOUT = {"carer": "A carer I support", "self": "Me", "other": "Someone else"}
URGENCY = {"now": "Someone may be in danger now", "today": "Today", "week": "This week"}
SOURCES = ("supporter", "staff", "wellbeing-check")
DEFAULT_CATEGORIES = {
    "carer-safety": "A carer's safety or wellbeing",
    "someone-else": "The safety of someone else (for example the person cared for or a child)",
    "supporter-wellbeing": "My own wellbeing",
    "practice": "Something about the support or the programme",
}
DEFAULT_OUTCOMES = {
    "supported": "Support offered and accepted",
    "referred": "Referred on (crisis team, GP, safeguarding, other service)",
    "safeguarding": "Safeguarding referral made",
    "no-action": "Looked into: no further action needed",
    "adverse-event": "Recorded as an adverse event",
}
MAX_TEXT = 2000


def settings() -> dict:
    """The concern settings from the programme configuration (`concerns:`), with defaults."""
    config = programme().get("concerns") or {}
    return {"acknowledge_within_hours": int(config.get("acknowledge_within_hours", 24)),
            "categories": dict(config.get("categories") or DEFAULT_CATEGORIES),
            "outcomes": dict(config.get("outcomes") or DEFAULT_OUTCOMES),
            "escalation": list(config.get("escalation") or [])}


def due_by(concern: Concern) -> dt.datetime:
    """When the site lead should have acknowledged it (sooner when someone may be in danger)."""
    hours = settings()["acknowledge_within_hours"]
    if concern.urgency == "now":
        hours = min(hours, 1)
    return concern.raised_at + dt.timedelta(hours=hours)


def _text(value: str | None, field: str, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Refused("Say briefly what happened. Please do not write names.", field)
    if len(text) > MAX_TEXT:
        raise Refused(f"Keep it to {MAX_TEXT} characters or fewer.", field)
    return text


def raise_concern(actor, *, about: str, category: str, urgency: str, description: str,
                  carer: Carer | None = None, person: Person | None = None, site: Site | None = None,
                  source: str = "supporter") -> Concern:
    """A concern about a carer (one the raiser may see), about the raiser, or about someone else."""
    if about not in ABOUT:
        raise Refused("Choose who the concern is about.", "about")
    if category not in settings()["categories"]:
        raise Refused("Choose what kind of concern it is.", "category")
    if urgency not in URGENCY:
        raise Refused("Choose how urgent it is.", "urgency")
    if about == "carer" and carer is None:
        raise Refused("Choose the carer (by study ID).", "carer")
    description = _text(description, "description", required=True)
    site_id = carer.site_id if carer is not None else (person.site_id if person is not None else
                                                       getattr(site, "id", None))
    if site_id is None:
        raise Refused("Choose the site the concern belongs to.", "site")
    with write_transaction():
        row = Concern.create(site=site_id, source=source, about=about, carer=carer if about == "carer" else None,
                             person=person, category=category, urgency=urgency, description=description,
                             raised_by_user_id=getattr(actor, "id", None))
        audit.record(actor, "concern.raise", "concern", row.id, f"Concern raised ({urgency})", about=about,
                     category=category, carer_id=row.carer_id, person_id=row.person_id, source=source)
    return row


def from_wellbeing_alerts(response, alerts: list[dict]) -> Concern | None:
    """A wellbeing check whose answers raised alerts goes to the site lead's queue at once.
    Called inside the response's own transaction."""
    if not alerts:
        return None
    messages = "; ".join(a.get("message", a.get("id", "")) for a in alerts)
    row = Concern.create(site=response.site_id, source="wellbeing-check", about="self" if response.person_id else "carer",
                         carer=response.carer_id, person=response.person_id, category="supporter-wellbeing"
                         if response.person_id else "carer-safety", urgency="today",
                         description=f"Wellbeing check: {messages}", response=response.id)
    audit.record(None, "concern.raise", "concern", row.id, "Concern raised by a wellbeing check",
                 source="wellbeing-check", response_id=response.id, alerts=",".join(a.get("id", "") for a in alerts))
    return row


def acknowledge(actor, concern: Concern) -> Concern:
    with write_transaction():
        lock_rows(Concern, [concern.id])
        concern = Concern.get_by_id(concern.id)
        if concern.status != "open":
            raise Refused("This concern has already been acknowledged.")
        concern.status, concern.acknowledged_at = "acknowledged", utcnow()
        concern.acknowledged_by_user_id = getattr(actor, "id", None)
        concern.save()
        audit.record(actor, "concern.acknowledge", "concern", concern.id, "Concern acknowledged",
                     minutes_to_acknowledge=int((concern.acknowledged_at - concern.raised_at).total_seconds() // 60))
    return concern


def close(actor, concern: Concern, *, outcome: str, action: str, adverse_event=None) -> Concern:
    """Record what was done and the outcome; a concern is acknowledged on the way if it was not."""
    if outcome not in settings()["outcomes"]:
        raise Refused("Choose the outcome.", "outcome")
    action = _text(action, "action", required=False)
    if not action:
        raise Refused("Say what was done.", "action")
    with write_transaction():
        lock_rows(Concern, [concern.id])
        concern = Concern.get_by_id(concern.id)
        if concern.status == "closed":
            raise Refused("This concern is already closed.")
        now = utcnow()
        if concern.acknowledged_at is None:
            concern.acknowledged_at, concern.acknowledged_by_user_id = now, getattr(actor, "id", None)
        concern.status, concern.closed_at, concern.outcome, concern.action = "closed", now, outcome, action
        if adverse_event is not None:
            concern.adverse_event = adverse_event
        concern.save()
        audit.record(actor, "concern.close", "concern", concern.id, "Concern closed", outcome=outcome,
                     adverse_event_id=concern.adverse_event_id)
    return concern


def link_adverse_event(actor, concern: Concern, event) -> Concern:
    """The concern was recorded as an adverse event (from the adverse event form)."""
    with write_transaction():
        concern.adverse_event = event
        concern.save()
        audit.record(actor, "concern.adverse_event", "concern", concern.id, "Concern recorded as an adverse event",
                     adverse_event_id=event.id)
    return concern
