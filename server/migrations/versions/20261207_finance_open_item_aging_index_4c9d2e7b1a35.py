"""Aging over every party from an index alone: the open items' partial index covers what aging
groups and sums (organisation, counterparty, direction, date, open amount), in that order, so
PostgreSQL answers it by an index-only scan and a group aggregate without reading the table.

Revision ID: 4c9d2e7b1a35
Revises: 189635d1a1c1
Create Date: 2026-12-07 13:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '4c9d2e7b1a35'
down_revision: Union[str, None] = '189635d1a1c1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_OPEN = sa.text('open_amount <> 0')


def upgrade() -> None:
    with op.batch_alter_table('finance_open_item', schema=None) as batch_op:
        batch_op.create_index('ix_finance_open_item_aging', ['org_id', 'counterparty_kind', 'counterparty_id', 'direction',
                                                             'doc_date', 'open_amount'], unique=False,
                              postgresql_where=_OPEN, sqlite_where=_OPEN)
        batch_op.drop_index('ix_finance_open_item_open', postgresql_where=_OPEN, sqlite_where=_OPEN)


def downgrade() -> None:
    with op.batch_alter_table('finance_open_item', schema=None) as batch_op:
        batch_op.create_index('ix_finance_open_item_open', ['org_id', 'direction'], unique=False,
                              postgresql_where=_OPEN, sqlite_where=_OPEN)
        batch_op.drop_index('ix_finance_open_item_aging', postgresql_where=_OPEN, sqlite_where=_OPEN)
