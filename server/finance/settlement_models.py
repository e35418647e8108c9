"""Receipts (收款单), payments (付款单) and the allocation of money against open items (核销).

An **open item** is one source document's part of one balance: the counterparty entries of a
document for one organisation, counterparty and direction, summed. A positive item is a charge
(an invoice: they owe us, or we owe them); a negative one a credit (a receipt or payment, a
reversal of a charge). An **allocation** pairs a charge with a credit for an amount: the charge's
open amount goes down by it and the credit's up by it (towards zero), so the sum of a party's
open items is always its balance. Allocations are append-only as the ledger is: an allocation is
undone by a row of the opposite amount pointing at it (``reverses_id``). See docs/finance.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.models import DocumentMixin
from ..db import Base, IdMixin, Money, utcnow
from ..org.models import OrgOwned

SETTLEMENT_COUNTERPARTY_KINDS = ("party", "organisation", "member")


class _Settlement(DocumentMixin):
    """What a receipt and a payment share: who, which money account, how much, allocated how."""

    DIRECTION: ClassVar[str]
    CASH_SIGN: ClassVar[int]  # money into (+1) or out of (−1) the account

    counterparty_kind: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"), index=True)
    counterparty_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("member.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    # Allocated oldest first when posted; else left on account until allocated by hand.
    auto_allocate: Mapped[bool] = mapped_column(default=True)
    reference: Mapped[str] = mapped_column(String(80), default="")  # the bank slip's number

    @property
    def counterparty_id(self) -> uuid.UUID | None:
        return self.party_id or self.counterparty_org_id or self.member_id

    def counterparty(self):
        from .rules import Counterparty

        return Counterparty(self.counterparty_kind, self.counterparty_id)

    def check_postable(self, session: Session) -> None:
        from .settlement import check_settlement

        check_settlement(session, self)

    def write_ledgers(self, session: Session) -> None:
        from .settlement import write_settlement

        write_settlement(session, self)

    def build_reversal(self):
        return type(self)(counterparty_kind=self.counterparty_kind, party_id=self.party_id,
                          counterparty_org_id=self.counterparty_org_id, member_id=self.member_id,
                          account_id=self.account_id, amount=self.amount, auto_allocate=False,
                          reference=self.reference, note=f"红冲 {self.number}")


def _counterparty_check(name: str) -> CheckConstraint:
    return CheckConstraint(
        "(counterparty_kind = 'party' AND party_id IS NOT NULL AND counterparty_org_id IS NULL AND member_id IS NULL)"
        " OR (counterparty_kind = 'organisation' AND party_id IS NULL AND counterparty_org_id IS NOT NULL"
        " AND member_id IS NULL)"
        " OR (counterparty_kind = 'member' AND party_id IS NULL AND counterparty_org_id IS NULL AND member_id IS NOT NULL)",
        name=name)


class FinanceReceipt(_Settlement, Base):
    """收款单: money received from a counterparty, reducing what they owe us (receivable −x, cash +x)."""

    __tablename__ = "finance_receipt"
    __table_args__ = (_counterparty_check("counterparty"), CheckConstraint("amount > 0", name="amount_positive"))
    DOC_TYPE = "finance_receipt"
    NUMBER_PREFIX = "SK"
    DIRECTION = "receivable"
    CASH_SIGN = 1


class FinancePayment(_Settlement, Base):
    """付款单: money paid to a counterparty, reducing what we owe them (payable −x, cash −x)."""

    __tablename__ = "finance_payment"
    __table_args__ = (_counterparty_check("counterparty"), CheckConstraint("amount > 0", name="amount_positive"))
    DOC_TYPE = "finance_payment"
    NUMBER_PREFIX = "FK"
    DIRECTION = "payable"
    CASH_SIGN = -1


SETTLEMENT_TYPES: dict[str, type[_Settlement]] = {m.DOC_TYPE: m for m in (FinanceReceipt, FinancePayment)}


class FinanceAllocation(IdMixin, OrgOwned, Base):
    """One allocation (核销) of a credit item against a charge item of the same balance.

    ``amount`` > 0 allocates; a row with the opposite amount and ``reverses_id`` undoes one.
    The balance is named as the ledger names it (organisation, counterparty, direction); an
    item is a source document (``*_type``, ``*_id``) within that balance. ``document_*`` is
    the receipt or payment whose allocation this is (the credit's, or its reversal's).
    """

    __tablename__ = "finance_allocation"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("direction IN ('receivable', 'payable')", name="direction"),
        Index("ix_finance_allocation_balance", "org_id", "counterparty_kind", "counterparty_id", "direction"),
        Index("ix_finance_allocation_charge", "charge_id", "charge_type"),
        Index("ix_finance_allocation_credit", "credit_id", "credit_type"),
        Index("ix_finance_allocation_document", "document_id"),
    )

    counterparty_kind: Mapped[str] = mapped_column(String(16))
    # The party, organisation or member (as the ledger row's column of that kind).
    counterparty_id: Mapped[uuid.UUID]
    direction: Mapped[str] = mapped_column(String(10))
    charge_type: Mapped[str] = mapped_column(String(40))
    charge_id: Mapped[uuid.UUID]
    credit_type: Mapped[str] = mapped_column(String(40))
    credit_id: Mapped[uuid.UUID]
    amount: Mapped[Decimal] = mapped_column(Money())
    alloc_date: Mapped[dt.date] = mapped_column(Date)
    document_type: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[uuid.UUID]
    posted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    posted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("finance_allocation.id"), unique=True)


WALK_IN_ID = uuid.UUID(int=0)  # the open-item key of a walk-in customer (no record)


class FinanceOpenItem(OrgOwned, Base):
    """Open items as they stand: per document, counterparty and direction, the ledger's sum and what
    allocations left open. A cache kept by database triggers on every INSERT into counterparty_entry
    and finance_allocation (``open_item_ddl``; so every path that posts — REST, a posting batch,
    COPY — keeps it), rebuildable from those two tables (``statement.open_items_check``). Aging
    over every party reads only its open rows (a partial index), not the whole ledger."""

    __tablename__ = "finance_open_item"
    __table_args__ = (
        # Aging reads the open rows in the order it groups them, from the index alone (no table reads).
        Index("ix_finance_open_item_aging", "org_id", "counterparty_kind", "counterparty_id", "direction", "doc_date",
              "open_amount", postgresql_where=text("open_amount <> 0"), sqlite_where=text("open_amount <> 0")),
        Index("ix_finance_open_item_balance", "counterparty_id", "direction", "org_id"),
    )

    document_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    counterparty_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(10), primary_key=True)
    counterparty_kind: Mapped[str] = mapped_column(String(16))
    document_type: Mapped[str] = mapped_column(String(40))
    document_number: Mapped[str] = mapped_column(String(40), default="")
    doc_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    open_amount: Mapped[Decimal] = mapped_column(Money())


def open_item_ddl(dialect: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements of the triggers that keep ``finance_open_item``."""
    if dialect == "postgresql":
        nil = "'00000000-0000-0000-0000-000000000000'::uuid"
        cp = f"COALESCE(NEW.party_id, NEW.counterparty_org_id, NEW.member_id, {nil})"
        return ([
            f"""CREATE OR REPLACE FUNCTION finance_open_item_entry() RETURNS trigger AS $$
BEGIN
  INSERT INTO finance_open_item (document_id, counterparty_id, direction, org_id, counterparty_kind, document_type,
                                 document_number, doc_date, amount, open_amount)
  VALUES (NEW.document_id, {cp}, NEW.direction, NEW.org_id, NEW.counterparty_kind, NEW.document_type,
          NEW.document_number, NEW.doc_date, NEW.amount, NEW.amount)
  ON CONFLICT (document_id, counterparty_id, direction) DO UPDATE
    SET amount = finance_open_item.amount + EXCLUDED.amount,
        open_amount = finance_open_item.open_amount + EXCLUDED.amount,
        doc_date = LEAST(finance_open_item.doc_date, EXCLUDED.doc_date);
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
            """CREATE OR REPLACE FUNCTION finance_open_item_allocation() RETURNS trigger AS $$
BEGIN
  UPDATE finance_open_item SET open_amount = open_amount - NEW.amount
    WHERE document_id = NEW.charge_id AND counterparty_id = NEW.counterparty_id AND direction = NEW.direction;
  UPDATE finance_open_item SET open_amount = open_amount + NEW.amount
    WHERE document_id = NEW.credit_id AND counterparty_id = NEW.counterparty_id AND direction = NEW.direction;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
            "CREATE TRIGGER counterparty_entry_open_item AFTER INSERT ON counterparty_entry "
            "FOR EACH ROW EXECUTE FUNCTION finance_open_item_entry()",
            "CREATE TRIGGER finance_allocation_open_item AFTER INSERT ON finance_allocation "
            "FOR EACH ROW EXECUTE FUNCTION finance_open_item_allocation()",
        ], [
            "DROP TRIGGER IF EXISTS counterparty_entry_open_item ON counterparty_entry",
            "DROP TRIGGER IF EXISTS finance_allocation_open_item ON finance_allocation",
            "DROP FUNCTION IF EXISTS finance_open_item_entry()",
            "DROP FUNCTION IF EXISTS finance_open_item_allocation()",
        ])
    nil = "'" + "0" * 32 + "'"  # SQLAlchemy's Uuid on SQLite: 32 hex digits
    cp = f"COALESCE(NEW.party_id, NEW.counterparty_org_id, NEW.member_id, {nil})"
    return ([
        f"""CREATE TRIGGER counterparty_entry_open_item AFTER INSERT ON counterparty_entry BEGIN
  INSERT OR IGNORE INTO finance_open_item (document_id, counterparty_id, direction, org_id, counterparty_kind,
                                           document_type, document_number, doc_date, amount, open_amount)
  VALUES (NEW.document_id, {cp}, NEW.direction, NEW.org_id, NEW.counterparty_kind, NEW.document_type,
          NEW.document_number, NEW.doc_date, 0, 0);
  UPDATE finance_open_item SET amount = amount + NEW.amount, open_amount = open_amount + NEW.amount,
         doc_date = MIN(doc_date, NEW.doc_date)
   WHERE document_id = NEW.document_id AND counterparty_id = {cp} AND direction = NEW.direction;
END""",
        """CREATE TRIGGER finance_allocation_open_item AFTER INSERT ON finance_allocation BEGIN
  UPDATE finance_open_item SET open_amount = open_amount - NEW.amount
   WHERE document_id = NEW.charge_id AND counterparty_id = NEW.counterparty_id AND direction = NEW.direction;
  UPDATE finance_open_item SET open_amount = open_amount + NEW.amount
   WHERE document_id = NEW.credit_id AND counterparty_id = NEW.counterparty_id AND direction = NEW.direction;
END""",
    ], [
        "DROP TRIGGER IF EXISTS counterparty_entry_open_item",
        "DROP TRIGGER IF EXISTS finance_allocation_open_item",
    ])


