"""Forms that create a record are saved once: each carries a one-time key (a hidden field); the
key is claimed in the same transaction as the write, so a double click, a resubmitted page or two
identical posts at the same moment save one record and the other is refused.

    with once.claim(form):
        services.record_contact(...)
"""

from __future__ import annotations

import contextvars
import secrets
from contextlib import contextmanager

import peewee
from wtforms import HiddenField

from ..errors import Refused

_pending: contextvars.ContextVar[str | None] = contextvars.ContextVar("once_key", default=None)
ALREADY = "This form was already sent, so it was not saved a second time. Check the page it leads to."


def new_key() -> str:
    return secrets.token_urlsafe(24)


class OnceMixin:
    """The hidden one-time key of a form that creates a record."""

    once = HiddenField(default=new_key)


def _claim_pending() -> None:
    from ..accounts.models import FormSubmission

    key = _pending.get()
    if not key:
        return
    _pending.set(None)  # one write transaction per key
    if len(key) > 64:
        raise Refused(ALREADY)
    try:
        with FormSubmission._meta.database.atomic():  # a savepoint: the refusal leaves the transaction usable
            FormSubmission.create(key=key)
    except peewee.IntegrityError:
        raise Refused(ALREADY) from None


@contextmanager
def claim(form):
    """Claim the form's key in the next write transaction (a missing key is refused)."""
    key = (getattr(form, "once", None) and form.once.data) or ""
    if not key:
        raise Refused("This form is out of date. Reload the page and try again.")
    token = _pending.set(key)
    try:
        yield
    finally:
        _pending.reset(token)


def init_app(app) -> None:
    from ..db import on_write_begin

    on_write_begin(_claim_pending)
