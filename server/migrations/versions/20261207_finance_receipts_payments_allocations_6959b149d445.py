"""Finance receipts (收款单), payments (付款单) and allocations (核销) against open items.

finance_allocation is append-only like the money ledger: its triggers refuse UPDATE and DELETE
(server.db.append_only_ddl). An index for one party's statement and open items.

Revision ID: 6959b149d445
Revises: 4108ee729485
Create Date: 2026-12-07 08:55:52.740457
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import server.db

revision: str = '6959b149d445'
down_revision: Union[str, None] = '4108ee729485'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('finance_allocation',
    sa.Column('counterparty_kind', sa.String(length=16), nullable=False),
    sa.Column('counterparty_id', sa.Uuid(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('charge_type', sa.String(length=40), nullable=False),
    sa.Column('charge_id', sa.Uuid(), nullable=False),
    sa.Column('credit_type', sa.String(length=40), nullable=False),
    sa.Column('credit_id', sa.Uuid(), nullable=False),
    sa.Column('amount', server.db.Money(), nullable=False),
    sa.Column('alloc_date', sa.Date(), nullable=False),
    sa.Column('document_type', sa.String(length=40), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('posted_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_by_id', sa.Uuid(), nullable=True),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("direction IN ('receivable', 'payable')", name=op.f('ck_finance_allocation_direction')),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_finance_allocation_amount_not_zero')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_finance_allocation_org_id_organisation')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_finance_allocation_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['finance_allocation.id'], name=op.f('fk_finance_allocation_reverses_id_finance_allocation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_allocation')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_finance_allocation_reverses_id'))
    )
    with op.batch_alter_table('finance_allocation', schema=None) as batch_op:
        batch_op.create_index('ix_finance_allocation_balance', ['org_id', 'counterparty_kind', 'counterparty_id', 'direction'], unique=False)
        batch_op.create_index('ix_finance_allocation_charge', ['charge_id', 'charge_type'], unique=False)
        batch_op.create_index('ix_finance_allocation_credit', ['credit_id', 'credit_type'], unique=False)
        batch_op.create_index('ix_finance_allocation_document', ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_allocation_org_id'), ['org_id'], unique=False)

    op.create_table('finance_payment',
    sa.Column('counterparty_kind', sa.String(length=16), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=True),
    sa.Column('counterparty_org_id', sa.Uuid(), nullable=True),
    sa.Column('member_id', sa.Uuid(), nullable=True),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('amount', server.db.Money(), nullable=False),
    sa.Column('auto_allocate', sa.Boolean(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('posted_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('posted_by_id', sa.Uuid(), nullable=True),
    sa.Column('audited_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('audited_by_id', sa.Uuid(), nullable=True),
    sa.Column('reversed_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversed_by_id', sa.Uuid(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=300), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("(counterparty_kind = 'party' AND party_id IS NOT NULL AND counterparty_org_id IS NULL AND member_id IS NULL) OR (counterparty_kind = 'organisation' AND party_id IS NULL AND counterparty_org_id IS NOT NULL AND member_id IS NULL) OR (counterparty_kind = 'member' AND party_id IS NULL AND counterparty_org_id IS NULL AND member_id IS NOT NULL)", name=op.f('ck_finance_payment_counterparty')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_payment_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['money_account.id'], name=op.f('fk_finance_payment_account_id_money_account')),
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_finance_payment_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['counterparty_org_id'], ['organisation.id'], name=op.f('fk_finance_payment_counterparty_org_id_organisation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_finance_payment_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_finance_payment_member_id_member')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_finance_payment_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_finance_payment_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_finance_payment_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_finance_payment_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['finance_payment.id'], name=op.f('fk_finance_payment_reverses_id_finance_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_payment')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_payment_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_finance_payment_reverses_id'))
    )
    with op.batch_alter_table('finance_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_payment_counterparty_org_id'), ['counterparty_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_payment_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_payment_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_payment_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_payment_status'), ['status'], unique=False)

    op.create_table('finance_receipt',
    sa.Column('counterparty_kind', sa.String(length=16), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=True),
    sa.Column('counterparty_org_id', sa.Uuid(), nullable=True),
    sa.Column('member_id', sa.Uuid(), nullable=True),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('amount', server.db.Money(), nullable=False),
    sa.Column('auto_allocate', sa.Boolean(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('posted_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('posted_by_id', sa.Uuid(), nullable=True),
    sa.Column('audited_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('audited_by_id', sa.Uuid(), nullable=True),
    sa.Column('reversed_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversed_by_id', sa.Uuid(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=300), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("(counterparty_kind = 'party' AND party_id IS NOT NULL AND counterparty_org_id IS NULL AND member_id IS NULL) OR (counterparty_kind = 'organisation' AND party_id IS NULL AND counterparty_org_id IS NOT NULL AND member_id IS NULL) OR (counterparty_kind = 'member' AND party_id IS NULL AND counterparty_org_id IS NULL AND member_id IS NOT NULL)", name=op.f('ck_finance_receipt_counterparty')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_receipt_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['money_account.id'], name=op.f('fk_finance_receipt_account_id_money_account')),
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_finance_receipt_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['counterparty_org_id'], ['organisation.id'], name=op.f('fk_finance_receipt_counterparty_org_id_organisation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_finance_receipt_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_finance_receipt_member_id_member')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_finance_receipt_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_finance_receipt_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_finance_receipt_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_finance_receipt_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['finance_receipt.id'], name=op.f('fk_finance_receipt_reverses_id_finance_receipt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_receipt')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_receipt_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_finance_receipt_reverses_id'))
    )
    with op.batch_alter_table('finance_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_receipt_counterparty_org_id'), ['counterparty_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_receipt_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_receipt_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_receipt_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_receipt_status'), ['status'], unique=False)

    with op.batch_alter_table('counterparty_entry', schema=None) as batch_op:
        batch_op.create_index('ix_counterparty_entry_party_date', ['party_id', 'direction', 'doc_date'], unique=False)

    dialect = op.get_bind().dialect.name
    for stmt in server.db.append_only_ddl('finance_allocation', dialect)[0]:
        op.execute(stmt)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for stmt in server.db.append_only_ddl('finance_allocation', dialect)[1]:
        op.execute(stmt)
    with op.batch_alter_table('counterparty_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_counterparty_entry_party_date')
    with op.batch_alter_table('finance_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_receipt_status'))
        batch_op.drop_index(batch_op.f('ix_finance_receipt_party_id'))
        batch_op.drop_index(batch_op.f('ix_finance_receipt_org_id'))
        batch_op.drop_index(batch_op.f('ix_finance_receipt_member_id'))
        batch_op.drop_index(batch_op.f('ix_finance_receipt_counterparty_org_id'))

    op.drop_table('finance_receipt')
    with op.batch_alter_table('finance_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_payment_status'))
        batch_op.drop_index(batch_op.f('ix_finance_payment_party_id'))
        batch_op.drop_index(batch_op.f('ix_finance_payment_org_id'))
        batch_op.drop_index(batch_op.f('ix_finance_payment_member_id'))
        batch_op.drop_index(batch_op.f('ix_finance_payment_counterparty_org_id'))

    op.drop_table('finance_payment')
    with op.batch_alter_table('finance_allocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_allocation_org_id'))
        batch_op.drop_index('ix_finance_allocation_document')
        batch_op.drop_index('ix_finance_allocation_credit')
        batch_op.drop_index('ix_finance_allocation_charge')
        batch_op.drop_index('ix_finance_allocation_balance')

    op.drop_table('finance_allocation')
