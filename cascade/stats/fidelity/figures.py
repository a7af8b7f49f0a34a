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
import statistics
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from typing import Any

from scipy import stats

from ...content.versions import Version

SCORES = (0, 1, 2)
MAX_ITEM_SCORE = 2
CONFIDENCE = 0.95
BANDS = ("low", "moderate", "high")


# --- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FidelitySettings:
    """Thresholds from programme.yml `fidelity:` (bands, drift flag, agreement target).

    Bands are whole-number cut points read literally: low is up to and including `low_max`
    (50); high is `moderate_max + 1` (80) and above; everything in between is moderate. A
    percentage is never rounded before banding, so 50.4 is moderate and 79.6 is moderate.
    """

    low_max: float = 50
    moderate_max: float = 79
    drift_flag_points: float = 10
    agreement_target: float = 0.70

    def __post_init__(self):
        if not 0 <= self.low_max < self.moderate_max < 100:
            raise ValueError(
                "fidelity bands need 0 <= low_max < moderate_max < 100 "
                f"(got low_max {self.low_max}, moderate_max {self.moderate_max})"
            )
        if self.drift_flag_points < 0:
            raise ValueError(f"drift_flag_points must be 0 or more, not {self.drift_flag_points}")
        if not -1 <= self.agreement_target <= 1:
            raise ValueError(
                f"agreement_target must be between -1 and 1, not {self.agreement_target}"
            )

    @property
    def high_min(self) -> float:
        return self.moderate_max + 1

    @classmethod
    def from_programme(cls, programme: Mapping | None = None) -> FidelitySettings:
        """Settings from a programme configuration dict (default: cascade.config)."""
        if programme is None:
            from ...config import programme as load_programme

            programme = load_programme()
        section = programme.get("fidelity") or {}
        bands = section.get("bands") or {}
        defaults = cls()
        return cls(
            low_max=_number(bands.get("low_max", defaults.low_max), "fidelity.bands.low_max"),
            moderate_max=_number(
                bands.get("moderate_max", defaults.moderate_max), "fidelity.bands.moderate_max"
            ),
            drift_flag_points=_number(
                section.get("drift_flag_points", defaults.drift_flag_points),
                "fidelity.drift_flag_points",
            ),
            agreement_target=_number(
                section.get("agreement_target", defaults.agreement_target),
                "fidelity.agreement_target",
            ),
        )

    def band(self, percent: float | None) -> str | None:
        """'low', 'moderate' or 'high' for a fidelity %; None for no score."""
        if percent is None:
            return None
        if isinstance(percent, float) and math.isnan(percent):
            return None
        value = round(float(percent), 9)  # 80.00000000001 from float sums is still 80
        if value <= self.low_max:
            return "low"
        if value >= self.high_min:
            return "high"
        return "moderate"


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"programme setting {name} must be a number, not {value!r}")
    return value


def _settings(settings: FidelitySettings | None) -> FidelitySettings:
    return settings if settings is not None else FidelitySettings.from_programme()


def band(percent: float | None, settings: FidelitySettings | None = None) -> str | None:
    """The band of a fidelity % under the programme's settings (see FidelitySettings)."""
    return _settings(settings).band(percent)


# --- records and the score of one record ---------------------------------------------------


