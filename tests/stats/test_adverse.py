"""Adverse events: classification and the sponsor (24 hours) and REC (15 days) clocks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cascade.stats.adverse import (
    SERIOUSNESS_CRITERIA,
    AdverseEvent,
    AdverseEventError,
    classify,
    overdue_reports,
    required_reports,
)

AWARE = dt.datetime(2027, 1, 10, 9, 0)
ONSET = dt.datetime(2027, 1, 9, 22, 30)
M = dt.timedelta(minutes=1)


def event(*criteria, relatedness="not_related", expectedness="expected", affected="carer",
          aware=AWARE, onset=ONSET):
    return AdverseEvent(affected, onset, aware, frozenset(criteria), relatedness, expectedness)


def reports(ev, now, reported=None):
    return {r.recipient: r for r in required_reports(ev, now, reported)}


def test_seriousness_criteria():
    assert set(SERIOUSNESS_CRITERIA) == {"death", "life_threatening", "hospitalisation",
                                         "disability", "congenital_anomaly",
                                         "medically_significant"}


def test_non_serious_event_needs_no_expedited_report():
    ev = event(relatedness="definitely", expectedness="unexpected")
    assert classify(ev).category == "adverse event (not serious)"
    assert required_reports(ev, AWARE + dt.timedelta(days=30)) == []


@pytest.mark.parametrize(("relatedness", "expectedness", "recipients", "category"), [
    ("not_related", "unexpected", ("sponsor",), "serious adverse event"),
    ("unlikely", "unexpected", ("sponsor",), "serious adverse event"),
    ("possibly", "expected", ("sponsor",), "serious adverse event"),
    ("possibly", "unexpected", ("sponsor", "rec"),
     "related and unexpected serious adverse event"),
    ("definitely", "unexpected", ("sponsor", "rec"),
     "related and unexpected serious adverse event"),
])
def test_classification(relatedness, expectedness, recipients, category):
    result = classify(event("hospitalisation", relatedness=relatedness,
                            expectedness=expectedness))
    assert result.serious and result.reports == recipients and result.category == category
    assert result.reasons == ("needed hospital admission or made a hospital stay longer",)


@pytest.mark.parametrize(("elapsed", "overdue"), [
    (dt.timedelta(hours=23, minutes=59), False),
    (dt.timedelta(hours=24), False),  # exactly 24 hours: still in time
    (dt.timedelta(hours=24, minutes=1), True),
])
def test_sponsor_clock_at_24_hours(elapsed, overdue):
    sponsor = reports(event("life_threatening", affected="patient"), AWARE + elapsed)["sponsor"]
    assert sponsor.deadline == dt.datetime(2027, 1, 11, 9, 0)
    assert sponsor.overdue is overdue
    assert sponsor.status == ("overdue" if overdue else "due")
    assert sponsor.time_left == dt.timedelta(hours=24) - elapsed


@pytest.mark.parametrize(("elapsed", "overdue"), [
    (dt.timedelta(days=14, hours=23, minutes=59), False),
    (dt.timedelta(days=15), False),  # exactly 15 days: still in time
    (dt.timedelta(days=15, minutes=1), True),
    (dt.timedelta(days=16), True),
])
def test_rec_clock_at_15_days(elapsed, overdue):
    ev = event("medically_significant", relatedness="probably", expectedness="unexpected")
    result = reports(ev, AWARE + elapsed)
    assert result["rec"].deadline == dt.datetime(2027, 1, 25, 9, 0)
    assert result["rec"].overdue is overdue
    assert result["sponsor"].overdue  # the sponsor's 24 hours passed long ago


def test_reports_made_stop_the_clock():
    ev = event("death", relatedness="possibly", expectedness="unexpected")
    now = AWARE + dt.timedelta(days=20)
    result = reports(ev, now, {"sponsor": AWARE + dt.timedelta(hours=3),
                               "rec": AWARE + dt.timedelta(days=15, minutes=1)})
    assert result["sponsor"].status == "reported" and not result["sponsor"].overdue
    assert result["rec"].status == "reported_late" and not result["rec"].overdue
    on_the_dot = reports(ev, now, {"sponsor": AWARE + dt.timedelta(hours=24)})
    assert on_the_dot["sponsor"].status == "reported"
    assert on_the_dot["rec"].status == "overdue"


def test_clock_counts_real_hours_across_the_change_to_summer_time():
    london = ZoneInfo("Europe/London")
    aware = dt.datetime(2027, 3, 27, 12, 0, tzinfo=london)  # GMT; clocks go forward overnight
    ev = event("hospitalisation", aware=aware, onset=aware - dt.timedelta(hours=2))
    sponsor = reports(ev, aware)["sponsor"]
    assert sponsor.deadline == dt.datetime(2027, 3, 28, 13, 0, tzinfo=london)  # BST
    assert not reports(ev, dt.datetime(2027, 3, 28, 12, 30, tzinfo=london))["sponsor"].overdue
    assert not reports(ev, dt.datetime(2027, 3, 28, 13, 0, tzinfo=london))["sponsor"].overdue
    assert reports(ev, dt.datetime(2027, 3, 28, 13, 1, tzinfo=london))["sponsor"].overdue
    in_utc = dt.datetime(2027, 3, 28, 12, 0, 30, tzinfo=dt.UTC)  # 13:00:30 BST
    assert reports(ev, in_utc)["sponsor"].overdue


def test_overdue_reports_across_events():
    serious = event("disability")
    minor = event()
    now = AWARE + dt.timedelta(hours=25)
    found = overdue_reports([("AE-1", serious, None), ("AE-2", minor, None),
                             ("AE-3", serious, {"sponsor": AWARE})], now)
    assert [(key, r.recipient) for key, r in found] == [("AE-1", "sponsor")]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"affected": "visitor"}, "affected must be one of carer, cps, patient"),
    ({"relatedness": "maybe"}, "relatedness must be one of"),
    ({"expectedness": "surprising"}, "expectedness must be expected or unexpected"),
    ({"onset": AWARE + M}, "aware_at is before onset"),
    ({"onset": ONSET.replace(tzinfo=dt.UTC)}, "both have a time zone or both have none"),
])
def test_invalid_events_are_refused(kwargs, message):
    with pytest.raises(AdverseEventError, match=message):
        event("death", **kwargs)


def test_unknown_seriousness_criterion_is_refused():
    with pytest.raises(AdverseEventError, match="unknown seriousness criterion fainting"):
        event("fainting")


def test_now_must_match_the_events_time_zone_kind():
    with pytest.raises(AdverseEventError):
        required_reports(event("death"), AWARE.replace(tzinfo=dt.UTC))
