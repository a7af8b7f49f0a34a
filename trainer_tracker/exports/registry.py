"""Exports beyond the cascade's own, by name (used by `cascade export NAME`)."""

from .fidelity import fidelity
from .pathway import concerns, consent, referrals, supervision
from .research import adverse_events, assessments
from .support import contacts

EXTRA_EXPORTS = {"fidelity": fidelity, "assessments": assessments, "adverse-events": adverse_events,
                 "contacts": contacts, "referrals": referrals, "consent": consent, "concerns": concerns,
                 "supervision": supervision}