@dataclass(frozen=True)
class FidelityRecord:
    """One rater's scores for one checklist on one occasion.

    `scores` maps item id -> 0, 1, 2, or None for not applicable. `generation` is the cascade
    generation the record belongs to: for a module delivery, the generation being trained
    (stage 1 courses train generation 1, stage 2 courses generation 2); for a support contact,
    the generation of the peer supporter. `extra` holds any other attribute to group by.
    """

    checklist_id: str
    checklist_version: str
    scores: Mapping[str, int | None]
    delivery_id: Hashable | None = None  # the module delivery rated
    contact_id: Hashable | None = None  # or the support contact rated
    rater_id: Hashable | None = None
    rater_role: str | None = None
    trainer_id: Hashable | None = None  # who delivered the module
    cps_id: Hashable | None = None  # the peer supporter who gave the support
    module_id: str | None = None
    site: str | None = None
    generation: int | None = None
    record_id: Hashable | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.checklist_id, str) or not self.checklist_id:
            raise ValueError(f"checklist_id must be text, not {self.checklist_id!r}")
        if isinstance(self.checklist_version, Version):
            object.__setattr__(self, "checklist_version", str(self.checklist_version))
        if not isinstance(self.checklist_version, str) or not self.checklist_version:
            raise ValueError(
                f"checklist_version must be text like '1.0.0', not {self.checklist_version!r}"
            )
        _check_scores(self.scores, self.label)
        if self.generation is not None and (
            isinstance(self.generation, bool) or not isinstance(self.generation, int)
        ):
            raise ValueError(
                f"{self.label}: generation must be a whole number, not {self.generation!r}"
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FidelityRecord:
        """A record from a plain dict (e.g. a database row or JSON); unknown keys go to extra."""
        names = {f.name for f in fields(cls)} - {"extra"}
        known = {k: v for k, v in data.items() if k in names}
        extra = dict(data.get("extra") or {})
        extra.update({k: v for k, v in data.items() if k not in names and k != "extra"})
        return cls(**known, extra=extra)

    @property
    def key(self) -> tuple[str, str]:
        """(checklist id, version): records are only ever pooled with records of the same key."""
        return (self.checklist_id, self.checklist_version)

    @property
    def occasion(self) -> Hashable | None:
        """The delivery or contact rated (None when the record does not say)."""
        if self.delivery_id is not None:
            return ("delivery", self.delivery_id)
        if self.contact_id is not None:
            return ("contact", self.contact_id)
        return None

    @property
    def label(self) -> str:
        ident = self.record_id if self.record_id is not None else self.occasion
        return f"record {ident!r} ({self.checklist_id} {self.checklist_version})"

    def get(self, name: str) -> Any:
        """An attribute by name: a field, else a key of `extra` (None when absent)."""
        if name in _FIELD_NAMES:
            return getattr(self, name)
        return self.extra.get(name)


_FIELD_NAMES = {f.name for f in fields(FidelityRecord)} - {"extra", "scores"}


def _check_scores(scores: Mapping, label: str = "scores") -> None:
    if not isinstance(scores, Mapping):
        raise ValueError(f"{label}: scores must map item id to 0, 1, 2 or None, not {scores!r}")
    for item_id, value in scores.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
            raise ValueError(
                f"{label}: item '{item_id}' has score {value!r}; "
                "use 0, 1, 2 or None (not applicable)"
            )


@dataclass(frozen=True)
class RecordScore:
    """The score of one record. `percent` is None when no item applied."""

    total: int
    maximum: int
    applicable: int
    not_applicable: int
    percent: float | None
    band: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def fidelity_percent(scores: Mapping[str, int | None]) -> float | None:
    """Sum of applicable item scores / (2 x applicable items) x 100; None if no item applies."""
    _check_scores(scores)
    applicable = [v for v in scores.values() if v is not None]
    if not applicable:
        return None
    return 100 * sum(applicable) / (MAX_ITEM_SCORE * len(applicable))


def score_items(
    scores: Mapping[str, int | None], settings: FidelitySettings | None = None
) -> RecordScore:
    """Total, maximum, counts, fidelity % and band of one set of item scores."""
    percent = fidelity_percent(scores)
    applicable = [v for v in scores.values() if v is not None]
    return RecordScore(
        total=sum(applicable),
        maximum=MAX_ITEM_SCORE * len(applicable),
        applicable=len(applicable),
        not_applicable=len(scores) - len(applicable),
        percent=percent,
        band=_settings(settings).band(percent) if percent is not None else None,
    )


def score_record(record: FidelityRecord, settings: FidelitySettings | None = None) -> RecordScore:
    return score_items(record.scores, settings)


# --- grouping -------------------------------------------------------------------------------

GroupBy = str | Sequence[str] | Callable[[FidelityRecord], Hashable] | None


def _key_function(by: GroupBy, records: Sequence[FidelityRecord]):
    """(function record -> group value, label) for `by`: None, a name, names, or a function."""
    if by is None:
        return (lambda record: None), None
    if callable(by):
        return by, getattr(by, "__name__", "group")
    names = (by,) if isinstance(by, str) else tuple(by)
    for name in names:
        if name in ("scores",):
            raise ValueError("records cannot be grouped by their scores")
        if name not in _FIELD_NAMES and not any(name in r.extra for r in records):
            known = ", ".join(sorted(_FIELD_NAMES))
            raise ValueError(f"records have no field '{name}' (fields: {known}, or a key of extra)")
    if isinstance(by, str):
        return (lambda record: record.get(by)), by
    return (lambda record: tuple(record.get(n) for n in names)), ",".join(names)


def _version_key(version: str):
    try:
        return (0, Version.parse(version), version)
    except ValueError:
        return (1, Version(0, 0, 0), version)


def _sort_value(value) -> tuple:
    """A sort key for group values of any type: None first, then numbers, text, tuples."""
    if value is None:
        return (0,)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, tuple):
        return (3, tuple(_sort_value(v) for v in value))
    return (2, str(value))


