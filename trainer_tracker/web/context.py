"""Template helpers: the navigation for each role, labels and formatting."""

from __future__ import annotations

import datetime as dt

from flask import request, url_for
from flask_login import current_user

from ..accounts import roles

# (label, endpoint, roles that see it)
NAVIGATION = [
    ("Dashboard", "dashboard.index", roles.AGGREGATE_VIEWERS),
    ("Fidelity", "fidelity.dashboard", roles.AGGREGATE_VIEWERS),
    ("Cascade", "cascade.tree", roles.CASCADE_VIEWERS),
    ("Courses", "cascade.courses", roles.CASCADE_VIEWERS),
    ("People", "cascade.people", roles.CASCADE_VIEWERS),
    ("Referrals", "pathway.referrals", roles.STAFF),
    ("Carers", "support.carers", roles.STAFF),
    ("Assessments", "research.due", roles.STAFF),
    ("Adverse events", "research.adverse_events", roles.STAFF),
    ("Costs", "research.costs", (*roles.STAFF, roles.RESEARCHER)),
    ("My support", "support.my_caseload", (roles.SUPPORTER, roles.TRAINER)),
    ("My training", "study.my_training", (roles.SUPPORTER, roles.TRAINER)),
    ("Concerns", "concerns.queue", (*roles.STAFF, roles.TRAINER, roles.SUPPORTER)),
    ("Supervision", "supervision.sessions", (*roles.STAFF, roles.TRAINER, roles.SUPPORTER)),
    ("My training", "cascade.me", (roles.SUPPORTER, roles.TRAINER)),
    ("Users", "admin.users", (roles.ADMIN,)),
    ("Audit log", "admin.audit", (roles.ADMIN,)),
]


def init_app(app) -> None:
    @app.context_processor
    def _context():
        items = []
        if current_user.is_authenticated:
            for label, endpoint, allowed in NAVIGATION:
                if current_user.role in allowed and endpoint in app.view_functions:
                    items.append({"text": label, "href": url_for(endpoint),
                                  "current": request.endpoint == endpoint})
        return {"nav_items": items, "role_labels": roles.ROLE_LABELS}

    @app.template_filter("date")
    def _date(value):
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.strftime("%-d %B %Y, %H:%M")
        if isinstance(value, dt.date):
            return value.strftime("%-d %B %Y")
        return str(value)
