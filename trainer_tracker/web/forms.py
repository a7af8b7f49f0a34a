"""Form field types shared by the tracker's forms.

WTForms 3.3 deprecates (value, label) tuples as choices; these fields accept the tuples our
views build and store them as SelectChoice objects. Names are kept (SelectField, RadioField)
because templates pick the NHS.UK component by field type.
"""

from __future__ import annotations

import datetime as dt

from wtforms import fields, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


def _as_choices(choices):
    if choices is None or callable(choices) or isinstance(choices, dict):
        return choices
    return [c if isinstance(c, SelectChoice) else SelectChoice(*c) for c in choices]


class _TupleChoices:
    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, choices=_as_choices(choices), **kwargs)

    @property
    def choices(self):
        return super().choices

    @choices.setter
    def choices(self, value):
        fields.SelectField.choices.fset(self, _as_choices(value))


class SelectField(_TupleChoices, fields.SelectField):
    pass


def record_id(value):
    """coerce= for a select of record ids: "" is no choice (None); anything else must be a whole
    number (a bad or huge value is then not one of the choices, so the form refuses it)."""
    if value in (None, "") or isinstance(value, int):
        return value if isinstance(value, int) else None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 10 or int(text) > 2_147_483_647:
        raise ValueError("not a record id")
    return int(text)


class IdSelectField(SelectField):
    """A select whose values are record ids: `form.x.data` is an int or None."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", record_id)
        super().__init__(*args, **kwargs)


class RadioField(_TupleChoices, fields.RadioField):
    pass


class MultiCheckboxField(_TupleChoices, fields.SelectMultipleField):
    """Several choices shown as NHS.UK checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def attach(form, refused, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form: each message beside its field, the rest at the top.

    `aliases` maps a service's field name to the form's (e.g. an instrument item id to its input).
    """
    aliases = aliases or {}
    for name, messages in refused.problems.items():
        target = getattr(form, aliases.get(name, name), None) if name else None
        if target is not None and hasattr(target, "errors") and not callable(target):
            target.errors = list(target.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


class ReasonMixin:
    """A correction form's 'why' box: every correction is kept in the record's history with it."""

    reason = fields.TextAreaField(
        "Why are you making this change?",
        description="Kept in the record's history. Do not write names or other personal details.",
        validators=[])


EARLIEST = dt.date(2000, 1, 1)  # nothing in this programme happened earlier
FUTURE_YEARS = 5


class DateField(fields.DateField):
    """A date within what this programme can hold: from 2000 to five years ahead. Anything else
    (a typo such as 9999, or 0001) is refused on the form, before any rule or sum sees it."""

    def pre_validate(self, form):
        super().pre_validate(form)
        if self.data is not None:
            latest = dt.date.today().replace(year=dt.date.today().year + FUTURE_YEARS)
            if not EARLIEST <= self.data <= latest:
                raise ValidationError(f"Enter a date between {EARLIEST:%-d %B %Y} and {latest:%-d %B %Y}.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a real date, for example 27 3 2027.") from None
