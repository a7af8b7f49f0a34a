"""Refreshers: who needs one (by site, with what changed), assigning them, confirming them done."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access
from ..accounts import roles
from ..cascade.models import Person, Site
from ..errors import NotVisible, Refused
from ..web import listing
from ..web.curriculum import get_curriculum
from ..web.guard import allow
from . import services
from .models import Refresher

bp = Blueprint("refreshers", __name__)
CONFIRMERS = (*roles.STAFF, roles.TRAINER)


def _site_id() -> int | None:
    return current_user.site_id if current_user.role == roles.SITE_LEAD else None


@bp.get("/refreshers")
@allow(*roles.STAFF)
def needed():
    """Everyone trained on an older MAJOR version of a module, with the change and where they are."""
    curriculum = get_curriculum()
    release = (request.args.get("release") or "").strip()[:32] or None
    try:
        needs = services.needed(curriculum, release=release, site_id=_site_id())
    except Refused as exc:
        flash(exc.message, "info")
        needs, release = services.needed(curriculum, site_id=_site_id()), None
    state = listing.choice("state", {"not assigned", "assigned", "done"})
    shown = [n for n in needs if not state or n.state == state]
    page_size = 50
    number = max(1, min(int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1,
                        -(-len(shown) // page_size) or 1))
    rows = shown[(number - 1) * page_size: number * page_size]
    assigned = list(Refresher.select(Refresher, Person, Site).join(Person).join(Site, on=(Person.site == Site.id))
                    .where(Refresher.confirmed_at.is_null() & (Refresher.reason == "assigned")
                           & ((Person.site == _site_id()) if _site_id() else True))
                    .order_by(Refresher.assigned_at).limit(100))
    titles = {m.id: m.title for m in curriculum.modules}
    return render_template("refreshers/needed.html", rows=rows, total=len(shown), number=number,
                           pages=-(-len(shown) // page_size) or 1, titles=titles, release=release, state=state,
                           unassigned=sum(1 for n in needs if n.state == "not assigned"), assigned=assigned)


@bp.post("/refreshers/assign")
@allow(*roles.STAFF)
def assign_all():
    made = services.assign_needed(current_user, get_curriculum(), site_id=_site_id())
    flash(f"{made} refresher{'s' if made != 1 else ''} assigned." if made else "Every refresher listed is assigned already.",
          "success")
    return redirect(url_for("refreshers.needed"))


@bp.post("/refreshers/<int:refresher_id>/confirm")
@allow(*CONFIRMERS)
def confirm(refresher_id: int):
    row = Refresher.get_or_none(Refresher.id == refresher_id)
    if row is None:
        abort(404)
    try:
        access.person(current_user, row.person_id)
    except NotVisible:
        abort(404)
    try:
        services.confirm(current_user, row, how="trainer")
    except Refused as exc:
        flash(exc.message, "info")
    else:
        flash("Refresher recorded as done; it is on the certification's history.", "success")
    return redirect(request.form.get("back") or url_for("cascade.person", person_id=row.person_id))


@bp.post("/people/<int:person_id>/refreshers")
@allow(*roles.STAFF)
def assign_one(person_id: int):
    """Assign a refresher by hand (after a fidelity drop or a long break, say)."""
    try:
        person = access.person(current_user, person_id)
    except NotVisible:
        abort(404)
    if not access.can_manage_people(current_user, person.site_id):
        abort(403)
    module = get_curriculum().by_id.get((request.form.get("module") or "")[:80])
    if module is None:
        flash("Choose a module.", "info")
    else:
        services.assign(current_user, person, module.id, str(module.version))
        flash(f"Refresher in {module.title} assigned.", "success")
    return redirect(url_for("cascade.person", person_id=person.id))
