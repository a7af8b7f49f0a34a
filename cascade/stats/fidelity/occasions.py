"""Occasions: the records of one delivery or contact pooled over their raters, grouped by
checklist id and version (like with like) and by any attribute of the records."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from ...content.semver import Version
from .records import FIELD_NAMES, MAX_ITEM_SCORE, FidelityRecord

GroupBy = str | Sequence[str] | Callable[[FidelityRecord], Hashable] | None


def key_function(by: GroupBy, records: Sequence[FidelityRecord]):
    """(function record -> group value, label) for `by`: None, a name, names, or a function."""
    if by is None:
        return (lambda record: None), None
    if callable(by):
        return by, getattr(by, "__name__", "group")
    names = (by,) if isinstance(by, str) else tuple(by)
    for name in names:
        if name in ("scores",):
            raise ValueError("records cannot be grouped by their scores")
        if name not in FIELD_NAMES and not any(name in r.extra for r in records):
            known = ", ".join(sorted(FIELD_NAMES))
            raise ValueError(f"records have no field '{name}' (fields: {known}, or a key of extra)")
    if isinstance(by, str):
        return (lambda record: record.get(by)), by
    return (lambda record: tuple(record.get(n) for n in names)), ",".join(names)


def version_key(version: str):
    try:
        return (0, Version.parse(version), version)
    except ValueError:
        return (1, Version(0, 0, 0), version)


def sort_value(value) -> tuple:
    """A sort key for group values of any type: None first, then numbers, text, tuples."""
    if value is None:
        return (0,)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, tuple):
        return (3, tuple(sort_value(v) for v in value))
    return (2, str(value))


@dataclass
class Occasion:
    """One occasion (delivery or contact) within one group: its raters' scores pooled."""

    first: FidelityRecord
    percents: list[float] = field(default_factory=list)
    items: dict[str, list[int]] = field(default_factory=dict)
    not_applicable: set[str] = field(default_factory=set)
    records: int = 0

    def add(self, record: FidelityRecord) -> float | None:
        """Pool one more record; returns that record's own fidelity % (None: nothing applied)."""
        # The record's scores were checked when it was made (FidelityRecord.__post_init__).
        self.records += 1
        total = applicable = 0
        for item_id, value in record.scores.items():
            if value is None:
                self.not_applicable.add(item_id)
            else:
                total += value
                applicable += 1
                self.items.setdefault(item_id, []).append(value)
        if applicable:
            percent = 100 * total / (MAX_ITEM_SCORE * applicable)
            self.percents.append(percent)
            return percent
        return None

    @property
    def percent(self) -> float | None:
        percents = self.percents
        if not percents:
            return None
        return percents[0] if len(percents) == 1 else statistics.fmean(percents)

    def item_percent(self, item_id: str) -> float | None:
        values = self.items.get(item_id)
        if not values:
            return None
        return 100 * sum(values) / (len(values) * MAX_ITEM_SCORE)


def occasions_of(
    records: Iterable[FidelityRecord], key: Callable, collapse_raters: bool
) -> dict[tuple, list[Occasion]]:
    """Records -> {(checklist id, version, group value): [occasions]}."""
    groups: dict[tuple, dict[Hashable, Occasion]] = {}
    for index, record in enumerate(records):
        group = (record.checklist_id, record.checklist_version, key(record))
        occasion_key = record.occasion if collapse_raters else None
        if occasion_key is None:
            occasion_key = ("record", index)
        occasions = groups.setdefault(group, {})
        occasion = occasions.get(occasion_key)
        if occasion is None:
            occasion = occasions[occasion_key] = Occasion(record)
        occasion.add(record)
    return {group: list(occasions.values()) for group, occasions in groups.items()}


def filter_records(records, checklist_id, checklist_version) -> list[FidelityRecord]:
    result = []
    for record in records:
        if not isinstance(record, FidelityRecord):
            raise TypeError(f"expected FidelityRecord, not {type(record).__name__}")
        if checklist_id is not None and record.checklist_id != checklist_id:
            continue
        if checklist_version is not None and record.checklist_version != str(checklist_version):
            continue
        result.append(record)
    return result


def item_ids(occasions: Iterable[Occasion]) -> list[str]:
    seen: dict[str, None] = {}
    for occasion in occasions:
        for item_id in occasion.first.scores:
            seen.setdefault(item_id, None)
        for item_id in (*occasion.items, *occasion.not_applicable):
            seen.setdefault(item_id, None)
    return list(seen)


def section_occasions(records: Sequence[FidelityRecord],
                      record_percents: list | None = None) -> list[Occasion]:
    """The occasions of one checklist version's records, raters pooled: computed once, then
    grouped many ways by occasion_figures/occasion_drift (same figures as aggregate,
    item_figures, cascade_drift and item_drift for any grouping fixed by the occasion)."""
    keys = {r.key for r in records}
    if len(keys) > 1:
        raise ValueError(f"records of one checklist version expected, got {sorted(keys)}")
    occasions: dict[Hashable, Occasion] = {}
    for index, record in enumerate(records):
        key = record.occasion if record.occasion is not None else ("record", index)
        occasion = occasions.get(key)
        if occasion is None:
            occasion = occasions[key] = Occasion(record)
        percent = occasion.add(record)
        if record_percents is not None:
            record_percents.append((record, percent))
    return list(occasions.values())


def group_occasions(occasions: Sequence[Occasion], by: str | None) -> dict[tuple, list[Occasion]]:
    groups: dict[tuple, list[Occasion]] = {}
    for occasion in occasions:
        first = occasion.first
        groups.setdefault((first.checklist_id, first.checklist_version,
                           None if by is None else first.get(by)), []).append(occasion)
    return groups


def item_values(occasions: Sequence[Occasion]) -> tuple[dict[str, list], dict[str, int]]:
    """Per item, in one pass: the item % of every occasion that rated it (None where it was not
    applicable) and the records behind them; what _figure works out item by item."""
    values: dict[str, list] = {}
    n_records: dict[str, int] = {}
    for occasion in occasions:
        for item_id, scores in occasion.items.items():
            values.setdefault(item_id, []).append(100 * sum(scores) / (len(scores) * MAX_ITEM_SCORE))
            n_records[item_id] = n_records.get(item_id, 0) + occasion.records
        for item_id in occasion.not_applicable:
            if item_id not in occasion.items:
                values.setdefault(item_id, []).append(None)
                n_records[item_id] = n_records.get(item_id, 0) + occasion.records
    return values, n_records


def sorted_figures(figures, by_item: bool = False):
    def key(f):
        return (
            f.checklist_id,
            version_key(f.checklist_version),
            (getattr(f, "item_id", None) or "") if by_item else "",
            sort_value(f.group),
        )

    return sorted(figures, key=key)
