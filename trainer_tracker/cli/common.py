"""What every tracker command shares: the app for a command (one-line errors for a bad setting)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click


def app_for_command(*, needs_secret: bool = False, **config):
    """The tracker app for a command. A bad CASCADE_DATABASE_URL (or another setting) stops the
    command with one line naming the problem. Commands that sign nothing run without a secret key."""
    from ..app import ConfigError, create_app

    if not needs_secret and not os.environ.get("CASCADE_SECRET_KEY"):
        os.environ["CASCADE_SECRET_KEY"] = secrets.token_hex(32)  # this process only: nothing is signed
    try:
        return create_app(config or None)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def delete_sqlite_files(url: str) -> None:
    """Close the connection and delete an SQLite database with its WAL and shared-memory files."""
    from ..db import database

    database.close()
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def base_url(explicit: str | None) -> str:
    """Where people open the tracker, for links printed by commands (CASCADE_BASE_URL)."""
    return (explicit or os.environ.get("CASCADE_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