def open_item_fill_sql(dialect: str) -> list[str]:
    """Statements that fill an empty ``finance_open_item`` from the rows already posted (the migration;
    a bulk load with the triggers off): one pass over each table."""
    nil = "'00000000-0000-0000-0000-000000000000'::uuid" if dialect == "postgresql" else "'" + "0" * 32 + "'"
    cp = f"COALESCE(party_id, counterparty_org_id, member_id, {nil})"

    def allocated(column: str) -> str:
        return (f"(SELECT {column} AS document_id, counterparty_id, direction, SUM(amount) AS total FROM finance_allocation "
                f"GROUP BY {column}, counterparty_id, direction)")

    return [f"""
        INSERT INTO finance_open_item (document_id, counterparty_id, direction, org_id, counterparty_kind, document_type,
                                       document_number, doc_date, amount, open_amount)
        SELECT i.document_id, i.cp, i.direction, i.org_id, i.counterparty_kind, i.document_type, i.number, i.day, i.amount,
               i.amount - COALESCE(ch.total, 0) + COALESCE(cr.total, 0)
        FROM (SELECT document_id, {cp} AS cp, direction, org_id, counterparty_kind, document_type,
                     MAX(document_number) AS number, MIN(doc_date) AS day, SUM(amount) AS amount
              FROM counterparty_entry GROUP BY document_id, {cp}, direction, org_id, counterparty_kind, document_type) i
        LEFT JOIN {allocated("charge_id")} ch
          ON ch.document_id = i.document_id AND ch.counterparty_id = i.cp AND ch.direction = i.direction
        LEFT JOIN {allocated("credit_id")} cr
          ON cr.document_id = i.document_id AND cr.counterparty_id = i.cp AND cr.direction = i.direction"""]
