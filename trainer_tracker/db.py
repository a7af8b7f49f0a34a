"""The database: a peewee DatabaseProxy bound at start-up to SQLite (default) or PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout, and every write transaction
takes the write lock up front (BEGIN IMMEDIATE) so two writers never deadlock half-way.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import peewee
from peewee import DatabaseProxy

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15000,  # ms: wait for the writer rather than fail
    "synchronous": "normal",  # safe in WAL mode: a crash loses no committed transaction
}


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def default_url(instance_path: str | os.PathLike) -> str:
    return f"sqlite:///{Path(instance_path) / 'tracker.sqlite'}"


def make_database(url: str) -> peewee.Database:
    """A peewee database for an sqlite:/// or postgresql:// URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        path = url.split("sqlite:///", 1)[1] if url.startswith("sqlite:///") else parts.path
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return peewee.SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, timeout=15)
    if scheme in ("postgres", "postgresql"):
        options = dict(parse_qsl(parts.query))
        max_connections = int(options.pop("max_connections", 0) or 0)
        kwargs = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": parts.username,
            "password": parts.password,
            **options,
        }
        name = parts.path.lstrip("/")
        if max_connections:
            from playhouse.pool import PooledPostgresqlDatabase

            return PooledPostgresqlDatabase(name, max_connections=max_connections, stale_timeout=300, **kwargs)
        return peewee.PostgresqlDatabase(name, **kwargs)
    raise ValueError(f"CASCADE_DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}")


def bind(url: str) -> peewee.Database:
    """Point the proxy at the database named by `url` and return it."""
    current = database.obj
    if current is not None and not current.is_closed():
        current.close()
    db = make_database(url)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


@contextmanager
def write_transaction():
    """A write transaction: BEGIN IMMEDIATE on SQLite, a normal transaction on PostgreSQL.

    Nested calls become savepoints, so a service can call another service.
    """
    db = database.obj
    if db.in_transaction():
        with db.atomic():
            yield
        return
    if isinstance(db, peewee.SqliteDatabase):
        with db.atomic("IMMEDIATE"):
            yield
    else:
        with db.atomic():
            yield


def init_app(app) -> None:
    """Bind the database and open/close a connection around each request."""
    bind(app.config["DATABASE_URL"])

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()
