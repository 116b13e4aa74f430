"""What a password must be: long enough, not a common or easily guessed one, never the demo's.

Guessability is zxcvbn's estimate (its frequency lists hold the common passwords, words and
names, and it sees keyboard walks, dates and repeats); the user's own email counts as guessable.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from hub.auth.passwords import DEMO_PASSWORD
from hub.error_codes import ErrorCode, Problem

MIN_LENGTH = 8
MAX_LENGTH = 200
MIN_SCORE = 2  # zxcvbn's 0–4; 2 ≈ 10⁸ guesses, which online guessing under the rate limits never reaches
_ESTIMATED_CHARS = 64  # zxcvbn's cost grows with length; beyond this a password is long enough anyway


def password_problem(password: str, email: str = "", production: bool = False) -> Problem | None:
    """Why ``password`` is refused (its text is for the user to read); None when it is fine."""
    if len(password) < MIN_LENGTH:
        return Problem(
            ErrorCode.PASSWORD_TOO_SHORT, f"use at least {MIN_LENGTH} characters", {"min_length": MIN_LENGTH}
        )
    if len(password) > MAX_LENGTH:
        return Problem(
            ErrorCode.PASSWORD_TOO_LONG, f"use at most {MAX_LENGTH} characters", {"max_length": MAX_LENGTH}
        )
    if production and password == DEMO_PASSWORD:
        return Problem(
            ErrorCode.PASSWORD_DEMO_REFUSED, "the demo password is refused in production; choose your own"
        )
    hints = [email, *email.split("@")[0].replace(".", " ").split()] if email else []
    result = zxcvbn(password[:_ESTIMATED_CHARS], user_inputs=hints)
    if int(result["score"]) < MIN_SCORE:
        warning = str(result["feedback"].get("warning") or "").rstrip(".")
        message = "too common or too easy to guess" + (f" ({warning.lower()})" if warning else "")
        return Problem(ErrorCode.PASSWORD_TOO_GUESSABLE, message)
    return None
