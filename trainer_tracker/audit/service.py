"""Write audit entries. Called by every service inside the change's own transaction."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from ..errors import Refused
from .models import AuditEntry

# Fields whose values are personal data: the audit records that they changed, never their value.
PERSONAL_FIELDS = frozenset({
    "given_name", "family_name", "name", "email", "phone", "notes", "password", "address", "description",
})
MAX_REASON = 500


def _plain(value):
    if isinstance(value, int | float | bool | type(None)):
        return value
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return str(value)


def _safe(data: dict) -> dict:
    clean = {}
    for key, value in data.items():
        if key in PERSONAL_FIELDS:
            clean[key] = "(changed)"
        elif isinstance(value, dict):
            clean[key] = _safe(value)
        else:
            clean[key] = _plain(value)
    return clean


def record(actor, action: str, entity: str, entity_id: int | None, summary: str, *, reason: str = "",
           **data) -> AuditEntry:
    """Add an audit entry. `actor` is a User or None (the system: command line, demo loader)."""
    return AuditEntry.create(
        user_id=getattr(actor, "id", None),
        role=getattr(actor, "role", None) or "system",
        action=action,
        entity=entity,
        entity_id=entity_id,
        summary=summary[:255],
        data=json.dumps(_safe(data), sort_keys=True),
        reason=reason,
    )


def require_reason(reason: str | None) -> str:
    """Every correction says why; the reason is kept in the record's history."""
    text = " ".join((reason or "").split())
    if not text:
        raise Refused("Say why you are making this change. It is kept in the record's history.", "reason")
    if len(text) > MAX_REASON:
        raise Refused(f"Keep the reason to {MAX_REASON} characters or fewer.", "reason")
    return text


def changes_to(record_obj, values: dict) -> dict[str, tuple]:
    """{field: (old, new)} for the values that differ from the record's (foreign keys by id)."""
    changed = {}
    for name, new in values.items():
        field = record_obj._meta.fields.get(name)
        old = getattr(record_obj, field.column_name if field is not None and hasattr(field, "rel_model") else name)
        new_value = getattr(new, "id", new) if field is not None and hasattr(field, "rel_model") else new
        if old != new_value:
            changed[name] = (old, new_value)
    return changed


def correct(actor, record_obj, values: dict, reason: str, *, entity: str, action: str, summary: str,
            **extra) -> dict[str, tuple]:
    """Apply `values` to a record, save it and audit old -> new with the reason. The caller holds
    the write transaction and has validated the values; nothing changed is refused."""
    reason = require_reason(reason)
    changed = changes_to(record_obj, values)
    if not changed:
        raise Refused("Nothing was changed.")
    for name in changed:
        setattr(record_obj, name, values[name])
    record_obj.save()
    record(actor, action, entity, record_obj.id, summary, reason=reason,
           changes={name: {"from": _plain(old), "to": _plain(new)} for name, (old, new) in changed.items()},
           **extra)
    return changed
