"""Factories for money-ledger tests: parties, members, accounts, sources, sessions acting as a user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlalchemy import text

from server.auth.models import User
from server.auth.operations import principal_for
from server.auth.principal import set_principal
from server.basedata.models import Member, Party
from server.db import unit_of_work
from server.finance.models import MoneyAccount
from server.finance.rules import Source
from server.ids import uuid7

D = dt.date(2026, 11, 20)


def user_session(net, username: str | None = None):
    """A session acting as the user (or as the system when None)."""
    s = net.session()
    if username is not None:
        set_principal(s, principal_for(s, s.get(User, net.users[username].id)))
    return s


def run(net, username, fn, *args, **kw):
    """Call an operation in one unit of work as the user; returns its result."""
    s = user_session(net, username)
    try:
        with unit_of_work(s):
            return fn(s, *args, **kw)
    finally:
        s.close()


def source(net, org: str = "SZ01", on: dt.date = D, doc_type: str = "test_receipt", number: str = "") -> Source:
    doc_id = uuid7()
    return Source(doc_type, doc_id, net.orgs[org].id, on, number or f"T-{org}-{str(doc_id)[-6:]}")


@dataclass
class Books:
    """Counterparties and money accounts of the test network."""

    parties: dict[str, Party] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    accounts: dict[str, MoneyAccount] = field(default_factory=dict)


def add_account(net, books: Books, key: str, org: str, kind: str = "bank", active: bool = True) -> MoneyAccount:
    s = net.session()
    with unit_of_work(s):
        acc = MoneyAccount(org_id=net.orgs[org].id, code=key.split("/")[-1], name=key, kind=kind,
                           bank_name="招商银行" if kind == "bank" else "", account_number="6214 0001" if kind == "bank" else "",
                           active=active)
        s.add(acc)
    s.close()
    books.accounts[key] = acc
    return acc


@pytest.fixture
def books(net) -> Books:
    b = Books()
    s = net.session()
    with unit_of_work(s):
        for code, name, roles in [("M-HW", "华为终端有限公司", ["manufacturer", "supplier"]),
                                  ("S-HQB", "深圳华强北配件行", ["supplier"]), ("D-XJ", "深圳迅捷通讯", ["dealer"])]:
            p = Party(code=code, name=name)
            p.roles = roles
            s.add(p)
            b.parties[code] = p
        m = Member(phone="13800138000", name="张伟")
        s.add(m)
        b.members["zhang"] = m
    s.close()
    for org in ("HQ", "SZ01", "GZ01"):
        add_account(net, b, f"{org}/BANK", org)
        add_account(net, b, f"{org}/CASH", org, kind="cash")
    add_account(net, b, "SZ01/OLD", "SZ01", active=False)
    return b


def money(value: str) -> Decimal:
    return Decimal(value)


def ledger_rows(app) -> dict[str, int]:
    db = app.extensions["aftercare.db"]
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("counterparty_entry", "cash_entry")}
