"""Forms for carers, matches and contacts."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.forms import DateField, IdSelectField, MultiCheckboxField, RadioField, ReasonMixin
from ..web.once import OnceMixin


class CarerForm(OnceMixin, FlaskForm):
    site = IdSelectField("Site", validators=[DataRequired("Choose a site.")])
    consented_on = DateField("Date the carer gave consent", default=dt.date.today,
                             validators=[InputRequired("Enter the date of consent.")])
    name = StringField("Name", description="Optional. Kept apart from the study record; only the carer's peer "
                       "supporter and the site lead see it.", validators=[Optional(), Length(max=120)])
    phone = TelField("Phone", validators=[Optional(), Length(max=40)])
    email = EmailField("Email", validators=[Optional(), Length(max=254)])


class ContactDetailsForm(FlaskForm):
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    phone = TelField("Phone", validators=[Optional(), Length(max=40)])
    email = EmailField("Email", validators=[Optional(), Length(max=254)])
    notes = TextAreaField("Notes", description="Only practical notes, such as the best time to call.",
                          validators=[Optional(), Length(max=1000)])


class MatchForm(FlaskForm):
    supporter = IdSelectField("Peer supporter", validators=[DataRequired("Choose a peer supporter.")])
    matched_on = DateField("Date matched", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    note = StringField("Why this peer supporter (optional)", validators=[Optional(), Length(max=300)],
                       description="For example: both care for a son; both speak Bengali. Please do not write names.")


class ContactForm(OnceMixin, FlaskForm):
    contact_date = DateField("Date of contact", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    mode = RadioField("How were you in touch?", validators=[DataRequired("Choose how you were in touch.")])
    duration_minutes = IntegerField("How long, in minutes?",
                                    validators=[InputRequired("Enter how long it lasted, in minutes."),
                                                NumberRange(min=1, max=600, message="Enter a number from 1 to 600.")])
    topics = MultiCheckboxField("What did you talk about?", description="Tick all that apply.",
                                validators=[Optional()])


class EndForm(FlaskForm):
    ended_on = DateField("Date support ended", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    reason = RadioField("Why did support end?", validators=[DataRequired("Choose a reason.")])


class ConsentForm(ReasonMixin, FlaskForm):
    consented_on = DateField("Date the carer gave consent", validators=[InputRequired("Enter the date of consent.")])


class WithdrawForm(FlaskForm):
    withdrawn_on = DateField("Date the carer withdrew", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    category = RadioField("Why did they withdraw?", validators=[DataRequired("Choose a reason.")])
    reason = TextAreaField("Anything else the team should know", description="Optional. Do not write names or other "
                           "personal details.", validators=[Optional(), Length(max=500)])


class ReasonOnlyForm(ReasonMixin, FlaskForm):
    pass


class EditContactForm(ReasonMixin, ContactForm):
    pass
