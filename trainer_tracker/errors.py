"""Errors the services raise. Views turn them into form errors (web/forms.attach) or 404 pages."""

from __future__ import annotations


class Refused(Exception):
    """A rule refused the change. Messages are shown to the user as they are, by field.

    Refused("message", "field") names one input; Refused.many({"field": ["message", ...]}) names
    several at once. A message with no field (None) is about the whole form.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems: dict[str | None, list[str]] = {field: [message]}

    @classmethod
    def many(cls, problems: dict[str | None, list[str]]) -> Refused:
        first_field, messages = next(iter(problems.items()))
        refused = cls(messages[0], first_field)
        refused.problems = {key: list(value) for key, value in problems.items()}
        return refused


class NotVisible(LookupError):
    """The record does not exist, or this user may not see it (the two look the same on purpose)."""
