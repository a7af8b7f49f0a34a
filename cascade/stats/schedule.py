"""Assessment time points: windows and what is due, given anchor dates and today.

A time point is due `offset_days` after its anchor date (for example the day a carer was
matched). Its window runs from `window_before_days` before that target day to
`window_after_days` after it, both ends included. On a given day each time point is:

- not_yet_due: the window opens later than `due_soon_days` from today (or the anchor date is
  not known yet, for example a carer not matched yet);
- due_soon: the window opens within `due_soon_days` days (1..N days from today);
- due: today is inside the window (opening day and closing day included);
- overdue: the window has closed and the assessment was not done;
- done: it was done (whenever; `in_window` says whether it was done inside the window).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_DUE_SOON_DAYS = 7


class Status(StrEnum):
    NOT_YET_DUE = "not_yet_due"
    DUE_SOON = "due_soon"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Window:
    opens: dt.date
    target: dt.date
    closes: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.opens <= day <= self.closes


@dataclass(frozen=True)
class TimePointState:
    time_point_id: str
    label: str
    status: Status
    window: Window | None
    reason: str = ""
    days_until_open: int | None = None  # > 0 while not open yet
    days_overdue: int | None = None  # days since the window closed, when overdue
    done_on: dt.date | None = None
    in_window: bool | None = None  # for done: was it done inside the window?

    @property
    def actionable(self) -> bool:
        return self.status in (Status.DUE, Status.OVERDUE)


@dataclass(frozen=True)
class DueAssessment:
    instrument_id: str
    state: TimePointState


def _date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, not {value!r}")


def window_for(time_point, anchor_date: dt.date) -> Window:
    """The window of a time point (anything with offset_days and window_*_days)."""
    anchor_date = _date(anchor_date)
    target = anchor_date + dt.timedelta(days=time_point.offset_days)
    return Window(target - dt.timedelta(days=time_point.window_before_days), target,
                  target + dt.timedelta(days=time_point.window_after_days))


def time_point_status(time_point, anchors: Mapping, today: dt.date, *, done_on=None,
                      done: bool = False,
                      due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> TimePointState:
    """The state of one time point on `today`.

    `anchors` maps anchor names (matched, support_end, training_start, ...) to dates; a missing
    or None anchor means "not known yet". `done_on` is the date it was done (or pass done=True
    when the date does not matter).
    """
    if due_soon_days < 0:
        raise ValueError("due_soon_days must be 0 or more")
    today = _date(today)
    done_on = _date(done_on)
    anchor = _date(anchors.get(time_point.anchor))
    window = window_for(time_point, anchor) if anchor is not None else None
    tp_id, label = time_point.id, time_point.label
    if done or done_on is not None:
        in_window = (done_on in window) if (window is not None and done_on is not None) else None
        reason = "" if in_window in (True, None) else "done outside its window"
        return TimePointState(tp_id, label, Status.DONE, window, reason, done_on=done_on,
                              in_window=in_window)
    if window is None:
        return TimePointState(tp_id, label, Status.NOT_YET_DUE, None,
                              f"the {time_point.anchor.replace('_', ' ')} date is not known yet")
    if today < window.opens:
        days = (window.opens - today).days
        status = Status.DUE_SOON if days <= due_soon_days else Status.NOT_YET_DUE
        return TimePointState(tp_id, label, status, window, f"opens in {days} day(s)",
                              days_until_open=days)
    if today <= window.closes:
        left = (window.closes - today).days
        return TimePointState(tp_id, label, Status.DUE, window,
                              f"due: window closes in {left} day(s)" if left else
                              "due: last day of the window")
    late = (today - window.closes).days
    return TimePointState(tp_id, label, Status.OVERDUE, window,
                          f"window closed {late} day(s) ago", days_overdue=late)


def schedule(time_points: Iterable, anchors: Mapping, today: dt.date, *,
             done: Mapping | Collection = (),
             due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> list[TimePointState]:
    """The state of each time point. `done` is either a mapping time point id -> date done,
    or a collection of the ids done."""
    states = []
    for point in time_points:
        if isinstance(done, Mapping):
            done_on = done.get(point.id)
            is_done = point.id in done
        else:
            done_on, is_done = None, point.id in done
        states.append(time_point_status(point, anchors, today, done_on=done_on, done=is_done,
                                        due_soon_days=due_soon_days))
    return states


def assessments_due(instruments: Iterable, respondent: str, anchors: Mapping, today: dt.date,
                    *, completed: Mapping | Collection = (),
                    due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> list[DueAssessment]:
    """For one person: every scheduled (instrument, time point) that applies to them.

    `instruments` are Instrument objects (e.g. a registry); only those filled in by
    `respondent` and only time points whose anchor belongs to that respondent are listed.
    `completed` maps (instrument id, time point id) -> date done, or is a collection of such
    pairs.
    """
    result = []
    for instrument in instruments:
        if respondent not in instrument.respondents:
            continue
        for point in instrument.time_points:
            if point.respondent != respondent:
                continue
            key = (instrument.id, point.id)
            if isinstance(completed, Mapping):
                done_on, is_done = completed.get(key), key in completed
            else:
                done_on, is_done = None, key in completed
            state = time_point_status(point, anchors, today, done_on=done_on, done=is_done,
                                      due_soon_days=due_soon_days)
            result.append(DueAssessment(instrument.id, state))
    return result
