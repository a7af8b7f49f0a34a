"""Checklist forms built from the checklist definition: one 0/1/2/N-A question per item."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..web.forms import DateField, IdSelectField, RadioField
from ..web.once import OnceMixin

NOT_APPLICABLE = "na"


def checklist_form(checklist, rater_choices: list[tuple[str, str]], role_choices: list[tuple[str, str]],
                   changed: dict[str, str] | None = None):
    """A FlaskForm class for this checklist (fields item_<n> in the checklist's order). `changed`
    maps the core components changed in the module's latest MAJOR version to that version: the
    observer is told to watch them closely."""
    changed = changed or {}

    class Form(OnceMixin, FlaskForm):
        rater_role = RadioField("Who is rating?", choices=role_choices, validators=[DataRequired("Choose who is rating.")])
        rater = IdSelectField("Rater", choices=rater_choices, validators=[Optional()],
                            description="The person in the cascade who rated. Leave empty for a carer.")
        rated_on = DateField("Date of rating", default=dt.date.today, validators=[InputRequired("Enter the date.")])
        notes = TextAreaField("Notes", description="Optional. Do not write anything that identifies a carer.",
                              validators=[Optional(), Length(max=2000)])

    for n, item in enumerate(checklist.items):
        choices = [(str(score), f"{score}: {anchor}") for score, anchor in reversed(list(enumerate(item.anchors)))]
        if item.allows_not_applicable:
            choices.append((NOT_APPLICABLE, f"Not applicable: {item.not_applicable}"))
        label = item.text + (" (essential)" if item.essential else "")
        if item.id in changed:
            label += f" (changed in version {changed[item.id]}: watch this closely)"
        setattr(Form, f"item_{n}", RadioField(label, choices=choices,
                                              validators=[DataRequired(f"Score '{item.text[:60]}'.")]))
    return Form


def scores_from(form, checklist) -> dict:
    result = {}
    for n, item in enumerate(checklist.items):
        value = getattr(form, f"item_{n}").data
        result[item.id] = None if value == NOT_APPLICABLE else int(value)
    return result
