"""Login throttling: progressive delays that slow guessing and never lock a real user out.

Following OWASP's authentication guidance (no hard lockout a stranger can trigger;
throttle per account and per source address with growing delays), counted from the
``login_record`` rows, which every attempt writes anyway. A failure is a wrong password
or an unknown username (both look the same, so an unknown name is throttled like a real
one); ``inactive`` and ``throttled`` attempts are not failures. Three counts:

- the pair (account, address): failures from this address on this account since its
  last success there (24 h at most). Past ``login_free_failures`` each further try waits
  1 s, 2 s, 4 s … after the pair's last failure, at most ``login_max_delay_minutes``;
- the account, from every address, since its last success (in the last hour): past the
  same number it adds at most ``login_account_delay_seconds`` to that wait, and only for
  an address that has failed on the account itself. A first try from an address, or one after a success
  there, is never held back by other addresses' failures: that is what keeps a stranger
  from locking a real user out;
- the address, across accounts, in the last hour (password spraying): past
  ``login_address_free_failures`` its tries wait the same doubling delay after its last
  failure. It slows only that address (behind a shared NAT: the people behind it).

An attempt that comes before its wait is over is answered 429 with ``Retry-After`` and
is not checked (no password hash is computed), so waiting costs the server nothing and
a correct password during the wait proves nothing. The password hash cost is unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..settings import Settings
from .models import LoginRecord

FAILURES = ("bad_password", "unknown_user")
PAIR_LOOKBACK = dt.timedelta(hours=24)
RECENT = dt.timedelta(hours=1)
# Enough rows to reach any ceiling (2**40 s); the queries stop there, however long an attack.
COUNT_CAP = 48


@dataclass(frozen=True)
class Failures:
    pair: int = 0
    pair_last: dt.datetime | None = None
    account: int = 0
    address: int = 0
    address_last: dt.datetime | None = None


def doubling(failures: int, free: int) -> float:
    """0 s for the first ``free`` failures, then 1 s, 2 s, 4 s … per further failure."""
    return 0.0 if failures <= free else float(2 ** min(failures - free - 1, 40))


def wait_seconds(f: Failures, now: dt.datetime, settings: Settings) -> int:
    """Whole seconds the next attempt must still wait (0: it may go ahead). Pure."""
    max_delay = settings.login_max_delay_minutes * 60
    until = now
    if f.pair and f.pair_last is not None:
        wait = min(max_delay, doubling(f.pair, settings.login_free_failures))
        wait += min(settings.login_account_delay_seconds, doubling(f.account, settings.login_free_failures))
        until = max(until, f.pair_last + dt.timedelta(seconds=wait))
    if f.address_last is not None:
        wait = min(max_delay, doubling(f.address, settings.login_address_free_failures))
        until = max(until, f.address_last + dt.timedelta(seconds=wait))
    return math.ceil((until - now).total_seconds())


def count_failures(session: Session, username: str, ip: str, now: dt.datetime,
                   cleared_at: dt.datetime | None = None) -> Failures:
    """The three counts, from login_record (each query bounded by an index and COUNT_CAP rows)."""
    since = now - PAIR_LOOKBACK
    if cleared_at is not None and cleared_at > since:
        since = cleared_at
    recent_account = max(now - RECENT, since)
    pair, pair_last = _failures_since_success(session, since, LoginRecord.username == username, LoginRecord.ip == ip)
    account, _ = _failures_since_success(session, recent_account, LoginRecord.username == username)
    recent = select(LoginRecord.at).where(LoginRecord.ip == ip, LoginRecord.at > now - RECENT,
                                          LoginRecord.outcome.in_(FAILURES)) \
        .order_by(LoginRecord.at.desc()).limit(COUNT_CAP).subquery()
    address, address_last = session.execute(select(func.count(), func.max(recent.c.at))).one()
    return Failures(pair, pair_last, account, address, address_last)


def _failures_since_success(session: Session, since: dt.datetime, *where) -> tuple[int, dt.datetime | None]:
    """Failures after the last success (and after ``since``), newest first, and the last one's time."""
    rows = session.execute(
        select(LoginRecord.outcome, LoginRecord.at)
        .where(*where, LoginRecord.at > since, LoginRecord.outcome.in_(FAILURES + ("ok",)))
        .order_by(LoginRecord.at.desc()).limit(COUNT_CAP)
    ).all()
    count, last = 0, None
    for outcome, at in rows:
        if outcome == "ok":
            break
        count += 1
        last = last or at
    return count, last


def serialise_attempts(session: Session, username: str) -> None:
    """Take attempts on one username in turn, so parallel requests cannot all pass one check.

    PostgreSQL: a transaction-level advisory lock on the name, released at the commit that
    records the attempt. SQLite needs none: a login writes, so it begins IMMEDIATE and
    holds the database's write lock from its first statement.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(b"aftercare-login:" + username.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
