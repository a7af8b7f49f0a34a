"""Password hashing (argon2id via argon2-cffi) and the password rules.

Rules follow NCSC and NIST SP 800-63B: a minimum length and a blocklist of common passwords,
no composition rules (they make passwords harder to remember, not stronger).
The blocklist is Django's list of 20,000 common passwords (BSD licence, see docs/dependencies.md).
"""

from __future__ import annotations

import gzip
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 256
# argon2id with the library's recommended parameters (RFC 9106 low-memory profile). The test suite
# sets CASCADE_FAST_PASSWORD_HASH=1 to use the cheapest profile; never set it in production.
_hasher = (PasswordHasher.from_parameters(profiles.CHEAPEST) if os.environ.get("CASCADE_FAST_PASSWORD_HASH") == "1"
           else PasswordHasher())
BLOCKLIST_FILE = Path(__file__).with_name("common-passwords.txt.gz")
CONTEXT_WORDS = ("carer", "cascade", "peer support", "password")


@lru_cache(maxsize=1)
def _blocklist() -> frozenset[str]:
    with gzip.open(BLOCKLIST_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def normalise(password: str) -> str:
    """NFKC, then without invisible characters (zero-width spaces and other format or control
    characters): what is left is what the person can see and type (ASVS 6.2)."""
    text = unicodedata.normalize("NFKC", password or "")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co", "Cn"))


KEYBOARD_ROWS = ("1234567890", "qwertyuiopasdfghjklzxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def _is_run(text: str) -> bool:
    """One character repeated, or a run along the keyboard or the alphabet (forwards or back),
    possibly wrapping round: 'aaaaaaaaaaaa', '123456789012', 'qwertyuiopas', 'zyxwvutsrqpo'."""
    if len(set(text)) <= 2:
        return True
    for row in KEYBOARD_ROWS:
        for sequence in (row, row[::-1]):
            start = sequence.find(text[0])
            if start >= 0 and all(ch == sequence[(start + i) % len(sequence)] for i, ch in enumerate(text)):
                return True
    return False


def problems_with(password: str, email: str = "") -> list[str]:
    """Why a new password is not allowed (empty if it is fine). Length counts the visible
    characters after Unicode normalisation; no composition rules (ASVS 6.2.5)."""
    problems = []
    visible = normalise(password)
    if len(visible) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters. Three random words work well.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = visible.lower()
    squashed = lowered.replace(" ", "")
    if lowered in _blocklist() or lowered.rstrip("0123456789!") in _blocklist() or (
            len(visible) >= MIN_LENGTH and (_is_run(squashed) or len(set(squashed)) < 5)):
        problems.append("This password is too common or too easy to guess. Three random words work well.")
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in lowered:
        problems.append("Do not use your email address in your password.")
    if squashed in {w.replace(" ", "") for w in CONTEXT_WORDS}:
        problems.append("Do not use the name of this service as your password.")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# A valid hash of a random password: checking it when an account does not exist takes the same
# time as checking a real one, so response times do not reveal which emails have accounts.
DUMMY_HASH = _hasher.hash("not-a-real-password-5f2c9e")
