"""The carer's pathway: referral, its dated steps, eligibility, consent (which gives the carer a
study ID), demographics and supporters' profiles. Each write validates, runs in one transaction
and is audited (ids and categories only: names, notes and answers stay out of the audit log)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from cascade.assessments.consent import ConsentForm, load_forms
from cascade.config import content_root, programme
from cascade.stats import equity

from ..audit import service as audit
from ..cascade.models import Person, Site
from ..db import lock_rows, write_transaction
from ..errors import Refused
from ..support import services as support
from ..support.models import Carer
from .models import ConsentRecord, Demographics, Referral, ReferralContact, ReferralStep, SupporterProfile

STEPS = {"referred": "Referred", "contacted": "Contacted", "eligible": "Eligible", "not-eligible": "Not eligible",
         "consented": "Consented", "closed": "Closed without support"}
NEXT_STEPS = {"referred": ("contacted", "closed"), "contacted": ("eligible", "not-eligible", "closed"),
              "eligible": ("consented", "closed"), "not-eligible": ("contacted", "closed"), "consented": (),
              "closed": ("contacted",)}
ANSWERS = {"yes": "Yes", "no": "No", "unknown": "Not known yet"}


def settings() -> dict:
    config = programme()
    referrals = config.get("referrals") or {}
    return {"sources": dict(referrals.get("sources") or {"site-team": "The site team"}),
            "eligibility": list(referrals.get("eligibility") or []),
            "waiting_flag_days": int(referrals.get("waiting_flag_days", 28)),
            "relationships": dict(config.get("relationships") or {}),
            "availability": dict(config.get("availability") or {}),
            "contact_modes": dict(config.get("contact_modes") or {}),
            "consent_form": str(config.get("consent_form") or "carer-study-consent")}


def consent_form(root: Path | None = None) -> ConsentForm:
    """The consent form in use (programme.yml consent_form), its highest version."""
    forms, problems = load_forms((root or content_root()) / "assessments" / "consent")
    wanted = settings()["consent_form"]
    if wanted not in forms:
        raise Refused(f"The consent form '{wanted}' is not in assessments/consent/ "
                      + (f"({problems[0]})" if problems else "(check programme.yml consent_form)"))
    return forms[wanted]


def _choice(value: str, allowed: dict, field: str, message: str, optional: bool = False) -> str:
    if optional and not value:
        return ""
    if value not in allowed:
        raise Refused(message, field)
    return value


def _short(value: str | None, limit: int, field: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise Refused(f"Keep it to {limit} characters or fewer.", field)
    return text


def refer(actor, site: Site, *, source: str, referred_on: dt.date, relationship: str = "", language: str = "",
          contact_mode: str = "", area: str = "", availability: list[str] | None = None, preferences: str = "",
          name: str = "", phone: str = "", email: str = "") -> Referral:
    s = settings()
    source = _choice(source, s["sources"], "source", "Choose who referred the carer.")
    relationship = _choice(relationship, s["relationships"], "relationship", "Choose the relationship.", optional=True)
    contact_mode = _choice(contact_mode, s["contact_modes"], "contact_mode", "Choose how they prefer to be contacted.",
                           optional=True)
    slots = [a for a in availability or [] if a]
    if any(a not in s["availability"] for a in slots):
        raise Refused("Choose when they are free from the list.", "availability")
    if referred_on > dt.date.today():
        raise Refused("The referral date cannot be in the future.", "referred_on")
    with write_transaction():
        row = Referral.create(site=site, source=source, referred_on=referred_on, relationship=relationship,
                              language=_short(language, 40, "language"), contact_mode=contact_mode,
                              area=_short(area, 60, "area"), availability=",".join(slots),
                              preferences=_short(preferences, 300, "preferences"))
        if any(v.strip() for v in (name, phone, email)):
            ReferralContact.create(referral=row, name=_short(name, 120, "name"), phone=_short(phone, 40, "phone"),
                                   email=_short(email, 254, "email"))
        ReferralStep.create(referral=row, step="referred", on=referred_on, by_user_id=getattr(actor, "id", None))
        audit.record(actor, "referral.create", "referral", row.id, "Carer referred", site=site.code, source=source)
    return row


def record_step(actor, referral: Referral, step: str, on: dt.date, note: str = "",
                eligibility: dict[str, str] | None = None) -> Referral:
    """Move a referral on. Deciding eligibility needs every criterion answered: eligible when every
    answer is yes, not eligible when any is no."""
    if step not in STEPS or step == "consented":
        raise Refused("Choose the next step." if step != "consented" else "Record consent on the consent page.", "step")
    if on > dt.date.today():
        raise Refused("The date cannot be in the future.", "on")
    note = _short(note, 300, "note")
    answers = None
    if step in ("eligible", "not-eligible"):
        criteria = [c["id"] for c in settings()["eligibility"]]
        answers = {c: (eligibility or {}).get(c, "") for c in criteria}
        if any(a not in ANSWERS for a in answers.values()):
            raise Refused("Answer every eligibility question (yes, no or not known yet).", "eligibility")
        if step == "eligible" and any(a != "yes" for a in answers.values()):
            raise Refused("A carer is eligible when every answer is yes. Find out what is not known yet first.",
                          "eligibility")
        if step == "not-eligible" and "no" not in answers.values():
            raise Refused("Not eligible needs at least one answer 'no'.", "eligibility")
    with write_transaction():
        lock_rows(Referral, [referral.id])
        referral = Referral.get_by_id(referral.id)
        if step not in NEXT_STEPS.get(referral.status, ()):
            raise Refused(f"A referral that is '{STEPS.get(referral.status, referral.status).lower()}' cannot move to "
                          f"'{STEPS[step].lower()}'.", "step")
        if on < referral.referred_on:
            raise Refused(f"The referral was made on {referral.referred_on}: a step cannot be earlier.", "on")
        referral.status = step
        if answers is not None:
            referral.eligibility = json.dumps(answers, sort_keys=True)
        referral.save()
        ReferralStep.create(referral=referral, step=step, on=on, by_user_id=getattr(actor, "id", None), note=note)
        audit.record(actor, f"referral.{step}", "referral", referral.id, f"Referral {STEPS[step].lower()}",
                     eligibility=",".join(f"{k}={v}" for k, v in sorted((answers or {}).items())))
    return referral


def consent(actor, referral: Referral, *, consented_on: dt.date, answers: dict[str, bool],
            form: ConsentForm | None = None) -> Carer:
    """Record consent on the form in use: every required item agreed. The carer gets a study ID and
    joins the waiting list; their contact details move from the referral to the carer record."""
    form = form or consent_form()
    missing = [i for i in form.required if not answers.get(i)]
    if missing:
        raise Refused("The carer must agree to every item marked 'needed to take part'. If they do not, "
                      "close the referral instead.", "answers")
    if consented_on > dt.date.today():
        raise Refused("The consent date cannot be in the future.", "consented_on")
    with write_transaction():
        lock_rows(Referral, [referral.id])
        referral = Referral.get_by_id(referral.id)
        if referral.status != "eligible":
            raise Refused("Record that the carer is eligible before recording consent.", "consented_on")
        if consented_on < referral.referred_on:
            raise Refused(f"The referral was made on {referral.referred_on}: consent cannot be earlier.", "consented_on")
        contact = ReferralContact.get_or_none(ReferralContact.referral == referral)
        carer = support.register_carer(actor, referral.site, consented_on, name=contact.name if contact else "",
                                       phone=contact.phone if contact else "", email=contact.email if contact else "")
        _consent_record(actor, carer, form, consented_on, answers)
        referral.carer, referral.status = carer, "consented"
        referral.save()
        if contact is not None:
            contact.delete_instance()  # the carer's contact details are now kept with the carer record
        Demographics.update(carer=carer).where(Demographics.referral == referral).execute()
        ReferralStep.create(referral=referral, step="consented", on=consented_on, by_user_id=getattr(actor, "id", None))
        audit.record(actor, "referral.consented", "referral", referral.id, f"Consent recorded: {carer.study_id}",
                     carer_id=carer.id)
    return carer


def record_consent(actor, carer: Carer, *, consented_on: dt.date, answers: dict[str, bool],
                   form: ConsentForm | None = None) -> ConsentRecord:
    """Consent for a carer registered without a referral (or consent taken again on a new version)."""
    form = form or consent_form()
    if any(not answers.get(i) for i in form.required):
        raise Refused("The carer must agree to every item marked 'needed to take part'.", "answers")
    with write_transaction():
        return _consent_record(actor, carer, form, consented_on, answers)


def _consent_record(actor, carer: Carer, form: ConsentForm, consented_on: dt.date, answers: dict) -> ConsentRecord:
    row = ConsentRecord.create(carer=carer, form_id=form.id, form_version=str(form.version), consented_on=consented_on,
                               taken_by_user_id=getattr(actor, "id", None),
                               answers=json.dumps({i.id: bool(answers.get(i.id)) for i in form.items}, sort_keys=True))
    audit.record(actor, "consent.record", "consent_record", row.id, f"Consent {form.id} {form.version} recorded",
                 carer_id=carer.id, optional_agreed=",".join(i for i in form.optional if answers.get(i)))
    return row


def current_consent(carer_id: int) -> ConsentRecord | None:
    return (ConsentRecord.select().where(ConsentRecord.carer == carer_id)
            .order_by(ConsentRecord.consented_on.desc(), ConsentRecord.id.desc()).first())


def agreed(carer_id: int, item: str) -> bool | None:
    """The carer's answer to a consent item on their latest consent (None: no consent record)."""
    row = current_consent(carer_id)
    return None if row is None else bool(json.loads(row.answers).get(item))


