"""What makes a password acceptable, and how strong a candidate is.

NIST SP 800-63B (and OWASP ASVS 2.1) asks for length rather than composition rules: at least
12 characters, any Unicode, spaces allowed, nothing truncated, and a check against passwords
attackers try first. That check is zxcvbn's: its frequency lists (30,000 common passwords and
the most common English words and names) ship inside the pinned package, so nothing leaves the
machine. A password zxcvbn estimates at under a million guesses (score 0 or 1) is refused with
its own explanation; the same estimate drives the strength meter on the password pages.

Passwords are kept as argon2id hashes (argon2-cffi's defaults, RFC 9106's second recommended
parameter set), each with its own random salt.
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from collabmap.errors import InvalidInput

__all__ = [
    "MAX_LENGTH",
    "MIN_LENGTH",
    "Strength",
    "check_new_password",
    "hash_password",
    "needs_rehash",
    "password_matches",
    "strength",
]

MIN_LENGTH = 12
MAX_LENGTH = 1000
"""Longer than any passphrase; a bound so hashing a hostile megabyte costs nothing."""

_ESTIMATED = 72
"""zxcvbn refuses longer input (its matching is quadratic); beyond this, length is strength."""

_LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")
_ACCEPTED_SCORE = 2
"""zxcvbn's score 2 means about 10^6–10^8 guesses: beyond online guessing under throttling."""


@dataclass(frozen=True, slots=True)
class Strength:
    """How guessable a candidate password is, in words a user can act on."""

    score: int
    label: str
    acceptable: bool
    warning: str
    suggestions: tuple[str, ...]


def strength(password: str, *, personal: tuple[str, ...] = ()) -> Strength:
    """Estimate ``password``'s strength; ``personal`` are words an attacker would try first
    for this user (their name, the service's name)."""
    if len(password) < MIN_LENGTH:
        missing = MIN_LENGTH - len(password)
        return Strength(
            0,
            _LABELS[0],
            False,
            f"Use at least {MIN_LENGTH} characters ({missing} more)",
            ("A few unrelated words make a long password that is easy to remember.",),
        )
    if len(password) > MAX_LENGTH:
        return Strength(0, _LABELS[0], False, f"Use at most {MAX_LENGTH} characters", ())
    if len(password) > _ESTIMATED:
        return Strength(4, _LABELS[4], True, "", ())
    words = {part for phrase in personal for part in re.split(r"[\W_]+", phrase.lower())}
    inputs = sorted({*personal, *words, "collabmap"} - {""})
    estimate = zxcvbn(password, user_inputs=inputs)
    score = int(estimate["score"])
    feedback = estimate.get("feedback") or {}
    warning = str(feedback.get("warning") or "")
    if score < _ACCEPTED_SCORE and not warning:
        warning = "This password would be easy to guess."
    return Strength(
        score,
        _LABELS[score],
        score >= _ACCEPTED_SCORE,
        warning,
        tuple(str(s) for s in feedback.get("suggestions") or ()),
    )


def check_new_password(password: str, *, personal: tuple[str, ...] = ()) -> str:
    """``password`` if it may be set; otherwise :class:`InvalidInput` saying what is wrong."""
    if not isinstance(password, str) or not password:
        raise InvalidInput("enter a password")
    if "\x00" in password:
        raise InvalidInput("a password cannot contain a NUL character")
    found = strength(password, personal=personal)
    if found.acceptable:
        return password
    reason = found.warning.rstrip(".") or "this password would be easy to guess"
    raise InvalidInput(f"choose another password: {reason[:1].lower()}{reason[1:]}")


_hasher = PasswordHasher()
_hashing = threading.BoundedSemaphore(2)
"""Hashes computed at once: each takes 64 MiB and most of a core for a fraction of a second,
so a burst of sign-ins queues here rather than exhausting the machine's memory."""
_UNUSABLE = _hasher.hash(secrets.token_urlsafe(16))
"""A hash nobody knows the password of: checked for unknown names so timing tells nothing."""


def hash_password(password: str) -> str:
    """The argon2id hash to store for ``password`` (which the caller has checked)."""
    with _hashing:
        return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from. ``None`` (no such user) costs
    the same time as a real check. Nothing is truncated: a password longer than any that can
    be set never matches."""
    too_long = len(password) > MAX_LENGTH
    with _hashing:
        try:
            _hasher.verify(
                _UNUSABLE if stored is None or too_long else stored, password[:MAX_LENGTH]
            )
        except (VerificationError, InvalidHashError):
            return False
    return stored is not None and not too_long


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with weaker parameters than today's defaults."""
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return False
