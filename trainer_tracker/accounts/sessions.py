"""Sessions kept on the server. The signed cookie carries "<user id>:<session key>"; the key's hash
is a UserSession row, so ending the row ends every copy of the cookie. Sessions also end after
a time without use (30 minutes for staff roles by default) and a fixed time after signing in."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets

from flask import current_app, g

from ..db import write_transaction
from . import roles
from .models import User, UserSession, utcnow

STAFF_ROLES = (roles.ADMIN, roles.PROGRAMME_LEAD, roles.SITE_LEAD, roles.RESEARCHER)
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most once a minute per session


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _minutes(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def limits(user: User) -> tuple[dt.timedelta, dt.timedelta]:
    """(idle, absolute) for this user: app settings, else CASCADE_IDLE_MINUTES_STAFF (30),
    CASCADE_IDLE_MINUTES (120 for trainers, peer supporters and LEAP reviewers) and
    CASCADE_SESSION_HOURS (12)."""
    config = current_app.config
    staff = user.role in STAFF_ROLES
    idle = config.get("IDLE_MINUTES_STAFF" if staff else "IDLE_MINUTES") or (
        _minutes("CASCADE_IDLE_MINUTES_STAFF", 30) if staff else _minutes("CASCADE_IDLE_MINUTES", 120))
    hours = config.get("SESSION_HOURS") or _minutes("CASCADE_SESSION_HOURS", 12)
    return dt.timedelta(minutes=idle), dt.timedelta(hours=hours)


def start(user: User, second_step_done: bool = True) -> str:
    """A new session for `user`; returns the key for the cookie."""
    key = secrets.token_urlsafe(32)
    with write_transaction():
        UserSession.create(user=user, key_hash=_hash(key), second_step_done=second_step_done)
    user.session_key = key
    return key


def load(token: str) -> User | None:
    """flask-login's user loader: the account of a session that is still open, or None."""
    user_id, _, key = (token or "").partition(":")
    if not user_id.isdigit() or len(user_id) > 10 or not key:
        return None
    row = (UserSession.select(UserSession, User).join(User)
           .where(UserSession.key_hash == _hash(key)).first())
    if row is None or row.ended_at is not None or not hmac.compare_digest(str(row.user_id), user_id):
        return None
    user = row.user
    now = utcnow()
    idle, absolute = limits(user)
    if not user.active or now - row.last_seen_at > idle or now - row.created_at > absolute:
        UserSession.update(ended_at=now).where(UserSession.id == row.id).execute()
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        UserSession.update(last_seen_at=now).where(UserSession.id == row.id).execute()
    user.session_key = key
    g.user_session = row
    return user


def current():
    """The UserSession row of this request's signed-in user, if any."""
    return g.get("user_session")


def open_sessions(user: User) -> list[UserSession]:
    """The account's sessions that have not ended (for its owner to see), newest first."""
    return list(UserSession.select().where((UserSession.user == user) & UserSession.ended_at.is_null())
                .order_by(UserSession.last_seen_at.desc()).limit(20))


def complete_second_step(user: User) -> None:
    with write_transaction():
        UserSession.update(second_step_done=True).where(UserSession.key_hash == _hash(user.session_key)).execute()


def end(user: User) -> None:
    """End this session (signing out)."""
    key = getattr(user, "session_key", None)
    if key:
        UserSession.update(ended_at=utcnow()).where(UserSession.key_hash == _hash(key)).execute()


def end_all(user: User, keep_current: bool = False) -> int:
    """End every open session of `user` (and, unless `keep_current`, this one too)."""
    query = UserSession.update(ended_at=utcnow()).where((UserSession.user == user) & UserSession.ended_at.is_null())
    key = getattr(user, "session_key", None)
    if keep_current and key:
        query = query.where(UserSession.key_hash != _hash(key))
    return query.execute()
