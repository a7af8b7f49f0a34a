"""Fidelity figures from running sums, for figures kept in a database.

One occasion (a delivery or contact rated with one checklist version) adds a few sums to each
group it belongs to: occasions scored, the sum and the sum of squares of their fidelity %, the
records behind them and the occasions with nothing scored; per core component the same of the
component's %; per rater role the same of each record's %; and, for agreement between raters,
counts of each pair of item scores. Means, standard deviations, t intervals, cascade drift with
Welch's interval, weighted kappa and ICC(2,1) all follow from those sums, so a database can keep
them up to date as records come in (adding the new occasion's sums, taking away its old ones)
and read a whole section's figures in a handful of indexed queries.

`section_from_sums` gives the same dict as report.section() for the same records, except the
per-group minimum, maximum and band counts, which sums cannot keep (they are None and empty);
tests/stats/test_fidelity_kept.py pins the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from .agreement import Agreement
from .drift import Drift, GenerationSummary
from .occasions import Occasion, sorted_figures
from .records import CONFIDENCE, SCORES, FidelityRecord, FidelitySettings, jsonable
from .summaries import Figure, t_quantile

# Dimensions of the kept sums. "all" and "generation" also keep each core component's sums.
ALL, GENERATION, MODULE, PERSON, RATER_ROLE, PAIR, PAIRS, BRANCH = (
    "all", "generation", "module", "person", "rater_role", "pair", "pairs", "branch")
MISMATCH = "na"  # a pair where one rater scored the item and the other marked it not applicable


@dataclass
class Sums:
    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    n_records: int = 0
    n_unscored: int = 0

    def add_value(self, value: float | None, records: int) -> None:
        if value is None:
            self.n_unscored += 1
        else:
            self.n += 1
            self.total += value
            self.total_sq += value * value
        self.n_records += records

    def plus(self, other: Sums, sign: int = 1) -> None:
        self.n += sign * other.n
        self.total += sign * other.total
        self.total_sq += sign * other.total_sq
        self.n_records += sign * other.n_records
        self.n_unscored += sign * other.n_unscored

    @property
    def empty(self) -> bool:
        return self.n == 0 and self.n_unscored == 0 and self.n_records == 0

    def as_tuple(self) -> tuple:
        return (self.n, self.total, self.total_sq, self.n_records, self.n_unscored)


Key = tuple[str, str, str]  # (dimension, group, item id or "")


def group_text(value) -> str:
    return "" if value is None else str(value)


def contribution(records: Sequence[FidelityRecord], *, generation: int | None, person, module_id: str | None,
                 branch=None) -> dict[Key, Sums]:
    """The sums one occasion adds: `records` are its records (one checklist version, in the order
    they were made); generation, person (trainer or peer supporter) and module are the occasion's;
    `branch` the stage-one trainer whose branch of the cascade it belongs to (generation 2 and
    below; None otherwise)."""
    result: dict[Key, Sums] = {}

    def add(key: Key, value: float | None, records_behind: int) -> None:
        result.setdefault(key, Sums()).add_value(value, records_behind)

    if not records:
        return result
    occasion = Occasion(records[0])
    record_percents = [occasion.add(record) for record in records]
    groups = [(ALL, ""), (GENERATION, group_text(generation))]
    if branch is not None:
        groups.append((BRANCH, group_text(branch)))
    for dimension, group in groups:
        add((dimension, group, ""), occasion.percent, occasion.records)
        for item_id in {*occasion.items, *occasion.not_applicable}:
            add((dimension, group, item_id), occasion.item_percent(item_id), occasion.records)
    add((MODULE, group_text(module_id), ""), occasion.percent, occasion.records)
    add((PERSON, group_text(person), ""), occasion.percent, occasion.records)
    for record, percent in zip(records, record_percents, strict=True):
        add((RATER_ROLE, group_text(record.rater_role), ""), percent, 1)
    raters: dict = {}
    for record in records:
        if record.rater_id is not None:
            raters.setdefault(record.rater_id, record)
    if len(raters) >= 2:
        result[(PAIRS, "", "")] = Sums(n=1)
        ordered = sorted(raters.values(), key=lambda r: (r.rater_role or "", str(r.rater_id)))
        for a, b in combinations(ordered, 2):
            for item_id in a.scores.keys() & b.scores.keys():
                x, y = a.scores[item_id], b.scores[item_id]
                if x is None and y is None:
                    continue
                cell = MISMATCH if x is None or y is None else f"{x}{y}"
                result.setdefault((PAIR, cell, ""), Sums()).n += 1
    return result


def difference(new: Mapping[Key, Sums], old: Mapping[Key, Sums]) -> dict[Key, Sums]:
    """new minus old, leaving out keys that do not change."""
    delta: dict[Key, Sums] = {}
    for key in {*new, *old}:
        sums = Sums()
        if key in new:
            sums.plus(new[key])
        if key in old:
            sums.plus(old[key], -1)
        if sums.as_tuple() != (0, 0.0, 0.0, 0, 0):
            delta[key] = sums
    return delta


# --- figures from sums ---------------------------------------------------------------------


def _spread(sums: Sums) -> float:
    """The sum of squared deviations; 0 when every value was the same (up to rounding, which
    adding and taking away floating-point sums leaves behind)."""
    ss = sums.total_sq - sums.total * sums.total / sums.n
    return 0.0 if ss <= 1e-9 * max(1.0, sums.total_sq) else ss


def mean_interval(sums: Sums, confidence: float = CONFIDENCE):
    """(mean, sd, ci_low, ci_high, note), as summaries' t interval over the values."""
    n = sums.n
    if n == 0:
        return None, None, None, None, "no scored records"
    mean = sums.total / n
    if n == 1:
        return mean, None, None, None, "one scored record only: no spread, so no interval"
    ss = _spread(sums)
    if ss == 0:
        return mean, 0.0, None, None, f"all {n} scored records have the same score: no spread, so no interval"
    sd = math.sqrt(ss / (n - 1))
    half = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half, None


