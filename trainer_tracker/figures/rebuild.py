"""Rebuilding every kept figure from the raw records, and knowing when they are out of date."""

from __future__ import annotations

from ..db import database
from . import counts, due, fidelity, generations
from .models import KeptState

# Bump when what is kept changes shape: the next start or upgrade rebuilds the figures.
KEPT_VERSION = "1"


def _state() -> dict[str, str]:
    return {name: value for name, value in KeptState.select(KeptState.name, KeptState.value).tuples()}


def _wanted() -> dict[str, str]:
    return {"version": KEPT_VERSION, "due": due.fingerprint()}


def stale() -> list[str]:
    """What makes the kept figures out of date (empty: they are current)."""
    state, wanted = _state(), _wanted()
    return [name for name, value in wanted.items() if state.get(name) != value]


def rebuild() -> None:
    """Every kept figure from the raw records, in one transaction."""
    with database.atomic():
        generations.rebuild()  # first: the other figures group by generation
        counts.rebuild()
        fidelity.rebuild()
        due.rebuild()
        KeptState.delete().execute()
        KeptState.insert_many([{"name": k, "value": v} for k, v in _wanted().items()]).execute()


def ensure_current() -> list[str]:
    """Rebuild when stale; returns what was out of date."""
    reasons = stale()
    if reasons:
        rebuild()
    return reasons
