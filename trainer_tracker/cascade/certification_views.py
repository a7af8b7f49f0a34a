"""Cascade pages: a certification, its certificate, revoking, lapsing and renewing it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import access
from ..accounts import roles
from ..errors import Refused
from ..web import pickers
from ..web.forms import attach
from ..web.guard import allow
from . import services
from .blueprint import (
    PEOPLE_VIEWERS,
    bind_courses,
    bind_people,
    bp,
)
from .forms import (
    ReasonForm,
    RenewForm,
)
from .models import (
    CertificationEvent,
    Person,
)


@bp.get("/certifications/<int:certification_id>")
@allow(*PEOPLE_VIEWERS)
def certification(certification_id: int):
    cert = access.certification(current_user, certification_id)
    events = list(cert.events.order_by(CertificationEvent.at))
    can_manage = current_user.role in roles.STAFF and access.can_manage_people(current_user, cert.person.site_id)
    return render_template("cascade/certification.html", cert=cert, events=events, can_manage=can_manage,
                           reason_form=ReasonForm())


@bp.get("/certifications/<int:certification_id>/certificate")
@allow(*PEOPLE_VIEWERS)
def certificate(certification_id: int):
    cert = access.certification(current_user, certification_id)
    return render_template("cascade/certificate.html", cert=cert,
                           verify_url=url_for("web.verify", code=cert.verification_code, _external=True))


def _status_change(certification_id: int, change, message: str):
    cert = access.certification(current_user, certification_id)
    if not access.can_manage_people(current_user, cert.person.site_id):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            change(current_user, cert, form.reason.data)
        except Refused as exc:
            flash(exc.message, "info")
        else:
            flash(message, "success")
    else:
        flash("Give a reason. It is kept in the certification's history.", "info")
    return redirect(url_for("cascade.certification", certification_id=cert.id))


@bp.post("/certifications/<int:certification_id>/revoke")
@allow(*roles.STAFF)
def revoke(certification_id: int):
    return _status_change(certification_id, services.revoke, "Certification revoked.")


@bp.post("/certifications/<int:certification_id>/lapse")
@allow(*roles.STAFF)
def lapse(certification_id: int):
    return _status_change(certification_id, services.lapse, "Certification marked as lapsed.")


@bp.route("/certifications/<int:certification_id>/renew", methods=["GET", "POST"])
@allow(*roles.STAFF)
def renew(certification_id: int):
    cert = access.certification(current_user, certification_id)
    if not access.can_manage_people(current_user, cert.person.site_id):
        abort(403)
    form = RenewForm()
    bind_courses(form.course, access.courses(current_user))
    # A renewal is given by someone of an earlier generation (founding trainers included).
    certifiers = access.people(current_user)
    if cert.person.generation is not None:
        certifiers = certifiers.where(Person.generation < cert.person.generation)
    bind_people(form.certifier, certifiers)
    if not pickers.searching() and form.validate_on_submit():
        course = access.course(current_user, form.course.data)
        certifier = Person.get_or_none(Person.id == form.certifier.data)
        try:
            new = services.renew(current_user, cert, course, certifier, form.certified_on.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Certification renewed.", "success")
            return redirect(url_for("cascade.certification", certification_id=new.id))
    return render_template("cascade/form_page.html", form=form, title="Renew a certification",
                           caption=cert.person.name, submit="Renew",
                           back=url_for("cascade.certification", certification_id=cert.id))
