"""Time point windows and due/overdue states, with a frozen clock across the window edges."""

from __future__ import annotations

import datetime as dt

import pytest

from cascade.assessments.instrument_model import LICENSED_TEXT_ENV, TimePoint
from cascade.assessments.instruments import load_instruments
from cascade.stats.schedule import (
    Status,
    Window,
    assessments_due,
    schedule,
    time_point_status,
    window_for,
)

D = dt.date
BASELINE = TimePoint("baseline", "Baseline", "matched", 0, 0, 14)
END_OF_SUPPORT = TimePoint("end_of_support", "End of support", "support_end", 0, 14, 14)
MONTH_6 = TimePoint("month_6", "6 months", "matched", 182, 14, 28)
BEFORE_TRAINING = TimePoint("before_training", "Before training", "training_start", 0, 28, 0)
ANCHORS = {"matched": D(2027, 3, 1), "support_end": D(2027, 6, 1)}


@pytest.fixture(autouse=True)
def no_licensed_text(monkeypatch):
    monkeypatch.delenv(LICENSED_TEXT_ENV, raising=False)


def status(point, today, **kwargs):
    return time_point_status(point, ANCHORS | {"training_start": D(2027, 4, 10)}, today,
                             **kwargs)


def test_windows():
    assert window_for(BASELINE, D(2027, 3, 1)) == Window(D(2027, 3, 1), D(2027, 3, 1),
                                                         D(2027, 3, 15))
    end = window_for(END_OF_SUPPORT, D(2027, 6, 1))
    assert (end.opens, end.target, end.closes) == (D(2027, 5, 18), D(2027, 6, 1), D(2027, 6, 15))
    six = window_for(MONTH_6, D(2027, 3, 1))
    assert (six.opens, six.target, six.closes) == (D(2027, 8, 16), D(2027, 8, 30), D(2027, 9, 27))
    before = window_for(BEFORE_TRAINING, D(2027, 4, 10))
    assert (before.opens, before.closes) == (D(2027, 3, 13), D(2027, 4, 10))


@pytest.mark.parametrize(("today", "expected"), [
    (D(2027, 2, 21), Status.NOT_YET_DUE),  # opens in 8 days: more than 7
    (D(2027, 2, 22), Status.DUE_SOON),  # opens in 7 days
    (D(2027, 2, 28), Status.DUE_SOON),  # the day before opening
    (D(2027, 3, 1), Status.DUE),  # opening day
    (D(2027, 3, 15), Status.DUE),  # closing day
    (D(2027, 3, 16), Status.OVERDUE),  # the day after closing
])
def test_baseline_across_the_window_edges(today, expected):
    assert status(BASELINE, today).status is expected


@pytest.mark.parametrize(("today", "expected"), [
    (D(2027, 5, 10), Status.NOT_YET_DUE),
    (D(2027, 5, 17), Status.DUE_SOON),  # the day before opening
    (D(2027, 5, 18), Status.DUE),  # opening day (14 days before the end of support)
    (D(2027, 6, 15), Status.DUE),  # closing day
    (D(2027, 6, 16), Status.OVERDUE),  # the day after closing
])
def test_end_of_support_across_the_window_edges(today, expected):
    assert status(END_OF_SUPPORT, today).status is expected


@pytest.mark.parametrize(("today", "expected"), [
    (D(2027, 3, 12), Status.DUE_SOON),
    (D(2027, 3, 13), Status.DUE),
    (D(2027, 4, 10), Status.DUE),  # the first training day is the last day to do it
    (D(2027, 4, 11), Status.OVERDUE),
])
def test_before_training_across_the_window_edges(today, expected):
    assert status(BEFORE_TRAINING, today).status is expected


def test_due_soon_days_is_configurable():
    assert status(BASELINE, D(2027, 2, 28), due_soon_days=0).status is Status.NOT_YET_DUE
    assert status(BASELINE, D(2027, 2, 15), due_soon_days=14).status is Status.DUE_SOON
    assert status(BASELINE, D(2027, 2, 14), due_soon_days=14).status is Status.NOT_YET_DUE
    with pytest.raises(ValueError):
        status(BASELINE, D(2027, 3, 1), due_soon_days=-1)


def test_details_for_people_reading_a_dashboard():
    soon = status(BASELINE, D(2027, 2, 26))
    assert soon.days_until_open == 3 and soon.reason == "opens in 3 day(s)"
    last = status(BASELINE, D(2027, 3, 15))
    assert last.reason == "due: last day of the window" and last.actionable
    late = status(BASELINE, D(2027, 3, 20))
    assert late.days_overdue == 5 and late.actionable


def test_done_in_and_outside_the_window():
    inside = status(BASELINE, D(2027, 4, 1), done_on=D(2027, 3, 10))
    assert inside.status is Status.DONE and inside.in_window is True
    late = status(BASELINE, D(2027, 4, 1), done_on=D(2027, 3, 20))
    assert late.status is Status.DONE and late.in_window is False
    assert late.reason == "done outside its window"
    undated = status(BASELINE, D(2027, 4, 1), done=True)
    assert undated.status is Status.DONE and undated.in_window is None


def test_unknown_anchor_is_not_yet_due():
    state = time_point_status(END_OF_SUPPORT, {"matched": D(2027, 3, 1)}, D(2027, 9, 1))
    assert state.status is Status.NOT_YET_DUE and state.window is None
    assert state.reason == "the support end date is not known yet"


def test_schedule_with_done_dates():
    states = schedule([BASELINE, END_OF_SUPPORT, MONTH_6], ANCHORS, D(2027, 6, 16),
                      done={"baseline": D(2027, 3, 2)})
    assert [s.status for s in states] == [Status.DONE, Status.OVERDUE, Status.NOT_YET_DUE]
    as_ids = schedule([BASELINE], ANCHORS, D(2027, 6, 16), done={"baseline"})
    assert as_ids[0].status is Status.DONE


def test_assessments_due_for_a_carer_and_a_cps(repo_root):
    registry = load_instruments(repo_root / "assessments", licensed_text=None)
    carer = assessments_due(registry, "carer", ANCHORS, D(2027, 3, 5),
                            completed={("carerqol-7d", "baseline"): D(2027, 3, 2)})
    by_key = {(d.instrument_id, d.state.time_point_id): d.state.status for d in carer}
    assert set(by_key) == {(i, t) for i in ("carerqol-7d", "csri-carer", "eq-5d-5l", "swemwbs")
                           for t in ("baseline", "end_of_support", "month_6")}
    assert by_key[("carerqol-7d", "baseline")] is Status.DONE
    assert by_key[("swemwbs", "baseline")] is Status.DUE
    assert by_key[("eq-5d-5l", "month_6")] is Status.NOT_YET_DUE

    cps = assessments_due(registry, "cps", {"training_start": D(2027, 4, 10),
                                            "training_end": D(2027, 5, 20)}, D(2027, 5, 21))
    by_key = {(d.instrument_id, d.state.time_point_id): d.state.status for d in cps}
    assert by_key == {
        ("swemwbs", "before_training"): Status.OVERDUE,
        ("swemwbs", "after_training"): Status.DUE,
        ("swemwbs", "after_caseload"): Status.NOT_YET_DUE,  # caseload end not known yet
        ("cps-wellbeing-check", "after_training"): Status.DUE,
    }
