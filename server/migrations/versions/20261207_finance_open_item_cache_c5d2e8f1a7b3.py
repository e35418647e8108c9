"""Finance open items kept as they stand (finance_open_item): a cache of, per document, counterparty
and direction, the ledger's sum and what allocations left open, kept by triggers on every INSERT into
counterparty_entry and finance_allocation (server.finance.settlement_models.open_item_ddl) and filled
here from the rows already posted. Aging over every party reads its open rows only.

Revision ID: c5d2e8f1a7b3
Revises: 1b52ebd12e2a
Create Date: 2026-12-07 09:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import server.db
from server.finance.settlement_models import open_item_ddl, open_item_fill_sql

revision: str = 'c5d2e8f1a7b3'
down_revision: Union[str, None] = '1b52ebd12e2a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('finance_open_item',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('counterparty_id', sa.Uuid(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('counterparty_kind', sa.String(length=16), nullable=False),
    sa.Column('document_type', sa.String(length=40), nullable=False),
    sa.Column('document_number', sa.String(length=40), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('amount', server.db.Money(), nullable=False),
    sa.Column('open_amount', server.db.Money(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_finance_open_item_org_id_organisation')),
    sa.PrimaryKeyConstraint('document_id', 'counterparty_id', 'direction', name=op.f('pk_finance_open_item'))
    )
    with op.batch_alter_table('finance_open_item', schema=None) as batch_op:
        batch_op.create_index('ix_finance_open_item_balance', ['counterparty_id', 'direction', 'org_id'], unique=False)
        batch_op.create_index('ix_finance_open_item_open', ['org_id', 'direction'], unique=False,
                              postgresql_where=sa.text('open_amount <> 0'), sqlite_where=sa.text('open_amount <> 0'))
        batch_op.create_index(batch_op.f('ix_finance_open_item_org_id'), ['org_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for stmt in open_item_fill_sql(dialect):
        op.execute(stmt)
    for stmt in open_item_ddl(dialect)[0]:
        op.execute(stmt)


def downgrade() -> None:
    for stmt in open_item_ddl(op.get_bind().dialect.name)[1]:
        op.execute(stmt)
    with op.batch_alter_table('finance_open_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_open_item_org_id'))
        batch_op.drop_index('ix_finance_open_item_open', postgresql_where=sa.text('open_amount <> 0'),
                            sqlite_where=sa.text('open_amount <> 0'))
        batch_op.drop_index('ix_finance_open_item_balance')
    op.drop_table('finance_open_item')
