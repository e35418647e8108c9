"""exchange orders (spec §2)

The exchange order (换机单, HJ-…), its steps (the source of each step's ledger rows, with the order's
columns before it for a reversal), the brands' 三包 rules, and the repair order's link to the
exchange order it continues as (no foreign key: SQLite adds one only by rebuilding the table).

Revision ID: c3a8e5d71f20
Revises: b7d41e9c2a60
Create Date: 2026-12-07 06:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import server.db


revision: str = 'c3a8e5d71f20'
down_revision: Union[str, None] = 'b7d41e9c2a60'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('exchange_rule',
    sa.Column('brand_id', sa.Uuid(), nullable=True),
    sa.Column('return_days', sa.Integer(), nullable=False),
    sa.Column('exchange_days', sa.Integer(), nullable=False),
    sa.Column('performance_symptom_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('repeat_repairs', sa.Integer(), nullable=False),
    sa.Column('accessory_months', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('accessory_failed_replacements', sa.Integer(), nullable=False),
    sa.Column('new_warranty', sa.String(length=8), nullable=False),
    sa.Column('manufacturer_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("new_warranty IN ('restart', 'continue')", name=op.f('ck_exchange_rule_new_warranty')),
    sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_exchange_rule_brand_id_brand')),
    sa.ForeignKeyConstraint(['manufacturer_id'], ['party.id'], name=op.f('fk_exchange_rule_manufacturer_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rule')),
    sa.UniqueConstraint('brand_id', name=op.f('uq_exchange_rule_brand_id'))
    )
    op.create_table('exchange_order',
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('mode', sa.String(length=1), nullable=False),
    sa.Column('customer_kind', sa.String(length=8), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=True),
    sa.Column('customer_name', sa.String(length=80), nullable=False),
    sa.Column('customer_phone', sa.String(length=20), nullable=False),
    sa.Column('imei', sa.String(length=15), nullable=False),
    sa.Column('model_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('symptoms', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('fault_description', sa.Text(), nullable=False),
    sa.Column('warranty_card_id', sa.Uuid(), nullable=True),
    sa.Column('sale_date', sa.Date(), nullable=True),
    sa.Column('warranty_until', sa.Date(), nullable=True),
    sa.Column('eligibility', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('override_reason', sa.String(length=300), nullable=False),
    sa.Column('manufacturer_id', sa.Uuid(), nullable=True),
    sa.Column('unit_at', sa.String(length=10), nullable=False),
    sa.Column('unit_value', server.db.Money(), nullable=False),
    sa.Column('replacement_imei', sa.String(length=40), nullable=False),
    sa.Column('replacement_item_id', sa.Uuid(), nullable=True),
    sa.Column('handed_over_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('fee', server.db.Money(), nullable=False),
    sa.Column('new_card_id', sa.Uuid(), nullable=True),
    sa.Column('factory_imei', sa.String(length=40), nullable=False),
    sa.Column('replacement_received_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('carrier', sa.String(length=80), nullable=False),
    sa.Column('tracking_no', sa.String(length=80), nullable=False),
    sa.Column('from_repair_order_id', sa.Uuid(), nullable=True),
    sa.Column('repair_order_id', sa.Uuid(), nullable=True),
    sa.Column('conversion_reason', sa.String(length=300), nullable=False),
    sa.Column('step_count', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('provisional_code', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('posted_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('posted_by_id', sa.Uuid(), nullable=True),
    sa.Column('audited_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('audited_by_id', sa.Uuid(), nullable=True),
    sa.Column('reversed_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversed_by_id', sa.Uuid(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=300), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("customer_kind IN ('member', 'walk_in')", name=op.f('ck_exchange_order_customer_kind')),
    sa.CheckConstraint("mode IN ('A', 'B', 'C', 'D')", name=op.f('ck_exchange_order_mode')),
    sa.CheckConstraint("unit_at IN ('customer', 'defective', 'transit', 'factory')", name=op.f('ck_exchange_order_unit_at')),
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_exchange_order_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_exchange_order_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['from_repair_order_id'], ['repair_order.id'], name=op.f('fk_exchange_order_from_repair_order_id_repair_order')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_exchange_order_item_id_item')),
    sa.ForeignKeyConstraint(['manufacturer_id'], ['party.id'], name=op.f('fk_exchange_order_manufacturer_id_party')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_exchange_order_member_id_member')),
    sa.ForeignKeyConstraint(['model_id'], ['product_model.id'], name=op.f('fk_exchange_order_model_id_product_model')),
    sa.ForeignKeyConstraint(['new_card_id'], ['warranty_card.id'], name=op.f('fk_exchange_order_new_card_id_warranty_card')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_exchange_order_org_id_organisation')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_exchange_order_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['repair_order_id'], ['repair_order.id'], name=op.f('fk_exchange_order_repair_order_id_repair_order')),
    sa.ForeignKeyConstraint(['replacement_item_id'], ['item.id'], name=op.f('fk_exchange_order_replacement_item_id_item')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_exchange_order_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['exchange_order.id'], name=op.f('fk_exchange_order_reverses_id_exchange_order')),
    sa.ForeignKeyConstraint(['warranty_card_id'], ['warranty_card.id'], name=op.f('fk_exchange_order_warranty_card_id_warranty_card')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_order')),
    sa.UniqueConstraint('number', name=op.f('uq_exchange_order_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_exchange_order_reverses_id'))
    )
    with op.batch_alter_table('exchange_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_order_customer_phone'), ['customer_phone'], unique=False)
        batch_op.create_index('ix_exchange_order_factory_imei', ['factory_imei'], unique=False)
        batch_op.create_index('ix_exchange_order_imei_created', ['imei', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_order_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_exchange_order_org_created', ['org_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_order_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_exchange_order_replacement_imei', ['replacement_imei'], unique=False)
        batch_op.create_index('ix_exchange_order_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_order_status'), ['status'], unique=False)

    op.create_table('exchange_step',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=False),
    sa.Column('to_state', sa.String(length=24), nullable=False),
    sa.Column('at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('reverses_seq', sa.Integer(), nullable=True),
    sa.Column('reversed_by_seq', sa.Integer(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['exchange_order.id'], name=op.f('fk_exchange_step_order_id_exchange_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_exchange_step_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_exchange_step_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_step')),
    sa.UniqueConstraint('event_id', name=op.f('uq_exchange_step_event_id')),
    sa.UniqueConstraint('order_id', 'seq', name=op.f('uq_exchange_step_order_id_seq'))
    )
    with op.batch_alter_table('exchange_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_step_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_step_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exchange_order_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.drop_column('exchange_order_id')
    op.drop_table('exchange_step')
    op.drop_table('exchange_order')
    op.drop_table('exchange_rule')
