"""Data-entry forms built from instrument definitions; range checks come from the scorer."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from cascade.stats import adverse

from ..web.forms import DateField, IdSelectField, MultiCheckboxField, RadioField, ReasonMixin, SelectField
from ..web.once import OnceMixin


def _label(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def instrument_form(instrument, time_points: list[tuple[str, str]] | None, *, self_completion: bool = False):
    """A form for the instrument's items; with time points (a new response) it also asks for the
    time point and date, which are fixed once a response is saved (time_points=None). A carer
    answering through their own link (`self_completion`) is asked the items only."""
    class Form(OnceMixin, FlaskForm):
        if self_completion:
            pass
        elif time_points is not None:
            time_point = SelectField("Time point", choices=time_points,
                                     validators=[DataRequired("Choose the time point.")])
            completed_on = DateField("Date completed", default=dt.date.today,
                                     validators=[InputRequired("Enter the date.")])
        else:  # changing saved answers is a correction
            reason = TextAreaField("Why are you changing these answers?", validators=[Optional(), Length(max=500)],
                                   description="Kept in the history. Do not write names or other personal details.")

    fields = []
    for n, item in enumerate(instrument.items):
        text = instrument.text_of(item) or item.id
        hint = item.help
        scale = item.scale
        name = f"item_{n}"
        if scale.type == "choice":
            choices = [(_label(c.value), f"{_label(c.value)}: {instrument.label_of(c)}" if instrument.label_of(c)
                        else _label(c.value)) for c in scale.choices]
            field = RadioField(text, choices=choices, validators=[Optional()], description=hint)
        elif scale.type == "multi-choice":
            field = MultiCheckboxField(text, choices=[(_label(c.value), instrument.label_of(c) or _label(c.value))
                                                      for c in scale.choices], validators=[Optional()], description=hint)
        elif scale.type == "text":
            field = TextAreaField(text, validators=[Optional()], description=hint)
        else:  # number or date: the scorer checks the range and says what is allowed
            extra = scale.describe() if scale.type == "number" else "YYYY-MM-DD"
            field = StringField(text, validators=[Optional()], description=(hint + " " if hint else "") + f"({extra})")
        setattr(Form, name, field)
        fields.append((name, item))
    return Form, fields


def answers_from(form, fields) -> dict:
    answers = {}
    for name, item in fields:
        value = getattr(form, name).data
        if value in (None, "", []):
            continue
        answers[item.id] = value
    return answers


def fill(form, fields, values: dict) -> None:
    for name, item in fields:
        if item.id in values and values[item.id] is not None:
            getattr(form, name).data = values[item.id] if not isinstance(values[item.id], float) else _label(values[item.id])


class AdverseEventForm(OnceMixin, FlaskForm):
    affected = RadioField("Who was affected?", choices=[("carer", "A carer"), ("cps", "A peer supporter"),
                                                       ("patient", "The person cared for (the patient)")],
                          validators=[DataRequired("Choose who was affected.")])
    carer = IdSelectField("Carer (study ID)", validators=[Optional()], description="For a carer, or the carer of the patient.")
    person = IdSelectField("Peer supporter", validators=[Optional()])
    onset_on = DateField("Date it started", validators=[InputRequired("Enter the date it started.")])
    aware_on = DateField("Date the team became aware", default=dt.date.today,
                         validators=[InputRequired("Enter the date you became aware.")])
    aware_time = StringField("Time the team became aware", default=lambda: dt.datetime.now().strftime("%H:%M"),
                             description="24-hour clock, e.g. 14:30. The reporting clocks start here.",
                             validators=[DataRequired("Enter the time you became aware.")])
    seriousness = MultiCheckboxField("Was it serious? Tick every criterion met (leave empty if not serious)",
                                     choices=list(adverse.SERIOUSNESS_CRITERIA.items()), validators=[Optional()])
    relatedness = RadioField("Was it related to taking part in peer support?",
                             choices=[(k, k.replace("_", " ").capitalize()) for k in adverse.RELATEDNESS],
                             validators=[DataRequired("Choose how related it was.")])
    expectedness = RadioField("Was it expected?", choices=[("expected", "Expected"), ("unexpected", "Unexpected")],
                              validators=[DataRequired("Choose expected or unexpected.")])
    description = TextAreaField("What happened", description="Brief and factual. No names or contact details.",
                                validators=[Optional(), Length(max=4000)])
    safeguarding_escalated = BooleanField("A safeguarding concern was escalated")
    safeguarding_referral_on = DateField("Date of the safeguarding referral", validators=[Optional()])


class ReportedForm(FlaskForm):
    recipient = RadioField("Report made to", choices=[("sponsor", "The sponsor"), ("rec", "The research ethics committee")],
                           validators=[DataRequired("Choose who the report went to.")])
    reported_on = DateField("Date reported", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    reported_time = StringField("Time reported", default=lambda: dt.datetime.now().strftime("%H:%M"),
                                validators=[DataRequired("Enter the time.")])


class SafeguardingForm(FlaskForm):
    referral_on = DateField("Date of the safeguarding referral", default=dt.date.today,
                            validators=[InputRequired("Enter the date.")])


class CostForm(OnceMixin, FlaskForm):
    site = IdSelectField("Site", validators=[DataRequired("Choose a site.")])
    category = RadioField("Category", validators=[DataRequired("Choose a category.")])
    occurred_on = DateField("Date", default=dt.date.today, validators=[InputRequired("Enter the date.")])
    unit_cost_key = SelectField("Unit cost", validators=[Optional()], description="From the unit-cost table; or give an amount.")
    quantity = DecimalField("Quantity", description="Hours, miles or items, in the unit of the unit cost; 1 for an amount.",
                            validators=[InputRequired("Enter the quantity.")])
    amount = DecimalField("Amount in pounds", validators=[Optional()])
    description = StringField("Description", validators=[Optional(), Length(max=255)])


class EditAdverseEventForm(ReasonMixin, AdverseEventForm):
    pass


class EditCostForm(ReasonMixin, FlaskForm):
    category = RadioField("Category", validators=[DataRequired("Choose a category.")])
    occurred_on = DateField("Date", validators=[InputRequired("Enter the date.")])
    unit_cost_key = SelectField("Unit cost", validators=[Optional()], description="From the unit-cost table; or give an amount.")
    quantity = StringField("Quantity", validators=[DataRequired("Enter the quantity."), Length(max=20)])
    amount = StringField("Amount in pounds", validators=[Optional(), Length(max=20)])
    description = StringField("Description", validators=[Optional(), Length(max=255)])


class VoidForm(ReasonMixin, FlaskForm):
    pass
