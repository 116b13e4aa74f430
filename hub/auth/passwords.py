"""Password hashing (argon2id). Used for residents' passwords and agents' MQTT passwords."""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor

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


# argon2 takes ~50 ms of CPU and releases the GIL: on the event loop, 16 sign-ins at once would
# stall every request and /ws for a second. A few worker threads bound how much CPU sign-ins
# (and agents connecting to the embedded broker) may take; the rest wait their turn.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="argon2")


async def verify_password_async(password_hash: str, password: str) -> bool:
    """``verify_password`` off the event loop, in the bounded argon2 pool."""
    return await asyncio.get_running_loop().run_in_executor(_POOL, verify_password, password_hash, password)


async def hash_password_async(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_POOL, hash_password, password)


def random_password() -> str:
    """A 128-bit secret that survives copy-paste into config files (URL-safe characters)."""
    return secrets.token_urlsafe(16)


# A hash to verify against when the account does not exist, so a sign-in for an unknown
# email takes as long as one with a wrong password (no account enumeration by timing).
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
