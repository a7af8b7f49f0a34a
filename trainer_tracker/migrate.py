"""Schema migrations with peewee's own runner (playhouse.migrations).

Migration files live in trainer_tracker/migrations/NNNN_name.py; each defines up(migrator, db)
with frozen model copies, so old migrations never change when the models do. To add one after
changing a model: `cascade tracker makemigration NAME` (wraps peewee's generator).
"""

from __future__ import annotations

from pathlib import Path

from playhouse.migrations import Runner

from .db import database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def runner() -> Runner:
    return Runner(database.obj, directory=str(MIGRATIONS_DIR))


def upgrade() -> list[str]:
    """Apply every pending migration; return the names applied."""
    return runner().up()


def pending() -> list[str]:
    return [m.name for m in runner().status() if not m.applied and m.path]
