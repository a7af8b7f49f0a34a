"""Two-step sign-in: a time-based code from an authenticator app (TOTP, RFC 6238, via pyotp),
with one-time recovery codes. Optional for everyone; required for administrators and programme
leads when CASCADE_REQUIRE_2FA=1."""

from __future__ import annotations

import hmac
import os
import secrets
import time

import pyotp

from ..audit import service as audit
from ..db import write_transaction
from ..errors import Refused
from . import passwords, roles
from .models import RecoveryCode, User, utcnow

ISSUER = "Carer peer support tracker"
RECOVERY_CODES = 10
REQUIRED_FOR = (roles.ADMIN, roles.PROGRAMME_LEAD)


def required_for(user: User) -> bool:
    return os.environ.get("CASCADE_REQUIRE_2FA", "").strip().lower() in ("1", "true", "yes") and \
        user.role in REQUIRED_FOR


def enabled(user: User) -> bool:
    return bool(user.totp_secret and user.totp_enabled_at)


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The set-up QR code as inline SVG (segno: no image library, no third-party host)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True,
                                    title="QR code to set up your authenticator app")
    return out.getvalue().decode()


def _step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step the code belongs to (now, or one step either side), if not used before."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    for offset in (0, -1, 1):
        step = now // totp.interval + offset
        if hmac.compare_digest(totp.at(step * totp.interval), code) and (last_step is None or step > last_step):
            return step
    return None


def _plain(code: str) -> str:
    return (code or "").replace("-", "").replace(" ", "").strip().lower()


def _hash(code: str) -> str:
    """Recovery codes are short (48 random bits), so they are stored like passwords: argon2id
    with a random salt (ASVS 6.5.2), never as a plain or fast hash."""
    return passwords.hash_password(_plain(code))


def enable(actor, user: User, secret: str, code: str) -> list[str]:
    """Turn two-step sign-in on once the person has typed a code from their app; returns the
    recovery codes to show once."""
    step = _step(secret, code, None)
    if step is None:
        raise Refused("That code is not right. Type the 6 digits your app shows now.", "code")
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    with write_transaction():
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), step
        user.save()
        RecoveryCode.delete().where(RecoveryCode.user == user).execute()
        RecoveryCode.insert_many([{"user": user.id, "code_hash": _hash(c)} for c in codes]).execute()
        audit.record(actor, "user.two_step_on", "user", user.id, "Two-step sign-in turned on")
    return codes


def disable(actor, user: User) -> None:
    if required_for(user):
        raise Refused("Two-step sign-in is required for your role.")
    with write_transaction():
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
        user.save()
        RecoveryCode.delete().where(RecoveryCode.user == user).execute()
        audit.record(actor, "user.two_step_off", "user", user.id, "Two-step sign-in turned off")


def verify(user: User, code: str) -> bool:
    """A code from the app (each works once) or an unused recovery code (used up)."""
    with write_transaction():
        fresh = User.get_by_id(user.id)  # the last step used, as of now
        step = _step(fresh.totp_secret, code, fresh.totp_last_step) if enabled(fresh) else None
        if step is not None:
            User.update(totp_last_step=step).where(User.id == user.id).execute()
            audit.record(user, "login.second_step", "user", user.id, "Second step passed")
            return True
        row = None
        if len(_plain(code)) == 12:
            unused = RecoveryCode.select().where((RecoveryCode.user == user) & RecoveryCode.used_at.is_null())
            row = next((r for r in unused if passwords.verify_password(r.code_hash, _plain(code))), None)
        if row is not None:
            row.used_at = utcnow()
            row.save()
            audit.record(user, "login.recovery_code", "user", user.id, "Recovery code used")
            return True
        audit.record(user, "login.second_step_failed", "user", user.id, "Second step failed")
        return False