def figure(checklist_id: str, version: str, by: str | None, group, sums: Sums, settings: FidelitySettings,
           item_id: str | None = None) -> Figure:
    mean, sd, low, high, note = mean_interval(sums)
    return Figure(checklist_id=checklist_id, checklist_version=version, by=by, group=group, item_id=item_id,
                  n=sums.n, mean=mean, sd=sd, ci_low=low, ci_high=high, minimum=None, maximum=None,
                  band=settings.band(mean) if mean is not None else None, band_counts={},
                  n_records=sums.n_records, n_unscored=sums.n_unscored, note=note)


def _summary(sums: Sums | None) -> GenerationSummary:
    if sums is None or sums.n == 0:
        return GenerationSummary(n=0, mean=None, sd=None)
    sd = math.sqrt(_spread(sums) / (sums.n - 1)) if sums.n >= 2 else None
    return GenerationSummary(n=sums.n, mean=sums.total / sums.n, sd=sd)


def drift(checklist_id: str, version: str, by: str | None, group, gen1: Sums | None, gen2: Sums | None,
          settings: FidelitySettings, item_id: str | None = None) -> Drift:
    """Generation 2 minus generation 1 with Welch's interval, as drift.py's from the values."""
    s1, s2 = _summary(gen1), _summary(gen2)
    difference_ = low = high = df = excludes = None
    note = None
    if not s1.n or not s2.n:
        missing = " and ".join(f"generation {g}" for g, s in ((1, s1), (2, s2)) if not s.n)
        note = f"no scored records for {missing}, so no difference"
    else:
        difference_ = s2.mean - s1.mean
        small = [f"generation {g} has {s.n}" for g, s in ((1, s1), (2, s2)) if s.n < 2]
        if small:
            note = (f"{' and '.join(small)} scored record(s); an interval needs at least 2 in each "
                    "generation, so the difference is shown without one")
        else:
            a, b = s1.sd ** 2 / s1.n, s2.sd ** 2 / s2.n
            if a + b == 0:
                note = ("every record in both generations has the same score, so there is no "
                        "spread to build an interval from")
            else:
                se = math.sqrt(a + b)
                df = (a + b) ** 2 / (a ** 2 / (s1.n - 1) + b ** 2 / (s2.n - 1))
                half = t_quantile(0.5 + CONFIDENCE / 2, df) * se
                low, high = difference_ - half, difference_ + half
                excludes = high < 0 or low > 0
    return Drift(checklist_id=checklist_id, checklist_version=version, by=by, group=group, item_id=item_id,
                 generation_1=s1, generation_2=s2, difference=difference_, ci_low=low, ci_high=high, df=df,
                 confidence=CONFIDENCE, threshold=settings.drift_flag_points,
                 flagged=None if difference_ is None else difference_ < -settings.drift_flag_points,
                 interval_excludes_zero=excludes, note=note)


