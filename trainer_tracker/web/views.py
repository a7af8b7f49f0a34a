"""Public pages: start, accessibility statement, health check and certificate verification."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts import roles
from ..cascade.models import Certification
from .guard import public

bp = Blueprint("web", __name__)

HOME_BY_ROLE = {
    roles.ADMIN: "dashboard.index",
    roles.PROGRAMME_LEAD: "dashboard.index",
    roles.SITE_LEAD: "dashboard.index",
    roles.RESEARCHER: "dashboard.index",
    roles.LEAP_REVIEWER: "dashboard.index",
    roles.TRAINER: "cascade.courses",
    roles.SUPPORTER: "support.my_caseload",
}


@bp.get("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE.get(current_user.role, "auth.account")))
    return redirect(url_for("auth.login"))


@bp.get("/health")
@public
def health():
    return {"status": "ok"}


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("web/accessibility.html")


@bp.get("/verify")
@public
def verify():
    """Check a certificate's code. Shows status and dates only: no name or other personal data."""
    code = (request.args.get("code") or "").strip().upper()
    cert = None
    if code:
        cert = Certification.get_or_none(Certification.verification_code == code)
    status = cert.effective_status(dt.date.today()) if cert else None
    renewed = bool(cert and cert.renewals.exists())
    return render_template("web/verify.html", code=code, cert=cert, status=status, renewed=renewed)
