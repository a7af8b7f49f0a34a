"""The concern forms: raising one takes under a minute on a phone."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..web.forms import IdSelectField, RadioField
from ..web.once import OnceMixin


class RaiseForm(OnceMixin, FlaskForm):
    about = RadioField("Who is it about?", validators=[DataRequired("Choose who the concern is about.")])
    carer = IdSelectField("Which carer?", validators=[Optional()], description="Only if it is about a carer you support.")
    urgency = RadioField("How soon does someone need to act?", validators=[DataRequired("Choose how urgent it is.")])
    category = RadioField("What is it about?", validators=[DataRequired("Choose what kind of concern it is.")])
    description = TextAreaField("What happened?", description="A few lines are enough. Please do not write names.",
                                validators=[DataRequired("Say briefly what happened."), Length(max=2000)])


class CloseForm(FlaskForm):
    outcome = SelectField("Outcome", validators=[DataRequired("Choose the outcome.")])
    action = TextAreaField("What was done", validators=[DataRequired("Say what was done."), Length(max=2000)],
                           description="For example: called the carer, agreed a plan, referred to the crisis team.")
