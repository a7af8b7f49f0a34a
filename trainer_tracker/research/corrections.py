"""Corrections to research records: adverse events and cost lines (assessment answers are
corrected by services.edit_response). Each with a reason, audited, in the record's history."""

from __future__ import annotations

import datetime as dt

from cascade.stats import adverse

from ..audit import service as audit
from ..db import write_transaction
from ..errors import Refused
from .models import AdverseEvent, CostItem
from .services import validated_cost


def correct_adverse_event(actor, row: AdverseEvent, *, affected: str, onset_on: dt.date, aware_at: dt.datetime,
                          seriousness: list[str], relatedness: str, expectedness: str, description: str,
                          carer=None, person=None, reason: str) -> AdverseEvent:
    if affected == "carer" and carer is None:
        raise Refused("Choose the carer (by study ID) this happened to.", "carer")
    if affected == "cps" and person is None:
        raise Refused("Choose the peer supporter this happened to.", "person")
    if carer is not None and carer.site_id != row.site_id:
        raise Refused("The carer belongs to another site.", "carer")
    if onset_on > aware_at.date():
        raise Refused("The onset cannot be after the time you became aware of it.", "onset_on")
    try:
        adverse.classify(adverse.AdverseEvent(affected=affected, onset=dt.datetime.combine(onset_on, dt.time()),
                                              aware_at=aware_at, seriousness=frozenset(seriousness),
                                              relatedness=relatedness, expectedness=expectedness))
    except adverse.AdverseEventError as exc:
        raise Refused(str(exc)) from None
    with write_transaction():
        audit.correct(actor, row, {"affected": affected, "onset_on": onset_on, "aware_at": aware_at,
                                   "seriousness": ",".join(sorted(seriousness)), "relatedness": relatedness,
                                   "expectedness": expectedness, "description": (description or "").strip(),
                                   "carer": carer, "person": person},
                      reason, entity="adverse_event", action="adverse_event.correct", summary="Adverse event corrected")
    return row


def correct_cost(actor, row: CostItem, *, category: str, occurred_on: dt.date, quantity, unit_cost_key: str,
                 amount, description: str, table, reason: str) -> CostItem:
    if row.voided_at is not None:
        raise Refused("This cost line was voided; add a new one instead.")
    quantity, amount = validated_cost(category=category, quantity=quantity, unit_cost_key=unit_cost_key,
                                      amount=amount, table=table)
    with write_transaction():
        audit.correct(actor, row, {"category": category, "occurred_on": occurred_on, "quantity": quantity,
                                   "unit_cost_key": unit_cost_key, "amount": amount,
                                   "description": (description or "").strip()[:255]},
                      reason, entity="cost_item", action="cost.correct", summary="Cost line corrected")
    return row


def void_cost(actor, row: CostItem, reason: str) -> CostItem:
    reason = audit.require_reason(reason)
    with write_transaction():
        if row.voided_at is not None:
            raise Refused("This cost line is already voided.")
        row.voided_at, row.void_reason = dt.datetime.now(dt.UTC).replace(tzinfo=None), reason
        row.save()
        audit.record(actor, "cost.void", "cost_item", row.id, "Cost line voided", reason=reason)
    return row
