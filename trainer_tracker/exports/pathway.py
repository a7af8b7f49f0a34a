"""Exports of the carer's pathway and the safety net: referrals (with the optional demographics),
consent records, concerns and supervision. Each honours --site; the de-identified tier hashes ids,
shifts dates and drops names, areas and free text (exports/core.py)."""

from __future__ import annotations

import json

from cascade.stats import equity

from ..cascade.models import Site
from ..concerns.models import Concern
from ..pathway.models import ConsentRecord, Demographics, Referral, ReferralStep
from ..pathway.services import consent_form
from ..supervision.models import SupervisionAttendee, SupervisionSession
from ..support.models import Carer
from .core import Export, Variable
from .scope import Scope

DEMOGRAPHIC_VARIABLES = [
    Variable("age_band", "Age band", "category", ", ".join(equity.AGE_BANDS) + ", prefer-not-to-say"),
    Variable("gender", "Gender", "category", ", ".join(equity.GENDERS) + ", prefer-not-to-say"),
    Variable("ethnic_group", "Ethnic group (2021 Census high-level groups)", "category",
             "; ".join(equity.ETHNIC_GROUPS) + "; prefer-not-to-say"),
    Variable("ethnicity", "Ethnicity (2021 Census categories)", "category", ", ".join(equity.ETHNICITIES),
             identifying=True),
    Variable("first_language", "First language", "category", ", ".join(equity.FIRST_LANGUAGES) + ", prefer-not-to-say"),
    Variable("area_type", "Where they live", "category", ", ".join(equity.AREA_TYPES) + ", prefer-not-to-say"),
]


def referrals(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("referral_id", "Referral", "integer", id_of="referral"),
        Variable("site", "Site", "category", "site codes"),
        Variable("source", "Who referred the carer", "category", "codes in the programme configuration (referrals.sources)"),
        Variable("referred_on", "Date of the referral", "date", "YYYY-MM-DD", shift_by="referral:referral_id"),
        Variable("relationship", "Relationship to the person cared for", "category", "programme relationships"),
        Variable("language", "Preferred language", "text", identifying=True),
        Variable("contact_mode", "Preferred contact mode", "category", "programme contact_modes"),
        Variable("area", "Area (district or town)", "text", identifying=True),
        Variable("status", "Furthest step", "category", "referred, contacted, eligible, not-eligible, consented, closed"),
        Variable("eligible_all_yes", "Every eligibility question answered yes", "boolean", "1 or 0"),
        Variable("days_to_contact", "Days from referral to first contact", "integer"),
        Variable("days_to_consent", "Days from referral to consent", "integer"),
        Variable("carer_id", "Carer (once consented)", "integer", id_of="carer"),
        *DEMOGRAPHIC_VARIABLES,
    ]

    def rows():
        query = Referral.select(Referral, Site.code).join(Site)
        if scope.site_id is not None:
            query = query.where(Referral.site == scope.site_id)
        steps: dict[int, dict[str, object]] = {}
        for rid, step, on in ReferralStep.select(ReferralStep.referral, ReferralStep.step, ReferralStep.on).tuples():
            steps.setdefault(rid, {}).setdefault(step, on)
        demographics = {d.referral_id: d for d in Demographics.select().where(Demographics.referral.is_null(False))}
        for r in query.order_by(Referral.id):
            if not scope.carer_allows(r.carer_id, r.referred_on):
                continue
            taken = steps.get(r.id, {})
            answers = json.loads(r.eligibility or "{}")
            d = demographics.get(r.id)
            yield {"referral_id": r.id, "site": r.site.code, "source": r.source, "referred_on": r.referred_on,
                   "relationship": r.relationship, "language": r.language, "contact_mode": r.contact_mode,
                   "area": r.area, "status": r.status,
                   "eligible_all_yes": bool(answers) and all(a == "yes" for a in answers.values()),
                   "days_to_contact": (taken["contacted"] - r.referred_on).days if "contacted" in taken else None,
                   "days_to_consent": (taken["consented"] - r.referred_on).days if "consented" in taken else None,
                   "carer_id": r.carer_id, **_demographics(d)}

    return Export("referrals", "Every referral, its steps and the optional demographics", variables, rows)


def _demographics(d) -> dict:
    if d is None:
        return {}
    return {"age_band": d.age_band, "gender": d.gender, "ethnicity": d.ethnicity,
            "ethnic_group": equity.ETHNIC_GROUP_OF.get(d.ethnicity, d.ethnicity), "first_language": d.first_language,
            "area_type": d.area_type}


