"""Account changes and sign-in. Every change is audited in its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from ..audit import service as audit
from ..cascade.models import Person, Site
from ..db import write_transaction
from ..errors import Refused
from . import passwords, roles, sessions
from .models import LoginAttempt, User, utcnow

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
THROTTLE_WINDOW = dt.timedelta(hours=1)
FREE_FAILURES = 3  # per account from one address before the delays start
FREE_FAILURES_PER_ADDRESS = 20  # from one address over every account
MAX_DELAY = 900  # seconds


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(actor, email: str, role: str, password: str, *, site_code: str | None = None,
                person_id: int | None = None) -> User:
    """Create an account. Site leads need a site; trainers and supporters may be linked to a person."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise Refused("Enter an email address like name@example.org.", "email")
    if role not in roles.ROLES:
        raise Refused(f"Unknown role {role!r}.", "role")
    problems = passwords.problems_with(password, email)
    if problems:
        raise Refused(" ".join(problems), "password")
    site = None
    if site_code:
        site = Site.get_or_none(Site.code == site_code.upper())
        if site is None:
            raise Refused(f"There is no site with the code {site_code!r}.", "site")
    if role == roles.SITE_LEAD and site is None:
        raise Refused("A site lead needs a site.", "site")
    person = None
    if person_id is not None:
        person = Person.get_or_none(Person.id == person_id)
        if person is None:
            raise Refused("That person does not exist.", "person")
        if site is None:
            site = person.site
    password_hash = passwords.hash_password(password)  # slow on purpose: outside the write lock
    with write_transaction():
        if User.select().where(User.email == email).exists():
            raise Refused("An account with this email address already exists.", "email")
        if person is not None and User.select().where(User.person == person).exists():
            raise Refused("Another account is already linked to that person.", "person")
        user = User.create(email=email, password_hash=password_hash, role=role, site=site, person=person)
        audit.record(actor, "user.create", "user", user.id, f"Account created with role {role}",
                     role=role, site=site.code if site else None, person_id=person_id)
    return user


def change_password(actor, user: User, new_password: str) -> None:
    """A new password; every session of the account ends, every copy of its cookies with it (the
    page then starts a fresh session for the person who changed it)."""
    problems = passwords.problems_with(new_password, user.email)
    if problems:
        raise Refused(" ".join(problems), "password")
    password_hash = passwords.hash_password(new_password)
    with write_transaction():
        user.password_hash = password_hash
        user.save()
        ended = sessions.end_all(user)
        audit.record(actor, "user.password", "user", user.id, "Password changed", sessions_ended=ended)


def set_active(actor, user: User, active: bool) -> None:
    with write_transaction():
        user.active = active
        user.save()
        ended = 0 if active else sessions.end_all(user)
        audit.record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
                     "Account enabled" if active else "Account disabled", sessions_ended=ended)


def set_reminders(actor, user: User, on: bool) -> None:
    with write_transaction():
        user.reminders = on
        user.save()
        audit.record(actor, "user.reminders_on" if on else "user.reminders_off", "user", user.id,
                     "Email reminders turned on" if on else "Email reminders turned off")


def sign_out_everywhere(actor, user: User) -> int:
    """End every session of the account, on every device (an administrator's button, or the
    person's own on their account page)."""
    with write_transaction():
        ended = sessions.end_all(user)
        audit.record(actor, "user.sign_out_everywhere", "user", user.id, "Signed out everywhere", sessions_ended=ended)
    return ended


def signed_in(user: User, *, second_step_done: bool = True) -> str:
    """Start a server-side session for a checked sign-in; returns its key for the cookie."""
    return sessions.start(user, second_step_done=second_step_done)


def signed_out(user: User) -> None:
    with write_transaction():
        sessions.end(user)
        audit.record(user, "logout", "user", user.id, "Signed out")


