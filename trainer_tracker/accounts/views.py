"""Sign in, sign out and change password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..errors import Refused
from ..web.guard import allow, public
from . import roles, services
from .forms import ForgotForm, LoginForm, PasswordForm, ResetForm
from .passwords import verify_password

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    # Only local paths: never redirect to another site after signing in.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    problem = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "",
                                         current_app.config["SECRET_KEY"])
        except Refused as exc:
            problem = exc.message
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("web.home"))
    status = 200 if problem is None else 401
    return render_template("auth/login.html", form=form, problem=problem), status


@bp.post("/logout")
@allow(*roles.ANY_SIGNED_IN)
def logout():
    services.signed_out(current_user._get_current_object())
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow(*roles.ANY_SIGNED_IN)
def account():
    form = PasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append("Your current password is not right.")
        else:
            try:
                services.change_password(current_user, current_user._get_current_object(), form.new.data)
            except Refused as exc:
                form.new.errors.append(exc.message)
            else:
                user = services.load_user(f"{current_user.id}:{current_user.session_token}")
                login_user(services.User.get_by_id(current_user.id) if user is None else user)
                flash("Your password has been changed. Other sessions have been signed out.", "success")
                return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot():
    """Ask for a reset link by email. The answer is the same whether or not the account exists."""
    from .. import mail
    from ..admin.resets import deliver_reset

    form = ForgotForm()
    if form.validate_on_submit():
        found = services.request_reset(form.email.data, request.remote_addr or "", current_app.config["SECRET_KEY"])
        if found is not None:
            user, token = found
            deliver_reset(user, url_for("auth.reset", token=token, _external=True), wait=False)
        return render_template("auth/forgot_sent.html", email_on=mail.configured())
    return render_template("auth/forgot.html", form=form, email_on=mail.configured())


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str):
    """Choose a new password with a one-time link."""
    if len(token) > 128 or services.reset_target(token) is None:
        return render_template("auth/reset_dead.html"), 410
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.use_reset(token, form.password.data)
        except Refused as exc:
            if exc.field is None:
                return render_template("auth/reset_dead.html"), 410
            form.password.errors.append(exc.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash("Your new password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
