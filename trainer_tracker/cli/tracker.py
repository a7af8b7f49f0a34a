"""`cascade tracker ...`: database set-up, sites, the demo, the server, accounts, backup and restore."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click

from ..accounts import roles
from .common import app_for_command, base_url, delete_sqlite_files
from .synth import synth

MIN_SECRET_LENGTH = 32


@click.group()
def tracker() -> None:
    """The trainer tracker: database, sites, demo data, server, accounts, backup and restore."""


tracker.add_command(synth)


@tracker.command()
def init() -> None:
    """Create the database schema (or upgrade it) and the sites named in the programme configuration.

    Safe to run again: it applies only pending migrations and adds only missing sites.
    """
    from cascade.config import programme

    from ..cascade.corrections import ensure_sites
    from ..db import database
    from ..figures.rebuild import ensure_current
    from ..migrate import upgrade

    app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            applied = upgrade()
            created = ensure_sites(None, programme().get("sites") or [])
            rebuilt = ensure_current()
            assigned = _assign_refreshers(app)
        finally:
            database.close()
    click.echo(f"database: {_shown(app.config['DATABASE_URL'])}")
    click.echo(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "; up to date"))
    click.echo("sites: " + (", ".join(f"{s.code} ({s.name}) added" for s in created) if created
                            else "all sites in the programme configuration are there"))
    click.echo("kept figures: " + (f"rebuilt ({', '.join(rebuilt)} changed)" if rebuilt else "up to date"))
    if assigned:
        click.echo(f"refreshers: {assigned} assigned for modules whose MAJOR version changed")


def _assign_refreshers(app) -> int:
    """Refreshers the curriculum's MAJOR changes call for, once per new curriculum."""
    from cascade.content import load_curriculum

    from ..refreshers.services import assign_for_new_curriculum

    return assign_for_new_curriculum(None, load_curriculum(Path(app.config["CONTENT_ROOT"]) / "curriculum"))


@tracker.command("refresh-figures")
def refresh_figures() -> None:
    """Rebuild every figure kept in the database (dashboard counts, fidelity sums, assessments due,
    generations) from the raw records. Safe at any time; writes wait while it runs."""
    import time

    from ..db import database
    from ..figures.rebuild import rebuild

    app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            started = time.perf_counter()
            rebuild()
        finally:
            database.close()
    click.echo(f"kept figures rebuilt from the records in {time.perf_counter() - started:.1f} s")


def _keep_figures_current(app) -> None:
    """Before serving: rebuild the kept figures if what they were built with has changed (a new
    instrument schedule, a new kind of figure after an upgrade)."""
    from ..db import database
    from ..figures.rebuild import ensure_current
    from ..migrate import pending

    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            waiting = pending()
            if waiting:
                raise click.ClickException(
                    f"The database needs {len(waiting)} update(s) first ({', '.join(waiting)}): run "
                    "`cascade tracker init` (it applies them and keeps your data).")
            rebuilt = ensure_current()
            assigned = _assign_refreshers(app)
        finally:
            database.close()
    if rebuilt:
        click.echo(f"kept figures rebuilt ({', '.join(rebuilt)} changed)")
    if assigned:
        click.echo(f"{assigned} refresher(s) assigned for modules whose MAJOR version changed")


def _shown(url: str) -> str:
    from ..db import _redacted

    return _redacted(url)


@tracker.command("create-site")
@click.argument("code")
@click.option("--name", required=True, help="The site's name, e.g. 'East London'.")
@click.option("--setting", type=click.Choice(["urban", "rural"]), default=None, help="urban or rural.")
def create_site(code: str, name: str, setting: str | None) -> None:
    """Add a site. CODE (2 to 8 letters or digits) starts every carer's study ID there."""
    from ..cascade.services import create_site as create
    from ..db import database
    from ..errors import Refused

    app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            site = create(None, code, name, setting or "")
        except Refused as exc:
            raise click.ClickException(exc.message) from None
        finally:
            database.close()
    click.echo(f"site {site.code} ({site.name}) added")


