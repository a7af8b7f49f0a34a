"""Form field types shared by the tracker's forms.

WTForms 3.3 deprecates (value, label) tuples as choices; these fields accept the tuples our
views build and store them as SelectChoice objects. Names are kept (SelectField, RadioField)
because templates pick the NHS.UK component by field type.
"""

from __future__ import annotations

from wtforms import fields, widgets
from wtforms.fields.choices import SelectChoice


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


class RadioField(_TupleChoices, fields.RadioField):
    pass


class MultiCheckboxField(_TupleChoices, fields.SelectMultipleField):
    """Several choices shown as NHS.UK checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
