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


def data_version() -> tuple[int, int]:
    top = AuditEntry.select(fn.MAX(AuditEntry.id))
    row = (AuditEntry.select(fn.MAX(AuditEntry.id), fn.COUNT(AuditEntry.id))
           .where(AuditEntry.id > fn.COALESCE(top, 0) - WINDOW).tuples().first())
    return (row[0] or 0, row[1] or 0) if row else (0, 0)


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


def clear() -> None:
    with _lock:
        _entries.clear()
