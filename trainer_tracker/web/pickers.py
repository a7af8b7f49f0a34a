"""Choosing one record among possibly thousands: a plain select when the choices allowed here are
few; otherwise a search box and a short select of the matches (search, then choose).

It works without JavaScript: the Search button submits the form with `find=<field>`, and the view
shows the form again with what was typed kept and the matches in the select, saving nothing. The
chosen id is always checked against the allowed query, not against what was shown.

    pickers.bind(form.person, access.people(current_user), search=[Person.given_name, Person.family_name],
                 order=[Person.family_name, Person.given_name], label=lambda p: f"{p.name} ({p.site.code})")
    if not pickers.searching() and form.validate_on_submit():
        ...
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from functools import reduce

from flask import current_app, request

from .forms import record_id

SHORT_LIST = 300  # at most this many choices are listed in full
MATCHES = 50  # matches listed after a search
FIND = "find"


def searching() -> bool:
    """True when this request is a picker's Search step (show the matches, save nothing)."""
    return request.method == "POST" and bool(request.form.get(FIND))


def _words(text: str) -> list[str]:
    return [w for w in " ".join((text or "").split())[:80].split(" ") if w][:5]


def bind(field, allowed, *, label: Callable, search: Sequence, order: Sequence, blank: str = "Choose one",
         noun: str = "matches", before_labels: Callable[[list], None] | None = None) -> None:
    """Set `field`'s choices from the `allowed` query (a peewee select of the model).
    `before_labels(rows)` may read what the labels need for all the rows shown at once."""
    short = int(current_app.config.get("PICKER_SHORT_LIST", SHORT_LIST))
    model = allowed.model
    total = allowed.select(model.id).limit(short + 1).count()
    chosen = None
    try:
        chosen = record_id(request.form.get(field.name) if request.method == "POST" else field.data)
    except ValueError:
        chosen = None
    if total <= short:
        rows = list(allowed.order_by(*order))
        if before_labels is not None:
            before_labels(rows)
        field.choices = [("", blank)] + [(row.id, label(row)) for row in rows]
        field.picker = None
        return
    query_name = f"{field.name}_q"
    text = " ".join((request.values.get(query_name) or "").split())[:80]
    rows = []
    if text:
        matching = allowed
        for word in _words(text):
            matching = matching.where(reduce(operator.or_, [column.contains(word) for column in search]))
        rows = list(matching.order_by(*order).limit(MATCHES + 1))
    more = len(rows) > MATCHES
    rows = rows[:MATCHES]
    if chosen is not None and all(row.id != chosen for row in rows):
        kept = allowed.where(model.id == chosen).first()  # chosen earlier: still allowed?
        if kept is not None:
            rows.insert(0, kept)
    if before_labels is not None:
        before_labels(rows)
    field.choices = [("", blank)] + [(row.id, label(row)) for row in rows]
    field.picker = {"name": query_name, "text": text, "shown": len(rows), "more": more, "noun": noun,
                    "find": FIND}
