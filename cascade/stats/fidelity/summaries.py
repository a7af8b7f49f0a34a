"""Fidelity figures: pure functions over plain fidelity records (no Flask, no database).

One record is one rater's scores for one checklist on one occasion (a module delivery or a
support contact). Items score 0 (not done), 1 (partly), 2 (fully) or None (not applicable).
The methods, and why they were chosen, are written up for programme leads in docs/fidelity.md.

Rules every figure here keeps:

- Like with like: only records of the same checklist id AND version are pooled. Every figure
  carries its checklist id and version; records of other versions get figures of their own.
- The unit is the occasion rated (`delivery_id` or `contact_id`). When two raters scored the
  same occasion, their scores are averaged into one value first, so a double-rated delivery
  does not count twice. Records without an occasion id count as occasions of their own.
- No applicable items means no score (None), never 0 or 100.
- Where a figure cannot be computed honestly (too few records, no spread), it is None and
  `note` says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from scipy import special

from .occasions import (
    GroupBy,
    Occasion,
    filter_records,
    group_occasions,
    item_ids,
    item_values,
    key_function,
    occasions_of,
    sorted_figures,
)
from .records import BANDS, CONFIDENCE, FidelityRecord, FidelitySettings, jsonable, settings_or_default


@dataclass(frozen=True)
class Figure:
    """Fidelity % of one group of occasions for one checklist version (or one item of it).

    `n` counts occasions with a score; `mean` is their mean fidelity %; `sd` the sample
    standard deviation; `ci_low`/`ci_high` a 95% t interval for the mean; `band` the band of
    the mean; `band_counts` how many occasions fell in each band.
    """

    checklist_id: str
    checklist_version: str
    by: str | None
    group: Any
    item_id: str | None
    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    minimum: float | None
    maximum: float | None
    band: str | None
    band_counts: dict[str, int]
    n_records: int
    n_unscored: int  # occasions where no item applied (no score, left out of the mean)
    note: str | None

    def to_dict(self) -> dict:
        # Shallow: asdict() deep-copies, which costs more than the figure on large reports.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["band_counts"] = dict(self.band_counts)
        return jsonable(data)


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    # scipy's stdtrit is what stats.t.ppf computes, without the generic distribution machinery
    # (about 100 times faster: Welch degrees of freedom are fractional, so the cache rarely hits).
    return float(special.stdtrit(df, p))


def stdev(values: Sequence[float], mean: float) -> float:
    # Two-pass sum of squares with fsum: as exact as statistics.stdev for these 0-100 scores,
    # without its rational arithmetic (seconds on a national programme's records).
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


def _mean_interval(values: Sequence[float], confidence: float = CONFIDENCE):
    """(mean, sd, ci_low, ci_high, note) with a t interval for the mean."""
    n = len(values)
    if n == 0:
        return None, None, None, None, "no scored records"
    mean = math.fsum(values) / n
    if n == 1:
        return mean, None, None, None, "one scored record only: no spread, so no interval"
    if min(values) == max(values):
        note = f"all {n} scored records have the same score: no spread, so no interval"
        return mean, 0.0, None, None, note
    sd = stdev(values, mean)
    half = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half, None


def _figure(group_key, by_label, occasions, settings, item_id=None) -> Figure:
    if item_id is None:
        values = [o.percent for o in occasions]
    else:
        values = [o.item_percent(item_id) for o in occasions]
    n_records = sum(o.records for o in occasions if item_id is None or _rated(o, item_id))
    return _figure_of(group_key, by_label, values, n_records, settings, item_id)


def _figure_of(group_key, by_label, values, n_records, settings, item_id=None) -> Figure:
    """The figure of one group from its occasions' values (None: no score)."""
    checklist_id, version, group = group_key
    scored = [v for v in values if v is not None]
    mean, sd, low, high, note = _mean_interval(scored)
    counts = {name: 0 for name in BANDS}
    low_max, high_min = settings.low_max, settings.high_min
    for value in scored:  # settings.band(), inlined: it runs once per occasion per figure
        rounded = round(value, 9)
        counts["low" if rounded <= low_max else "high" if rounded >= high_min else "moderate"] += 1
    return Figure(
        checklist_id=checklist_id,
        checklist_version=version,
        by=by_label,
        group=group,
        item_id=item_id,
        n=len(scored),
        mean=mean,
        sd=sd,
        ci_low=low,
        ci_high=high,
        minimum=min(scored) if scored else None,
        maximum=max(scored) if scored else None,
        band=settings.band(mean) if mean is not None else None,
        band_counts=counts,
        n_records=n_records,
        n_unscored=len(values) - len(scored),
        note=note,
    )


