"""Sign in (with the optional second step), sign out, your account, and password reset links."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..errors import Refused
from ..web.forms import attach
from ..web.guard import allow, public
from . import roles, services, sessions, twostep
from .forms import (
    ForgotForm,
    LoginForm,
    PasswordForm,
    ResetForm,
    SecondStepForm,
    TwoStepOffForm,
    TwoStepOnForm,
)

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """A place on this site to go back to after signing in, or None. Only a plain path is taken:
    no scheme or host, no '//' or backslash, no whitespace or control characters (browsers drop
    tabs and newlines, which would turn '/\\t/evil' into '//evil')."""
    if not target or len(target) > 2000:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _address() -> str:
    return request.remote_addr or ""


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    problem = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, _address(),
                                         current_app.config["SECRET_KEY"])
        except Refused as exc:
            problem = exc.message
        else:
            next_page = safe_next(request.args.get("next"))
            session.clear()  # a new session (and a new CSRF token) for every sign-in
            second_step = twostep.enabled(user) or twostep.required_for(user)
            services.signed_in(user, second_step_done=not second_step)
            login_user(user)
            if next_page:
                session["after_sign_in"] = next_page
            if second_step:
                return redirect(url_for("auth.second_step" if twostep.enabled(user) else "auth.two_step"))
            return redirect(session.pop("after_sign_in", None) or url_for("web.home"))
    status = 200 if problem is None else 401
    return render_template("auth/login.html", form=form, problem=problem), status


@bp.route("/login/second-step", methods=["GET", "POST"])
@allow(*roles.ANY_SIGNED_IN)
def second_step():
    """The code from the authenticator app (or a recovery code), after the password."""
    row = sessions.current()
    if row is None or row.second_step_done:
        return redirect(url_for("web.home"))
    if not twostep.enabled(current_user):
        return redirect(url_for("auth.two_step"))
    form = SecondStepForm()
    if form.validate_on_submit():
        try:
            services.check_second_step(current_user._get_current_object(), form.code.data, _address(),
                                       current_app.config["SECRET_KEY"])
        except Refused as exc:
            attach(form, exc)
        else:
            sessions.complete_second_step(current_user)
            return redirect(session.pop("after_sign_in", None) or url_for("web.home"))
    return render_template("auth/second_step.html", form=form)


@bp.post("/logout")
@allow(*roles.ANY_SIGNED_IN)
def logout():
    services.signed_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow(*roles.ANY_SIGNED_IN)
def account():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.check_current_password(user, form.current.data, _address(), current_app.config["SECRET_KEY"])
            services.change_password(user, user, form.new.data)
        except Refused as exc:
            attach(form, exc, {"password": "new"})
        else:
            session.clear()  # a fresh session here; every earlier one (and any copy of it) has ended
            services.signed_in(user)
            login_user(user)
            flash("Your password has been changed. Your other sessions have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, two_step_on=twostep.enabled(current_user),
                           two_step_required=twostep.required_for(current_user),
                           open_sessions=sessions.open_sessions(current_user), this_session=sessions.current())


@bp.post("/account/reminders")
@allow(*roles.ANY_SIGNED_IN)
def reminders():
    user = current_user._get_current_object()
    services.set_reminders(user, user, not user.reminders)
    flash("Email reminders are on." if user.reminders else "Email reminders are off.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/sign-out-everywhere")
@allow(*roles.ANY_SIGNED_IN)
def sign_out_everywhere():
    services.sign_out_everywhere(current_user, current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have been signed out on every device.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/two-step", methods=["GET", "POST"])
@allow(*roles.ANY_SIGNED_IN)
def two_step():
    """Turn two-step sign-in on (scan the QR code, type a code) or off."""
    user = current_user._get_current_object()
    if twostep.enabled(user):
        form = TwoStepOffForm()
        if form.validate_on_submit():
            try:
                services.check_current_password(user, form.current.data, _address(), current_app.config["SECRET_KEY"])
                twostep.disable(user, user)
            except Refused as exc:
                attach(form, exc)
            else:
                flash("Two-step sign-in is off.", "success")
                return redirect(url_for("auth.account"))
        return render_template("auth/two_step_off.html", form=form, required=twostep.required_for(user))
    secret = session.get("pending_totp") or twostep.new_secret()
    session["pending_totp"] = secret
    form = TwoStepOnForm()
    if form.validate_on_submit():
        try:
            codes = twostep.enable(user, user, secret, form.code.data)
        except Refused as exc:
            attach(form, exc)
        else:
            session.pop("pending_totp", None)
            sessions.complete_second_step(user)
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = twostep.setup_uri(user, secret)
    return render_template("auth/two_step_on.html", form=form, secret=secret, qr=twostep.qr_svg(uri),
                           required=twostep.required_for(user))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot():
    """Ask for a reset link by email. The answer is the same whether or not the account exists."""
    from .. import mail
    from ..admin.resets import deliver_reset

    form = ForgotForm()
    if form.validate_on_submit():
        found = services.request_reset(form.email.data, _address(), current_app.config["SECRET_KEY"])
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
            session.clear()
            flash("Your new password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
