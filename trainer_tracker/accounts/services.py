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
from . import passwords, roles
from .models import LoginAttempt, User, utcnow

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(actor, email: str, role: str, password: str, *, site_code: str | None = None,
                person_id: int | None = None) -> User:
    """Create an account. Site leads need a site; trainers and supporters may be linked to a person."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
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
    with write_transaction():
        if User.select().where(User.email == email).exists():
            raise Refused("An account with this email address already exists.", "email")
        user = User.create(email=email, password_hash=passwords.hash_password(password), role=role,
                           site=site, person=person, session_token=secrets.token_hex(16))
        audit.record(actor, "user.create", "user", user.id, f"Account created with role {role}",
                     role=role, site=site.code if site else None, person_id=person_id)
    return user


def change_password(actor, user: User, new_password: str) -> None:
    problems = passwords.problems_with(new_password, user.email)
    if problems:
        raise Refused(" ".join(problems), "password")
    with write_transaction():
        user.password_hash = passwords.hash_password(new_password)
        user.session_token = secrets.token_hex(16)  # signs out other sessions
        user.save()
        audit.record(actor, "user.password", "user", user.id, "Password changed")


def set_active(actor, user: User, active: bool) -> None:
    with write_transaction():
        user.active = active
        user.session_token = secrets.token_hex(16)
        user.save()
        audit.record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
                     "Account enabled" if active else "Account disabled")


def _key(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def authenticate(email: str, password: str, address: str, secret: str,
                 now: dt.datetime | None = None) -> User:
    """Check a sign-in. Throttled per account and per address; every failure is audited.

    The same message is given for an unknown email and a wrong password.
    """
    now = now or utcnow()
    email = normalise_email(email)
    account_key, address_key = _key(secret, "account:" + email), _key(secret, "address:" + address)
    since = now - THROTTLE_WINDOW
    refusal = None
    # The attempt and its audit entry are committed even when sign-in is refused, so the
    # refusal is raised only after the transaction ends.
    with write_transaction():
        failures = LoginAttempt.select().where((LoginAttempt.at >= since) & (~LoginAttempt.succeeded))
        account_failures = failures.where(LoginAttempt.account_key == account_key).count()
        address_failures = failures.where(LoginAttempt.address_key == address_key).count()
        user = User.get_or_none(User.email == email)
        if account_failures >= MAX_FAILURES_PER_ACCOUNT or address_failures >= MAX_FAILURES_PER_ADDRESS:
            LoginAttempt.create(at=now, account_key=account_key, address_key=address_key, succeeded=False)
            audit.record(None, "login.throttled", "user", user.id if user else None,
                         "Sign-in refused: too many failed attempts",
                         per_account=account_failures, per_address=address_failures)
            refusal = "Too many failed sign-in attempts. Wait 15 minutes and try again."
        else:
            ok = passwords.verify_password(user.password_hash if user else passwords.DUMMY_HASH, password)
            if not ok or user is None or not user.active:
                LoginAttempt.create(at=now, account_key=account_key, address_key=address_key, succeeded=False)
                reason = "unknown account" if user is None else ("disabled" if not user.active else "wrong password")
                audit.record(None, "login.failed", "user", user.id if user else None, "Sign-in failed", reason=reason)
                refusal = "The email address or password is not right."
            else:
                LoginAttempt.create(at=now, account_key=account_key, address_key=address_key, succeeded=True)
                user.last_login_at = now
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(password)
                user.save()
                audit.record(user, "login.succeeded", "user", user.id, "Signed in")
    if refusal:
        raise Refused(refusal)
    return user


def load_user(token: str) -> User | None:
    """flask-login's user loader: the id plus the session token must match."""
    user_id, _, session_token = token.partition(":")
    if not user_id.isdigit():
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, session_token):
        return None
    return user


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
            user.session_token = secrets.token_hex(16)
            user.save()
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
        user.session_token = secrets.token_hex(16)
        user.save()
        audit.record(None, "user.reset_used", "user", user.id, "Password set with a reset link")
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


def signed_out(user: User) -> None:
    with write_transaction():
        audit.record(user, "logout", "user", user.id, "Signed out")
