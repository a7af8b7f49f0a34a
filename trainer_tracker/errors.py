"""Errors the services raise. Views turn them into form errors or 404 pages."""


class Refused(Exception):
    """A rule refused the change. `message` is shown to the user as it is; `field` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotVisible(LookupError):
    """The record does not exist, or this user may not see it (the two look the same on purpose)."""