def _rated(occasion: Occasion, item_id: str) -> bool:
    return item_id in occasion.items or item_id in occasion.not_applicable




def aggregate(
    records: Iterable[FidelityRecord],
    by: GroupBy = None,
    *,
    settings: FidelitySettings | None = None,
    checklist_id: str | None = None,
    checklist_version: str | None = None,
    collapse_raters: bool = True,
) -> list[Figure]:
    """Mean fidelity % per group, one Figure per (checklist id, version, group value).

    `by`: None (overall), a record field such as "delivery_id", "trainer_id", "cps_id",
    "module_id", "site", "generation", "rater_role" (or a key of `extra`), a list of them
    (grouped by the tuple), or a function of the record. `checklist_id`/`checklist_version`
    keep only records of that checklist; figures are always per checklist version anyway.
    """
    settings = settings_or_default(settings)
    records = filter_records(records, checklist_id, checklist_version)
    key, label = key_function(by, records)
    groups = occasions_of(records, key, collapse_raters)
    return sorted_figures(_figure(g, label, occasions, settings) for g, occasions in groups.items())


def item_figures(
    records: Iterable[FidelityRecord],
    by: GroupBy = None,
    *,
    settings: FidelitySettings | None = None,
    checklist_id: str | None = None,
    checklist_version: str | None = None,
    collapse_raters: bool = True,
) -> list[Figure]:
    """Item-level (core component) figures: per item, the mean item score / 2 x 100 over the
    occasions where it applied. `n_unscored` counts occasions where it was not applicable."""
    settings = settings_or_default(settings)
    records = filter_records(records, checklist_id, checklist_version)
    key, label = key_function(by, records)
    figures = []
    for group_key, occasions in occasions_of(records, key, collapse_raters).items():
        for item_id in item_ids(occasions):
            rated = [o for o in occasions if _rated(o, item_id)]
            figures.append(_figure(group_key, label, rated, settings, item_id=item_id))
    return sorted_figures(figures, by_item=True)


def record_figures(record_percents: Sequence[tuple[FidelityRecord, float | None]], by: str,
                   settings: FidelitySettings | None = None) -> list[Figure]:
    """aggregate(records, by, collapse_raters=False) from the records' own fidelity % as
    section_occasions collected them: each record counts on its own (e.g. by rater role)."""
    settings = settings_or_default(settings)
    groups: dict[tuple, list] = {}
    for record, percent in record_percents:
        groups.setdefault((record.checklist_id, record.checklist_version, record.get(by)), []).append(percent)
    return sorted_figures(_figure_of(group_key, by, values, len(values), settings) for group_key, values in groups.items())


def occasion_figures(occasions: Sequence[Occasion], by: str | None = None, *, items: bool = False,
                     settings: FidelitySettings | None = None) -> list[Figure]:
    """aggregate() (or item_figures() with items=True) over precomputed occasions, grouped by
    an attribute that is the same for every record of an occasion (site, generation, person...)."""
    settings = settings_or_default(settings)
    figures = []
    for group_key, group in group_occasions(occasions, by).items():
        if not items:
            figures.append(_figure(group_key, by, group, settings))
            continue
        values, n_records = item_values(group)
        for item_id in item_ids(group):
            figures.append(_figure_of(group_key, by, values[item_id], n_records[item_id], settings, item_id))
    return sorted_figures(figures, by_item=items)
