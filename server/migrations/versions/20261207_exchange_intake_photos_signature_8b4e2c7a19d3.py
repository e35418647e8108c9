"""Exchange intake photos and the customer's signature on the exchange ticket (issue 17 §1), as repair's.

Revision ID: 8b4e2c7a19d3
Revises: 3336d96e9215
Create Date: 2026-12-07 09:10:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision: str = '8b4e2c7a19d3'
down_revision: Union[str, None] = '3336d96e9215'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('exchange_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photos', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                                      nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('intake_signature', sa.Text(), server_default=sa.text("''"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('exchange_order', schema=None) as batch_op:
        batch_op.drop_column('intake_signature')
        batch_op.drop_column('photos')
