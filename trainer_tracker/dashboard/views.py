"""The programme dashboard (aggregates only: no names)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..accounts import roles
from ..web.guard import allow
from .figures import cascade_figures, generation_counts

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@allow(*roles.AGGREGATE_VIEWERS)
def index():
    site_id = current_user.site_id if current_user.role == roles.SITE_LEAD else None
    figures = cascade_figures(site_id)
    alerts = []
    if current_user.role in roles.STAFF:
        from ..research.views import overdue_reports

        alerts = overdue_reports(site_id)
    attention = _needs_attention(site_id) if current_user.role in roles.STAFF else None
    checklist = []
    if current_user.role == roles.ADMIN:
        from ..admin.setup import checklist as setup_checklist

        checklist = setup_checklist()
    return render_template("dashboard/index.html", figures=figures, generations=generation_counts(site_id),
                           alerts=alerts, checklist=checklist, setup_done=all(step["done"] for step in checklist),
                           attention=attention)


def _needs_attention(site_id: int | None) -> dict:
    """What the site team should look at today: open concerns (and overdue ones), carers waiting
    too long, peer supporters overdue for supervision. A few indexed counts."""
    import datetime as dt

    from ..concerns.models import Concern
    from ..concerns.services import settings as concern_settings
    from ..pathway.services import settings as pathway_settings
    from ..supervision.services import overdue
    from ..support.models import Carer

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    concerns = Concern.select().where(Concern.status == "open")
    waiting = Carer.select().where((Carer.status == "waiting") & (
        Carer.consented_on < dt.date.today() - dt.timedelta(days=pathway_settings()["waiting_flag_days"])))
    if site_id is not None:
        concerns, waiting = concerns.where(Concern.site == site_id), waiting.where(Carer.site == site_id)
    late = now - dt.timedelta(hours=concern_settings()["acknowledge_within_hours"])
    return {"concerns": concerns.count(), "concerns_late": concerns.where(Concern.raised_at < late).count(),
            "waiting_too_long": waiting.count(), "supervision_overdue": overdue(site_id).count()}
