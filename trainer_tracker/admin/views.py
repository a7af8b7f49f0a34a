"""Accounts and the audit log (administrators only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts import roles, services
from ..accounts.forms import UserForm
from ..accounts.models import User
from ..audit.models import AuditEntry
from ..cascade.models import Person, Site
from ..errors import Refused
from ..web.guard import allow

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.get("/users")
@allow(roles.ADMIN)
def users():
    rows = User.select().order_by(User.role, User.email)
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(roles.ADMIN)
def new_user():
    form = UserForm()
    form.site.choices = [("", "No site")] + [(s.code, s.name) for s in Site.select().order_by(Site.name)]
    form.person.choices = [("", "Not in the cascade")] + [
        (str(p.id), f"{p.name} ({p.site.code})") for p in Person.select().join(Site).order_by(Person.family_name)]
    if form.validate_on_submit():
        try:
            services.create_user(current_user, form.email.data, form.role.data, form.password.data,
                                 site_code=form.site.data or None,
                                 person_id=int(form.person.data) if form.person.data else None)
        except Refused as exc:
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            flash("Account created.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


@bp.post("/users/<int:user_id>/active")
@allow(roles.ADMIN)
def toggle_active(user_id: int):
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash("You cannot disable your own account.", "info")
    else:
        services.set_active(current_user, user, not user.active)
        flash("Account updated.", "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@allow(roles.ADMIN)
def audit():
    page = max(int(request.args.get("page", 1) or 1), 1)
    action = request.args.get("action", "").strip()
    query = AuditEntry.select().order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    entries = list(query.paginate(page, PAGE_SIZE))
    return render_template("admin/audit.html", entries=entries, page=page, action=action,
                           more=len(entries) == PAGE_SIZE)
