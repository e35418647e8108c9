"""Password hashing with argon2id."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128


@lru_cache(maxsize=2)
def _hasher(cost: str) -> PasswordHasher:
    if cost == "fast":  # test suites only: same algorithm, tiny cost
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # RFC 9106 low-memory profile


def hash_password(password: str, cost: str = "standard") -> str:
    return _hasher(cost).hash(password)


def verify_password(stored: str, password: str, cost: str = "standard") -> bool:
    try:
        return _hasher(cost).verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the username is unknown, so both paths take the same time.
_DUMMY: dict[str, str] = {}


def dummy_verify(password: str, cost: str = "standard") -> None:
    if cost not in _DUMMY:
        _DUMMY[cost] = hash_password("not-a-real-password", cost)
    verify_password(_DUMMY[cost], password, cost)


def check_password_rules(password: str, username: str | None = None) -> str | None:
    """A reason the password is refused, or None. Asked wherever a password is set."""
    if username and password.strip().lower() == username.strip().lower():
        return "must not be the username"
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if password.isdigit() or password.isalpha():
        return "must mix letters with digits or symbols"
    return None