@dataclass
class _Occasion:
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


def _occasions(
    records: Iterable[FidelityRecord], key: Callable, collapse_raters: bool
) -> dict[tuple, list[_Occasion]]:
    """Records -> {(checklist id, version, group value): [occasions]}."""
    groups: dict[tuple, dict[Hashable, _Occasion]] = {}
    for index, record in enumerate(records):
        group = (record.checklist_id, record.checklist_version, key(record))
        occasion_key = record.occasion if collapse_raters else None
        if occasion_key is None:
            occasion_key = ("record", index)
        occasions = groups.setdefault(group, {})
        occasion = occasions.get(occasion_key)
        if occasion is None:
            occasion = occasions[occasion_key] = _Occasion(record)
        occasion.add(record)
    return {group: list(occasions.values()) for group, occasions in groups.items()}


def _filter(records, checklist_id, checklist_version) -> list[FidelityRecord]:
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


def _item_ids(occasions: Iterable[_Occasion]) -> list[str]:
    seen: dict[str, None] = {}
    for occasion in occasions:
        for item_id in occasion.first.scores:
            seen.setdefault(item_id, None)
        for item_id in (*occasion.items, *occasion.not_applicable):
            seen.setdefault(item_id, None)
    return list(seen)


# --- summaries of a group -------------------------------------------------------------------


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
        return _jsonable(data)


@lru_cache(maxsize=4096)
def _t_quantile(p: float, df: float) -> float:
    return float(stats.t.ppf(p, df))


def _stdev(values: Sequence[float], mean: float) -> float:
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
    sd = _stdev(values, mean)
    half = _t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
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


def _rated(occasion: _Occasion, item_id: str) -> bool:
    return item_id in occasion.items or item_id in occasion.not_applicable


def _sorted(figures, by_item: bool = False):
    def key(f):
        return (
            f.checklist_id,
            _version_key(f.checklist_version),
            (getattr(f, "item_id", None) or "") if by_item else "",
            _sort_value(f.group),
        )

    return sorted(figures, key=key)


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
    settings = _settings(settings)
    records = _filter(records, checklist_id, checklist_version)
    key, label = _key_function(by, records)
    groups = _occasions(records, key, collapse_raters)
    return _sorted(_figure(g, label, occasions, settings) for g, occasions in groups.items())


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
    settings = _settings(settings)
    records = _filter(records, checklist_id, checklist_version)
    key, label = _key_function(by, records)
    figures = []
    for group_key, occasions in _occasions(records, key, collapse_raters).items():
        for item_id in _item_ids(occasions):
            rated = [o for o in occasions if _rated(o, item_id)]
            figures.append(_figure(group_key, label, rated, settings, item_id=item_id))
    return _sorted(figures, by_item=True)


# --- cascade drift --------------------------------------------------------------------------


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
    v1 = _stdev(earlier, math.fsum(earlier) / n1) ** 2
    v2 = _stdev(later, math.fsum(later) / n2) ** 2
    a, b = v1 / n1, v2 / n2
    if a + b == 0:
        raise ValueError("both groups have no spread, so there is no interval")
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    difference = math.fsum(later) / n2 - math.fsum(earlier) / n1
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
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
        return _jsonable(asdict(self))


def _summary(values: Sequence[float]) -> GenerationSummary:
    n = len(values)
    mean = math.fsum(values) / n if n else None
    return GenerationSummary(n=n, mean=mean, sd=_stdev(values, mean) if n >= 2 else None)


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


def section_occasions(records: Sequence[FidelityRecord],
                      record_percents: list | None = None) -> list[_Occasion]:
    """The occasions of one checklist version's records, raters pooled: computed once, then
    grouped many ways by occasion_figures/occasion_drift (same figures as aggregate,
    item_figures, cascade_drift and item_drift for any grouping fixed by the occasion)."""
    keys = {r.key for r in records}
    if len(keys) > 1:
        raise ValueError(f"records of one checklist version expected, got {sorted(keys)}")
    occasions: dict[Hashable, _Occasion] = {}
    for index, record in enumerate(records):
        key = record.occasion if record.occasion is not None else ("record", index)
        occasion = occasions.get(key)
        if occasion is None:
            occasion = occasions[key] = _Occasion(record)
        percent = occasion.add(record)
        if record_percents is not None:
            record_percents.append((record, percent))
    return list(occasions.values())


