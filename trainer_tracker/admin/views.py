"""Accounts, sites, password reset links and the audit log."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from .. import access
from ..accounts import roles, services
from ..accounts.forms import EditSiteForm, EditUserForm, SiteForm, UserForm
from ..accounts.models import User
from ..audit.history import history
from ..audit.models import AuditEntry
from ..cascade import corrections
from ..cascade import services as cascade_services
from ..cascade.models import Person, Site
from ..errors import NotVisible, Refused
from ..web import listing, pickers
from ..web.forms import attach
from ..web.guard import allow
from . import setup
from .resets import deliver_reset

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _site_choices(blank: str = "No site") -> list[tuple[str, str]]:
    return [("", blank)] + [(s.code, f"{s.name} ({s.code})") for s in Site.select().order_by(Site.name)]


def _bind_person(field, user: User | None = None) -> None:
    """People who have no account yet (and the one linked to `user`): searched when there are many."""
    linked = User.select(User.person).where(User.person.is_null(False))
    if user is not None and user.person_id:
        linked = linked.where(User.id != user.id)
    pickers.bind(field, Person.select(Person, Site).join(Site).where(Person.id.not_in(linked)),
                 label=lambda p: f"{p.name} ({p.site.code})", search=[Person.given_name, Person.family_name],
                 order=[Person.family_name, Person.given_name, Person.id], blank="Not in the cascade",
                 noun="people")


def _user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotVisible(user_id)
    return user


@bp.get("/users")
@allow(roles.ADMIN)
def users():
    """Accounts, a page at a time: by role and status, or part of an email address."""
    role = listing.choice("role", roles.ROLES)
    status = listing.choice("status", {"active", "off"})
    words = listing.search_text()
    query = User.select(User, Site).join(Site, JOIN.LEFT_OUTER, on=(User.site == Site.id))
    if role:
        query = query.where(User.role == role)
    if status:
        query = query.where(User.active == (status == "active"))
    if words:
        query = query.where(listing.contains(User.email, words))
    page = listing.paged(query.order_by(User.role, User.email, User.id))
    filters = [{"name": "q", "label": "Email", "value": words, "width": 20},
               {"name": "role", "label": "Role", "value": role,
                "options": [("", "Any")] + [(r, roles.ROLE_LABELS[r]) for r in roles.ROLES]},
               {"name": "status", "label": "Status", "value": status,
                "options": [("", "Any"), ("active", "Active"), ("off", "Switched off")]}]
    return render_template("admin/users.html", page=page, filters=filters)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(roles.ADMIN)
def new_user():
    form = UserForm()
    form.site.choices = _site_choices()
    _bind_person(form.person)
    if not pickers.searching() and form.validate_on_submit():
        try:
            user = services.create_user(current_user, form.email.data, form.role.data, form.password.data,
                                        site_code=form.site.data or None,
                                        person_id=form.person.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("cascade/form_page.html", form=form, title="Add a user", submit="Create account",
                           back=url_for("admin.users"))


@bp.get("/users/<int:user_id>")
@allow(roles.ADMIN)
def user(user_id: int):
    found = _user(user_id)
    return render_template("admin/user.html", user=found, history=history(("user", found.id)))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow(roles.ADMIN)
def edit_user(user_id: int):
    found = _user(user_id)
    form = EditUserForm(data={"role": found.role, "site": found.site.code if found.site_id else "",
                              "person": found.person_id} if request.method == "GET" else None)
    form.site.choices = _site_choices()
    _bind_person(form.person, found)
    if not pickers.searching() and form.validate_on_submit():
        try:
            services.update_user(current_user, found, role=form.role.data, site_code=form.site.data or None,
                                 person_id=form.person.data,
                                 reason=form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Account updated.", "success")
            return redirect(url_for("admin.user", user_id=found.id))
    return render_template("cascade/form_page.html", form=form, title=f"Change {found.email}", submit="Save changes",
                           back=url_for("admin.user", user_id=found.id))


@bp.post("/users/<int:user_id>/active")
@allow(roles.ADMIN)
def toggle_active(user_id: int):
    found = _user(user_id)
    if found.id == current_user.id:
        flash("You cannot switch off your own account.", "info")
    else:
        services.set_active(current_user, found, not found.active)
        flash("Account switched on." if found.active else "Account switched off: it can no longer sign in.", "success")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.post("/users/<int:user_id>/sign-out")
@allow(roles.ADMIN)
def sign_out_everywhere(user_id: int):
    """End every session of the account (a lost phone, a shared computer, a person who left)."""
    found = _user(user_id)
    ended = services.sign_out_everywhere(current_user, found)
    flash(f"Signed out everywhere ({ended} session{'s' if ended != 1 else ''} ended).", "success")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.post("/users/<int:user_id>/reset")
@allow(roles.ADMIN, roles.SITE_LEAD)
def reset_link(user_id: int):
    """Issue a one-time password reset link (admins: anyone; site leads: their site's trainers and
    peer supporters). Emailed when email is set up; shown on the page to copy either way."""
    found = _user(user_id)
    if not access.can_reset_password(current_user, found):
        raise NotVisible(user_id)
    try:
        token = services.issue_reset(current_user, found)
    except Refused as exc:
        flash(exc.message, "info")
        return redirect(request.referrer or url_for("web.home"))
    link = url_for("auth.reset", token=token, _external=True)
    emailed = deliver_reset(found, link, wait=True)
    return render_template("admin/reset_link.html", user=found, link=link, emailed=emailed,
                           hours=int(services.RESET_VALID_FOR.total_seconds() // 3600))


# Sites ------------------------------------------------------------------------------------

@bp.get("/sites")
@allow(roles.ADMIN)
def sites():
    return render_template("admin/sites.html", sites=list(Site.select().order_by(Site.name)))


@bp.route("/sites/new", methods=["GET", "POST"])
@allow(roles.ADMIN)
def new_site():
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = cascade_services.create_site(current_user, form.code.data, form.name.data, form.setting.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            flash(f"Site {site.code} added.", "success")
            return redirect(url_for("admin.sites"))
    return render_template("cascade/form_page.html", form=form, title="Add a site", submit="Add site",
                           back=url_for("admin.sites"))


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@allow(roles.ADMIN)
def edit_site(site_id: int):
    site = Site.get_or_none(Site.id == site_id)
    if site is None:
        raise NotVisible(site_id)
    form = EditSiteForm(data={"name": site.name, "setting": site.setting} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            corrections.rename_site(current_user, site, form.name.data, form.setting.data or "", form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Site updated.", "success")
            return redirect(url_for("admin.sites"))
    return render_template("admin/site_form.html", form=form, site=site, history=history(("site", site.id)))


# The audit log ----------------------------------------------------------------------------

@bp.get("/audit")
@allow(roles.ADMIN)
def audit():
    """Every change, newest first, a page at a time (not counted: the log grows for years)."""
    action = listing.search_text("action")[:64]
    entity = listing.search_text("entity")[:64]
    since, until = listing.date_arg("from"), listing.date_arg("to")
    query = AuditEntry.select().order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(AuditEntry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    page = listing.paged(query, count=False)
    filters = [{"name": "action", "label": "Action starts with", "value": action, "width": 20},
               {"name": "entity", "label": "Record kind", "value": entity, "width": 10},
               {"name": "from", "label": "From", "value": since.isoformat() if since else "", "type": "date"},
               {"name": "to", "label": "To", "value": until.isoformat() if until else "", "type": "date"}]
    return render_template("admin/audit.html", page=page, filters=filters)


def first_run_checklist() -> list[dict]:
    """For the administrator's home page (dashboard): what a new programme still needs."""
    return setup.checklist()
