"""The research blueprint and what its views share: the instrument registry, the site in scope."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app
from flask_login import current_user

from ..accounts import roles
from . import services
from .models import AdverseEvent

bp = Blueprint("research", __name__, url_prefix="/research")
ENTRY_ROLES = (*roles.STAFF, roles.TRAINER, roles.SUPPORTER)


@lru_cache(maxsize=4)
def _registry_for(root: str, licensed: str | None):
    from cascade.assessments.instruments import load_instruments

    return load_instruments(Path(root) / "assessments")


def registry():
    import os

    return _registry_for(current_app.config["CONTENT_ROOT"], os.environ.get("CASCADE_LICENSED_TEXT"))


def _scope_site():
    return current_user.site_id if current_user.role == roles.SITE_LEAD else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def overdue_reports(site_id: int | None = None) -> list[tuple[AdverseEvent, object]]:
    """Open adverse events with a report past its deadline (for the dashboard alerts)."""
    query = AdverseEvent.select().where(AdverseEvent.status == "open")
    if site_id is not None:
        query = query.where(AdverseEvent.site == site_id)
    now, found = _now(), []
    for row in query:
        for report in services.reports_for(row, now):
            if report.overdue:
                found.append((row, report))
    return found