def kappa_from_cells(cells: Mapping[tuple[int, int], int], categories: Sequence[int] = SCORES) -> float | None:
    """Quadratic-weighted kappa from counts of (rater 1 score, rater 2 score) pairs: the same as
    agreement.weighted_kappa over the pairs written out."""
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    counts = [[0] * k for _ in range(k)]
    for (x, y), count in cells.items():
        counts[index[x]][index[y]] += count
    n = sum(map(sum, counts))
    if n == 0:
        return None
    rows = [sum(counts[i]) for i in range(k)]
    cols = [sum(counts[i][j] for i in range(k)) for j in range(k)]
    observed = Fraction(sum((i - j) ** 2 * counts[i][j] for i in range(k) for j in range(k)), n)
    expected = Fraction(sum((i - j) ** 2 * rows[i] * cols[j] for i in range(k) for j in range(k)), n * n)
    if expected == 0:
        return None
    return float(1 - observed / expected)


def icc_from_cells(cells: Mapping[tuple[int, int], int]) -> float | None:
    """ICC(2,1) for two raters from counts of score pairs: agreement.icc_2_1's two-way ANOVA,
    with its sums of squares written in terms of the pair counts (exact arithmetic)."""
    n = sum(cells.values())
    if n < 2:
        return None
    sx = sum(c * x for (x, _), c in cells.items())
    sy = sum(c * y for (_, y), c in cells.items())
    sxx = sum(c * x * x for (x, _), c in cells.items())
    syy = sum(c * y * y for (_, y), c in cells.items())
    sxy = sum(c * x * y for (x, y), c in cells.items())
    k = 2
    grand = Fraction(sx + sy, n * k)
    ss_total = sxx + syy - n * k * grand ** 2
    ss_rows = k * (Fraction(sxx + 2 * sxy + syy, 4) - n * grand ** 2)
    ss_cols = n * ((Fraction(sx, n) - grand) ** 2 + (Fraction(sy, n) - grand) ** 2)
    ss_error = ss_total - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    if denominator == 0:
        return None
    return float((ms_rows - ms_error) / denominator)


def agreement(checklist_id: str, version: str, n_occasions: int, cells: Mapping[str, int],
              settings: FidelitySettings) -> Agreement:
    pairs = {(int(c[0]), int(c[1])): count for c, count in cells.items() if c != MISMATCH and count}
    mismatched = cells.get(MISMATCH, 0)
    n = sum(pairs.values())
    kappa = kappa_from_cells(pairs) if n else None
    icc = icc_from_cells(pairs) if n >= 2 else None
    exact = 100 * sum(c for (x, y), c in pairs.items() if x == y) / n if n else None
    notes = []
    if n == 0:
        notes.append("no item was scored by both raters")
    elif kappa is None:
        notes.append("both raters gave every item the same single score, so chance agreement is 100% "
                     "and kappa cannot be computed; look at exact agreement instead")
    if n_occasions == 1 and n:
        notes.append("based on one double-rated occasion only: read with care")
    return Agreement(checklist_id=checklist_id, checklist_version=version, by=None, group=None,
                     n_occasions=n_occasions, n_pairs=n, kappa=kappa, icc=icc, exact_agreement=exact,
                     applicability_disagreements=mismatched, target=settings.agreement_target,
                     flagged=None if kappa is None else kappa < settings.agreement_target,
                     note="; ".join(notes) or None)


