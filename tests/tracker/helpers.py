"""Test helpers: count the SQL queries a block of code runs."""

from __future__ import annotations

from contextlib import contextmanager


class Counter:
    def __init__(self):
        self.count = 0
        self.statements: list[str] = []


@contextmanager
def count_queries(database):
    """Count queries through peewee's execute_sql on the bound database."""
    db = database.obj if hasattr(database, "obj") else database
    original = db.execute_sql
    counter = Counter()

    def counting(sql, params=None, *args, **kwargs):
        if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")):
            counter.count += 1
            counter.statements.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        yield counter
    finally:
        db.execute_sql = original
