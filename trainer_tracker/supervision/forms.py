"""Supervision and reflective note forms."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.forms import DateField, IdSelectField, MultiCheckboxField, RadioField
from ..web.once import OnceMixin

ATTENDEE_FIELDS = 6  # a group session records up to this many peer supporters at once


class SessionForm(OnceMixin, FlaskForm):
    kind = RadioField("Kind of session", choices=[("individual", "One to one"), ("group", "Group")],
                      validators=[DataRequired("Choose one to one or group.")])
    held_on = DateField("Date", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    minutes = IntegerField("Length in minutes", default=60,
                           validators=[InputRequired("Enter the length in minutes."), NumberRange(5, 480)])
    supervisor = IdSelectField("Supervisor", validators=[Optional()])
    topics = MultiCheckboxField("Topics", validators=[Optional()])
    follow_ups = TextAreaField("Follow-ups agreed", description="Optional. Please do not write carers' names.",
                               validators=[Optional(), Length(max=2000)])


for n in range(1, ATTENDEE_FIELDS + 1):
    setattr(SessionForm, f"attendee_{n}", IdSelectField("Peer supporter" if n == 1 else f"Peer supporter {n}",
                                                        validators=[Optional()]))


class NoteForm(OnceMixin, FlaskForm):
    text = TextAreaField("A note for yourself", description="Only you can read it. Nobody else, including the site "
                         "team, can see it.", validators=[DataRequired("Write something first."), Length(max=5000)])
