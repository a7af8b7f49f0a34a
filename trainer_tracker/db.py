"""The database: a peewee DatabaseProxy bound at start-up to SQLite (default) or PostgreSQL.

URLs are read by peewee's own `playhouse.db_url` after a check that names any mistake in one
line (a mistyped URL must never fall back to an in-memory database). Connections are opened and
closed around each request by peewee's `FlaskDB`. SQLite runs in WAL mode with foreign keys on
and a busy timeout, and every write transaction takes the write lock up front (BEGIN IMMEDIATE)
so two writers never deadlock half-way.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import peewee
from peewee import DatabaseProxy
from playhouse import db_url
from playhouse.flask_utils import FlaskDB

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15000,  # ms: wait for the writer rather than fail
    "synchronous": "normal",  # safe in WAL mode: a crash loses no committed transaction
}
POSTGRES_SCHEMES = ("postgres", "postgresql")


class BadDatabaseURL(ValueError):
    """CASCADE_DATABASE_URL cannot be used; the message says why, in one line."""


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def default_url(instance_path: str | os.PathLike) -> str:
    return f"sqlite:///{Path(instance_path) / 'tracker.sqlite'}"


def check_url(url: str) -> None:
    """Refuse a URL that is not an SQLite file or a PostgreSQL database, naming the problem."""
    shown = _redacted(url)
    if not url or not url.strip():
        raise BadDatabaseURL("CASCADE_DATABASE_URL is empty: give sqlite:///path/to/tracker.sqlite or "
                             "postgresql://user@host:5432/dbname")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if parts.netloc:
            raise BadDatabaseURL(f"CASCADE_DATABASE_URL {shown!r}: an SQLite URL is sqlite:/// and then the file "
                                 f"(three slashes for a relative path, four for an absolute one), e.g. "
                                 f"sqlite:///{parts.netloc}{parts.path}")
        path = parts.path[1:]
        if not path or path == ":memory:":
            raise BadDatabaseURL(f"CASCADE_DATABASE_URL {shown!r} names no file: the tracker keeps its data in a "
                                 "file, e.g. sqlite:///instance/tracker.sqlite")
        folder = Path(path).parent
        if folder.exists() and not folder.is_dir():
            raise BadDatabaseURL(f"CASCADE_DATABASE_URL {shown!r}: {folder} is a file, not a folder")
        return
    if scheme in POSTGRES_SCHEMES or scheme.split("+")[0] in POSTGRES_SCHEMES:
        if not parts.path.strip("/"):
            raise BadDatabaseURL(f"CASCADE_DATABASE_URL {shown!r} names no database: "
                                 "postgresql://user@host:5432/dbname")
        try:
            parts.port  # noqa: B018 - raises for a port that is not a number
        except ValueError:
            raise BadDatabaseURL(f"CASCADE_DATABASE_URL {shown!r}: the port is not a number") from None
        return
    raise BadDatabaseURL(f"CASCADE_DATABASE_URL {shown!r}: use sqlite:///path/to/tracker.sqlite or "
                         "postgresql://user@host:5432/dbname")


def _redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url or "")
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def make_database(url: str) -> peewee.Database:
    """A peewee database for a checked sqlite:/// or postgresql:// URL (playhouse.db_url).

    `?max_connections=N` on a PostgreSQL URL gives a connection pool (several app servers).
    """
    check_url(url)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        return db_url.connect(url, pragmas=SQLITE_PRAGMAS, timeout=15)
    query = dict(parse_qsl(parts.query))
    scheme = "postgresql"
    if "max_connections" in query:
        scheme = "postgresql+pool"
        query.setdefault("stale_timeout", "300")
    url = urlunsplit(parts._replace(scheme=scheme, query=urlencode(query)))
    return db_url.connect(url, unquote_password=True, unquote_user=True)


class _FlaskDB(FlaskDB):
    """Open the connection for each request (reusing one a test opened) and close it after."""

    def connect_db(self):
        self.database.connect(reuse_if_open=True)


flask_db = _FlaskDB()
flask_db.database = database  # FlaskDB initialises our proxy with the app's database


def bind(url: str) -> peewee.Database:
    """Point the proxy at the database named by `url` and return it (command line, benchmarks)."""
    current = database.obj
    if current is not None and not current.is_closed():
        current.close()
    db = make_database(url)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


def lock_rows(model, ids) -> None:
    """Hold these rows until the transaction ends, so a rule counted over them (the caseload cap,
    one renewal) cannot be broken by two writers at once: SELECT ... FOR UPDATE on PostgreSQL, in
    id order so two writers never wait for each other. SQLite's BEGIN IMMEDIATE already lets one
    writer in at a time."""
    if not is_sqlite():
        list(model.select(model.id).where(model.id.in_(sorted(set(ids)))).order_by(model.id).for_update())


_begin_hooks: list = []
CONFLICT = ("This was not saved: someone changed the same record at the same moment. "
            "Reload the page to see the latest, then try again.")


def on_write_begin(hook) -> None:
    """Run `hook()` first in every outermost write transaction (web/once.py claims form keys)."""
    if hook not in _begin_hooks:
        _begin_hooks.append(hook)


@contextmanager
def write_transaction():
    """A write transaction: BEGIN IMMEDIATE on SQLite, a normal transaction on PostgreSQL.

    Nested calls become savepoints, so a service can call another service. A rule the database
    keeps (a unique or partial unique index) and a write broke at the same moment reaches the
    person as a refusal, never as an error page: the transaction is rolled back whole.
    """
    from .errors import Refused

    db = database.obj
    if db.in_transaction():
        with db.atomic():
            yield
        return
    try:
        with db.atomic("IMMEDIATE") if isinstance(db, peewee.SqliteDatabase) else db.atomic():
            for hook in _begin_hooks:
                hook()
            yield
    except peewee.IntegrityError:
        raise Refused(CONFLICT) from None


def init_app(app) -> None:
    """Bind the database named by DATABASE_URL; FlaskDB opens and closes it around each request."""
    current = database.obj
    if current is not None and not current.is_closed():
        current.close()
    app.config["DATABASE"] = make_database(app.config["DATABASE_URL"])
    flask_db._db = None
    flask_db.init_app(app)
    if app.config.get("COUNT_QUERIES"):
        _count_queries(app)


_queries = threading.local()


def _count_queries(app) -> None:
    """Diagnostics for the benchmark (CASCADE_COUNT_QUERIES=1): each response says how many SQL
    statements its request ran, in an X-Queries header. Off unless asked for."""
    db = app.config["DATABASE"]
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        _queries.count = getattr(_queries, "count", 0) + 1
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting

    @app.before_request
    def _start() -> None:
        _queries.count = 0

    @app.after_request
    def _header(response):
        response.headers["X-Queries"] = str(getattr(_queries, "count", 0))
        return response
