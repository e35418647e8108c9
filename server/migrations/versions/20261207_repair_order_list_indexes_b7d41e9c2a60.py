"""repair order list indexes

The online order list (headquarters and managers, issue 16 §5) filters by point, state and intake
date and sorts newest first over hundreds of thousands of orders: each common page is an index
scan (measured by `make bench-workspace`).

Revision ID: b7d41e9c2a60
Revises: 7c4e2a9b1d03
Create Date: 2026-12-07 07:00:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = 'b7d41e9c2a60'
down_revision: Union[str, None] = '7c4e2a9b1d03'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ('ix_repair_order_created', ['created_at']),
    ('ix_repair_order_org_created', ['org_id', 'created_at']),
    ('ix_repair_order_state_created', ['state', 'created_at']),
    ('ix_repair_order_org_state_date', ['org_id', 'state', 'doc_date', 'created_at']),
    ('ix_repair_order_date', ['doc_date', 'created_at']),
)


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, 'repair_order', columns, unique=False)


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name='repair_order')
