"""A record's history for its page: who changed what, when, and why (from the audit log)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from peewee import Tuple

from ..accounts.models import User
from .models import AuditEntry

LABELS = {
    "given_name": "First name", "family_name": "Last name", "site": "Site", "title": "Title",
    "starts_on": "Start date", "ends_on": "End date", "curriculum_release": "Curriculum release",
    "stage": "Stage", "delivered_on": "Date delivered", "trainer": "Delivered by", "module_id": "Module",
    "module_version": "Module version", "notes": "Notes", "consented_on": "Consent date", "status": "Status",
    "contact_date": "Date of contact", "mode": "How", "duration_minutes": "Minutes", "topics": "Topics",
    "ended_on": "Support ended", "end_reason": "Why support ended", "matched_on": "Date matched",
    "withdrawn_on": "Withdrawn on", "withdrawal_reason": "Why withdrawn", "category": "Category",
    "occurred_on": "Date", "quantity": "Quantity", "amount": "Amount", "unit_cost_key": "Unit cost",
    "description": "Description", "role": "Role", "person": "Linked person", "active": "Active",
    "name": "Name", "setting": "Setting", "onset_on": "Onset", "aware_at": "Became aware",
    "seriousness": "Seriousness", "relatedness": "Related", "expectedness": "Expected",
}


@dataclass
class HistoryRow:
    at: object
    who: str
    summary: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, from, to)


def history(*records: tuple[str, list[int] | int]) -> list[HistoryRow]:
    """Entries for the given (entity, id or ids), oldest first, with who made each change."""
    keys = [(entity, i) for entity, ids in records for i in ([ids] if isinstance(ids, int) else ids)]
    if not keys:
        return []
    entries = list(AuditEntry.select()
                   .where(Tuple(AuditEntry.entity, AuditEntry.entity_id).in_(keys))
                   .order_by(AuditEntry.at, AuditEntry.id))
    users = {u.id: u.email for u in User.select(User.id, User.email)
             .where(User.id.in_({e.user_id for e in entries if e.user_id}))} if entries else {}
    rows = []
    for entry in entries:
        who = users.get(entry.user_id) or ("the command line or set-up" if entry.user_id is None else "a removed account")
        data = json.loads(entry.data or "{}")
        changes = [(LABELS.get(name, name.replace("_", " ").capitalize()), _show(change.get("from")),
                    _show(change.get("to")))
                   if isinstance(change, dict) else (LABELS.get(name, name), "", str(change))
                   for name, change in (data.get("changes") or {}).items()]
        rows.append(HistoryRow(entry.at, who, entry.summary, entry.reason, changes))
    return rows


def _show(value) -> str:
    return "(none)" if value in (None, "") else str(value)
