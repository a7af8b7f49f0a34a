"""Figures from kept sums equal the report's figures from the records (cascade/stats/fidelity/kept.py)."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cascade.stats.fidelity.agreement import icc_2_1, weighted_kappa
from cascade.stats.fidelity.kept import (
    SumRow,
    Sums,
    contribution,
    difference,
    icc_from_cells,
    kappa_from_cells,
    section_from_sums,
)
from cascade.stats.fidelity.records import FidelityRecord, FidelitySettings
from cascade.stats.fidelity.report import section

SETTINGS = FidelitySettings()
ITEMS = ("a", "b", "c", "d")


def _records(rng: random.Random, occasions: int, deliveries: bool) -> list[FidelityRecord]:
    records = []
    rid = 0
    for o in range(occasions):
        site = rng.choice(["EL", "WA", "DV"])
        generation = rng.choice([None, 0, 1, 1, 2, 2, 3])
        person = rng.randint(1, 6)
        module = rng.choice(["m1", "m2"]) if deliveries else None
        raters = rng.sample(range(1, 6), rng.choice([1, 1, 2, 3]))
        for rater in raters:
            rid += 1
            # Narrow score choices sometimes, so that no-spread and single-score cases come up.
            choices = rng.choice([(0, 1, 2, None), (2,), (1, 2), (None,), (0, 2, None)])
            scores = {i: rng.choice(choices) for i in rng.sample(ITEMS, rng.randint(1, len(ITEMS)))}
            records.append(FidelityRecord(
                "support-contact" if not deliveries else "module:m", "1.0.0", scores,
                delivery_id=o if deliveries else None, contact_id=None if deliveries else o,
                rater_id=rater, rater_role=rng.choice(["observer", "self"]), site=site, generation=generation,
                trainer_id=person if deliveries else None, cps_id=None if deliveries else person,
                module_id=module, record_id=rid))
    return records


def _kept_rows(records: list[FidelityRecord], deliveries: bool) -> list[SumRow]:
    by_occasion: dict = {}
    for r in records:
        by_occasion.setdefault(r.occasion, []).append(r)
    totals: dict = {}
    for occ in by_occasion.values():
        first = occ[0]
        person = first.trainer_id if deliveries else first.cps_id
        for key, sums in contribution(occ, generation=first.generation, person=person,
                                      module_id=first.module_id).items():
            for scope in (None, first.site):
                totals.setdefault((scope, *key), Sums()).plus(sums)
    return [SumRow(site, dim, group, item, sums) for (site, dim, group, item), sums in totals.items()
            if site is None or dim in ("all", "generation")]


def _close(a, b, path="") -> None:
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            if k in ("minimum", "maximum", "band_counts"):
                continue
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("deliveries", [False, True])
def test_section_from_sums_equals_the_report(seed, deliveries):
    rng = random.Random(seed)
    records = _records(rng, rng.randint(1, 40), deliveries)
    expected = section(records, SETTINGS, include_people=True)
    key = records[0].key
    got = section_from_sums(*key, _kept_rows(records, deliveries), SETTINGS,
                            person_kind="trainer_id" if deliveries else "cps_id")
    _close(expected, got)


def test_taking_an_occasion_away_leaves_nothing():
    rng = random.Random(7)
    records = _records(rng, 1, False)
    sums = contribution(records, generation=1, person=3, module_id=None)
    assert difference(sums, sums) == {}
    gone = difference({}, sums)
    for key, value in sums.items():
        total = Sums()
        total.plus(value)
        total.plus(gone[key])
        assert total.as_tuple() == (0, 0.0, 0.0, 0, 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from((0, 1, 2)), st.sampled_from((0, 1, 2))), min_size=0, max_size=40))
def test_kappa_and_icc_from_cells_equal_the_pairwise_figures(pairs):
    cells: dict = {}
    for pair in pairs:
        cells[pair] = cells.get(pair, 0) + 1
    first, second = [x for x, _ in pairs], [y for _, y in pairs]
    assert kappa_from_cells(cells) == weighted_kappa(first, second)
    expected_icc = icc_2_1(list(zip(first, second, strict=True))) if len(pairs) >= 2 else None
    assert icc_from_cells(cells) == expected_icc
