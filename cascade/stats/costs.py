"""Unit costs and cost calculations (pure functions; money as Decimal pounds).

- Service use (the CSRI-style schedule): each answered count x the unit cost its item names.
- The intervention's own costs: trainer hours, training travel and other training costs make up
  the training cost; carer peer supporter (CPS) support hours, supervision hours and support
  travel make up the support cost.
- Cost per CPS certified = training cost / CPS certified.
  Cost per carer supported = training + support cost / carers supported.
Amounts are exact Decimals; only the per-person figures are rounded, to the penny (half up).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from ..content.fields import Fields, is_whole, read_yaml, shown
from ..content.problems import ProblemList

DEFAULT_TABLE = Path(__file__).resolve().parent / "unit_costs.yml"
PERSPECTIVES = ("nhs_pss", "voluntary", "carer", "productivity", "programme")
TABLE_FIELDS = {"price_year", "currency", "source", "costs"}
COST_FIELDS = {"id", "label", "amount", "unit", "perspective", "source", "review"}
PENNY = Decimal("0.01")

# Which unit cost each intervention input is priced with.
INTERVENTION_UNIT_COSTS: dict[str, str] = {
    "trainer_hours": "trainer_hour",
    "training_travel_miles": "car_mile",
    "support_hours": "cps_hour",
    "supervision_hours": "supervisor_hour",
    "support_travel_miles": "car_mile",
}
TRAINING_INPUTS = ("trainer_hours", "training_travel_miles")
SUPPORT_INPUTS = ("support_hours", "supervision_hours", "support_travel_miles")


class UnitCostError(ValueError):
    """The unit-cost table has problems; `problems` holds each as path:line: message."""

    def __init__(self, problems: ProblemList):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems.errors))


@dataclass(frozen=True)
class UnitCost:
    id: str
    label: str
    amount: Decimal
    unit: str
    perspective: str
    source: str
    review: bool = False
    line: int = 0


@dataclass(frozen=True)
class UnitCostTable:
    price_year: str
    currency: str
    source: str
    costs: Mapping[str, UnitCost]
    path: Path | None = None

    def get(self, cost_id: str) -> UnitCost:
        try:
            return self.costs[cost_id]
        except KeyError:
            known = ", ".join(self.costs)
            raise KeyError(f"no unit cost '{cost_id}' in the table (known: {known})") from None

    @property
    def to_review(self) -> list[str]:
        return [c.id for c in self.costs.values() if c.review]


def money(amount: Decimal | None) -> str | None:
    """Pounds as text to the penny (half up), for output; exact Decimals are kept inside."""
    if amount is None:
        return None
    return str(Decimal(amount).quantize(PENNY, ROUND_HALF_UP))


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def check_unit_costs(path: Path | str | None = None,
                     root: Path | None = None) -> tuple[UnitCostTable | None, ProblemList]:
    """Read and validate a unit-cost table; every problem is reported, none stops the check."""
    path = Path(path) if path is not None else DEFAULT_TABLE
    problems = ProblemList(root)
    if not path.is_file():
        problems.error(path, 0, "the unit-cost table does not exist")
        return None, problems
    read = read_yaml(path, problems)
    if read is None:
        return None, problems
    data, f = read
    if not isinstance(data, dict):
        problems.error(path, 1, "the unit-cost table needs price_year, currency, source, costs")
        return None, problems
    f.unknown(data, TABLE_FIELDS)
    f.required(data, ("price_year", "currency", "source", "costs"))
    if is_whole(data.get("price_year")):  # YAML reads a price year such as 2024 as a number
        data = {**data, "price_year": str(data["price_year"])}
    header = {name: f.text(data, name) or "" for name in ("price_year", "currency", "source")}
    rows = data.get("costs")
    if rows is not None and (not isinstance(rows, list) or not rows):
        f.error(("costs",), "'costs' must be a list of unit costs")
        rows = []
    costs: dict[str, UnitCost] = {}
    for index, row in enumerate(rows or []):
        cost = _unit_cost(row, ("costs", index), costs, f)
        if cost is not None:
            costs[cost.id] = cost
    if problems.errors:
        return None, problems
    return UnitCostTable(header["price_year"], header["currency"], header["source"], costs,
                         path), problems


def _unit_cost(row, keys: tuple, costs: dict, f: Fields) -> UnitCost | None:
    """One row of the table; None when it cannot be used (each problem reported)."""
    if not isinstance(row, dict):
        f.error(keys, "each unit cost needs id, label, amount, unit, perspective and source")
        return None
    f.unknown(row, COST_FIELDS, keys)
    f.required(row, ("id", "label", "amount", "unit", "perspective", "source"), keys)
    texts = {name: f.text(row, name, keys) or "" for name in ("id", "label", "unit", "source")}
    cost_id = texts["id"]
    if cost_id in costs:
        f.error(keys + ("id",), f"duplicate unit cost id '{cost_id}'")
    raw = row.get("amount")
    amount = _decimal(raw) if not isinstance(raw, str) else None
    if raw is not None and (amount is None or amount < 0):
        f.error(keys + ("amount",), f"'amount' must be a number of pounds, 0 or more, not {shown(raw)}")
    perspective = f.choice(row, "perspective", PERSPECTIVES, keys)
    review = f.flag(row, "review", keys, default="review" in row)  # a wrong value: still to review
    if not cost_id or amount is None or perspective is None or cost_id in costs:
        return None
    return UnitCost(cost_id, texts["label"], amount, texts["unit"], perspective, texts["source"],
                    review, f.line(*keys))


def load_unit_costs(path: Path | str | None = None) -> UnitCostTable:
    """The unit-cost table (default: the packaged unit_costs.yml). Raises UnitCostError."""
    table, problems = check_unit_costs(path)
    if table is None:
        raise UnitCostError(problems)
    return table


def check_cost_references(instruments: Iterable, table: UnitCostTable,
                          root: Path | None = None) -> ProblemList:
    """Every item's `unit_cost` must name a row of the table (reported at the item's line)."""
    problems = ProblemList(root)
    for instrument in instruments:
        for item in instrument.items:
            if item.unit_cost and item.unit_cost not in table.costs:
                problems.error(instrument.path, item.line,
                               f"item '{item.id}' names unit cost '{item.unit_cost}', which is "
                               f"not in the unit-cost table ({', '.join(table.costs)})")
    return problems


@dataclass(frozen=True)
class CostLine:
    name: str  # item id or intervention input
    quantity: Decimal
    unit_cost_id: str
    unit_amount: Decimal
    cost: Decimal
    perspective: str
    component: str = ""  # training / support (intervention costs)


@dataclass
class CostBreakdown:
    lines: list[CostLine] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # items not answered
    unverified: list[str] = field(default_factory=list)  # unit costs still marked review
    price_year: str = ""
    currency: str = "GBP"

    @property
    def total_known(self) -> Decimal:
        """The total of the answered items."""
        return sum((line.cost for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal | None:
        """The total, or None when any costed item is unanswered (see `missing`)."""
        return None if self.missing else self.total_known

    @property
    def by_perspective(self) -> dict[str, Decimal]:
        result: dict[str, Decimal] = {}
        for line in self.lines:
            result[line.perspective] = result.get(line.perspective, Decimal(0)) + line.cost
        return result

    def to_dict(self) -> dict:
        return {
            "price_year": self.price_year,
            "currency": self.currency,
            "lines": [{"item": ln.name, "quantity": str(ln.quantity),
                       "unit_cost": ln.unit_cost_id, "unit_amount": str(ln.unit_amount),
                       "cost": money(ln.cost), "perspective": ln.perspective}
                      for ln in self.lines],
            "total": money(self.total),
            "total_known": money(self.total_known),
            "by_perspective": {k: money(v) for k, v in self.by_perspective.items()},
            "missing": self.missing,
            "unverified_unit_costs": self.unverified,
        }


def _line(name: str, quantity, cost_id: str, table: UnitCostTable, component: str = ""):
    unit = table.get(cost_id)
    amount = _decimal(quantity)
    if amount is None or amount < 0:
        raise ValueError(f"{name}: {quantity!r} is not a quantity of 0 or more")
    return CostLine(name, amount, cost_id, unit.amount, amount * unit.amount, unit.perspective,
                    component), unit.review


def service_use_costs(instrument, values: Mapping, table: UnitCostTable) -> CostBreakdown:
    """Cost the answered service-use items: quantity x unit cost, by item.

    `values` are checked answers (ScoreResult.values, or any mapping item id -> number). An
    unanswered costed item is listed in `missing` and makes `total` None.
    """
    result = CostBreakdown(price_year=table.price_year, currency=table.currency)
    for item in instrument.items:
        if not item.unit_cost:
            continue
        value = values.get(item.id)
        if value is None or value == "":
            result.missing.append(item.id)
            continue
        line, review = _line(item.id, value, item.unit_cost, table)
        result.lines.append(line)
        if review and item.unit_cost not in result.unverified:
            result.unverified.append(item.unit_cost)
    return result


@dataclass(frozen=True)
class InterventionInputs:
    """The programme's own resource use (totals over the period being costed)."""

    trainer_hours: Decimal | float | int = 0  # trainer-hours delivering (and preparing) training
    training_travel_miles: Decimal | float | int = 0
    training_other: Mapping[str, Decimal | float | int] = field(default_factory=dict)  # venue...
    support_hours: Decimal | float | int = 0  # CPS hours supporting carers
    supervision_hours: Decimal | float | int = 0
    support_travel_miles: Decimal | float | int = 0
    support_other: Mapping[str, Decimal | float | int] = field(default_factory=dict)