@dataclass(frozen=True)
class SumRow:
    """One kept row: scope None for the whole programme, else a site (its code as the group)."""

    site: str | None
    dimension: str
    group: str
    item_id: str
    sums: Sums


def _int_or_none(text: str):
    return int(text) if text not in ("", None) else None


def section_from_sums(checklist_id: str, version: str, rows: Iterable[SumRow], settings: FidelitySettings,
                      *, include_people: bool = True, person_kind: str = "cps_id",
                      people: Iterable[SumRow] | None = None) -> dict | None:
    """report.section()'s dict from kept sums of one checklist version: `rows` hold the scope's
    own sums (site None) and each site's "all" and "generation" sums (site set) for by-site
    figures and drift by site. `people` (optional) replaces the person rows (e.g. only the lowest
    fifty, when the rest are counted elsewhere). None when nothing is recorded."""
    own: dict[tuple[str, str, str], Sums] = {}
    per_site: dict[str, dict[tuple[str, str, str], Sums]] = {}
    for row in rows:
        if row.sums.empty:
            continue
        target = own if row.site is None else per_site.setdefault(row.site, {})
        target[(row.dimension, row.group, row.item_id)] = row.sums
    overall = own.get((ALL, "", ""))
    if overall is None:
        return None

    def figures(dimension: str, by: str | None, convert=lambda g: g, items: bool = False,
                source=None) -> list[dict]:
        source = own if source is None else source
        found = [figure(checklist_id, version, by, None if dimension == ALL else convert(group), sums, settings,
                        item_id=item or None)
                 for (dim, group, item), sums in source.items() if dim == dimension and bool(item) == items]
        return [f.to_dict() for f in sorted_figures(found, by_item=items)]

    def drifts(gens: dict[tuple[str, str, str], Sums], by: str | None, group, items: bool) -> list[Drift]:
        found = []
        item_ids = sorted({item for (dim, g, item) in gens if dim == GENERATION and g in ("1", "2")
                           and bool(item) == items})
        for item in item_ids:
            gen1, gen2 = gens.get((GENERATION, "1", item)), gens.get((GENERATION, "2", item))
            found.append(drift(checklist_id, version, by, group, gen1, gen2, settings, item_id=item or None))
        return found

    by_site = [figure(checklist_id, version, "site", site, sums[(ALL, "", "")], settings)
               for site, sums in per_site.items() if (ALL, "", "") in sums]
    drift_by_site = [d for site, sums in per_site.items() for d in drifts(sums, "site", site, False)]
    records = overall.n_records
    pair_cells = {group: int(sums.n) for (dim, group, _), sums in own.items() if dim == PAIR}
    pairs = own.get((PAIRS, "", ""))
    result = {
        "checklist_id": checklist_id,
        "checklist_version": version,
        "records": records,
        "overall": figures(ALL, None),
        "by_generation": figures(GENERATION, "generation", _int_or_none),
        "by_site": [f.to_dict() for f in sorted_figures(by_site)],
        "by_rater_role": figures(RATER_ROLE, "rater_role", lambda g: g or None),
        "components": figures(ALL, None, items=True),
        "drift": [d.to_dict() for d in drifts(own, None, None, False)],
        "drift_by_site": [d.to_dict() for d in sorted_figures(drift_by_site)],
        "drift_by_component": [d.to_dict() for d in sorted_figures(drifts(own, None, None, True), by_item=True)],
        "agreement": ([agreement(checklist_id, version, int(pairs.n), pair_cells, settings).to_dict()]
                      if pairs is not None and pairs.n > 0 else []),
    }
    if any(dim == MODULE and group for (dim, group, _) in own):
        result["by_module"] = figures(MODULE, "module_id", lambda g: g or None)
    if include_people:
        if people is not None:
            source = {(row.dimension, row.group, row.item_id): row.sums for row in people if not row.sums.empty}
            result["by_person"] = figures(PERSON, person_kind, _int_or_none, source=source)
        else:
            result["by_person"] = figures(PERSON, person_kind, _int_or_none)
        result["person_kind"] = "trainer" if person_kind == "trainer_id" else "peer supporter"
    return jsonable(result)
