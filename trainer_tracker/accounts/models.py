"""User accounts and login attempts."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from ..cascade.models import Person, Site
from ..db import BaseModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class User(BaseModel, UserMixin):
    """Someone who signs in. Linked to a Person when they take part in the cascade."""

    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=32, index=True)
    site = ForeignKeyField(Site, null=True, backref="users", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, unique=True, backref="account", on_delete="SET NULL")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)
    # Two-step sign-in (TOTP, RFC 6238): the shared secret, set once the person has confirmed a code.
    totp_secret = CharField(max_length=64, null=True)
    totp_enabled_at = DateTimeField(null=True)
    totp_last_step = IntegerField(null=True)  # the last 30-second step used: a code works once
    reminders = BooleanField(default=True)  # a daily email of what is theirs to do (cascade tracker notify)

    session_key: str | None = None  # the signed-in session's key (accounts/sessions.py), per request

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key}"

    @property
    def is_active(self) -> bool:  # flask-login
        return bool(self.active)


class PasswordReset(BaseModel):
    """A one-time link to set a new password. Only a hash of the token is stored."""

    user = ForeignKeyField(User, backref="password_resets", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    issued_by_user_id = IntegerField(null=True)  # None: asked for by the person (forgot password) or the CLI


class UserSession(BaseModel):
    """A signed-in session, kept on the server: signing out, a password change, switching the
    account off or "sign out everywhere" end it, whatever copies of the cookie exist. The cookie
    holds the key; only its hash is stored."""

    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    key_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True, index=True)
    second_step_done = BooleanField(default=False)  # two-step sign-in completed in this session


class RecoveryCode(BaseModel):
    """One-time codes for when the authenticator app is lost. Only argon2id hashes are stored."""

    user = ForeignKeyField(User, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=255)  # argon2id, like a password
    used_at = DateTimeField(null=True)


class FormSubmission(BaseModel):
    """Each creating form carries a one-time key; a second post of the same form (a double
    click, a resubmitted page) finds its key taken and is refused instead of saved twice."""

    key = CharField(max_length=64, unique=True)
    at = DateTimeField(default=utcnow, index=True)


class LoginAttempt(BaseModel):
    """A sign-in attempt, kept for throttling. Keys are keyed hashes: no email or IP is stored."""

    at = DateTimeField(default=utcnow, index=True)
    account_key = CharField(max_length=64, index=True)
    address_key = CharField(max_length=64, index=True)
    succeeded = BooleanField(default=False)
