"""Repair part cost (issue 18 §5): repair_part.cost, what the part's use document took out of stock

Backfill: per part, the sum of the values of its used_document_id's moves out of own stock (the
moving average it left at, as posting records it now).

Revision ID: 3e8b5c71d2a6
Revises: a7c1f0d2e9b4
Create Date: 2026-12-07 10:35:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import server.db

revision: str = '3e8b5c71d2a6'
down_revision: Union[str, None] = 'a7c1f0d2e9b4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OWN = "('warehouse', 'engineer', 'transit')"
# Also run by tests/test_repair_part_cost.py: the backfill must give what posting gives.
BACKFILL = f"""
    UPDATE repair_part SET cost = COALESCE((
        SELECT SUM(m.value) FROM stock_move m
        JOIN stock_location src ON src.id = m.from_location_id
        JOIN stock_location dst ON dst.id = m.to_location_id
        WHERE m.doc_type = 'engineer_use' AND m.doc_id = repair_part.used_document_id
          AND src.kind IN {OWN} AND dst.kind NOT IN {OWN}), 0)"""


def upgrade() -> None:
    with op.batch_alter_table('repair_part', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost', server.db.Money(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('repair_part', schema=None) as batch_op:
        batch_op.alter_column('cost', existing_type=server.db.Money(), nullable=False, server_default=sa.text('0'))


def downgrade() -> None:
    with op.batch_alter_table('repair_part', schema=None) as batch_op:
        batch_op.drop_column('cost')
