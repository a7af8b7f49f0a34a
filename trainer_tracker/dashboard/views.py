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
    checklist = []
    if current_user.role == roles.ADMIN:
        from ..admin.setup import checklist as setup_checklist

        checklist = setup_checklist()
    return render_template("dashboard/index.html", figures=figures, generations=generation_counts(site_id),
                           alerts=alerts, checklist=checklist, setup_done=all(step["done"] for step in checklist))
