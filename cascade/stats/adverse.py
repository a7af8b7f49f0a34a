"""Adverse events: classification and the reporting clocks.

An event is serious when it meets at least one seriousness criterion (death, life-threatening,
hospitalisation or prolonged stay, persistent or significant disability or incapacity,
congenital anomaly or birth defect, otherwise medically significant).

Clocks, counted from the moment the research team became aware of the event:
- sponsor: every serious event, within 24 hours (the sponsor's convention);
- REC (the research ethics committee): a serious event that is related to the study AND
  unexpected, within 15 days (HRA/REC procedure for studies other than drug trials).

A deadline is met by a report made at or before the deadline; it is overdue at any moment
after it. Times are exact elapsed time: with time-zone-aware datetimes the clock counts real
hours across a clock change (summer time), not wall-clock hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SERIOUSNESS_CRITERIA: dict[str, str] = {
    "death": "resulted in death",
    "life_threatening": "was life-threatening",
    "hospitalisation": "needed hospital admission or made a hospital stay longer",
    "disability": "caused persistent or significant disability or incapacity",
    "congenital_anomaly": "was a congenital anomaly or birth defect",
    "medically_significant": "was otherwise medically significant (important medical event)",
}
# Causality levels; possibly, probably and definitely count as related.
RELATEDNESS: dict[str, bool] = {
    "not_related": False,
    "unlikely": False,
    "possibly": True,
    "probably": True,
    "definitely": True,
}
EXPECTEDNESS = ("expected", "unexpected")
AFFECTED = ("carer", "cps", "patient")

SPONSOR_DEADLINE = dt.timedelta(hours=24)
REC_DEADLINE = dt.timedelta(days=15)
RECIPIENTS = ("sponsor", "rec")


class AdverseEventError(ValueError):
    """The event record is not valid; the message names the field."""


@dataclass(frozen=True)
class AdverseEvent:
    affected: str  # carer, cps or patient
    onset: dt.datetime
    aware_at: dt.datetime  # when the research team became aware of it
    seriousness: frozenset = field(default_factory=frozenset)  # criteria met; empty = not serious
    relatedness: str = "not_related"
    expectedness: str = "expected"

    def __post_init__(self):
        if self.affected not in AFFECTED:
            raise AdverseEventError(f"affected must be one of {', '.join(AFFECTED)}, "
                                    f"not {self.affected!r}")
        object.__setattr__(self, "seriousness", frozenset(self.seriousness))
        unknown = sorted(c for c in self.seriousness if c not in SERIOUSNESS_CRITERIA)
        if unknown:
            raise AdverseEventError(f"unknown seriousness criterion {', '.join(unknown)}; use "
                                    f"{', '.join(SERIOUSNESS_CRITERIA)}")
        if self.relatedness not in RELATEDNESS:
            raise AdverseEventError(f"relatedness must be one of {', '.join(RELATEDNESS)}, "
                                    f"not {self.relatedness!r}")
        if self.expectedness not in EXPECTEDNESS:
            raise AdverseEventError(f"expectedness must be expected or unexpected, "
                                    f"not {self.expectedness!r}")
        for name in ("onset", "aware_at"):
            if not isinstance(getattr(self, name), dt.datetime):
                raise AdverseEventError(f"{name} must be a date and time")
        _same_kind(self.onset, self.aware_at, "onset", "aware_at")
        if _utc(self.aware_at) < _utc(self.onset):
            raise AdverseEventError("aware_at is before onset: the team cannot know of an event "
                                    "before it starts")

    @property
    def serious(self) -> bool:
        return bool(self.seriousness)

    @property
    def related(self) -> bool:
        return RELATEDNESS[self.relatedness]

    @property
    def unexpected(self) -> bool:
        return self.expectedness == "unexpected"


@dataclass(frozen=True)
class Classification:
    serious: bool
    related: bool
    unexpected: bool
    category: str  # adverse event / serious adverse event / related and unexpected serious ...
    reports: tuple[str, ...]  # recipients: sponsor, rec
    reasons: tuple[str, ...]  # the seriousness criteria met, in words


@dataclass(frozen=True)
class RequiredReport:
    recipient: str  # sponsor or rec
    deadline: dt.datetime
    overdue: bool  # not reported and now is after the deadline
    status: str  # due, overdue, reported, reported_late
    reported_at: dt.datetime | None = None
    time_left: dt.timedelta | None = None  # until the deadline (negative when overdue)

    @property
    def label(self) -> str:
        return {"sponsor": "Sponsor", "rec": "Research ethics committee (REC)"}[self.recipient]


def classify(event: AdverseEvent) -> Classification:
    reports: list[str] = []
    if event.serious:
        reports.append("sponsor")
        if event.related and event.unexpected:
            reports.append("rec")
            category = "related and unexpected serious adverse event"
        else:
            category = "serious adverse event"
    else:
        category = "adverse event (not serious)"
    reasons = tuple(SERIOUSNESS_CRITERIA[c] for c in SERIOUSNESS_CRITERIA
                    if c in event.seriousness)
    return Classification(event.serious, event.related, event.unexpected, category,
                          tuple(reports), reasons)


def _same_kind(a: dt.datetime, b: dt.datetime, name_a: str, name_b: str) -> None:
    if (a.tzinfo is None) != (b.tzinfo is None):
        raise AdverseEventError(f"{name_a} and {name_b} must both have a time zone or both "
                                "have none")


def add_elapsed(start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """start + delta in real elapsed time (aware datetimes are added in UTC)."""
    if start.tzinfo is None:
        return start + delta
    return (start.astimezone(dt.UTC) + delta).astimezone(start.tzinfo)


def _utc(moment: dt.datetime) -> dt.datetime:
    """Aware datetimes in UTC, so that comparisons and differences are real elapsed time
    (Python compares two datetimes sharing one tzinfo by wall clock)."""
    return moment if moment.tzinfo is None else moment.astimezone(dt.UTC)


def deadline_for(event: AdverseEvent, recipient: str) -> dt.datetime:
    if recipient not in RECIPIENTS:
        raise ValueError(f"unknown recipient {recipient!r}; use sponsor or rec")
    delta = SPONSOR_DEADLINE if recipient == "sponsor" else REC_DEADLINE
    return add_elapsed(event.aware_at, delta)


def required_reports(event: AdverseEvent, now: dt.datetime,
                     reported: Mapping[str, dt.datetime] | None = None) -> list[RequiredReport]:
    """Each report the event needs, its deadline and whether it is overdue at `now`.

    `reported` maps recipient (sponsor, rec) -> when that report was made. A non-serious event
    needs no expedited report (it is recorded in the study's log): the list is empty.
    """
    reported = dict(reported or {})
    _same_kind(event.aware_at, now, "aware_at", "now")
    for recipient, when in reported.items():
        if recipient not in RECIPIENTS:
            raise ValueError(f"unknown recipient {recipient!r}; use sponsor or rec")
        _same_kind(event.aware_at, when, "aware_at", f"reported[{recipient!r}]")
    result = []
    for recipient in classify(event).reports:
        deadline = deadline_for(event, recipient)
        when = reported.get(recipient)
        if when is not None:
            status = "reported" if _utc(when) <= _utc(deadline) else "reported_late"
            result.append(RequiredReport(recipient, deadline, False, status, when))
            continue
        overdue = _utc(now) > _utc(deadline)
        result.append(RequiredReport(recipient, deadline, overdue,
                                     "overdue" if overdue else "due", None,
                                     _utc(deadline) - _utc(now)))
    return result


def overdue_reports(events: Iterable[tuple[object, AdverseEvent, Mapping | None]],
                    now: dt.datetime) -> list[tuple[object, RequiredReport]]:
    """For a dashboard: (event key, report) for every overdue report among many events."""
    found = []
    for key, event, reported in events:
        for report in required_reports(event, now, reported):
            if report.overdue:
                found.append((key, report))
    return found