@tracker.command()
@click.option("--reset", is_flag=True, help="Delete an existing SQLite database file first.")
def demo(reset: bool) -> None:
    """Load the demo programme (fictional people, demo accounts) into an empty database."""
    from cascade.content import load_curriculum
    from cascade.devdata.demo import DEMO_PASSWORD

    from ..accounts.models import User
    from ..db import database
    from ..devload.demo import load
    from ..figures.rebuild import ensure_current
    from ..migrate import upgrade

    app = app_for_command()
    url = app.config["DATABASE_URL"]
    if reset:
        if not url.startswith("sqlite:///"):
            raise click.ClickException("--reset only deletes SQLite files; drop a PostgreSQL database yourself.")
        delete_sqlite_files(url)
        app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        upgrade()
        if User.select().exists():
            raise click.ClickException("The database already has data. Use --reset to start again.")
        counts, password = load(load_curriculum(Path(app.config["CONTENT_ROOT"]) / "curriculum")), DEMO_PASSWORD
        ensure_current()
        database.close()
    click.echo(f"demo loaded into {_shown(url)}: {counts}")
    click.echo(f"demo accounts (password '{password}'): admin@example.org, lead@example.org, "
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
        key = os.environ.get("CASCADE_SECRET_KEY") or ""
        if len(key) < MIN_SECRET_LENGTH:
            raise click.ClickException(
                f"Refusing to start: CASCADE_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters "
                f"(it is {len(key)}). Make one with: python -c 'import secrets; print(secrets.token_hex(32))'")
        app = app_for_command(needs_secret=True)  # a bad setting stops here, in one line, not in every worker
        _keep_figures_current(app)
        from ..serve import run_gunicorn

        run_gunicorn(host, port, workers)
        return
    if demo_mode and not os.environ.get("CASCADE_SECRET_KEY"):
        # Demo only: a fresh key per process (sessions end on restart); real use must set one.
        os.environ["CASCADE_SECRET_KEY"] = secrets.token_hex(32)
    config = {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "DEMO": True} if demo_mode else {}
    app = app_for_command(needs_secret=True, **config)
    _keep_figures_current(app)
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
    app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            user = create(None, email, role_name, password, site_code=site_code, person_id=person_id)
        except Refused as exc:
            raise click.ClickException(exc.message) from None
        finally:
            database.close()
    click.echo(f"created {user.email} ({roles.to_cli(user.role)})")


@tracker.command()
@click.option("--dry-run", is_flag=True, help="List who would get a digest and what is in it; send nothing.")
@click.option("--base-url", "base", default=None, help="Where people open the tracker (default "
              "CASCADE_BASE_URL, else http://127.0.0.1:5000).")
def notify(dry_run: bool, base: str | None) -> None:
    """Email each person a digest of what is theirs to do (for cron or a systemd timer, once a day).

    Only when something is waiting, only to people with reminders on, at most once a day; study IDs
    and counts only. Needs CASCADE_SMTP_URL (except with --dry-run)."""
    import datetime as dt

    from .. import mail
    from ..db import database
    from ..notify.send import run

    if not dry_run and not mail.configured():
        raise click.ClickException("Email is not set up: set CASCADE_SMTP_URL (or use --dry-run).")
    app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            results = run(dt.date.today(), base_url(base), dry_run=dry_run)
        finally:
            database.close()
    for r in results:
        click.echo(f"{r['status']:<18} {r['email']}: {r['items']} item(s) ({', '.join(r['kinds'])})")
    sent = sum(1 for r in results if r["status"] == "sent")
    click.echo(f"{'dry run: ' if dry_run else ''}{len(results)} digest(s); {sent} sent")


@tracker.command("reset-password")
@click.argument("email")
@click.option("--base-url", "base", default=None, help="Where people open the tracker (default "
              "CASCADE_BASE_URL, else http://127.0.0.1:5000).")
def reset_password(email: str, base: str | None) -> None:
    """Print a one-time password reset link for EMAIL (valid 24 hours); also email it when SMTP is set."""
    from ..accounts.models import User
    from ..accounts.services import RESET_VALID_FOR, issue_reset, normalise_email
    from ..admin.resets import deliver_reset
    from ..db import database
    from ..errors import Refused

    chosen = base_url(base)
    app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            user = User.get_or_none(User.email == normalise_email(email))
            if user is None:
                raise click.ClickException(f"there is no account with the email address {email}")
            token = issue_reset(None, user)
            link = f"{chosen}/reset/{token}"
            emailed = deliver_reset(user, link, wait=True)
        except Refused as exc:
            raise click.ClickException(exc.message) from None
        finally:
            database.close()
    click.echo(link)
    hours = int(RESET_VALID_FOR.total_seconds() // 3600)
    click.echo(f"works once, for {hours} hours" + ("; also emailed" if emailed else ""), err=True)


@tracker.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Backup file to write.")
def backup(out: Path) -> None:
    """Copy the live database to a file: SQLite's online backup, or pg_dump for PostgreSQL."""
    from .. import backup as backups

    app = app_for_command()
    url = app.config["DATABASE_URL"]
    try:
        if url.startswith("sqlite:"):
            source = backups.sqlite_path(url)
            if not source.exists():
                raise click.ClickException(f"no database at {source}")
            backups.backup_sqlite(source, out)
        else:
            backups.backup_postgres(url, out)
    except (RuntimeError, backups.RestoreRefused) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up {_shown(url)} to {out}")


@tracker.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup_file: Path, yes: bool) -> None:
    """Replace the database with a backup, after checking it is a tracker database this version knows.

    A safety copy of what is replaced goes to instance/backups/. Stop the server first.
    """
    from .. import backup as backups

    app = app_for_command()
    url = app.config["DATABASE_URL"]
    safety_dir = Path(app.instance_path) / "backups"
    try:
        if url.startswith("sqlite:"):
            backups.check_sqlite_file(backup_file)
        else:
            backups.check_postgres_dump(backup_file)
        if not yes:
            click.confirm(f"Replace {_shown(url)} with {backup_file}?", abort=True)
        if url.startswith("sqlite:"):
            safety = backups.restore_sqlite(backup_file, backups.sqlite_path(url), safety_dir)
        else:
            safety = backups.restore_postgres(backup_file, url, safety_dir)
    except backups.RestoreRefused as exc:
        raise click.ClickException(str(exc)) from None
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {_shown(url)} from {backup_file}" + (f"; the replaced data is kept in {safety}" if safety else ""))
