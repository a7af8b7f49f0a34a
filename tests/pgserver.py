"""The local PostgreSQL server the tests use (127.0.0.1:5432, user postgres, database `test`).

One probe and one rule for every PostgreSQL test: on a developer's machine without the server the
PostgreSQL variants are skipped (the SQLite ones still run); in CI (CI=true) an unreachable server
fails the test instead, so CI can never pass without them.
"""

from __future__ import annotations

import os
from functools import lru_cache

import pytest

PG = {"host": os.environ.get("CASCADE_TEST_PG_HOST", "127.0.0.1"), "port": 5432, "user": "postgres",
      "dbname": "test"}


@lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the server cannot be reached, or None when it answers."""
    try:
        import psycopg2

        psycopg2.connect(connect_timeout=3, **PG).close()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return str(exc).strip().splitlines()[0]


def require() -> None:
    """Fail in CI, skip elsewhere, when the server is unreachable; return when it answers."""
    found = problem()
    if found is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL at {PG['host']}:{PG['port']} is required in CI but unreachable: {found}")
    pytest.skip(f"PostgreSQL not reachable ({found}); CI runs these")


def connect(dbname: str = "test"):
    """An autocommit connection for creating and dropping test databases."""
    import psycopg2

    conn = psycopg2.connect(**{**PG, "dbname": dbname})
    conn.autocommit = True
    return conn
