"""Forms for people, courses, deliveries, attendance, checkout and certification."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..web.forms import MultiCheckboxField, RadioField, SelectField
from .services import CHECKOUT_STATES


class PersonForm(FlaskForm):
    given_name = StringField("First name", validators=[DataRequired("Enter a first name."), Length(max=80)])
    family_name = StringField("Last name", validators=[DataRequired("Enter a last name."), Length(max=80)])
    site = SelectField("Site", validators=[DataRequired("Choose a site.")])
    founding_trainer = BooleanField("Founding trainer (generation 0)",
                                    description="Only the German programme's developers and the carer representative.")


class CourseForm(FlaskForm):
    title = StringField("Course title", validators=[DataRequired("Enter a title."), Length(max=160)])
    stage = RadioField("Stage", choices=[("1", "Stage 1"), ("2", "Stage 2")],
                       validators=[DataRequired("Choose the stage.")])
    site = SelectField("Site", validators=[DataRequired("Choose a site.")])
    starts_on = DateField("Start date", validators=[InputRequired("Enter the start date.")])
    ends_on = DateField("End date", validators=[InputRequired("Enter the end date.")])
    curriculum_release = StringField("Curriculum release", description="For example, 2027.1",
                                     validators=[DataRequired("Enter the curriculum release.")])


class PersonChoiceForm(FlaskForm):
    person = SelectField("Person", validators=[DataRequired("Choose a person.")])


class DeliveryForm(FlaskForm):
    module_id = SelectField("Module", validators=[DataRequired("Choose the module.")])
    delivered_on = DateField("Date delivered", validators=[InputRequired("Enter the date it was delivered.")],
                             default=dt.date.today)
    trainer = SelectField("Delivered by", validators=[DataRequired("Choose the trainer.")])
    notes = TextAreaField("Notes", description="Optional. Do not write anything that identifies a carer.",
                          validators=[Optional(), Length(max=2000)])


class AttendanceForm(FlaskForm):
    attended = MultiCheckboxField("Who attended?", description="Tick everyone who attended the whole session.",
                                  validators=[Optional()])


class CheckoutForm(FlaskForm):
    step_id = SelectField("Checkout step", validators=[DataRequired("Choose the step.")])
    state = RadioField("Result", choices=list(CHECKOUT_STATES.items()), validators=[DataRequired("Choose a result.")])
    assessor = SelectField("Assessed by", validators=[DataRequired("Choose who assessed it.")])
    notes = TextAreaField("Notes", description="Needed when a step is failed: say what to work on.",
                          validators=[Optional(), Length(max=2000)])


class CertifyForm(FlaskForm):
    certifier = SelectField("Certifying trainer", validators=[DataRequired("Choose the certifying trainer.")])
    certified_on = DateField("Date of certification", default=dt.date.today,
                             validators=[InputRequired("Enter the date.")])


class RenewForm(FlaskForm):
    course = SelectField("Refresher course", validators=[DataRequired("Choose the course.")])
    certifier = SelectField("Certifying trainer", validators=[DataRequired("Choose the certifying trainer.")])
    certified_on = DateField("Date of renewal", default=dt.date.today, validators=[InputRequired("Enter the date.")])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", description="Kept in the certification's history.",
                           validators=[DataRequired("Give a reason."), Length(max=1000)])

