"""Backup and restore that cannot destroy data: SQLite with its online backup API, PostgreSQL with
pg_dump/pg_restore. A restore checks the file is a tracker database at a migration this version
knows, keeps a safety copy of what it replaces, and replaces it in one step (or not at all)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from .migrate import MIGRATIONS_DIR

MIGRATION_TABLE = "schema_migration"
CORE_TABLES = ("site", "person", "user", "audit_entry", "course", "certification", "carer")


class RestoreRefused(ValueError):
    """The file cannot be restored; the message (one line) says why. Nothing was changed."""


def known_migrations() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _check_schema(tables: set[str], applied: list[str], source: str) -> None:
    if MIGRATION_TABLE not in tables:
        raise RestoreRefused(f"{source} is not a tracker database: it has no migration history "
                             f"(table {MIGRATION_TABLE}); nothing was changed")
    missing = [t for t in CORE_TABLES if t not in tables]
    if missing:
        raise RestoreRefused(f"{source} is not a tracker database: tables {', '.join(missing)} are missing; "
                             "nothing was changed")
    known = set(known_migrations())
    newer = [name for name in applied if name not in known]
    if newer:
        raise RestoreRefused(f"{source} comes from a newer version of the tracker (migration {newer[0]} is not "
                             "known here): upgrade the tracker first; nothing was changed")
    if not applied:
        raise RestoreRefused(f"{source} has an empty migration history: not a tracker database; nothing was changed")


def safety_name(folder: Path, suffix: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"before-restore-{stamp}{suffix}"


# SQLite ---------------------------------------------------------------------------------------

def sqlite_path(url: str) -> Path:
    return Path(urlsplit(url).path[1:])


def check_sqlite_file(path: Path) -> None:
    """Refuse anything that is not a healthy tracker database at a known migration."""
    if path.stat().st_size == 0:
        raise RestoreRefused(f"{path} is empty; nothing was changed")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = ([row[0] for row in conn.execute("SELECT name FROM schema_migration")]
                       if MIGRATION_TABLE in tables else [])
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(f"{path} is not an SQLite database ({exc}); nothing was changed") from None
    if result != "ok":
        raise RestoreRefused(f"{path} is damaged (integrity check: {result}); nothing was changed")
    _check_schema(tables, applied, str(path))


def backup_sqlite(source: Path, out: Path) -> None:
    tmp = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(tmp)) as dst:
        src.backup(dst)
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"the copy failed its integrity check: {ok}")
    tmp.replace(out)


def restore_sqlite(backup_file: Path, target: Path, safety_dir: Path) -> Path | None:
    """Check, keep a safety copy of the live database, then copy the backup in (all or nothing)."""
    check_sqlite_file(backup_file)
    safety = None
    if target.exists() and target.stat().st_size > 0:
        safety = safety_name(safety_dir, ".sqlite")
        backup_sqlite(target, safety)
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(backup_file)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # page by page inside one transaction
    return safety


# PostgreSQL -----------------------------------------------------------------------------------

def libpq_url(url: str) -> str:
    """The URL for PostgreSQL's own tools: without the tracker's pool options."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("max_connections", "stale_timeout")]
    # libpq reads %20, not "+", as a space (e.g. options=-c%20search_path%3Dx)
    return urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query, quote_via=quote)))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RestoreRefused(f"{name} is not installed (PostgreSQL's client tools, e.g. apt-get install "
                             "postgresql-client); nothing was changed")
    return found


def backup_postgres(url: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={tmp}", libpq_url(url)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"pg_dump failed: {_first_line(done.stderr)}")
    tmp.replace(out)


def check_postgres_dump(path: Path) -> None:
    if path.stat().st_size == 0:
        raise RestoreRefused(f"{path} is empty; nothing was changed")
    listing = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise RestoreRefused(f"{path} is not a pg_dump custom-format backup ({_first_line(listing.stderr)}); "
                             "nothing was changed")
    tables = set(re.findall(r"\bTABLE (?:DATA )?\S+ (\S+) ", listing.stdout))
    data = subprocess.run([_tool("pg_restore"), "--data-only", f"--table={MIGRATION_TABLE}", "--file=-", str(path)],
                          capture_output=True, text=True)
    applied = []
    in_copy = False
    for line in data.stdout.splitlines():
        if line.startswith("COPY ") and MIGRATION_TABLE in line:
            columns = line[line.index("(") + 1:line.index(")")].replace('"', "").split(", ")
            position, in_copy = columns.index("name"), True
            continue
        if in_copy:
            if line == "\\.":
                in_copy = False
            else:
                applied.append(line.split("\t")[position])
    _check_schema(tables, applied, str(path))


def restore_postgres(backup_file: Path, url: str, safety_dir: Path) -> Path:
    check_postgres_dump(backup_file)
    safety = safety_name(safety_dir, ".dump")
    backup_postgres(url, safety)
    done = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--no-owner",
                           "--exit-on-error", f"--dbname={libpq_url(url)}", str(backup_file)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pg_restore failed and changed nothing (one transaction): {_first_line(done.stderr)}; "
                           f"the safety copy is {safety}")
    return safety


def _first_line(text: str) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[0].strip() if lines else "no message"
