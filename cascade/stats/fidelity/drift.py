"""Cascade drift: generation 2's mean fidelity % minus generation 1's, with a Welch interval,
overall, by group and by item (core component)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from .occasions import (
    GroupBy,
    Occasion,
    filter_records,
    item_ids,
    item_values,
    key_function,
    occasions_of,
    sorted_figures,
)
from .records import CONFIDENCE, FidelityRecord, FidelitySettings, jsonable, settings_or_default
from .summaries import stdev, t_quantile


@dataclass(frozen=True)
class GenerationSummary:
    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class WelchInterval:
    difference: float  # mean of `later` minus mean of `earlier`
    se: float
    df: float
    ci_low: float
    ci_high: float
    confidence: float


def welch_interval(
    earlier: Sequence[float], later: Sequence[float], confidence: float = CONFIDENCE
) -> WelchInterval:
    """Welch's t interval for mean(later) - mean(earlier): unequal variances allowed.

    se = sqrt(s1^2/n1 + s2^2/n2); Welch-Satterthwaite df = se^4 / ((s1^2/n1)^2/(n1-1) +
    (s2^2/n2)^2/(n2-1)); interval = difference +- t(1 - alpha/2, df) x se, the t quantile
    from scipy.stats. Matches scipy.stats.ttest_ind(later, earlier, equal_var=False)
    .confidence_interval(), computed directly so that a group whose scores are all equal
    (variance 0) gives the right interval instead of a precision warning.
    Raises ValueError when either group has fewer than 2 values or both have no spread.
    """
    n1, n2 = len(earlier), len(later)
    if n1 < 2 or n2 < 2:
        raise ValueError("Welch's interval needs at least 2 values in each group")
    v1 = stdev(earlier, math.fsum(earlier) / n1) ** 2
    v2 = stdev(later, math.fsum(later) / n2) ** 2
    a, b = v1 / n1, v2 / n2
    if a + b == 0:
        raise ValueError("both groups have no spread, so there is no interval")
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    difference = math.fsum(later) / n2 - math.fsum(earlier) / n1
    half = t_quantile(0.5 + confidence / 2, df) * se
    return WelchInterval(difference, se, df, difference - half, difference + half, confidence)


@dataclass(frozen=True)
class Drift:
    """Cascade drift: generation 2 mean minus generation 1 mean, in percentage points.

    Negative means generation 2 scored lower. `flagged` is True when the drop is more than
    `threshold` points (the programme's drift_flag_points), None when there is no difference
    to judge. `ci_low`/`ci_high` are a 95% Welch interval for the difference; None with a
    `note` when it cannot be computed honestly.
    """

    checklist_id: str
    checklist_version: str
    by: str | None
    group: Any
    item_id: str | None
    generation_1: GenerationSummary
    generation_2: GenerationSummary
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    df: float | None
    confidence: float
    threshold: float
    flagged: bool | None
    interval_excludes_zero: bool | None
    note: str | None

    def to_dict(self) -> dict:
        # Two levels by hand: asdict() deep-copies every value, which cost more than the figure
        # itself when the dashboard works out a drift for every branch and component.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("generation_1", "generation_2"):
            data[name] = {f.name: getattr(data[name], f.name) for f in fields(data[name])}
        return jsonable(data)


def _summary(values: Sequence[float]) -> GenerationSummary:
    n = len(values)
    mean = math.fsum(values) / n if n else None
    return GenerationSummary(n=n, mean=mean, sd=stdev(values, mean) if n >= 2 else None)


def _drift(group_key, label, gen1, gen2, settings, item_id=None) -> Drift:
    checklist_id, version, group = group_key
    s1, s2 = _summary(gen1), _summary(gen2)
    difference = low = high = df = excludes = None
    note = None
    if not gen1 or not gen2:
        missing = " and ".join(
            f"generation {g}" for g, values in ((1, gen1), (2, gen2)) if not values
        )
        note = f"no scored records for {missing}, so no difference"
    else:
        difference = s2.mean - s1.mean
        small = [f"generation {g} has {len(v)}" for g, v in ((1, gen1), (2, gen2)) if len(v) < 2]
        if small:
            note = (
                f"{' and '.join(small)} scored record(s); an interval needs at least 2 in each "
                "generation, so the difference is shown without one"
            )
        else:
            try:
                interval = welch_interval(gen1, gen2)
            except ValueError:
                note = (
                    "every record in both generations has the same score, so there is no "
                    "spread to build an interval from"
                )
            else:
                low, high, df = interval.ci_low, interval.ci_high, interval.df
                excludes = high < 0 or low > 0
    flagged = None if difference is None else difference < -settings.drift_flag_points
    return Drift(
        checklist_id=checklist_id,
        checklist_version=version,
        by=label,
        group=group,
        item_id=item_id,
        generation_1=s1,
        generation_2=s2,
        difference=difference,
        ci_low=low,
        ci_high=high,
        df=df,
        confidence=CONFIDENCE,
        threshold=settings.drift_flag_points,
        flagged=flagged,
        interval_excludes_zero=excludes,
        note=note,
    )


def occasion_drift(occasions: Sequence[Occasion], by: str | None = None, *, items: bool = False,
                   settings: FidelitySettings | None = None) -> list[Drift]:
    """cascade_drift() (or item_drift() with items=True) over precomputed occasions."""
    settings = settings_or_default(settings)
    split: dict[tuple, dict[int, list[Occasion]]] = {}
    for occasion in occasions:
        first = occasion.first
        if first.generation not in (1, 2):
            continue
        key = (first.checklist_id, first.checklist_version, None if by is None else first.get(by))
        split.setdefault(key, {1: [], 2: []})[first.generation].append(occasion)
    result = []
    for group_key, generations in split.items():
        if not items:
            gen1 = [o.percent for o in generations[1] if o.percent is not None]
            gen2 = [o.percent for o in generations[2] if o.percent is not None]
            result.append(_drift(group_key, by, gen1, gen2, settings))
            continue
        values1, _ = item_values(generations[1])
        values2, _ = item_values(generations[2])
        for item_id in item_ids([*generations[1], *generations[2]]):
            gen1 = [v for v in values1.get(item_id, ()) if v is not None]
            gen2 = [v for v in values2.get(item_id, ()) if v is not None]
            result.append(_drift(group_key, by, gen1, gen2, settings, item_id=item_id))
    return sorted_figures(result, by_item=items)


def _by_generation(records, by, collapse_raters):
    """{(id, version, group): {1: [occasions], 2: [occasions]}} for generations 1 and 2."""
    records = [r for r in records if r.generation in (1, 2)]
    key, label = key_function(by, records)
    split: dict[tuple, dict[int, list[Occasion]]] = {}
    for (checklist_id, version, composite), occasions in occasions_of(
        records, lambda r: (key(r), r.generation), collapse_raters
    ).items():
        group, generation = composite
        split.setdefault((checklist_id, version, group), {1: [], 2: []})[generation] = occasions
    return split, label


def cascade_drift(
    records: Iterable[FidelityRecord],
    by: GroupBy = None,
    *,
    settings: FidelitySettings | None = None,
    checklist_id: str | None = None,
    checklist_version: str | None = None,
    collapse_raters: bool = True,
) -> list[Drift]:
    """Generation 2 mean fidelity % minus generation 1 mean, per checklist version (and group,
    e.g. by="site"), with a 95% Welch interval. Records of other generations are left out."""
    settings = settings_or_default(settings)
    records = filter_records(records, checklist_id, checklist_version)
    split, label = _by_generation(records, by, collapse_raters)
    result = []
    for group_key, generations in split.items():
        gen1 = [o.percent for o in generations[1] if o.percent is not None]
        gen2 = [o.percent for o in generations[2] if o.percent is not None]
        result.append(_drift(group_key, label, gen1, gen2, settings))
    return sorted_figures(result)


def item_drift(
    records: Iterable[FidelityRecord],
    by: GroupBy = None,
    *,
    settings: FidelitySettings | None = None,
    checklist_id: str | None = None,
    checklist_version: str | None = None,
    collapse_raters: bool = True,
) -> list[Drift]:
    """Cascade drift per item (core component): the item % of generation 2 minus generation 1,
    over the occasions where the item applied."""
    settings = settings_or_default(settings)
    records = filter_records(records, checklist_id, checklist_version)
    split, label = _by_generation(records, by, collapse_raters)
    result = []
    for group_key, generations in split.items():
        for item_id in item_ids([*generations[1], *generations[2]]):
            gen1 = [v for o in generations[1] if (v := o.item_percent(item_id)) is not None]
            gen2 = [v for o in generations[2] if (v := o.item_percent(item_id)) is not None]
            result.append(_drift(group_key, label, gen1, gen2, settings, item_id=item_id))
    return sorted_figures(result, by_item=True)
