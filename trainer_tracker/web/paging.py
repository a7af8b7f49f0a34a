"""Reading page numbers and ids from the query string without ever failing on bad input."""

from __future__ import annotations

from flask import request

MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """A page number from 1 to MAX_PAGE; anything else (text, huge, negative) reads as 1 or the maximum."""
    raw = (request.args.get(name) or "1").strip()
    if not raw.isdigit() or len(raw) > 6:
        return MAX_PAGE if raw.isdigit() else 1
    return min(max(int(raw), 1), MAX_PAGE)


def query_id(name: str) -> int | None:
    """A record id from the query string, or None when absent or not a sensible id (never an error)."""
    raw = (request.args.get(name) or "").strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)
