"""repair intake signature

The customer's signature taken on the tablet at intake, kept with the order (it was only on the
device before) and printed on the intake ticket. Existing orders have none: empty on both databases.

Revision ID: 453cfd6f27a8
Revises: 5d0e7a91c2b4
Create Date: 2026-12-06 03:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '453cfd6f27a8'
down_revision: Union[str, None] = '5d0e7a91c2b4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_signature', sa.Text(), nullable=False, server_default=sa.text("''")))


def downgrade() -> None:
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.drop_column('intake_signature')
