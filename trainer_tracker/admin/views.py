"""Accounts, sites, password reset links and the audit log."""

from __future__ import annotations

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
from ..web.forms import attach
from ..web.guard import allow
from ..web.paging import page_number
from . import setup
from .resets import deliver_reset

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


def _site_choices(blank: str = "No site") -> list[tuple[str, str]]:
    return [("", blank)] + [(s.code, f"{s.name} ({s.code})") for s in Site.select().order_by(Site.name)]


def _person_choices(user: User | None = None) -> list[tuple[str, str]]:
    """People who have no account yet (and the one linked to `user`)."""
    linked = User.select(User.person).where(User.person.is_null(False))
    if user is not None and user.person_id:
        linked = linked.where(User.id != user.id)
    people = (Person.select(Person, Site).join(Site).where(Person.id.not_in(linked))
              .order_by(Person.family_name, Person.given_name))
    return [("", "Not in the cascade")] + [(p.id, f"{p.name} ({p.site.code})") for p in people]


def _user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotVisible(user_id)
    return user


@bp.get("/users")
@allow(roles.ADMIN)
def users():
    rows = (User.select(User, Site).join(Site, JOIN.LEFT_OUTER, on=(User.site == Site.id))
            .order_by(User.role, User.email))
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(roles.ADMIN)
def new_user():
    form = UserForm()
    form.site.choices = _site_choices()
    form.person.choices = _person_choices()
    if form.validate_on_submit():
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
    form.person.choices = _person_choices(found)
    if form.validate_on_submit():
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
    page = page_number()
    action = request.args.get("action", "").strip()[:64]
    query = AuditEntry.select().order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    entries = list(query.paginate(page, PAGE_SIZE))
    return render_template("admin/audit.html", entries=entries, page=page, action=action,
                           more=len(entries) == PAGE_SIZE)


def first_run_checklist() -> list[dict]:
    """For the administrator's home page (dashboard): what a new programme still needs."""
    return setup.checklist()
