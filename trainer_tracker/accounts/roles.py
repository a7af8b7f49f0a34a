"""Roles and what each may do. Names on the command line use hyphens (programme-lead)."""

from __future__ import annotations

ADMIN = "admin"
PROGRAMME_LEAD = "programme_lead"
SITE_LEAD = "site_lead"
TRAINER = "trainer"
SUPPORTER = "supporter"
RESEARCHER = "researcher"
LEAP_REVIEWER = "leap_reviewer"

ROLES = (ADMIN, PROGRAMME_LEAD, SITE_LEAD, TRAINER, SUPPORTER, RESEARCHER, LEAP_REVIEWER)
ROLE_LABELS = {
    ADMIN: "Administrator",
    PROGRAMME_LEAD: "Programme lead",
    SITE_LEAD: "Site lead",
    TRAINER: "Trainer",
    SUPPORTER: "Peer supporter",
    RESEARCHER: "Researcher",
    LEAP_REVIEWER: "LEAP reviewer",
}

# Groups used in route declarations.
CENTRAL = (ADMIN, PROGRAMME_LEAD)  # see every site
STAFF = (ADMIN, PROGRAMME_LEAD, SITE_LEAD)  # manage people, courses and carers
CASCADE_VIEWERS = (ADMIN, PROGRAMME_LEAD, SITE_LEAD, TRAINER)
AGGREGATE_VIEWERS = (ADMIN, PROGRAMME_LEAD, SITE_LEAD, RESEARCHER, LEAP_REVIEWER)
ANY_SIGNED_IN = ROLES


def from_cli(name: str) -> str:
    """'programme-lead' -> 'programme_lead'; raises ValueError for an unknown role."""
    role = name.strip().lower().replace("-", "_")
    if role not in ROLES:
        known = ", ".join(r.replace("_", "-") for r in ROLES)
        raise ValueError(f"unknown role {name!r}; use one of: {known}")
    return role


def to_cli(role: str) -> str:
    return role.replace("_", "-")
