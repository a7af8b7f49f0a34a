"""Figures kept per database until the data changes (then computed again).

Every change in the tracker is made by a service that writes its audit entry in the same
transaction (see audit/service.py), so the audit log counts changes: the data version is the
highest audit entry id plus the number of entries among the last WINDOW ids, read in one indexed
query. The count catches a PostgreSQL transaction that took its id before another one but
committed after it (SQLite writers are serialised, so there the highest id alone would do).
Each process keeps its own entries; a change made through any process, machine or the command
line changes the version that every process reads. TTL_SECONDS bounds an entry's life whatever
happens (a safety net for a change written without an audit entry, which should not exist).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from peewee import fn

from ..audit.models import AuditEntry
from ..db import database

WINDOW = 1000
TTL_SECONDS = 300.0
MAX_ENTRIES = 256
T = TypeVar("T")

_lock = threading.Lock()
_entries: dict[tuple, tuple[tuple, float, object]] = {}
_refreshing: set[tuple] = set()
log = logging.getLogger(__name__)


def table_version(model) -> tuple[int, int]:
    """(highest id, rows among the last WINDOW ids) of an append-only table, in one indexed query."""
    top = model.select(fn.MAX(model.id))
    row = (model.select(fn.MAX(model.id), fn.COUNT(model.id))
           .where(model.id > fn.COALESCE(top, 0) - WINDOW).tuples().first())
    return (row[0] or 0, row[1] or 0) if row else (0, 0)


def data_version() -> tuple[int, int]:
    return table_version(AuditEntry)


def _database_identity() -> tuple:
    db = database.obj
    params = getattr(db, "connect_params", {}) or {}
    return (type(db).__name__, str(db.database), str(params.get("host", "")), str(params.get("port", "")),
            str(params.get("options", "")))


def cached(name: str, args: tuple, compute: Callable[[], T]) -> T:
    """compute() once per data version (per database, name and args); the result is shared: treat it
    as read-only."""
    version = data_version()  # read before computing: a change during compute makes the next version differ
    key = (_database_identity(), name, args)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is not None and hit[0] == version and now - hit[1] < TTL_SECONDS:
            return hit[2]  # type: ignore[return-value]
    value = compute()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (version, now, value)
    return value


def refreshed(name: str, args: tuple, compute: Callable[[], T], version: Callable[[], tuple],
              background: Callable[[Callable[[], None]], None] | None = None,
              min_interval: float = 0.0) -> tuple[T, float, bool]:
    """(value, computed_at epoch seconds, stale) for figures too costly to compute per request.

    Kept per (database, name, args) until version() changes. When it has changed and there is an
    earlier value, the earlier value is returned at once, marked stale, and `background` (a
    function that runs a callable in a worker thread with an app context) computes the new one;
    without `background`, or without an earlier value, it is computed before returning.
    With `background`, a value younger than `min_interval` seconds is not recomputed yet (it is
    returned marked stale): on a busy programme the data changes every second, and this bounds
    the work to one computation per interval per process.
    """
    current = version()
    key = (_database_identity(), "refreshed", name, args)
    with _lock:
        hit = _entries.get(key)
    if hit is not None and hit[0] == current:
        return hit[2], hit[1], False  # type: ignore[return-value]

    def run() -> None:
        at = time.time()
        value = compute()
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (current, at, value)

    if hit is not None and background is not None:
        with _lock:
            start = key not in _refreshing and time.time() - hit[1] >= min_interval
            if start:
                _refreshing.add(key)
        if start:
            def refresh() -> None:
                try:
                    run()
                except Exception:  # the stale figures stay; the next request tries again
                    log.exception("refreshing %s failed", name)
                finally:
                    with _lock:
                        _refreshing.discard(key)
            background(refresh)
        return hit[2], hit[1], True  # type: ignore[return-value]
    run()
    with _lock:
        return _entries[key][2], _entries[key][1], False  # type: ignore[return-value]


def clear() -> None:
    with _lock:
        _entries.clear()


def background_runner():
    """For refreshed(): runs work in a daemon thread with this app's context and its own
    database connection, or None (compute before answering) when the app is under test or
    FIGURES_REFRESH_IN_BACKGROUND is false."""
    from flask import current_app

    if not current_app.config.get("FIGURES_REFRESH_IN_BACKGROUND", not current_app.testing):
        return None
    app = current_app._get_current_object()

    def start(work: Callable[[], None]) -> None:
        def run() -> None:
            with app.app_context():
                database.connect(reuse_if_open=True)
                try:
                    work()
                finally:
                    database.close()
        threading.Thread(target=run, name="figures-refresh", daemon=True).start()
    return start
