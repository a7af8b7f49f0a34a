"""Links for carers to answer a questionnaire themselves: made by the carer's supporter or the site
team (shown as a link and a QR code, or emailed), answered without an account."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from .. import access, mail
from ..errors import NotVisible, Refused
from ..support.models import CarerContactDetails
from ..web.forms import attach
from ..web.guard import allow, public
from . import self_completion
from .blueprint import ENTRY_ROLES, bp, registry
from .forms import answers_from, instrument_form


class LinkForm(FlaskForm):
    instrument = SelectField("Questionnaire", validators=[DataRequired("Choose the questionnaire.")])
    time_point = SelectField("Time point", validators=[DataRequired("Choose the time point.")])
    email = BooleanField("Email the link to the carer")


def _carer(carer_id: int):
    try:
        carer = access.carer(current_user, carer_id)
    except NotVisible:
        abort(404)
    if not (access.can_manage_carers(current_user, carer.site_id) or access.can_correct_contacts(current_user, carer)):
        abort(403)
    return carer


@bp.route("/carers/<int:carer_id>/answer-link", methods=["GET", "POST"])
@allow(*ENTRY_ROLES)
def answer_link(carer_id: int):
    """Make a one-time link for the carer to answer a questionnaire themselves."""
    carer = _carer(carer_id)
    instruments = [i for i in registry() if "carer" in i.respondents and i.licensed_text_state.installed]
    form = LinkForm(data={"instrument": request.args.get("instrument"), "time_point": request.args.get("time_point")}
                    if request.method == "GET" else None)
    form.instrument.choices = [(i.id, i.title) for i in instruments]
    form.time_point.choices = sorted({(tp.id, tp.label) for i in instruments for tp in i.time_points
                                      if tp.respondent == "carer"})
    details = CarerContactDetails.get_or_none(CarerContactDetails.carer == carer)
    can_email = bool(details and details.email and mail.configured() and access.can_see_contact_details(current_user,
                                                                                                         carer))
    if not can_email:
        del form.email  # no address on record (or email not set up): show the link and QR code instead
    if form.validate_on_submit():
        try:
            instrument = registry().get(form.instrument.data)
            link, token = self_completion.issue(current_user, carer, instrument, form.time_point.data)
        except (KeyError, Refused) as exc:
            attach(form, exc if isinstance(exc, Refused) else Refused("Choose the questionnaire.", "instrument"))
        else:
            url = url_for("research.answer", token=token, _external=True)
            emailed = False
            if can_email and form.email.data:
                try:
                    mail.send(details.email, "Your questionnaire from the carer peer support study",
                              _email_body(instrument.title, url, link.expires_at))
                    self_completion.mark_emailed(link)
                    emailed = True
                except mail.MailError:
                    flash("The email could not be sent. Give the carer the link or the QR code instead.", "info")
            from ..accounts.twostep import qr_svg

            return render_template("research/answer_link.html", carer=carer, instrument=instrument, url=url,
                                   qr=qr_svg(url), link=link, emailed=emailed)
    return render_template("cascade/form_page.html", form=form, title="A link for the carer to answer",
                           caption=carer.study_id, submit="Make the link",
                           back=url_for("support.carer", carer_id=carer.id))


def _email_body(title: str, url: str, expires_at) -> str:
    return (f"Hello,\n\nThank you for taking part in the carer peer support study. Here is your questionnaire: "
            f"{title}.\n\nOpen this link to answer. It works once, until {expires_at:%-d %B %Y}:\n{url}\n\n"
            "There are no right or wrong answers. If you would rather not answer, you do not have to, and it will "
            "not change the support you get.\n")


@bp.route("/answer/<token>", methods=["GET", "POST"])
@public
def answer(token: str):
    """The carer's own questionnaire: no account, one use."""
    link = self_completion.find(token)
    if link is None:
        return render_template("research/answer_gone.html"), 410
    try:
        instrument = registry().get(link.instrument_id)
    except KeyError:
        abort(404)
    Form, fields = instrument_form(instrument, None, self_completion=True)
    form = Form()
    if form.validate_on_submit():
        try:
            self_completion.complete(token, instrument, answers_from(form, fields))
        except Refused as exc:
            attach(form, exc, {item.id: name for name, item in fields})
        else:
            return render_template("research/answer_thanks.html"), 200
    return render_template("research/answer.html", form=form, fields=fields, instrument=instrument)
