"""Starting from nothing and recovering: `tracker init` adds the configured sites, `create-site`,
a bad database URL stops every command in one line, `restore` refuses anything but a tracker
database at a known migration (leaving the live database byte-for-byte unchanged) and keeps a
safety copy; PostgreSQL gets the same through pg_dump and pg_restore."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from contextlib import closing

import pytest
from click.testing import CliRunner
from pgserver import connect as pg_connect
from pgserver import require as require_postgres

from cascade.cli import cascade

from .conftest import _pg_url


def run(*args, input=None):
    return CliRunner().invoke(cascade, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def env(tmp_path, monkeypatch, repo_root):
    monkeypatch.setenv("CASCADE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CASCADE_CONTENT_ROOT", str(repo_root))
    monkeypatch.delenv("CASCADE_SECRET_KEY", raising=False)
    return tmp_path


@pytest.fixture
def sqlite_live(env, monkeypatch):
    url = f"sqlite:///{env / 'live.sqlite'}"
    monkeypatch.setenv("CASCADE_DATABASE_URL", url)
    return env / "live.sqlite"


@pytest.fixture
def pg_live(env, monkeypatch):
    """A PostgreSQL database of its own (pg_dump takes a whole database), dropped afterwards."""
    require_postgres()
    name = "cascade_bk_" + uuid.uuid4().hex[:10]
    conn = pg_connect()
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setenv("CASCADE_DATABASE_URL", _pg_url(name))
    yield name
    from trainer_tracker.db import database

    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
    conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sites(live) -> list[str]:
    with closing(sqlite3.connect(live)) as conn:
        return [row[0] for row in conn.execute("SELECT code FROM site ORDER BY code")]


def test_init_adds_the_configured_sites_once(sqlite_live):
    first = run("tracker", "init")
    assert first.exit_code == 0, first.output
    assert "EL (East London) added" in first.output and "DV (Devon) added" in first.output
    again = run("tracker", "init")
    assert "up to date" in again.output and "all sites in the programme configuration are there" in again.output
    assert _sites(sqlite_live) == ["DV", "EL", "WA"]


def test_create_site_and_its_refusals(sqlite_live):
    run("tracker", "init")
    assert run("tracker", "create-site", "NS", "--name", "North Shore", "--setting", "rural").exit_code == 0
    taken = run("tracker", "create-site", "ns", "--name", "Again")
    assert taken.exit_code == 1 and "already a site with the code NS" in taken.output
    bad = run("tracker", "create-site", "X", "--name", "Too short")
    assert bad.exit_code == 1 and "2 to 8 letters or digits" in bad.output
    assert "NS" in _sites(sqlite_live)


@pytest.mark.parametrize(("url", "expected"), [
    ("sqlite://relative.sqlite", "three slashes for a relative path"),
    ("sqlite:///", "names no file"),
    ("mysql://db/x", "use sqlite:///path/to/tracker.sqlite or postgresql://"),
    ("postgresql://localhost", "names no database"),
    ("postgresql://u:secret@h:port/db", "the port is not a number"),
])
@pytest.mark.parametrize("command", [("tracker", "init"), ("tracker", "backup", "--out", "x"),
                                     ("export", "lineage", "--out", "x.csv"), ("report", "fidelity")])
def test_a_bad_database_url_stops_every_command_in_one_line(env, monkeypatch, url, expected, command):
    monkeypatch.setenv("CASCADE_DATABASE_URL", url)
    result = run(*command)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], result.output
    assert "secret" not in result.output  # the password is never shown


def test_production_refuses_a_short_secret(sqlite_live, monkeypatch):
    monkeypatch.setenv("CASCADE_SECRET_KEY", "too-short-secret")
    result = run("tracker", "run", "--production")
    assert result.exit_code == 1 and "at least 32 characters" in result.output


@pytest.mark.parametrize("kind", ["empty", "text", "foreign", "newer"])
def test_restore_refuses_what_is_not_a_tracker_database(sqlite_live, env, kind):
    assert run("tracker", "init").exit_code == 0
    run("tracker", "create-site", "NS", "--name", "North Shore")
    before = _digest(sqlite_live)
    candidate = env / f"{kind}.sqlite"
    if kind == "empty":
        candidate.write_bytes(b"")
    elif kind == "text":
        candidate.write_text("site,name\nEL,East London\n")
    elif kind == "foreign":
        with closing(sqlite3.connect(candidate)) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
            conn.commit()
    else:
        assert run("tracker", "backup", "--out", str(candidate)).exit_code == 0
        with closing(sqlite3.connect(candidate)) as conn:
            conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('0099_from_the_future', "
                         "'2030-01-01 00:00:00')")
            conn.commit()
    result = run("tracker", "restore", str(candidate), "--yes")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "nothing was changed" in lines[0], result.output
    assert _digest(sqlite_live) == before
    assert not (env / "instance" / "backups").exists()


def test_restore_round_trip_keeps_a_safety_copy(sqlite_live, env):
    assert run("tracker", "init").exit_code == 0
    backup = env / "monday.sqlite"
    assert run("tracker", "backup", "--out", str(backup)).exit_code == 0
    run("tracker", "create-site", "NS", "--name", "Added after the backup")
    result = run("tracker", "restore", str(backup), "--yes")
    assert result.exit_code == 0, result.output
    assert "NS" not in _sites(sqlite_live)
    safety = list((env / "instance" / "backups").glob("before-restore-*.sqlite"))
    assert len(safety) == 1 and "NS" in _sites(safety[0])


@pytest.mark.postgres
def test_postgres_backup_restore_and_refusals(pg_live, env):
    assert run("tracker", "init").exit_code == 0
    dump = env / "tracker.dump"
    assert run("tracker", "backup", "--out", str(dump)).exit_code == 0, "backup"
    assert run("tracker", "create-site", "NS", "--name", "After the backup").exit_code == 0

    def codes():
        conn = pg_connect(pg_live)
        cursor = conn.cursor()
        cursor.execute("SELECT code FROM site ORDER BY code")
        found = [row[0] for row in cursor.fetchall()]
        conn.close()
        return found

    assert "NS" in codes()
    junk = env / "junk.dump"
    junk.write_text("not a dump")
    refused = run("tracker", "restore", str(junk), "--yes")
    assert refused.exit_code == 1 and "not a pg_dump custom-format backup" in refused.output
    assert "NS" in codes()
    result = run("tracker", "restore", str(dump), "--yes")
    assert result.exit_code == 0, result.output
    assert codes() == ["DV", "EL", "WA"]
    assert list((env / "instance" / "backups").glob("before-restore-*.dump"))
