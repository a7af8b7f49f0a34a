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
    # Changes on password change, so sessions made with the old password stop working.
    session_token = CharField(max_length=64)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

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


class LoginAttempt(BaseModel):
    """A sign-in attempt, kept for throttling. Keys are keyed hashes: no email or IP is stored."""

    at = DateTimeField(default=utcnow, index=True)
    account_key = CharField(max_length=64, index=True)
    address_key = CharField(max_length=64, index=True)
    succeeded = BooleanField(default=False)