def consent_withdrawn(carer_id: int, on: dt.date) -> None:
    """Called by a withdrawal from the study (support/corrections.py), in its transaction."""
    ConsentRecord.update(withdrawn_on=on).where((ConsentRecord.carer == carer_id)
                                                & ConsentRecord.withdrawn_on.is_null()).execute()


def consent_restored(carer_id: int) -> None:
    ConsentRecord.update(withdrawn_on=None).where(ConsentRecord.carer == carer_id).execute()


def save_demographics(actor, *, referral: Referral | None = None, carer: Carer | None = None,
                      answers: dict[str, str]) -> Demographics:
    """Optional answers; each must be one of the item's answers, 'prefer not to say' or empty."""
    allowed = equity.items(settings()["relationships"])
    clean = {}
    for item, options in allowed.items():
        value = (answers.get(item) or "").strip()
        if value and value != equity.PREFER_NOT and value not in options:
            raise Refused("Choose one of the answers, or 'prefer not to say'.", item)
        clean[item] = value
    if (referral is None) == (carer is None):
        raise Refused("Demographics belong to one referral or one carer.")
    if carer is None and referral.carer_id:
        carer = Carer.get_by_id(referral.carer_id)
    with write_transaction():
        row = (Demographics.get_or_none(Demographics.referral == referral.id) if referral is not None else None) or (
            Demographics.get_or_none(Demographics.carer == carer.id) if carer is not None else None)
        if row is None:
            row = Demographics(referral=referral, carer=carer)
        for item, value in clean.items():
            setattr(row, item, value)
        if carer is not None:
            row.carer = carer
        row.save()
        audit.record(actor, "demographics.save", "demographics", row.id, "Demographics recorded",
                     answered=sum(1 for v in clean.values() if v and v != equity.PREFER_NOT))
    return row


def save_profile(actor, person: Person, *, languages: str, relationships: list[str], area: str,
                 availability: list[str]) -> SupporterProfile:
    s = settings()
    if any(r not in s["relationships"] for r in relationships):
        raise Refused("Choose relationships from the list.", "relationships")
    if any(a not in s["availability"] for a in availability):
        raise Refused("Choose when you are free from the list.", "availability")
    languages = ", ".join(w.strip() for w in (languages or "English").split(",") if w.strip())
    with write_transaction():
        row = SupporterProfile.get_or_none(SupporterProfile.person == person) or SupporterProfile(person=person)
        row.languages, row.area = _short(languages, 120, "languages"), _short(area, 60, "area")
        row.relationships, row.availability = ",".join(relationships), ",".join(availability)
        row.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        row.save()
        audit.record(actor, "profile.save", "person", person.id, "Matching profile saved")
    return row


def waiting_days(carer: Carer, today: dt.date | None = None) -> int:
    return ((today or dt.date.today()) - carer.consented_on).days
