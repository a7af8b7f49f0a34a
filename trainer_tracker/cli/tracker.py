"""`cascade tracker ...`: database set-up, the demo, the server, accounts, backup and restore."""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import click

from ..accounts import roles


def delete_sqlite_files(url: str) -> None:
    """Close the connection and delete an SQLite database with its WAL and shared-memory files."""
    from ..db import database

    database.close()
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def _app(**config):
    from ..app import ConfigError, create_app

    try:
        return create_app(config or None)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _demo_secret(ctx_demo: bool) -> None:
    if ctx_demo and not os.environ.get("CASCADE_SECRET_KEY"):
        # Demo only: a fresh key per process (sessions end on restart); real use must set one.
        os.environ["CASCADE_SECRET_KEY"] = secrets.token_hex(32)


@click.group()
def tracker() -> None:
    """The trainer tracker: database, demo data, server and accounts."""


@tracker.command()
def init() -> None:
    """Create the database schema, or upgrade it to the latest migration."""
    from ..db import database
    from ..migrate import upgrade

    _demo_secret(True)  # the schema needs no secret
    app = _app()
    with app.app_context():
        database.connect(reuse_if_open=True)
        applied = upgrade()
        database.close()
    click.echo(f"database: {app.config['DATABASE_URL']}")
    click.echo(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "; up to date"))


@tracker.command()
@click.option("--reset", is_flag=True, help="Delete an existing SQLite database file first.")
def demo(reset: bool) -> None:
    """Load the demo programme (fictional people, demo accounts) into an empty database."""
    from cascade.content import load_curriculum
    from cascade.devdata.demo import DEMO_PASSWORD, load

    from ..accounts.models import User
    from ..db import database
    from ..migrate import upgrade

    _demo_secret(True)
    app = _app()
    url = app.config["DATABASE_URL"]
    if reset:
        if not url.startswith("sqlite:///"):
            raise click.ClickException("--reset only deletes SQLite files; drop a PostgreSQL database yourself.")
        delete_sqlite_files(url)
        app = _app()
    with app.app_context():
        database.connect(reuse_if_open=True)
        upgrade()
        if User.select().exists():
            raise click.ClickException("The database already has data. Use --reset to start again.")
        counts = load(load_curriculum(Path(app.config["CONTENT_ROOT"]) / "curriculum"))
        database.close()
    click.echo(f"demo loaded into {url}: {counts}")
    click.echo(f"demo accounts (password '{DEMO_PASSWORD}'): admin@example.org, lead@example.org, "
               "el-lead@example.org, trainer@example.org, supporter@example.org, researcher@example.org, "
               "leap@example.org")


@tracker.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", "demo_mode", is_flag=True,
              help="Local demo: generate a secret key and allow cookies over plain http.")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Serve the built site (build/site) under /site/.")
@click.option("--production", is_flag=True, help="Serve with gunicorn (see docs/deployment.md).")
@click.option("--workers", default=None, type=int, help="gunicorn workers (default 2 x cores, at most 4).")
def run(host: str, port: int, demo_mode: bool, site_dir: Path | None, production: bool, workers: int | None) -> None:
    """Start the tracker."""
    if site_dir:
        os.environ["CASCADE_SITE_DIR"] = str(site_dir.resolve())
    if production:
        if demo_mode:
            raise click.ClickException("--production and --demo cannot be used together.")
        if not os.environ.get("CASCADE_SECRET_KEY"):
            raise click.ClickException("Refusing to start: set CASCADE_SECRET_KEY (a long random value).")
        from ..serve import run_gunicorn

        run_gunicorn(host, port, workers)
        return
    _demo_secret(demo_mode)
    config = {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "DEMO": True} if demo_mode else {}
    app = _app(**config)
    click.echo(f"tracker on http://{host}:{port}/" + (f"  (training site on http://{host}:{port}/site/)"
                                                      if site_dir else ""))
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@tracker.command("create-user")
@click.argument("email")
@click.option("--role", required=True, help="admin, programme-lead, site-lead, trainer, supporter, researcher, "
              "leap-reviewer")
@click.option("--site", "site_code", default=None, help="Site code, e.g. EL (needed for site leads).")
@click.option("--person", "person_id", default=None, type=int, help="Link to a person in the cascade (id).")
def create_user(email: str, role: str, site_code: str | None, person_id: int | None) -> None:
    """Create an account. The password is read from standard input when it is not a terminal."""
    from ..accounts.services import create_user as create
    from ..db import database
    from ..errors import Refused

    try:
        role_name = roles.from_cli(role)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--role") from None
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    _demo_secret(True)
    app = _app()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            user = create(None, email, role_name, password, site_code=site_code, person_id=person_id)
        except Refused as exc:
            raise click.ClickException(exc.message) from None
        finally:
            database.close()
    click.echo(f"created {user.email} ({roles.to_cli(user.role)})")


def _sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise click.ClickException(
            "backup and restore use SQLite's backup API. For PostgreSQL use pg_dump and pg_restore "
            "(see docs/deployment.md): pg_dump --format=custom --file=tracker.dump \"$CASCADE_DATABASE_URL\"")
    return Path(url.removeprefix("sqlite:///"))


@tracker.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Backup file to write.")
def backup(out: Path) -> None:
    """Copy the live SQLite database to a file (consistent, while the server runs)."""
    _demo_secret(True)
    app = _app()
    source = _sqlite_path(app.config["DATABASE_URL"])
    if not source.exists():
        raise click.ClickException(f"no database at {source}")
    tmp = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(tmp)) as dst:
        src.backup(dst)
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise click.ClickException(f"the copy failed its integrity check: {ok}")
    tmp.replace(out)
    click.echo(f"backed up {source} to {out}")


@tracker.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup_file: Path, yes: bool) -> None:
    """Replace the SQLite database with a backup. Stop the server first."""
    _demo_secret(True)
    app = _app()
    target = _sqlite_path(app.config["DATABASE_URL"])
    try:
        with closing(sqlite3.connect(backup_file)) as check:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{backup_file} is not an SQLite database ({exc}); nothing was changed.") from None
    if result != "ok":
        raise click.ClickException(f"{backup_file} is not a healthy SQLite database: {result}")
    if not yes:
        click.confirm(f"Replace {target} with {backup_file}?", abort=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(backup_file)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # page-by-page copy inside one transaction: all or nothing
    click.echo(f"restored {target} from {backup_file}")


from .synth import synth  # noqa: E402

tracker.add_command(synth)
