"""Research writes: assessment responses (scored on save), adverse events and cost items.

Each is validated, written in one transaction with its audit entry. Audit entries name the
items changed, never the answers.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from cascade.assessments.scoring import ScoringError, score
from cascade.stats import adverse

from ..audit import service as audit
from ..cascade.models import Person, Site
from ..db import lock_rows, write_transaction
from ..errors import Refused
from ..figures import keep
from ..support.models import Carer
from .models import AdverseEvent, AssessmentAnswer, AssessmentResponse, CostItem

COST_CATEGORIES = {
    "supervision": "Supervision of peer supporters",
    "travel": "Travel",
    "venue": "Venue hire",
    "materials": "Printed materials",
    "other": "Other",
}


def _serialise(value) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list | tuple):
        return json.dumps(list(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def deserialise(item, text: str | None):
    if text is None:
        return None
    if item.scale.type == "multi-choice":
        return json.loads(text)
    return text


def _item_refusal(exc: ScoringError) -> Refused:
    """One message per item, each on its own input."""
    problems: dict = {}
    for problem in exc.problems:
        problems.setdefault(problem.item_id, []).append(problem.message)
    return Refused.many(problems or {None: ["The answers could not be scored."]})


def _check_target(instrument, carer: Carer | None, person: Person | None) -> str:
    if (carer is None) == (person is None):
        raise Refused("An assessment is answered by one carer or one person in the cascade.")
    respondent = "carer" if carer is not None else ("trainer" if "trainer" in instrument.respondents
                                                    and "cps" not in instrument.respondents else "cps")
    if respondent not in instrument.respondents:
        who = "carers" if carer is not None else "peer supporters or trainers"
        raise Refused(f"{instrument.title} is not answered by {who}.", "instrument")
    return respondent


def save_response(actor, instrument, *, time_point: str, completed_on: dt.date, answers: dict,
                  carer: Carer | None = None, person: Person | None = None,
                  self_completed: bool = False) -> AssessmentResponse:
    """Score and store one set of answers; refuses out-of-range or missing values per item."""
    respondent = _check_target(instrument, carer, person)
    points = {tp.id for tp in instrument.time_points}
    if points and time_point not in points:
        raise Refused(f"'{time_point}' is not a time point of {instrument.title}.", "time_point")
    if completed_on > dt.date.today():
        raise Refused("The completion date cannot be in the future.", "completed_on")
    if not instrument.licensed_text_state.installed:
        raise Refused(instrument.licensed_text_state.message, "instrument")
    try:
        result = score(instrument, answers)
    except ScoringError as exc:
        raise _item_refusal(exc) from None
    site_id = carer.site_id if carer is not None else person.site_id
    with write_transaction():
        # Saved twice at once (two tabs, two people): the second waits here, then sees the first.
        lock_rows(Carer, [carer.id]) if carer is not None else lock_rows(Person, [person.id])
        existing = AssessmentResponse.select().where(
            (AssessmentResponse.instrument_id == instrument.id) & (AssessmentResponse.time_point == time_point)
            & ((AssessmentResponse.carer == carer.id) if carer is not None else (AssessmentResponse.person == person.id)))
        if existing.exists():
            raise Refused(f"{instrument.title} at this time point is already recorded; open it to change it.",
                          "time_point")
        row = AssessmentResponse.create(
            instrument_id=instrument.id, instrument_version=str(instrument.version), respondent=respondent,
            carer=carer, person=person, site=site_id, time_point=time_point, completed_on=completed_on,
            scores=json.dumps(result.to_dict()), recorded_by_user_id=getattr(actor, "id", None),
            self_completed=self_completed)
        AssessmentAnswer.insert_many([
            {"response": row.id, "item_id": item.id, "value": _serialise(result.values.get(item.id))}
            for item in instrument.items
        ]).execute()
        keep.response_saved(carer.id if carer is not None else None, person.id if person is not None else None)
        from ..concerns.services import from_wellbeing_alerts

        from_wellbeing_alerts(row, list(result.alerts))  # alerts reach the site lead's queue at once
        audit.record(actor, "assessment.record", "assessment_response", row.id,
                     f"{instrument.id} {instrument.version} at {time_point} recorded",
                     instrument=instrument.id, time_point=time_point, respondent=respondent,
                     self_completed=self_completed,
                     answered=sum(1 for v in result.values.values() if v is not None))
    return row


def edit_response(actor, row: AssessmentResponse, instrument, answers: dict, reason: str) -> AssessmentResponse:
    """Change answers (a correction, with its reason); re-score with the instrument's current version;
    audit the items changed, never the answers."""
    reason = audit.require_reason(reason)
    if not instrument.licensed_text_state.installed:
        raise Refused(instrument.licensed_text_state.message, "instrument")
    try:
        result = score(instrument, answers)
    except ScoringError as exc:
        raise _item_refusal(exc) from None
    with write_transaction():
        old = {a.item_id: a.value for a in AssessmentAnswer.select().where(AssessmentAnswer.response == row)}
        new = {item.id: _serialise(result.values.get(item.id)) for item in instrument.items}
        changed = sorted(k for k in new if old.get(k) != new[k])
        AssessmentAnswer.delete().where(AssessmentAnswer.response == row).execute()
        AssessmentAnswer.insert_many([{"response": row.id, "item_id": k, "value": v} for k, v in new.items()]).execute()
        row.scores = json.dumps(result.to_dict())
        row.instrument_version = str(instrument.version)
        row.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        row.save()
        if not changed:
            raise Refused("Nothing was changed.")
        audit.record(actor, "assessment.edit", "assessment_response", row.id, f"{instrument.id} answers changed",
                     reason=reason, items_changed=",".join(changed), count=len(changed))
    return row


def _as_event(row: AdverseEvent) -> adverse.AdverseEvent:
    criteria = frozenset(c for c in row.seriousness.split(",") if c)
    return adverse.AdverseEvent(affected=row.affected, onset=dt.datetime.combine(row.onset_on, dt.time()),
                                aware_at=row.aware_at, seriousness=criteria, relatedness=row.relatedness,
                                expectedness=row.expectedness)


def classify(row: AdverseEvent):
    return adverse.classify(_as_event(row))


def reports_for(row: AdverseEvent, now: dt.datetime):
    reported = {k: v for k, v in (("sponsor", row.sponsor_reported_at), ("rec", row.rec_reported_at)) if v}
    return adverse.required_reports(_as_event(row), now, reported=reported)


def record_adverse_event(actor, *, site: Site, affected: str, onset_on: dt.date, aware_at: dt.datetime,
                         seriousness: list[str], relatedness: str, expectedness: str, description: str = "",
                         carer: Carer | None = None, person: Person | None = None,
                         safeguarding_escalated: bool = False,
                         safeguarding_referral_on: dt.date | None = None) -> AdverseEvent:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if aware_at > now + dt.timedelta(minutes=5):
        raise Refused("The time you became aware cannot be in the future.", "aware_at")
    if onset_on > aware_at.date():
        raise Refused("The onset cannot be after the time you became aware of it.", "onset_on")
    if affected == "carer" and carer is None:
        raise Refused("Choose the carer (by study ID) this happened to.", "carer")
    if affected == "cps" and person is None:
        raise Refused("Choose the peer supporter this happened to.", "person")
    if carer is not None and carer.site_id != site.id:
        raise Refused("The carer belongs to another site.", "carer")
    try:
        event = adverse.AdverseEvent(affected=affected, onset=dt.datetime.combine(onset_on, dt.time()),
                                     aware_at=aware_at, seriousness=frozenset(seriousness),
                                     relatedness=relatedness, expectedness=expectedness)
        classification = adverse.classify(event)
    except adverse.AdverseEventError as exc:
        raise Refused(str(exc)) from None
    with write_transaction():
        row = AdverseEvent.create(site=site, affected=affected, carer=carer, person=person, onset_on=onset_on,
                                  aware_at=aware_at, seriousness=",".join(sorted(seriousness)),
                                  relatedness=relatedness, expectedness=expectedness,
                                  description=description.strip(), safeguarding_escalated=safeguarding_escalated,
                                  safeguarding_referral_on=safeguarding_referral_on,
                                  recorded_by_user_id=getattr(actor, "id", None))
        audit.record(actor, "adverse_event.record", "adverse_event", row.id, classification.category[:200],
                     affected=affected, serious=classification.serious, related=classification.related,
                     unexpected=classification.unexpected, reports=",".join(classification.reports),
                     safeguarding=safeguarding_escalated, notes="x" if description else "")
    return row


def mark_reported(actor, row: AdverseEvent, recipient: str, at: dt.datetime) -> AdverseEvent:
    if recipient not in adverse.RECIPIENTS:
        raise Refused("Report to the sponsor or the research ethics committee.", "recipient")
    if at < row.aware_at:
        raise Refused("A report cannot be made before the team became aware of the event.", "reported_at")
    field = "sponsor_reported_at" if recipient == "sponsor" else "rec_reported_at"
    if getattr(row, field) is not None:
        raise Refused("This report is already recorded.", "recipient")
    with write_transaction():
        setattr(row, field, at)
        row.save()
        audit.record(actor, f"adverse_event.reported_{recipient}", "adverse_event", row.id, f"Reported to {recipient}")
    return row


def escalate_safeguarding(actor, row: AdverseEvent, referral_on: dt.date) -> AdverseEvent:
    with write_transaction():
        row.safeguarding_escalated = True
        row.safeguarding_referral_on = referral_on
        row.save()
        audit.record(actor, "adverse_event.safeguarding", "adverse_event", row.id, "Safeguarding escalation recorded")
    return row


def close_adverse_event(actor, row: AdverseEvent, now: dt.datetime | None = None) -> AdverseEvent:
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    outstanding = [r.recipient for r in reports_for(row, now) if r.reported_at is None]
    if outstanding:
        raise Refused(f"Record the report to {' and '.join(outstanding)} before closing this event.")
    with write_transaction():
        row.status = "closed"
        row.save()
        audit.record(actor, "adverse_event.close", "adverse_event", row.id, "Adverse event closed")
    return row


MAX_MONEY = Decimal("1000000")  # one cost line of a million pounds or more is a typing mistake


def _money(value, field: str, what: str) -> Decimal:
    """A finite, non-negative amount with at most two decimals (no NaN, no Infinity, no -1000)."""
    try:
        number = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except (InvalidOperation, ValueError):
        raise Refused(f"Enter the {what} as a number, e.g. 2.5.", field) from None
    if not number.is_finite():
        raise Refused(f"Enter the {what} as a number, e.g. 2.5.", field)
    if number <= 0:
        raise Refused(f"The {what} must be more than 0.", field)
    if number >= MAX_MONEY:
        raise Refused(f"The {what} must be less than {MAX_MONEY:,}.", field)
    if number != number.quantize(Decimal("0.01")):
        raise Refused(f"Give the {what} with at most two decimal places.", field)
    return number.quantize(Decimal("0.01"))


def validated_cost(*, category: str, quantity, unit_cost_key: str = "", amount=None, table=None) -> tuple:
    """(quantity, amount) after the cost rules; shared by adding and correcting a cost line."""
    if category not in COST_CATEGORIES:
        raise Refused("Choose a cost category.", "category")
    quantity = _money(quantity, "quantity", "quantity")
    amount = None if amount in (None, "") else _money(amount, "amount", "amount in pounds")
    if bool(unit_cost_key) == (amount is not None):
        raise Refused("Give either a unit cost from the table or an amount in pounds, not both.", "unit_cost_key")
    if unit_cost_key and table is not None:
        try:
            table.get(unit_cost_key)
        except KeyError:
            raise Refused(f"'{unit_cost_key}' is not in the unit-cost table.", "unit_cost_key") from None
    return quantity, amount


def add_cost_item(actor, *, site: Site, category: str, occurred_on: dt.date, quantity, unit_cost_key: str = "",
                  amount=None, description: str = "", table=None) -> CostItem:
    quantity, amount = validated_cost(category=category, quantity=quantity, unit_cost_key=unit_cost_key,
                                      amount=amount, table=table)
    with write_transaction():
        row = CostItem.create(site=site, category=category, occurred_on=occurred_on, unit_cost_key=unit_cost_key,
                              quantity=quantity, amount=amount, description=description.strip()[:255],
                              recorded_by_user_id=getattr(actor, "id", None))
        audit.record(actor, "cost.record", "cost_item", row.id, f"{category} cost recorded", category=category,
                     quantity=str(quantity), unit_cost=unit_cost_key, amount=str(amount) if amount else "")
    return row
