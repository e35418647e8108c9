"""repair pickup photos

The photos taken when the device goes back to the customer (§1.4), shown beside the intake ones.
Existing orders have none: the column defaults to an empty list on both databases.

Revision ID: 5d0e7a91c2b4
Revises: c318d2efec2f
Create Date: 2026-11-28 05:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision: str = '5d0e7a91c2b4'
down_revision: Union[str, None] = 'c318d2efec2f'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pickup_photos', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                                      nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.drop_column('pickup_photos')
