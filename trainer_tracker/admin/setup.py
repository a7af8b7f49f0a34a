"""The first-run checklist: what a new programme still needs before it can run."""

from __future__ import annotations

from flask import url_for

from ..accounts import roles
from ..accounts.models import User
from ..cascade.models import Person, Site


def checklist() -> list[dict]:
    """Each step with done or not, and where to do it. Empty lists of work read as done."""
    sites = list(Site.select().order_by(Site.name))
    active = User.select().where(User.active == True)  # noqa: E712
    leads = {u.site_id for u in active.where(User.role == roles.SITE_LEAD)}
    missing_leads = [s.name for s in sites if s.id not in leads]
    founders = Person.select().where(Person.founding_trainer == True).count()  # noqa: E712
    trainers = active.where(User.role == roles.TRAINER).count()
    return [
        {"text": "Add the programme's sites", "done": bool(sites), "href": url_for("admin.sites"),
         "detail": f"{len(sites)} site(s)" if sites else "No sites yet."},
        {"text": "Add a programme lead account", "href": url_for("admin.new_user"),
         "done": active.where(User.role == roles.PROGRAMME_LEAD).exists(), "detail": ""},
        {"text": "Add a site lead account for every site", "href": url_for("admin.new_user"),
         "done": bool(sites) and not missing_leads,
         "detail": ("Missing for: " + ", ".join(missing_leads)) if missing_leads else ""},
        {"text": "Add the founding trainers (generation 0) as people", "href": url_for("cascade.new_person"),
         "done": founders > 0, "detail": f"{founders} founding trainer(s)" if founders else ""},
        {"text": "Add trainer accounts linked to their person", "href": url_for("admin.new_user"),
         "done": trainers > 0, "detail": f"{trainers} trainer account(s)" if trainers else ""},
    ]