def consent(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    try:
        items = [i.id for i in consent_form().items]
    except Exception:  # noqa: BLE001 - no form file: export the answers there are
        items = []
    variables = [
        Variable("consent_id", "Consent record", "integer", id_of="consent"),
        Variable("carer_id", "Carer", "integer", id_of="carer"),
        Variable("study_id", "Carer's study ID", "text", identifying=True),
        Variable("site", "Site", "category", "site codes"),
        Variable("form_id", "Consent form", "text"),
        Variable("form_version", "Consent form version", "text"),
        Variable("consented_on", "Date of consent", "date", "YYYY-MM-DD", shift_by="carer:carer_id"),
        Variable("withdrawn_on", "Date consent was withdrawn", "date", "YYYY-MM-DD", shift_by="carer:carer_id"),
        *[Variable(f"item_{i.replace('-', '_')}", f"Agreed: {i}", "boolean", "1 agreed, 0 not") for i in items],
    ]

    def rows():
        query = (ConsentRecord.select(ConsentRecord, Carer.study_id, Site.code).join(Carer)
                 .join(Site, on=(Carer.site == Site.id)))
        if scope.site_id is not None:
            query = query.where(Carer.site == scope.site_id)
        for c in query.order_by(ConsentRecord.id):
            answers = json.loads(c.answers or "{}")
            yield {"consent_id": c.id, "carer_id": c.carer_id, "study_id": c.carer.study_id, "site": c.carer.site.code,
                   "form_id": c.form_id, "form_version": c.form_version, "consented_on": c.consented_on,
                   "withdrawn_on": c.withdrawn_on,
                   **{f"item_{i.replace('-', '_')}": bool(answers.get(i)) for i in items}}

    return Export("consent", "Every consent record and each item's answer", variables, rows)


def concerns(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("concern_id", "Concern", "integer", id_of="concern"),
        Variable("site", "Site", "category", "site codes"),
        Variable("source", "Raised by", "category", "supporter, staff, wellbeing-check"),
        Variable("about", "About", "category", "carer, self, other"),
        Variable("carer_id", "Carer (when about a carer)", "integer", id_of="carer"),
        Variable("category", "Kind of concern", "category", "programme concerns.categories"),
        Variable("urgency", "Urgency", "category", "now, today, week"),
        Variable("raised_at", "When raised", "date", "YYYY-MM-DD", shift_by="concern:concern_id"),
        Variable("minutes_to_acknowledge", "Minutes until the site lead acknowledged it", "integer"),
        Variable("status", "Status", "category", "open, acknowledged, closed"),
        Variable("outcome", "Outcome", "category", "programme concerns.outcomes"),
        Variable("adverse_event_id", "Adverse event it became", "integer", id_of="adverse_event"),
        Variable("description", "What happened", "text", free_text=True),
        Variable("action", "What was done", "text", free_text=True),
    ]

    def rows():
        query = Concern.select(Concern, Site.code).join(Site)
        if scope.site_id is not None:
            query = query.where(Concern.site == scope.site_id)
        for c in query.order_by(Concern.id):
            if not scope.carer_allows(c.carer_id, c.raised_at.date()):
                continue
            ack = c.acknowledged_at
            yield {"concern_id": c.id, "site": c.site.code, "source": c.source, "about": c.about, "carer_id": c.carer_id,
                   "category": c.category, "urgency": c.urgency, "raised_at": c.raised_at.date(),
                   "minutes_to_acknowledge": int((ack - c.raised_at).total_seconds() // 60) if ack else None,
                   "status": c.status, "outcome": c.outcome, "adverse_event_id": c.adverse_event_id,
                   "description": c.description, "action": c.action}

    return Export("concerns", "Every concern, its clock and its outcome", variables, rows)


def supervision(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("session_id", "Supervision session", "integer", id_of="supervision"),
        Variable("site", "Site", "category", "site codes"),
        Variable("kind", "Kind", "category", "individual, group"),
        Variable("held_on", "Date", "date", "YYYY-MM-DD", shift_by="supervision:session_id"),
        Variable("minutes", "Length in minutes", "integer"),
        Variable("supervisor_id", "Supervisor", "integer", id_of="person"),
        Variable("supporter_id", "Peer supporter who attended", "integer", id_of="person"),
        Variable("attendees", "Peer supporters at the session", "integer"),
        Variable("topics", "Topics (comma-separated codes)", "text", "programme supervision.topics"),
    ]

    def rows():
        query = (SupervisionAttendee.select(SupervisionAttendee, SupervisionSession, Site.code)
                 .join(SupervisionSession).join(Site, on=(SupervisionSession.site == Site.id)))
        if scope.site_id is not None:
            query = query.where(SupervisionSession.site == scope.site_id)
        sizes = {}
        for a in query.order_by(SupervisionSession.id, SupervisionAttendee.id):
            s = a.session
            sizes.setdefault(s.id, SupervisionAttendee.select().where(SupervisionAttendee.session == s.id).count())
            yield {"session_id": s.id, "site": s.site.code, "kind": s.kind, "held_on": s.held_on, "minutes": s.minutes,
                   "supervisor_id": s.supervisor_id, "supporter_id": a.person_id, "attendees": sizes[s.id],
                   "topics": s.topics}

    return Export("supervision", "Every supervision session, one row per peer supporter who attended", variables,
                  rows, scope_note="Reflective notes are private to their writer and never exported.")
