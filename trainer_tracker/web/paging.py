"""Reading page numbers and ids from the query string without ever failing on bad input."""

from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_PAGE = 100_000
MAX_ID = 2_147_483_647  # record ids are 32-bit integers in the database


def page_number(name: str = "page") -> int:
    """A page number from 1 to MAX_PAGE; anything else (text, huge, negative) reads as 1 or the maximum."""
    raw = (request.args.get(name) or "1").strip()
    if not raw.isdigit() or len(raw) > 6:
        return MAX_PAGE if raw.isdigit() else 1
    return min(max(int(raw), 1), MAX_PAGE)


def query_id(name: str) -> int | None:
    """A record id from the query string, or None when absent or not a sensible id (never an error)."""
    raw = (request.args.get(name) or "").strip()
    if not raw.isdigit() or len(raw) > 10 or int(raw) > MAX_ID:
        return None
    return int(raw)


class RecordIdConverter(IntegerConverter):
    """`<int:id>` in routes, limited to the database's 32-bit ids (a larger number is simply a
    page that does not exist, never a database error)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