def _key(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def _delay(failures: int, free: int) -> int:
    """Seconds to wait after `failures` recent failures: none for the first `free`, then doubling."""
    return 0 if failures < free else min(2 ** (failures - free), MAX_DELAY)


def _wait_needed(account_key: str, address_key: str, now: dt.datetime) -> int:
    """Seconds before another attempt for this account from this address may be checked.

    Delays grow per account *and address* (so someone guessing at one account from their own
    machine cannot lock its owner out elsewhere) and per address over all accounts. There is
    no hard lockout."""
    since = now - THROTTLE_WINDOW
    failures = LoginAttempt.select().where((LoginAttempt.at >= since) & (~LoginAttempt.succeeded))
    pair = failures.where((LoginAttempt.account_key == account_key) & (LoginAttempt.address_key == address_key))
    address = failures.where(LoginAttempt.address_key == address_key)
    waits = []
    for query, free in ((pair, FREE_FAILURES), (address, FREE_FAILURES_PER_ADDRESS)):
        rows = list(query.select(LoginAttempt.at).order_by(LoginAttempt.at.desc()).limit(MAX_DELAY))
        delay = _delay(len(rows), free)
        if delay and rows:
            waits.append(int((rows[0].at + dt.timedelta(seconds=delay) - now).total_seconds()) + 1)
    return max([0, *waits])


def _record_attempt(account_key: str, address_key: str, ok: bool, now: dt.datetime, audit_args: tuple,
                    **data) -> None:
    with write_transaction():
        LoginAttempt.create(at=now, account_key=account_key, address_key=address_key, succeeded=ok)
        actor, action, user_id, summary = audit_args
        audit.record(actor, action, "user", user_id, summary, **data)


def authenticate(email: str, password: str, address: str, secret: str,
                 now: dt.datetime | None = None) -> User:
    """Check a sign-in. Delays grow with failures (per account and address, and per address);
    every attempt is audited. The same message is given for an unknown email and a wrong
    password, and the password check takes the same time either way."""
    now = now or utcnow()
    email = normalise_email(email)
    account_key, address_key = _key(secret, "account:" + email), _key(secret, "address:" + address)
    user = User.get_or_none(User.email == email)
    wait = _wait_needed(account_key, address_key, now)
    if wait > 0:
        with write_transaction():
            audit.record(None, "login.throttled", "user", user.id if user else None,
                         "Sign-in refused: wait after failed attempts", wait_seconds=wait)
        raise Refused(f"Too many failed attempts. Wait {_wait_text(wait)} and try again.")
    ok = passwords.verify_password(user.password_hash if user else passwords.DUMMY_HASH, password)
    if not ok or user is None or not user.active:
        reason = "unknown account" if user is None else ("disabled" if not user.active else "wrong password")
        _record_attempt(account_key, address_key, False, now, (None, "login.failed", user.id if user else None,
                                                               "Sign-in failed"), reason=reason)
        raise Refused("The email address or password is not right.")
    rehash = passwords.hash_password(password) if passwords.needs_rehash(user.password_hash) else None
    with write_transaction():
        LoginAttempt.create(at=now, account_key=account_key, address_key=address_key, succeeded=True)
        user.last_login_at = now
        if rehash:
            user.password_hash = rehash
        user.save()
        audit.record(user, "login.succeeded", "user", user.id, "Signed in")
    return user


def check_current_password(user: User, password: str, address: str, secret: str,
                           now: dt.datetime | None = None) -> None:
    """The current-password check before a change of password or two-step settings: throttled
    like sign-in, so a stolen session cannot guess the password at speed."""
    now = now or utcnow()
    account_key, address_key = _key(secret, f"current:{user.id}"), _key(secret, "address:" + address)
    wait = _wait_needed(account_key, address_key, now)
    if wait > 0:
        raise Refused(f"Too many wrong attempts. Wait {_wait_text(wait)} and try again.", "current")
    if not passwords.verify_password(user.password_hash, password):
        _record_attempt(account_key, address_key, False, now, (user, "user.current_password_wrong", user.id,
                                                               "Current password not right"))
        raise Refused("Your current password is not right.", "current")


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def load_user(token: str) -> User | None:
    """flask-login's user loader: the account of an open server-side session."""
    return sessions.load(token)


# Corrections to accounts -------------------------------------------------------------------

def update_user(actor, user: User, *, role: str, site_code: str | None, person_id: int | None, reason: str) -> User:
    """Change an account's role, site or linked person. A change of role signs the account out
    everywhere, so the new permissions apply at once."""
    from ..audit import service as audit

    if role not in roles.ROLES:
        raise Refused(f"Unknown role {role!r}.", "role")
    site = None
    if site_code:
        site = Site.get_or_none(Site.code == site_code.upper())
        if site is None:
            raise Refused(f"There is no site with the code {site_code!r}.", "site")
    if role == roles.SITE_LEAD and site is None:
        raise Refused("A site lead needs a site.", "site")
    person = None
    if person_id is not None:
        person = Person.get_or_none(Person.id == person_id)
        if person is None:
            raise Refused("That person does not exist.", "person")
        if site is None:
            site = person.site
    if actor is not None and getattr(actor, "id", None) == user.id and role != user.role:
        raise Refused("You cannot change your own role. Ask another administrator.", "role")
    with write_transaction():
        if person is not None and User.select().where((User.person == person) & (User.id != user.id)).exists():
            raise Refused("Another account is already linked to that person.", "person")
        role_changed = role != user.role
        audit.correct(actor, user, {"role": role, "site": site, "person": person}, reason, entity="user",
                      action="user.update", summary="Account details changed")
        if role_changed:
            sessions.end_all(user)
    return user


RESET_VALID_FOR = dt.timedelta(hours=24)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset(actor, user: User, valid_for: dt.timedelta = RESET_VALID_FOR) -> str:
    """A one-time reset token for `user` (shown or emailed as a link). Only its hash is stored;
    earlier unused links for the account stop working."""
    from .models import PasswordReset

    if not user.active:
        raise Refused("This account is switched off. Switch it on first.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction():
        (PasswordReset.update(used_at=now)
         .where((PasswordReset.user == user) & PasswordReset.used_at.is_null()).execute())
        PasswordReset.create(user=user, token_hash=_token_hash(token), created_at=now, expires_at=now + valid_for,
                             issued_by_user_id=getattr(actor, "id", None))
        audit.record(actor, "user.reset_issued", "user", user.id, "Password reset link issued",
                     hours=round(valid_for.total_seconds() / 3600, 1))
    return token


def reset_target(token: str):
    """The reset row for a token that still works, or None (unknown, used or expired)."""
    from .models import PasswordReset

    row = PasswordReset.get_or_none(PasswordReset.token_hash == _token_hash(token or ""))
    if row is None or row.used_at is not None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row


def use_reset(token: str, new_password: str) -> User:
    """Set a new password with a one-time link. The link works once; every session ends."""
    from .models import PasswordReset

    with write_transaction():
        row = reset_target(token)
        if row is None:
            raise Refused("This link has expired or has already been used. Ask for a new one.")
        user = row.user
        problems = passwords.problems_with(new_password, user.email)
        if problems:
            raise Refused(" ".join(problems), "password")
        updated = (PasswordReset.update(used_at=utcnow())
                   .where((PasswordReset.id == row.id) & PasswordReset.used_at.is_null()).execute())
        if updated != 1:  # used at the same moment by another request
            raise Refused("This link has expired or has already been used. Ask for a new one.")
        user.password_hash = passwords.hash_password(new_password)
        user.save()
        ended = sessions.end_all(user)
        audit.record(None, "user.reset_used", "user", user.id, "Password set with a reset link", sessions_ended=ended)
    return user


def request_reset(email: str, address: str, secret: str) -> tuple[User, str] | None:
    """Someone asked for a reset link for `email` (the public page). Returns (user, token) to email
    when the account exists and is active and the address has not asked too often; otherwise None.
    The page says the same either way, so it reveals nothing about which accounts exist."""
    email = normalise_email(email)
    address_key = _key(secret, "reset:" + address)
    since = utcnow() - dt.timedelta(hours=1)
    with write_transaction():
        recent = LoginAttempt.select().where((LoginAttempt.address_key == address_key) & (LoginAttempt.at >= since)).count()
        LoginAttempt.create(account_key=_key(secret, "reset-account:" + email), address_key=address_key, succeeded=False)
        user = User.get_or_none(User.email == email)
        audit.record(None, "user.reset_requested", "user", user.id if user else None, "Password reset asked for",
                     known=user is not None, throttled=recent >= 5)
    if user is None or not user.active or recent >= 5:
        return None
    return user, issue_reset(None, user)



def check_second_step(user: User, code: str, address: str, secret: str, now: dt.datetime | None = None) -> None:
    """The authenticator code (or a recovery code) after the password, throttled like sign-in."""
    from . import twostep

    now = now or utcnow()
    account_key, address_key = _key(secret, f"second:{user.id}"), _key(secret, "address:" + address)
    wait = _wait_needed(account_key, address_key, now)
    if wait > 0:
        raise Refused(f"Too many wrong codes. Wait {_wait_text(wait)} and try again.", "code")
    if not twostep.verify(user, code):
        with write_transaction():
            LoginAttempt.create(at=now, account_key=account_key, address_key=address_key, succeeded=False)
        raise Refused("That code is not right. Type the 6 digits your app shows now, or a recovery code.", "code")
