"""Referral, step, consent, demographics and profile forms."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..web.forms import DateField, IdSelectField, MultiCheckboxField, RadioField
from ..web.once import OnceMixin


class ReferralForm(OnceMixin, FlaskForm):
    site = IdSelectField("Site", validators=[DataRequired("Choose a site.")])
    source = RadioField("Who referred the carer?", validators=[DataRequired("Choose who referred the carer.")])
    referred_on = DateField("Date of the referral", default=dt.date.today,
                            validators=[InputRequired("Enter the date of the referral.")])
    relationship = SelectField("Relationship to the person cared for", validators=[Optional()])
    language = StringField("Preferred language", default="English", validators=[Optional(), Length(max=40)])
    contact_mode = SelectField("How they prefer to be contacted", validators=[Optional()])
    area = StringField("Area", description="A district or town, never an address.", validators=[Optional(), Length(max=60)])
    availability = MultiCheckboxField("When they are free", validators=[Optional()])
    preferences = TextAreaField("What matters to them in a peer supporter", validators=[Optional(), Length(max=300)],
                                description="For example: someone who has also cared for a son or daughter.")
    name = StringField("Name", description="Kept apart from the referral; only the site team sees it.",
                       validators=[Optional(), Length(max=120)])
    phone = TelField("Phone", validators=[Optional(), Length(max=40)])
    email = EmailField("Email", validators=[Optional(), Length(max=254)])


class StepForm(FlaskForm):
    step = RadioField("Next step", validators=[DataRequired("Choose the next step.")])
    on = DateField("Date", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    note = StringField("Note", description="Optional. Please do not write names.", validators=[Optional(), Length(max=300)])


class ConsentForm(OnceMixin, FlaskForm):
    consented_on = DateField("Date the carer gave consent", default=dt.date.today,
                             validators=[InputRequired("Enter the date of consent.")])
    answers = MultiCheckboxField("What the carer agreed to", validators=[Optional()])


class DemographicsForm(FlaskForm):
    age_band = SelectField("Age", validators=[Optional()])
    gender = SelectField("Gender", validators=[Optional()])
    ethnicity = SelectField("Ethnic group", validators=[Optional()],
                            description="The categories of the 2021 Census in England and Wales.")
    first_language = SelectField("First language", validators=[Optional()])
    relationship = SelectField("Relationship to the person cared for", validators=[Optional()])
    area_type = SelectField("Where they live", validators=[Optional()])


class ProfileForm(FlaskForm):
    languages = StringField("Languages you can support carers in", default="English",
                            description="Separate them with commas.", validators=[Optional(), Length(max=120)])
    relationships = MultiCheckboxField("From your own life, you know what it is like to care for a", validators=[Optional()])
    area = StringField("Where you can meet carers", description="A district or town.", validators=[Optional(), Length(max=60)])
    availability = MultiCheckboxField("When you are free", validators=[Optional()])
