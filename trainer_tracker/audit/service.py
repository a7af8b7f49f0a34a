"""Write audit entries. Called by every service inside the change's own transaction."""

from __future__ import annotations

import json

from .models import AuditEntry

# Fields whose values are personal data: the audit records that they changed, never their value.
PERSONAL_FIELDS = frozenset({
    "given_name", "family_name", "name", "email", "phone", "notes", "password", "address",
})


def _safe(data: dict) -> dict:
    clean = {}
    for key, value in data.items():
        if key in PERSONAL_FIELDS:
            clean[key] = "(changed)"
        elif isinstance(value, dict):
            clean[key] = _safe(value)
        else:
            clean[key] = value if isinstance(value, int | float | bool | type(None)) else str(value)
    return clean


def record(actor, action: str, entity: str, entity_id: int | None, summary: str, **data) -> AuditEntry:
    """Add an audit entry. `actor` is a User or None (the system: command line, demo loader)."""
    return AuditEntry.create(
        user_id=getattr(actor, "id", None),
        role=getattr(actor, "role", None) or "system",
        action=action,
        entity=entity,
        entity_id=entity_id,
        summary=summary[:255],
        data=json.dumps(_safe(data), sort_keys=True),
    )
