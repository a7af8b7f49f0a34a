"""Forms for people, courses, deliveries, attendance, checkout and certification."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..web.forms import DateField, IdSelectField, MultiCheckboxField, RadioField, ReasonMixin, SelectField
from ..web.once import OnceMixin
from .services import CHECKOUT_STATES


class PersonForm(OnceMixin, FlaskForm):
    given_name = StringField("First name", validators=[DataRequired("Enter a first name."), Length(max=80)])
    family_name = StringField("Last name", validators=[DataRequired("Enter a last name."), Length(max=80)])
    site = IdSelectField("Site", validators=[DataRequired("Choose a site.")])
    founding_trainer = BooleanField("Founding trainer (generation 0)",
                                    description="Only the German programme's developers and the carer representative.")


class CourseForm(OnceMixin, FlaskForm):
    title = StringField("Course title", validators=[DataRequired("Enter a title."), Length(max=160)])
    stage = RadioField("Stage", choices=[("1", "Stage 1"), ("2", "Stage 2")],
                       validators=[DataRequired("Choose the stage.")])
    site = IdSelectField("Site", validators=[DataRequired("Choose a site.")])
    starts_on = DateField("Start date", validators=[InputRequired("Enter the start date.")])
    ends_on = DateField("End date", validators=[InputRequired("Enter the end date.")])
    curriculum_release = SelectField("Curriculum release", description="The release the course teaches from.",
                                     validators=[DataRequired("Choose the curriculum release.")])


class PersonChoiceForm(FlaskForm):
    person = IdSelectField("Person", validators=[DataRequired("Choose a person.")])


class DeliveryForm(OnceMixin, FlaskForm):
    module_id = SelectField("Module", validators=[DataRequired("Choose the module.")])
    delivered_on = DateField("Date delivered", validators=[InputRequired("Enter the date it was delivered.")],
                             default=dt.date.today)
    trainer = IdSelectField("Delivered by", validators=[DataRequired("Choose the trainer.")])
    notes = TextAreaField("Notes", description="Optional. Do not write anything that identifies a carer.",
                          validators=[Optional(), Length(max=2000)])


class AttendanceForm(FlaskForm):
    attended = MultiCheckboxField("Who attended?", description="Tick everyone who attended the whole session.",
                                  validators=[Optional()])
    reason = TextAreaField("If you are correcting attendance already recorded, why?",
                           description="Needed only when you change what was saved before. Kept in the history. "
                           "Do not write names or other personal details.", validators=[Optional(), Length(max=500)])


class CheckoutForm(OnceMixin, FlaskForm):
    step_id = SelectField("Checkout step", validators=[DataRequired("Choose the step.")])
    state = RadioField("Result", choices=list(CHECKOUT_STATES.items()), validators=[DataRequired("Choose a result.")])
    assessor = IdSelectField("Assessed by", validators=[DataRequired("Choose who assessed it.")])
    notes = TextAreaField("Notes", description="Needed when a step is failed: say what to work on.",
                          validators=[Optional(), Length(max=2000)])


class CertifyForm(FlaskForm):
    certifier = IdSelectField("Certifying trainer", validators=[DataRequired("Choose the certifying trainer.")])
    certified_on = DateField("Date of certification", default=dt.date.today,
                             validators=[InputRequired("Enter the date.")])


class RenewForm(FlaskForm):
    course = IdSelectField("Refresher course", validators=[DataRequired("Choose the course.")])
    certifier = IdSelectField("Certifying trainer", validators=[DataRequired("Choose the certifying trainer.")])
    certified_on = DateField("Date of renewal", default=dt.date.today, validators=[InputRequired("Enter the date.")])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", description="Kept in the certification's history.",
                           validators=[DataRequired("Give a reason."), Length(max=1000)])



class EditPersonForm(ReasonMixin, FlaskForm):
    given_name = StringField("First name", validators=[DataRequired("Enter a first name."), Length(max=80)])
    family_name = StringField("Last name", validators=[DataRequired("Enter a last name."), Length(max=80)])
    site = IdSelectField("Site", validators=[DataRequired("Choose a site.")])


class EditCourseForm(ReasonMixin, FlaskForm):
    title = StringField("Course title", validators=[DataRequired("Enter a title."), Length(max=160)])
    site = IdSelectField("Site", validators=[DataRequired("Choose a site.")])
    starts_on = DateField("Start date", validators=[InputRequired("Enter the start date.")])
    ends_on = DateField("End date", validators=[InputRequired("Enter the end date.")])
    curriculum_release = SelectField("Curriculum release", description="Can change only before any module is delivered.",
                                     validators=[DataRequired("Choose the curriculum release.")])


class RemovePersonForm(ReasonMixin, FlaskForm):
    person = IdSelectField("Person", validators=[DataRequired("Choose a person.")])


class EditDeliveryForm(ReasonMixin, DeliveryForm):
    pass


class WithdrawResultForm(ReasonMixin, FlaskForm):
    pass
