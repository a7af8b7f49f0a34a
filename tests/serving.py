"""Helpers for the tests that run the production server: a small synthetic database, the server,
and the benchmark's HTTP load client and write check (bench/httpload.py, bench/concurrency.py),
so the suite and the benchmark exercise the same code at different sizes."""

from __future__ import annotations

import os
import sys
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import pgserver
from pgserver import PG

REPO = Path(__file__).resolve().parents[1]
SMALL_SCALE = 0.002  # the synthetic programme's minimum sizes: 3 sites, ~45 people, 120 carers


def bench():
    """The benchmark package (bench/ is not installed; it sits beside tests/)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench import concurrency, httpload

    return httpload, concurrency


def env(url: str, tmp_path: Path) -> dict:
    values = dict(os.environ)
    values.update({"CASCADE_DATABASE_URL": url, "CASCADE_SECRET_KEY": "serving-test-" + uuid.uuid4().hex,
                   "CASCADE_CONTENT_ROOT": str(REPO), "CASCADE_INSTANCE_PATH": str(tmp_path / "instance")})
    return values


def cascade_bin() -> str:
    return str(Path(sys.executable).with_name("cascade"))


def synth(url: str, tmp_path: Path, scale: float = SMALL_SCALE) -> None:
    import subprocess

    result = subprocess.run([cascade_bin(), "tracker", "synth", "--scale", str(scale), "--json"],
                            env=env(url, tmp_path), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def database_url(backend: str, tmp_path: Path):
    """An empty database: an SQLite file, or a PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'serving.sqlite'}"
        return
    pgserver.require()
    name = "cascade_serving_" + uuid.uuid4().hex[:10]
    with closing(pgserver.connect()) as conn:
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    finally:
        from trainer_tracker.db import database

        if database.obj is not None and not database.obj.is_closed():
            database.obj.close()
        with closing(pgserver.connect()) as conn:
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
