"""personal data scope

Members and warranty cards are read by the service points that served them (server.org.scoping):
a warranty card records the point that registered it, like a member. The column has no foreign
key (as repair_order.shared_org_id): SQLite adds one only by rebuilding the table, which
repair_order references. Existing cards: none (headquarters and the cards' repairs still see them).

Revision ID: 8ad82df6e696
Revises: 1f022544c069
Create Date: 2026-12-07 02:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '8ad82df6e696'
down_revision: Union[str, None] = '1f022544c069'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('warranty_card', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_org_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('warranty_card', schema=None) as batch_op:
        batch_op.drop_column('registered_org_id')
