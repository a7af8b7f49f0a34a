"""Pages that correct support records: a carer's consent date, withdrawal (and undoing it),
reopening a mistaken ending, correcting or voiding a contact."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..errors import NotVisible, Refused
from ..web.forms import attach
from ..web.guard import allow
from . import corrections
from .blueprint import CARER_VIEWERS, bp
from .forms import ConsentForm, EditContactForm, ReasonOnlyForm, WithdrawForm
from .models import Carer, Contact


def _managed_carer(carer_id: int) -> Carer:
    carer = access.carer(current_user, carer_id)
    if not access.can_manage_carers(current_user, carer.site_id):
        abort(403)
    return carer


def _page(form, title: str, submit: str, carer: Carer, entity: tuple | None = None, caption: str = ""):
    return render_template("cascade/form_page.html", form=form, title=title, submit=submit, caption=caption,
                           back=url_for("support.carer", carer_id=carer.id),
                           history=history(entity) if entity else None)


@bp.route("/carers/<int:carer_id>/consent", methods=["GET", "POST"])
@allow(*roles.STAFF)
def edit_consent(carer_id: int):
    carer = _managed_carer(carer_id)
    form = ConsentForm(data={"consented_on": carer.consented_on} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            corrections.correct_consent(current_user, carer, form.consented_on.data, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Consent date corrected.", "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return _page(form, f"Correct the consent date for {carer.study_id}", "Save correction", carer)


@bp.route("/carers/<int:carer_id>/withdraw", methods=["GET", "POST"])
@allow(*roles.STAFF)
def withdraw(carer_id: int):
    carer = _managed_carer(carer_id)
    form = WithdrawForm()
    form.category.choices = list(corrections.WITHDRAWAL_REASONS.items())
    if form.validate_on_submit():
        try:
            corrections.withdraw(current_user, carer, form.withdrawn_on.data, form.category.data, form.reason.data or "")
        except Refused as exc:
            attach(form, exc)
        else:
            kept = ("Their data stay in the study." if corrections.withdrawal_data_option() == "keep" else
                    "Only what was collected before today's date stays in the study's exports.")
            flash(f"{carer.study_id} has withdrawn. {kept}", "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return _page(form, f"Record that {carer.study_id} has withdrawn", "Record withdrawal", carer,
                 caption="Any support now running ends on the same date.")


@bp.route("/carers/<int:carer_id>/undo-withdrawal", methods=["GET", "POST"])
@allow(*roles.STAFF)
def undo_withdrawal(carer_id: int):
    carer = _managed_carer(carer_id)
    form = ReasonOnlyForm()
    if form.validate_on_submit():
        try:
            corrections.undo_withdrawal(current_user, carer, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Withdrawal undone.", "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return _page(form, f"Undo a withdrawal recorded by mistake for {carer.study_id}", "Undo withdrawal", carer)


@bp.route("/matches/<int:match_id>/reopen", methods=["GET", "POST"])
@allow(*roles.STAFF)
def reopen(match_id: int):
    match = access.match(current_user, match_id)
    carer = _managed_carer(match.carer_id)
    form = ReasonOnlyForm()
    if form.validate_on_submit():
        try:
            corrections.reopen_match(current_user, match, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Support is running again.", "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return _page(form, f"Undo a mistaken ending of support for {carer.study_id}", "Reopen support", carer,
                 entity=("match", match.id))


def _contact(contact_id: int) -> tuple[Contact, Carer]:
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        raise NotVisible(contact_id)
    match = access.match(current_user, contact.match_id)
    carer = Carer.get_by_id(match.carer_id)
    if not access.can_correct_contacts(current_user, carer):
        abort(403)
    return contact, carer


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@allow(*CARER_VIEWERS)
def edit_contact(contact_id: int):
    from cascade.config import programme

    contact, carer = _contact(contact_id)
    form = EditContactForm(data={"contact_date": contact.contact_date, "mode": contact.mode,
                                 "duration_minutes": contact.duration_minutes, "topics": contact.topic_list}
                           if request.method == "GET" else None)
    form.mode.choices = list(programme().get("contact_modes", {}).items())
    form.topics.choices = list(programme().get("contact_topics", {}).items())
    if form.validate_on_submit():
        try:
            corrections.correct_contact(current_user, contact, contact_date=form.contact_date.data, mode=form.mode.data,
                                        duration_minutes=form.duration_minutes.data, topics=form.topics.data or [],
                                        reason=form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Contact corrected.", "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return _page(form, f"Correct a contact with {carer.study_id}", "Save correction", carer,
                 entity=("contact", contact.id))


@bp.route("/contacts/<int:contact_id>/void", methods=["GET", "POST"])
@allow(*CARER_VIEWERS)
def void_contact(contact_id: int):
    contact, carer = _contact(contact_id)
    form = ReasonOnlyForm()
    if form.validate_on_submit():
        try:
            corrections.void_contact(current_user, contact, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Contact voided. It stays in the history but no longer counts.", "success")
            return redirect(url_for("support.carer", carer_id=carer.id))
    return _page(form, f"Void a contact logged by mistake ({contact.contact_date:%-d %B %Y})", "Void contact", carer,
                 caption="For a contact that did not happen, or was logged against the wrong carer. It is kept, "
                         "marked void, and counts nowhere.", entity=("contact", contact.id))

