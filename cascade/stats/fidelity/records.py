"""Fidelity records and the score of one record, and the programme's fidelity settings.

One record is one rater's scores for one checklist on one occasion (a module delivery or a
support contact). Items score 0 (not done), 1 (partly), 2 (fully) or None (not applicable).
The methods, and why they were chosen, are written up for programme leads in docs/fidelity.md.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ...content.semver import Version

SCORES = (0, 1, 2)
MAX_ITEM_SCORE = 2
CONFIDENCE = 0.95
BANDS = ("low", "moderate", "high")


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


def settings_or_default(settings: FidelitySettings | None) -> FidelitySettings:
    return settings if settings is not None else FidelitySettings.from_programme()


def band(percent: float | None, settings: FidelitySettings | None = None) -> str | None:
    """The band of a fidelity % under the programme's settings (see FidelitySettings)."""
    return settings_or_default(settings).band(percent)


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
        if name in FIELD_NAMES:
            return getattr(self, name)
        return self.extra.get(name)


FIELD_NAMES = {f.name for f in fields(FidelityRecord)} - {"extra", "scores"}


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
        band=settings_or_default(settings).band(percent) if percent is not None else None,
    )


def score_record(record: FidelityRecord, settings: FidelitySettings | None = None) -> RecordScore:
    return score_items(record.scores, settings)


def jsonable(value):
    """Tuples to lists, other keys to text, so json.dumps works on any figure's to_dict()."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
