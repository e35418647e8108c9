"""party credit limit and discount

Wholesale (spec §6): a party's credit limit (the receivable it may run up before a sales order waits
for an approver; 0: no credit) and its discount off the wholesale price, in percent. Existing
parties: 0 and 0.

Revision ID: 4d1a7e90c2b5
Revises: 8b4e2c7a19d3
Create Date: 2026-12-07 09:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import server.db


revision: str = '4d1a7e90c2b5'
down_revision: Union[str, None] = '8b4e2c7a19d3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_limit', server.db.Fixed(14, 2), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('discount_percent', server.db.Fixed(14, 2), nullable=False, server_default=sa.text('0')))


def downgrade() -> None:
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_column('discount_percent')
        batch_op.drop_column('credit_limit')
