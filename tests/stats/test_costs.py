"""Unit-cost table and cost calculations, with hand-computed examples on a test table."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from cascade.assessments.instrument_model import LICENSED_TEXT_ENV
from cascade.assessments.instruments import load_instruments
from cascade.assessments.scoring import score
from cascade.stats.costs import (
    InterventionInputs,
    UnitCostError,
    check_cost_references,
    check_unit_costs,
    cost_per,
    intervention_costs,
    load_unit_costs,
    service_use_costs,
)

# Made-up round figures, so the examples can be checked by hand.
TEST_COSTS = {
    "gp_consultation": (40, "nhs_pss"), "ae_attendance": (200, "nhs_pss"),
    "inpatient_bed_day": (400, "nhs_pss"), "cmht_contact": (100, "nhs_pss"),
    "carer_support_contact": (30, "voluntary"), "productivity_hour": (15, "productivity"),
    "car_mile": (0.45, "carer"), "pound": (1, "carer"), "trainer_hour": (50, "programme"),
    "cps_hour": (20, "programme"), "supervisor_hour": (60, "programme"),
}
ALL_ANSWERED = {"gp_visits": 2, "ae_visits": 1, "inpatient_nights": 0,
                "community_mental_health_contacts": 3, "carer_support_contacts": 2,
                "time_off_work_hours": 7.5, "travel_miles": 120, "travel_fares": 12.40}


@pytest.fixture(autouse=True)
def no_licensed_text(monkeypatch):
    monkeypatch.delenv(LICENSED_TEXT_ENV, raising=False)


def write_table(path, costs=TEST_COSTS, review=(), **header):
    data = {"price_year": "2023/24", "currency": "GBP", "source": "Test figures", **header,
            "costs": [{"id": cid, "label": cid, "amount": amount, "unit": "each",
                       "perspective": perspective, "source": "test",
                       **({"review": True} if cid in review else {})}
                      for cid, (amount, perspective) in costs.items()]}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def table(tmp_path):
    return load_unit_costs(write_table(tmp_path / "costs.yml", review={"car_mile"}))


@pytest.fixture(scope="module")
def registry(repo_root):
    return load_instruments(repo_root / "assessments", licensed_text=None)


def test_shipped_table_has_year_source_and_every_referenced_cost(registry):
    shipped = load_unit_costs()
    assert shipped.price_year == "2023/24" and shipped.currency == "GBP"
    assert "Unit Costs of Health and Social Care 2024" in shipped.source
    assert all(c.source for c in shipped.costs.values())
    assert "gp_consultation" in shipped.to_review  # placeholders stay marked until checked
    assert list(check_cost_references(registry, shipped)) == []


def test_service_use_costs_hand_computed(registry, table):
    csri = registry.get("csri-carer")
    values = score(csri, ALL_ANSWERED).values
    costs = service_use_costs(csri, values, table)
    assert {ln.name: ln.cost for ln in costs.lines} == {
        "gp_visits": Decimal("80"),  # 2 x 40
        "ae_visits": Decimal("200"),  # 1 x 200
        "inpatient_nights": Decimal("0"),
        "community_mental_health_contacts": Decimal("300"),  # 3 x 100
        "carer_support_contacts": Decimal("60"),  # 2 x 30
        "time_off_work_hours": Decimal("112.5"),  # 7.5 x 15
        "travel_miles": Decimal("54.00"),  # 120 x 0.45
        "travel_fares": Decimal("12.4"),  # 12.40 x 1
    }
    assert costs.total == Decimal("818.90")
    assert costs.by_perspective == {"nhs_pss": Decimal("580"), "voluntary": Decimal("60"),
                                    "productivity": Decimal("112.5"),
                                    "carer": Decimal("66.40")}
    assert costs.unverified == ["car_mile"]
    assert costs.to_dict()["total"] == "818.90"
    assert costs.to_dict()["lines"][5]["cost"] == "112.50"


def test_unanswered_item_leaves_the_total_missing(registry, table):
    csri = registry.get("csri-carer")
    answers = {k: v for k, v in ALL_ANSWERED.items() if k != "ae_visits"}
    costs = service_use_costs(csri, score(csri, answers).values, table)
    assert costs.missing == ["ae_visits"]
    assert costs.total is None
    assert costs.total_known == Decimal("618.90")


def test_intervention_costs_hand_computed(table):
    inputs = InterventionInputs(
        trainer_hours=40, training_travel_miles=100, training_other={"venue hire": 300},
        support_hours=36, supervision_hours=12, support_travel_miles=50)
    costs = intervention_costs(inputs, table)
    # training: 40 x 50 + 100 x 0.45 + 300 = 2000 + 45 + 300
    assert costs.training == Decimal("2345.00")
    # support: 36 x 20 + 12 x 60 + 50 x 0.45 = 720 + 720 + 22.50
    assert costs.support == Decimal("1462.50")
    assert costs.total == Decimal("3807.50")
    assert costs.per_cps_certified(8) == Decimal("293.13")  # 2345 / 8 = 293.125, half up
    assert costs.per_carer_supported(12) == Decimal("317.29")  # 3807.50 / 12 = 317.2916...
    assert costs.per_cps_certified(0) is None
    assert costs.unverified == ["car_mile"]
    assert costs.to_dict()["total"] == "3807.50"


def test_intervention_unit_costs_can_be_remapped(table):
    costs = intervention_costs(InterventionInputs(support_hours=10), table,
                               unit_costs={"support_hours": "supervisor_hour"})
    assert costs.support == Decimal("600") and costs.training == 0


def test_negative_inputs_are_refused(table):
    with pytest.raises(ValueError, match="support_hours"):
        intervention_costs(InterventionInputs(support_hours=-1), table)
    with pytest.raises(ValueError, match="venue"):
        intervention_costs(InterventionInputs(training_other={"venue": -5}), table)


def test_cost_per_rounds_half_up_to_the_penny():
    assert cost_per(Decimal("0.125"), 1) == Decimal("0.13")
    assert cost_per(Decimal("100"), 3) == Decimal("33.33")
    assert cost_per(Decimal("100"), 0) is None
    with pytest.raises(ValueError):
        cost_per(Decimal("100"), -1)


def test_broken_table_reports_every_problem_with_its_line(tmp_path):
    path = tmp_path / "costs.yml"
    path.write_text(
        "price_year: 2023/24\n"
        "currency: GBP\n"
        "source: Test\n"
        "colour: blue\n"
        "costs:\n"
        "  - {id: gp, label: GP, amount: -3, unit: each, perspective: nhs_pss, source: x}\n"
        "  - {id: gp, label: GP, amount: 3, unit: each, perspective: nhs_pss, source: x}\n"
        "  - {id: ae, label: AE, amount: 3, unit: each, perspective: hospital, source: x}\n",
        encoding="utf-8")
    table, problems = check_unit_costs(path)
    assert table is None
    found = {(p.line, p.message.split(":")[0]) for p in problems.errors}
    assert (4, "unknown field 'colour' (allowed") in found
    assert any(p.line == 6 and "'amount' must be a number of pounds, 0 or more, not -3" in p.message
               for p in problems.errors)
    assert any(p.line == 7 and "duplicate unit cost id 'gp'" in p.message
               for p in problems.errors)
    assert any(p.line == 8 and "'perspective' must be one of nhs_pss, voluntary, carer, productivity, programme, not 'hospital'" in p.message
               for p in problems.errors)
    with pytest.raises(UnitCostError, match="duplicate unit cost id"):
        load_unit_costs(path)


def test_missing_unit_cost_is_reported_at_the_item(registry, tmp_path):
    costs = {k: v for k, v in TEST_COSTS.items() if k != "car_mile"}
    table = load_unit_costs(write_table(tmp_path / "costs.yml", costs))
    problems = check_cost_references(registry, table)
    csri = registry.get("csri-carer")
    assert [(p.line, p.message.split(",")[0]) for p in problems] == [
        (csri.item("travel_miles").line, "item 'travel_miles' names unit cost 'car_mile'")]
