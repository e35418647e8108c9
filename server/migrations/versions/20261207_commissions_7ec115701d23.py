"""Technician commissions (issue 19 §8): commission_rule (base data: item / category / engineer
grade, optionally per repair level) and commission_entry (earned at settlement, taken back by refunds).

Revision ID: 7ec115701d23
Revises: 5d2c9a7e4b10
Create Date: 2026-12-07 12:20:30
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import server.db

revision: str = '7ec115701d23'
down_revision: Union[str, None] = '5d2c9a7e4b10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('commission_rule',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=True),
    sa.Column('item_kind', sa.String(length=16), nullable=True),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('repair_level_id', sa.Uuid(), nullable=True),
    sa.Column('rate_percent', server.db.Fixed(7, 2), nullable=False),
    sa.Column('fixed_amount', server.db.Money(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("scope IN ('item', 'category', 'grade')", name=op.f('ck_commission_rule_scope')),
    sa.CheckConstraint('rate_percent >= 0 AND fixed_amount >= 0', name=op.f('ck_commission_rule_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_commission_rule_item_id_item')),
    sa.ForeignKeyConstraint(['repair_level_id'], ['repair_level.id'], name=op.f('fk_commission_rule_repair_level_id_repair_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_commission_rule_code'))
    )
    with op.batch_alter_table('commission_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_rule_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_rule_scope'), ['scope'], unique=False)

    op.create_table('commission_entry',
    sa.Column('engineer_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('source_type', sa.String(length=32), nullable=False),
    sa.Column('source_id', sa.Uuid(), nullable=False),
    sa.Column('source_number', sa.String(length=40), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('line_kind', sa.String(length=8), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=True),
    sa.Column('rule_id', sa.Uuid(), nullable=True),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('base', server.db.Money(), nullable=False),
    sa.Column('rate_percent', server.db.Fixed(7, 2), nullable=False),
    sa.Column('fixed_amount', server.db.Money(), nullable=False),
    sa.Column('amount', server.db.Money(), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("line_kind IN ('part', 'labour', 'refund')", name=op.f('ck_commission_entry_line_kind')),
    sa.ForeignKeyConstraint(['engineer_id'], ['engineer.id'], name=op.f('fk_commission_entry_engineer_id_engineer')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_commission_entry_item_id_item')),
    sa.ForeignKeyConstraint(['order_id'], ['repair_order.id'], name=op.f('fk_commission_entry_order_id_repair_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_commission_entry_org_id_organisation')),
    sa.ForeignKeyConstraint(['rule_id'], ['commission_rule.id'], name=op.f('fk_commission_entry_rule_id_commission_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_entry')),
    sa.UniqueConstraint('source_id', 'line_no', name='uq_commission_entry_source_line')
    )
    with op.batch_alter_table('commission_entry', schema=None) as batch_op:
        batch_op.create_index('ix_commission_entry_engineer_date', ['engineer_id', 'earned_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_entry_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_entry_org_id'), ['org_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('commission_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_entry_org_id'))
        batch_op.drop_index(batch_op.f('ix_commission_entry_order_id'))
        batch_op.drop_index('ix_commission_entry_engineer_date')

    op.drop_table('commission_entry')
    with op.batch_alter_table('commission_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_rule_scope'))
        batch_op.drop_index(batch_op.f('ix_commission_rule_item_id'))

    op.drop_table('commission_rule')
