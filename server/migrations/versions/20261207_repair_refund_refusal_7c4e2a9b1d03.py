"""repair refund refusal

A refund slip the approver refuses keeps who refused it, when and why (it stays a draft: nothing
was paid, and it never posts). Existing slips: none refused.

Revision ID: 7c4e2a9b1d03
Revises: 8ad82df6e696
Create Date: 2026-12-07 06:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import server.db


revision: str = '7c4e2a9b1d03'
down_revision: Union[str, None] = '8ad82df6e696'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('repair_payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_at', server.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refused_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('refusal_reason', sa.String(length=300), nullable=False, server_default=sa.text("''")))
        batch_op.create_foreign_key(batch_op.f('fk_repair_payment_refused_by_id_user_account'), 'user_account',
                                    ['refused_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('repair_payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_repair_payment_refused_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('refusal_reason')
        batch_op.drop_column('refused_by_id')
        batch_op.drop_column('refused_at')
