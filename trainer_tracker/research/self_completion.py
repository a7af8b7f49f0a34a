"""Carers answering for themselves: a one-time link, valid for a few days, that opens one
questionnaire for one carer and time point without an account. The answers are saved as the
carer's own (marked self-completed) and the link dies in the same transaction. Only a hash of the
link's secret is stored, so the database cannot be used to answer for a carer."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from ..audit import service as audit
from ..db import BaseModel, lock_rows, write_transaction
from ..errors import Refused
from ..support.models import Carer
from .models import AssessmentResponse

VALID_DAYS = 14


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class SelfCompletionLink(BaseModel):
    token_hash = CharField(max_length=64, unique=True)
    carer = ForeignKeyField(Carer, backref="answer_links", on_delete="CASCADE")
    instrument_id = CharField(max_length=64)
    time_point = CharField(max_length=32)
    created_by_user_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    response = ForeignKeyField(AssessmentResponse, null=True, on_delete="SET NULL")
    emailed = BooleanField(default=False)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(actor, carer: Carer, instrument, time_point: str, days: int = VALID_DAYS) -> tuple[SelfCompletionLink, str]:
    """A new link for this carer, instrument and time point; returns the row and the secret (shown once)."""
    if "carer" not in instrument.respondents:
        raise Refused(f"{instrument.title} is not answered by carers.", "instrument")
    if time_point not in {tp.id for tp in instrument.time_points if tp.respondent == "carer"}:
        raise Refused("Choose one of the carer's time points.", "time_point")
    if carer.status == "withdrawn":
        raise Refused(f"{carer.study_id} has withdrawn from the study.")
    if not instrument.licensed_text_state.installed:
        raise Refused(instrument.licensed_text_state.message, "instrument")
    token = secrets.token_urlsafe(32)
    with write_transaction():
        row = SelfCompletionLink.create(token_hash=_hash(token), carer=carer, instrument_id=instrument.id,
                                        time_point=time_point, created_by_user_id=getattr(actor, "id", None),
                                        expires_at=utcnow() + dt.timedelta(days=days))
        audit.record(actor, "answer_link.issue", "carer", carer.id, f"Link for the carer to answer {instrument.id}",
                     instrument=instrument.id, time_point=time_point, days=days)
    return row, token


def find(token: str) -> SelfCompletionLink | None:
    """The link for a secret, if it is still usable (not used, not expired)."""
    if not token or len(token) > 100:
        return None
    row = SelfCompletionLink.get_or_none(SelfCompletionLink.token_hash == _hash(token))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def complete(token: str, instrument, answers: dict) -> AssessmentResponse:
    """Save the carer's own answers and end the link, together."""
    from . import services

    with write_transaction():
        row = find(token)
        if row is None:
            raise Refused("This link has been used already or has expired.")
        lock_rows(SelfCompletionLink, [row.id])
        row = SelfCompletionLink.get_by_id(row.id)
        if row.used_at is not None:
            raise Refused("This link has been used already or has expired.")
        response = services.save_response(None, instrument, time_point=row.time_point, completed_on=dt.date.today(),
                                          answers=answers, carer=row.carer, self_completed=True)
        row.used_at, row.response = utcnow(), response
        row.save()
        audit.record(None, "answer_link.used", "carer", row.carer_id, "The carer answered through their link",
                     instrument=row.instrument_id, time_point=row.time_point, response_id=response.id)
    return response


def mark_emailed(link: SelfCompletionLink) -> None:
    with write_transaction():
        link.emailed = True
        link.save()
        audit.record(None, "answer_link.emailed", "carer", link.carer_id, "Answer link emailed to the carer")
