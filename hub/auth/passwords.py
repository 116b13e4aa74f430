"""Password hashing (argon2id). Used for residents' passwords and agents' MQTT passwords."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# Residents and admins of the demo sign in with this; refused when POWERSHARE_ENV=production.
DEMO_PASSWORD = "powershare-demo"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def random_password() -> str:
    """A 128-bit secret that survives copy-paste into config files (URL-safe characters)."""
    return secrets.token_urlsafe(16)


# A hash to verify against when the account does not exist, so a sign-in for an unknown
# email takes as long as one with a wrong password (no account enumeration by timing).
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
