"""The intervention's own costs from the tracker's records, priced with the unit-cost table.

Training hours come from module deliveries (the module's session length); support hours from
recorded contacts; supervision hours, travel and other costs from cost items.
"""

from __future__ import annotations

from decimal import Decimal

from peewee import fn

from cascade.stats.costs import InterventionInputs, intervention_costs, load_unit_costs

from ..figures import counts
from .models import CostItem


def compute(curriculum, *, site_id: int | None = None, table=None) -> dict:
    """The costs from counts kept per site (figures/counts.py) and the cost lines."""
    table = table or load_unit_costs()
    minutes = {m.id: m.duration_minutes for m in curriculum.modules}
    totals, _ = counts.read(site_id)
    items = (CostItem.select(CostItem.category, CostItem.unit_cost_key, fn.SUM(CostItem.quantity),
                             fn.SUM(CostItem.amount)).where(CostItem.voided_at.is_null()))
    if site_id is not None:
        items = items.where(CostItem.site == site_id)
    trainer_minutes = sum(minutes.get(name.removeprefix(counts.DELIVERED), 0) * count
                          for name, count in totals.items() if name.startswith(counts.DELIVERED))
    support_minutes = totals.get(counts.MINUTES, 0)
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
    n_certified, n_supported = totals.get("certified_on_courses", 0), totals.get("carers_matched", 0)
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
