"""The intervention's own costs from the tracker's records, priced with the unit-cost table.

Training hours come from module deliveries (the module's session length); support hours from
recorded contacts; supervision hours, travel and other costs from cost items.
"""

from __future__ import annotations

from decimal import Decimal

from peewee import fn

from cascade.stats.costs import InterventionInputs, intervention_costs, load_unit_costs

from ..cascade.models import Certification, Course, ModuleDelivery
from ..support.models import Carer, Contact, Match
from .models import CostItem


def compute(curriculum, *, site_id: int | None = None, table=None) -> dict:
    table = table or load_unit_costs()
    minutes = {m.id: m.duration_minutes for m in curriculum.modules}
    deliveries = ModuleDelivery.select(ModuleDelivery.module_id, fn.COUNT(ModuleDelivery.id)).join(Course)
    contacts = Contact.select(fn.COALESCE(fn.SUM(Contact.duration_minutes), 0)).join(Match).join(
        Carer, on=(Match.carer == Carer.id)).where(Contact.voided_at.is_null())
    items = (CostItem.select(CostItem.category, CostItem.unit_cost_key, fn.SUM(CostItem.quantity),
                             fn.SUM(CostItem.amount)).where(CostItem.voided_at.is_null()))
    certified = Certification.select(fn.COUNT(fn.DISTINCT(Certification.person))).join(
        Course, on=(Certification.course == Course.id)).where(
        Certification.renewal_of.is_null() & (Certification.status != "revoked"))
    supported = Match.select(fn.COUNT(fn.DISTINCT(Match.carer))).join(Carer, on=(Match.carer == Carer.id))
    if site_id is not None:
        deliveries = deliveries.where(Course.site == site_id)
        contacts = contacts.where(Carer.site == site_id)
        items = items.where(CostItem.site == site_id)
        certified = certified.where(Course.site == site_id)
        supported = supported.where(Carer.site == site_id)
    trainer_minutes = sum(minutes.get(module_id, 0) * count
                          for module_id, count in deliveries.group_by(ModuleDelivery.module_id).tuples())
    support_minutes = contacts.scalar() or 0
    supervision = Decimal(0)
    travel = Decimal(0)
    other: dict[str, Decimal] = {}
    for category, key, quantity, amount in items.group_by(CostItem.category, CostItem.unit_cost_key).tuples():
        quantity = Decimal(str(quantity or 0))
        if category == "supervision" and key:
            supervision += quantity
        elif category == "travel" and key:
            travel += quantity
        else:
            value = Decimal(str(amount)) if amount is not None else quantity * table.get(key).amount if key else Decimal(0)
            other[category] = other.get(category, Decimal(0)) + value
    inputs = InterventionInputs(trainer_hours=Decimal(trainer_minutes) / 60, support_hours=Decimal(support_minutes) / 60,
                                supervision_hours=supervision, support_travel_miles=travel,
                                training_other={k: v for k, v in other.items() if k in ("venue", "materials")},
                                support_other={k: v for k, v in other.items() if k not in ("venue", "materials")})
    costs = intervention_costs(inputs, table)
    n_certified, n_supported = certified.scalar() or 0, supported.scalar() or 0
    result = costs.to_dict()
    result.update({
        "cps_certified": n_certified, "carers_supported": n_supported,
        "per_cps_certified": _money(costs.per_cps_certified(n_certified)),
        "per_carer_supported": _money(costs.per_carer_supported(n_supported)),
        "trainer_hours": str(round(inputs.trainer_hours, 1)), "support_hours": str(round(inputs.support_hours, 1)),
        "source": table.source if hasattr(table, "source") else "",
    })
    return result


def _money(value):
    return None if value is None else f"{value:.2f}"
