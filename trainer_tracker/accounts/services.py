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
