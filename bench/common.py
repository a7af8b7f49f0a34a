"""Shared benchmark plumbing: databases (built once and cached), percentiles, tables, the app."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "bench" / ".cache"  # git-ignored (.cache/)
RESULTS = REPO / "bench" / "results"  # git-ignored (bench/results/.gitignore)
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-not-for-real-use"  # noqa: S105 - demo and synthetic accounts only
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
SECRET = "bench-secret-" + "0" * 32


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def env_for(url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update({
        "CASCADE_DATABASE_URL": url,
        "CASCADE_CONTENT_ROOT": str(REPO),
        "CASCADE_INSTANCE_PATH": str(CACHE / "instance"),
        "CASCADE_SECRET_KEY": SECRET,
    })
    env.pop("CASCADE_FAST_PASSWORD_HASH", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def cascade(*args: str, url: str, check: bool = True, timeout: float | None = 3600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(BIN / "cascade"), *args], env=env_for(url), cwd=REPO, capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"cascade {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _stamp() -> str:
    """Changes when anything that shapes the data changes: then cached databases are rebuilt."""
    digest = hashlib.sha256()
    pkg = REPO / "trainer_tracker"
    for path in sorted([*(REPO / "cascade" / "devdata").glob("*.py"), *(pkg / "devload").glob("*.py"),
                        *(pkg / "migrations").glob("*.py"), *pkg.glob("*/models.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Db:
    label: str  # "demo" or "synth x1.0"
    backend: str  # sqlite or postgres
    url: str
    scale: float | None
    build_seconds: float | None = None
    summary: dict = field(default_factory=dict)
    _drop: str | None = None  # PostgreSQL database to drop at the end

    @property
    def path(self) -> Path | None:
        return Path(self.url.removeprefix("sqlite:///")) if self.backend == "sqlite" else None


def _load(kind: str, scale: float | None, url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    if kind == "demo":
        cascade("tracker", "demo", url=url)
        summary: dict = {}
    else:
        result = cascade("tracker", "synth", "--scale", str(scale), "--json", url=url)
        summary = json.loads(result.stdout)
    return time.perf_counter() - started, summary


def sqlite_db(kind: str, scale: float | None = None, rebuild: bool = False) -> Db:
    """A cached SQLite database (bench/.cache/) holding the demo or the synthetic programme."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = "demo" if kind == "demo" else f"synth-{scale:g}"
    path = CACHE / f"{name}.sqlite"
    meta_path = CACHE / f"{name}.json"
    stamp = _stamp()
    if not rebuild and path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("stamp") == stamp:
            log(f"using cached {path.name} (built in {meta['seconds']:.0f}s)")
            return Db("demo" if kind == "demo" else f"synth x{scale:g}", "sqlite", f"sqlite:///{path}", scale,
                      meta["seconds"], meta.get("summary", {}))
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    log(f"building {path.name} ...")
    seconds, summary = _load(kind, scale, f"sqlite:///{path}")
    meta_path.write_text(json.dumps({"stamp": stamp, "seconds": seconds, "summary": summary}, default=str))
    log(f"built {path.name} in {seconds:.0f}s")
    return Db("demo" if kind == "demo" else f"synth x{scale:g}", "sqlite", f"sqlite:///{path}", scale, seconds,
              summary)


def pg_available() -> str | None:
    try:
        import psycopg2

        psycopg2.connect(connect_timeout=3, dbname="test", **PG).close()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means unavailable
        return str(exc).strip().splitlines()[0]


def _pg_admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="test", **PG)
    conn.autocommit = True
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


PG_POOL = 4  # connections per process (one per gunicorn thread), as docs/deployment.md recommends


def postgres_db(kind: str, scale: float | None = None, pool: int = PG_POOL, rebuild: bool = False) -> Db:
    """A fresh PostgreSQL database for this run (dropped by drop(); never left behind), copied from
    a template database built once per data stamp (kept between runs like the SQLite files).

    The URL asks for peewee's connection pool (?max_connections=N), as docs/deployment.md
    recommends; without it every request opens a new PostgreSQL connection.
    """
    import psycopg2

    label = "demo" if kind == "demo" else f"synth x{scale:g}"
    base = "demo" if kind == "demo" else f"synth_{str(scale).replace('.', '_')}"
    template = f"cascade_bench_tpl_{base}_{_stamp()}"
    meta_path = CACHE / f"pg-{base}.json"
    conn = psycopg2.connect(dbname="test", **PG)
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"cascade_bench_tpl_{base}_%",))
        existing = [name for (name,) in cursor.fetchall()]
    finally:
        conn.close()
    for old in existing:
        if old != template or rebuild:
            _pg_admin(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    seconds, summary = None, {}
    if template in existing and not rebuild and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        seconds, summary = meta.get("seconds"), meta.get("summary", {})
        log(f"using cached PostgreSQL {template} (built in {seconds or 0:.0f}s)")
    else:
        _pg_admin(f'CREATE DATABASE "{template}"')
        log(f"building {kind} {scale or ''} on PostgreSQL ({template}) ...")
        seconds, summary = _load(kind, scale, f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{template}")
        CACHE.mkdir(parents=True, exist_ok=True)
        meta_path.write_text(json.dumps({"seconds": seconds, "summary": summary}, default=str))
        log(f"built in {seconds:.0f}s")
    name = f"cascade_bench_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{name}" + (f"?max_connections={pool}" if pool else "")
    db = Db(label, "postgres", url, scale, seconds, summary, _drop=name)
    _CREATED.append(db)
    return db


def work_copy(db: Db, tmp: Path) -> str:
    """A URL of a copy of `db` that a benchmark may change (SQLite: a file copy; PostgreSQL: a new
    database from the same template)."""
    if db.backend == "sqlite":
        import sqlite3

        target = Path(tmp) / f"work-{uuid.uuid4().hex[:6]}.sqlite"
        with contextlib.closing(sqlite3.connect(db.path)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    return postgres_db("demo" if db.scale is None else "synth", db.scale).url


_CREATED: list[Db] = []


def drop(db: Db) -> None:
    if db._drop:
        from trainer_tracker.db import database

        with contextlib.suppress(Exception):
            if database.obj is not None and not database.obj.is_closed():
                database.obj.close()
        _pg_admin(f'DROP DATABASE IF EXISTS "{db._drop}" WITH (FORCE)')
        db._drop = None


def drop_all() -> None:
    for db in list(_CREATED):
        with contextlib.suppress(Exception):
            drop(db)
    _CREATED.clear()


def make_app(url: str):
    """The tracker app bound to `url`, as the test suite makes it (no CSRF, cookies over http)."""
    from trainer_tracker.app import create_app

    os.environ.setdefault("CASCADE_CONTENT_ROOT", str(REPO))
    app = create_app({
        "SECRET_KEY": SECRET, "DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False, "CONTENT_ROOT": str(REPO),
    })
    app.instance_path = str(CACHE / "instance")
    return app


def table(headers: list[str], rows: list[list], title: str = "") -> str:
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = [title] if title else []
    lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def environment() -> dict:
    import platform
    import sqlite3

    info = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(),
            "machine": platform.machine(), "system": platform.platform()}
    with contextlib.suppress(Exception):
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                        text=True, timeout=10).stdout.strip()
    with contextlib.suppress(Exception):
        import psycopg2

        conn = psycopg2.connect(dbname="test", connect_timeout=3, **PG)
        info["postgres"] = conn.server_version
        conn.close()
    return info
