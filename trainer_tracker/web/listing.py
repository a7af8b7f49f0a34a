"""Lists shown a page at a time, filtered and searched on the server, in a stable order.

    page = listing.paged(query.order_by(Person.family_name, Person.id))
    return render_template(..., page=page, filters=listing.current_filters(FILTERS))

A page is at most PAGE_SIZE rows; `total` is counted unless the list is too long to count cheaply
(the audit log), when only "newer" and "older" links are shown.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from flask import current_app, request, url_for

from .paging import MAX_PAGE, page_number

PAGE_SIZE = 50
MAX_SEARCH = 80  # characters of a search box that are used


@dataclass
class Page:
    rows: list
    number: int
    size: int
    total: int | None  # None: not counted
    more: bool

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    def pagination(self, endpoint: str, **values) -> dict | None:
        """Parameters for the NHS.UK pagination component, keeping the filters in every link."""
        args = {**current_args(), **values}

        def href(number: int) -> str:
            return url_for(endpoint, **{**args, "page": number})

        params: dict = {}
        if self.number > 1:
            params["previous"] = {"href": href(self.number - 1), "labelText": "Previous"}
        if self.more:
            params["next"] = {"href": href(self.number + 1), "labelText": "Next"}
        if self.pages is not None and self.pages > 1:
            params["items"] = [{"number": n, "href": href(n), "current": n == self.number} if n else {"ellipsis": True}
                               for n in _window(self.number, self.pages)]
        return params or None


def _window(current: int, pages: int) -> list[int]:
    """Page numbers to show: first, last, and two either side of the current one (0 = gap)."""
    wanted = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    shown: list[int] = []
    for n in wanted:
        if shown and n - shown[-1] > 1:
            shown.append(0)
        shown.append(n)
    return shown


def paged(query, size: int | None = None, count: bool = True) -> Page:
    """One page of an ordered query (the page number from ?page=)."""
    size = size or int(current_app.config.get("PAGE_SIZE", PAGE_SIZE))
    number = page_number()
    if count:
        total = query.count()
        pages = max(1, math.ceil(total / size))
        number = min(number, pages)
        rows = list(query.paginate(number, size))
        return Page(rows, number, size, total, number < pages)
    rows = list(query.offset((number - 1) * size).limit(size + 1))  # one more: is there a next page?
    return Page(rows[:size], number, size, None, len(rows) > size and number < MAX_PAGE)


def current_args() -> dict:
    """The list's filters from the query string (without the page number)."""
    return {k: v for k, v in request.args.items() if k != "page" and v and len(v) <= 200}


def search_text(name: str = "q") -> str:
    """The search box's words, trimmed (empty: no search)."""
    return " ".join((request.args.get(name) or "").split())[:MAX_SEARCH]


def choice(name: str, allowed) -> str:
    """A filter value that is one of `allowed` (anything else reads as no filter)."""
    value = (request.args.get(name) or "").strip()
    return value if value in allowed else ""


def date_arg(name: str) -> dt.date | None:
    """A YYYY-MM-DD filter date, or None when absent or not a date in the programme's range."""
    value = (request.args.get(name) or "").strip()
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1) else None


def contains(column, text: str):
    """`column` contains the words typed (case-insensitive; wildcards typed are taken literally)."""
    return column.contains(text)
