"""Several payers per job (issue 19 §7): repair_payer_share, a repair bill's shares per payer
(customer, manufacturer, insurer, goodwill), planned before pickup and frozen by the settlement.

Revision ID: 5d2c9a7e4b10
Revises: 47214ae84a11
Create Date: 2026-12-07 12:20:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import server.db

revision: str = '5d2c9a7e4b10'
down_revision: Union[str, None] = '47214ae84a11'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('repair_payer_share',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('settlement_id', sa.Uuid(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('payer', sa.String(length=16), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=True),
    sa.Column('amount', server.db.Money(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('shared_org_id', sa.Uuid(), nullable=True),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("payer IN ('customer', 'manufacturer', 'insurer', 'goodwill')", name=op.f('ck_repair_payer_share_payer')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_repair_payer_share_amount_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_repair_payer_share_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['repair_order.id'], name=op.f('fk_repair_payer_share_order_id_repair_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_repair_payer_share_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_repair_payer_share_party_id_party')),
    sa.ForeignKeyConstraint(['settlement_id'], ['repair_payment.id'], name=op.f('fk_repair_payer_share_settlement_id_repair_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_payer_share'))
    )
    with op.batch_alter_table('repair_payer_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repair_payer_share_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_payer_share_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_payer_share_settlement_id'), ['settlement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_payer_share_shared_org_id'), ['shared_org_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('repair_payer_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repair_payer_share_shared_org_id'))
        batch_op.drop_index(batch_op.f('ix_repair_payer_share_settlement_id'))
        batch_op.drop_index(batch_op.f('ix_repair_payer_share_org_id'))
        batch_op.drop_index(batch_op.f('ix_repair_payer_share_order_id'))

    op.drop_table('repair_payer_share')