@dataclass
class InterventionCosts:
    lines: list[CostLine] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    price_year: str = ""
    currency: str = "GBP"

    def _component(self, name: str) -> Decimal:
        return sum((ln.cost for ln in self.lines if ln.component == name), Decimal(0))

    @property
    def training(self) -> Decimal:
        return self._component("training")

    @property
    def support(self) -> Decimal:
        return self._component("support")

    @property
    def total(self) -> Decimal:
        return self.training + self.support

    def per_cps_certified(self, cps_certified: int) -> Decimal | None:
        """Training cost per carer peer supporter certified (None when none are certified)."""
        return cost_per(self.training, cps_certified)

    def per_carer_supported(self, carers_supported: int) -> Decimal | None:
        """Whole programme cost (training + support) per carer supported."""
        return cost_per(self.total, carers_supported)

    def to_dict(self) -> dict:
        return {
            "price_year": self.price_year,
            "currency": self.currency,
            "lines": [{"component": ln.component, "input": ln.name,
                       "quantity": str(ln.quantity), "unit_cost": ln.unit_cost_id,
                       "unit_amount": str(ln.unit_amount), "cost": money(ln.cost)}
                      for ln in self.lines],
            "training": money(self.training),
            "support": money(self.support),
            "total": money(self.total),
            "unverified_unit_costs": self.unverified,
        }