def record_figures(record_percents: Sequence[tuple[FidelityRecord, float | None]], by: str,
                   settings: FidelitySettings | None = None) -> list[Figure]:
    """aggregate(records, by, collapse_raters=False) from the records' own fidelity % as
    section_occasions collected them: each record counts on its own (e.g. by rater role)."""
    settings = _settings(settings)
    groups: dict[tuple, list] = {}
    for record, percent in record_percents:
        groups.setdefault((record.checklist_id, record.checklist_version, record.get(by)), []).append(percent)
    return _sorted(_figure_of(group_key, by, values, len(values), settings) for group_key, values in groups.items())


def _group(occasions: Sequence[_Occasion], by: str | None) -> dict[tuple, list[_Occasion]]:
    groups: dict[tuple, list[_Occasion]] = {}
    for occasion in occasions:
        first = occasion.first
        groups.setdefault((first.checklist_id, first.checklist_version,
                           None if by is None else first.get(by)), []).append(occasion)
    return groups


def occasion_figures(occasions: Sequence[_Occasion], by: str | None = None, *, items: bool = False,
                     settings: FidelitySettings | None = None) -> list[Figure]:
    """aggregate() (or item_figures() with items=True) over precomputed occasions, grouped by
    an attribute that is the same for every record of an occasion (site, generation, person...)."""
    settings = _settings(settings)
    figures = []
    for group_key, group in _group(occasions, by).items():
        if not items:
            figures.append(_figure(group_key, by, group, settings))
            continue
        values, n_records = _item_values(group)
        for item_id in _item_ids(group):
            figures.append(_figure_of(group_key, by, values[item_id], n_records[item_id], settings, item_id))
    return _sorted(figures, by_item=items)


def _item_values(occasions: Sequence[_Occasion]) -> tuple[dict[str, list], dict[str, int]]:
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


def occasion_drift(occasions: Sequence[_Occasion], by: str | None = None, *, items: bool = False,
                   settings: FidelitySettings | None = None) -> list[Drift]:
    """cascade_drift() (or item_drift() with items=True) over precomputed occasions."""
    settings = _settings(settings)
    split: dict[tuple, dict[int, list[_Occasion]]] = {}
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
        values1, _ = _item_values(generations[1])
        values2, _ = _item_values(generations[2])
        for item_id in _item_ids([*generations[1], *generations[2]]):
            gen1 = [v for v in values1.get(item_id, ()) if v is not None]
            gen2 = [v for v in values2.get(item_id, ()) if v is not None]
            result.append(_drift(group_key, by, gen1, gen2, settings, item_id=item_id))
    return _sorted(result, by_item=items)


def _by_generation(records, by, collapse_raters):
    """{(id, version, group): {1: [occasions], 2: [occasions]}} for generations 1 and 2."""
    records = [r for r in records if r.generation in (1, 2)]
    key, label = _key_function(by, records)
    split: dict[tuple, dict[int, list[_Occasion]]] = {}
    for (checklist_id, version, composite), occasions in _occasions(
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
    settings = _settings(settings)
    records = _filter(records, checklist_id, checklist_version)
    split, label = _by_generation(records, by, collapse_raters)
    result = []
    for group_key, generations in split.items():
        gen1 = [o.percent for o in generations[1] if o.percent is not None]
        gen2 = [o.percent for o in generations[2] if o.percent is not None]
        result.append(_drift(group_key, label, gen1, gen2, settings))
    return _sorted(result)


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
    settings = _settings(settings)
    records = _filter(records, checklist_id, checklist_version)
    split, label = _by_generation(records, by, collapse_raters)
    result = []
    for group_key, generations in split.items():
        for item_id in _item_ids([*generations[1], *generations[2]]):
            gen1 = [v for o in generations[1] if (v := o.item_percent(item_id)) is not None]
            gen2 = [v for o in generations[2] if (v := o.item_percent(item_id)) is not None]
            result.append(_drift(group_key, label, gen1, gen2, settings, item_id=item_id))
    return _sorted(result, by_item=True)


# --- inter-rater agreement ------------------------------------------------------------------


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
        return _jsonable(asdict(self))


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
    settings = _settings(settings)
    records = _filter(records, checklist_id, checklist_version)
    key, label = _key_function(by, records)
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
    return _sorted(result)


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


# --- JSON -----------------------------------------------------------------------------------


def _jsonable(value):
    """Tuples to lists, other keys to text, so json.dumps works on any figure's to_dict()."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
