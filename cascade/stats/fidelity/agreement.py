"""Agreement between raters who scored the same occasions: weighted kappa and ICC(2,1)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any

from .occasions import GroupBy, filter_records, key_function, sorted_figures
from .records import SCORES, FidelityRecord, FidelitySettings, jsonable, settings_or_default


def weighted_kappa(
    rater_1: Sequence[Hashable],
    rater_2: Sequence[Hashable],
    categories: Sequence[Hashable] = SCORES,
    weights: str | None = "quadratic",
) -> float | None:
    """Cohen's weighted kappa for two raters' paired ratings on an ordered scale.

    kappa = 1 - sum(w_ij p_ij) / sum(w_ij r_i c_j), with p the observed proportions, r and c
    the two raters' marginal proportions, and disagreement weights w_ij = (i - j)^2
    ("quadratic", Fleiss-Cohen), |i - j| ("linear", Cicchetti-Allison) or 1 for i != j (None:
    unweighted), where i and j are positions in `categories` (as sklearn's cohen_kappa_score
    with labels=categories). Exact arithmetic (fractions), so 0.7 is 0.7. None when undefined:
    no pairs, or both raters used one and the same category for everything (chance agreement
    is then 100%).
    """
    if len(rater_1) != len(rater_2):
        raise ValueError(f"the raters have {len(rater_1)} and {len(rater_2)} ratings; pairs needed")
    if weights not in ("quadratic", "linear", None):
        raise ValueError(f"weights must be 'quadratic', 'linear' or None, not {weights!r}")
    index = {category: i for i, category in enumerate(categories)}
    k, n = len(categories), len(rater_1)
    if n == 0:
        return None
    counts = [[0] * k for _ in range(k)]
    for a, b in zip(rater_1, rater_2, strict=True):
        if a not in index or b not in index:
            raise ValueError(f"rating pair ({a!r}, {b!r}) is not on the scale {list(categories)}")
        counts[index[a]][index[b]] += 1
    rows = [sum(counts[i]) for i in range(k)]
    cols = [sum(counts[i][j] for i in range(k)) for j in range(k)]

    def weight(i: int, j: int) -> int:
        if weights == "quadratic":
            return (i - j) ** 2
        if weights == "linear":
            return abs(i - j)
        return int(i != j)

    observed = Fraction(sum(weight(i, j) * counts[i][j] for i in range(k) for j in range(k)), n)
    expected = Fraction(
        sum(weight(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k)), n * n
    )
    if expected == 0:
        return None
    return float(1 - observed / expected)


def icc_2_1(ratings: Sequence[Sequence[float]]) -> float | None:
    """ICC(2,1) of Shrout and Fleiss (1979): two-way random effects, absolute agreement,
    single rater. `ratings` has one row per target and one column per rater (complete).

    ICC = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n) from the two-way ANOVA mean
    squares for rows (targets), columns (raters) and error. Exact arithmetic. None when
    undefined (fewer than 2 targets or raters, or no variation at all).
    """
    rows = [[Fraction(value) for value in row] for row in ratings]
    n = len(rows)
    if n < 2:
        return None
    k = len(rows[0])
    if k < 2 or any(len(row) != k for row in rows):
        raise ValueError("ratings must be complete: one value from every rater for every target")
    grand = sum(sum(row) for row in rows) / (n * k)
    row_means = [sum(row) / k for row in rows]
    col_means = [sum(row[j] for row in rows) / n for j in range(k)]
    ss_total = sum((value - grand) ** 2 for row in rows for value in row)
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_error = ss_total - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    if denominator == 0:
        return None
    return float((ms_rows - ms_error) / denominator)


@dataclass(frozen=True)
class Agreement:
    """Agreement between two raters who scored the same occasions with the same checklist version.

    `kappa` is the quadratic-weighted Cohen's kappa over all paired item scores (the headline
    figure, compared with the target); `icc` is ICC(2,1) over the same pairs; `exact_agreement`
    the share of pairs with the same score. `flagged` is True when kappa is below the target,
    None when kappa cannot be computed. Items one rater marked not applicable and the other
    scored are counted in `applicability_disagreements`, not in kappa.
    """

    checklist_id: str
    checklist_version: str
    by: str | None
    group: Any
    n_occasions: int
    n_pairs: int
    kappa: float | None
    icc: float | None
    exact_agreement: float | None
    applicability_disagreements: int
    target: float
    flagged: bool | None
    note: str | None

    def to_dict(self) -> dict:
        return jsonable(asdict(self))


def _rater_order(record: FidelityRecord) -> tuple:
    return (record.rater_role or "", str(record.rater_id))


def rater_agreement(
    records: Iterable[FidelityRecord],
    by: GroupBy = None,
    *,
    settings: FidelitySettings | None = None,
    checklist_id: str | None = None,
    checklist_version: str | None = None,
) -> list[Agreement]:
    """Inter-rater agreement per checklist version (and group), from occasions scored by two
    or more different raters (`rater_id`). With more than two raters, every pair is used.
    In each pair, rater 1 is the one whose (rater_role, rater_id) sorts first, so a steady
    difference between roles (e.g. observer vs trainer-self) counts as disagreement."""
    settings = settings_or_default(settings)
    records = filter_records(records, checklist_id, checklist_version)
    key, label = key_function(by, records)
    groups: dict[tuple, dict[Hashable, dict[Hashable, FidelityRecord]]] = {}
    for record in records:
        if record.occasion is None or record.rater_id is None:
            continue
        group = (record.checklist_id, record.checklist_version, key(record))
        raters = groups.setdefault(group, {}).setdefault(record.occasion, {})
        raters.setdefault(record.rater_id, record)  # a rater's first record for the occasion
    result = []
    for (cid, version, group), occasions in groups.items():
        first, second, mismatched, n_occasions = [], [], 0, 0
        for raters in occasions.values():
            if len(raters) < 2:
                continue
            n_occasions += 1
            ordered = sorted(raters.values(), key=_rater_order)
            for a, b in combinations(ordered, 2):
                for item_id in a.scores.keys() & b.scores.keys():
                    x, y = a.scores[item_id], b.scores[item_id]
                    if x is None and y is None:
                        continue
                    if x is None or y is None:
                        mismatched += 1
                        continue
                    first.append(x)
                    second.append(y)
        if n_occasions == 0:
            continue
        result.append(
            _agreement(
                (cid, version, group), label, n_occasions, first, second, mismatched, settings
            )
        )
    return sorted_figures(result)


def _agreement(group_key, label, n_occasions, first, second, mismatched, settings) -> Agreement:
    checklist_id, version, group = group_key
    n = len(first)
    kappa = weighted_kappa(first, second) if n else None
    icc = icc_2_1(list(zip(first, second, strict=True))) if n >= 2 else None
    exact = 100 * sum(a == b for a, b in zip(first, second, strict=True)) / n if n else None
    notes = []
    if n == 0:
        notes.append("no item was scored by both raters")
    elif kappa is None:
        notes.append(
            "both raters gave every item the same single score, so chance agreement is 100% "
            "and kappa cannot be computed; look at exact agreement instead"
        )
    if n_occasions == 1 and n:
        notes.append("based on one double-rated occasion only: read with care")
    return Agreement(
        checklist_id=checklist_id,
        checklist_version=version,
        by=label,
        group=group,
        n_occasions=n_occasions,
        n_pairs=n,
        kappa=kappa,
        icc=icc,
        exact_agreement=exact,
        applicability_disagreements=mismatched,
        target=settings.agreement_target,
        flagged=None if kappa is None else kappa < settings.agreement_target,
        note="; ".join(notes) or None,
    )