def cost_per(total: Decimal, count: int) -> Decimal | None:
    """total / count rounded to the penny (half up); None when count is 0."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"the count must be a whole number of 0 or more, not {count!r}")
    if count == 0:
        return None
    return (Decimal(total) / count).quantize(PENNY, ROUND_HALF_UP)


def intervention_costs(inputs: InterventionInputs, table: UnitCostTable,
                       unit_costs: Mapping[str, str] | None = None) -> InterventionCosts:
    """The programme's own costs, split into training and support components.

    `unit_costs` maps each input (trainer_hours, support_hours, ...) to a unit cost id; the
    defaults are INTERVENTION_UNIT_COSTS. `training_other` / `support_other` are amounts
    already in pounds (venue hire, printed materials, ...).
    """
    mapping = {**INTERVENTION_UNIT_COSTS, **(unit_costs or {})}
    result = InterventionCosts(price_year=table.price_year, currency=table.currency)
    for component, names, other in (("training", TRAINING_INPUTS, inputs.training_other),
                                    ("support", SUPPORT_INPUTS, inputs.support_other)):
        for name in names:
            quantity = getattr(inputs, name)
            line, review = _line(name, quantity, mapping[name], table, component)
            if line.quantity == 0:
                continue
            result.lines.append(line)
            if review and line.unit_cost_id not in result.unverified:
                result.unverified.append(line.unit_cost_id)
        for label, amount in other.items():
            value = _decimal(amount)
            if value is None or value < 0:
                raise ValueError(f"{component} cost '{label}': {amount!r} is not an amount of "
                                 "0 or more")
            result.lines.append(CostLine(label, Decimal(1), "", value, value, "programme",
                                         component))
    return result
