"""wholesale sales orders deliveries returns

Wholesale (spec §6): sales orders (销售订单) with priced lines, deliveries (发货单) and sales returns
(销售退货单) with each line's revenue and cost at posting.

Revision ID: 8eabbbcd4753
Revises: 6a438d04d86f
Create Date: 2026-12-07 08:59:21.352214
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate renders JSONB(astext_type=Text())
import server.db
from sqlalchemy.dialects import postgresql

revision: str = '8eabbbcd4753'
down_revision: Union[str, None] = '6a438d04d86f'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('sales_order',
    sa.Column('party_id', sa.Uuid(), nullable=False),
    sa.Column('warehouse_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('price_includes_tax', sa.Boolean(), nullable=False),
    sa.Column('tax_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('contact_name', sa.String(length=80), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('net_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('credit_balance', server.db.Fixed(14, 2), nullable=True),
    sa.Column('credit_limit', server.db.Fixed(14, 2), nullable=True),
    sa.Column('approved_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Uuid(), nullable=True),
    sa.Column('closed_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Uuid(), nullable=True),
    sa.Column('close_reason', sa.String(length=300), nullable=False),
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
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_sales_order_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_sales_order_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_sales_order_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_sales_order_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_sales_order_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_sales_order_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_sales_order_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_sales_order_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['sales_order.id'], name=op.f('fk_sales_order_reverses_id_sales_order')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_sales_order_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order')),
    sa.UniqueConstraint('number', name=op.f('uq_sales_order_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_sales_order_reverses_id'))
    )
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_status'), ['status'], unique=False)

    op.create_table('sales_delivery',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=False),
    sa.Column('warehouse_id', sa.Uuid(), nullable=False),
    sa.Column('carrier', sa.String(length=80), nullable=False),
    sa.Column('waybill', sa.String(length=80), nullable=False),
    sa.Column('net_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('cost_total', server.db.Fixed(14, 2), nullable=False),
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
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_sales_delivery_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_sales_delivery_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_delivery_order_id_sales_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_sales_delivery_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_sales_delivery_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_sales_delivery_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_sales_delivery_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['sales_delivery.id'], name=op.f('fk_sales_delivery_reverses_id_sales_delivery')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_sales_delivery_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_delivery')),
    sa.UniqueConstraint('number', name=op.f('uq_sales_delivery_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_sales_delivery_reverses_id'))
    )
    with op.batch_alter_table('sales_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_delivery_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_delivery_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_delivery_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_delivery_status'), ['status'], unique=False)

    op.create_table('sales_order_line',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('list_price', server.db.Fixed(16, 4), nullable=False),
    sa.Column('price_overridden', sa.Boolean(), nullable=False),
    sa.Column('delivered_quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('returned_quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('unit_price', server.db.Fixed(16, 4), nullable=False),
    sa.Column('discount_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('tax_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('net', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross', server.db.Fixed(14, 2), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_sales_order_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_order_line_order_id_sales_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order_line'))
    )
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_line_order_id'), ['order_id'], unique=False)

    op.create_table('sales_delivery_line',
    sa.Column('delivery_id', sa.Uuid(), nullable=False),
    sa.Column('order_line_id', sa.Uuid(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('serials', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('cost', server.db.Fixed(14, 2), nullable=False),
    sa.Column('returned_quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('unit_price', server.db.Fixed(16, 4), nullable=False),
    sa.Column('discount_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('tax_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('net', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross', server.db.Fixed(14, 2), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['sales_delivery.id'], name=op.f('fk_sales_delivery_line_delivery_id_sales_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_sales_delivery_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_sales_delivery_line_order_line_id_sales_order_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_delivery_line'))
    )
    with op.batch_alter_table('sales_delivery_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_delivery_line_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_delivery_line_order_line_id'), ['order_line_id'], unique=False)

    op.create_table('sales_return',
    sa.Column('delivery_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=False),
    sa.Column('warehouse_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('net_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('cost_total', server.db.Fixed(14, 2), nullable=False),
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
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_sales_return_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_sales_return_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['delivery_id'], ['sales_delivery.id'], name=op.f('fk_sales_return_delivery_id_sales_delivery')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_return_order_id_sales_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_sales_return_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_sales_return_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_sales_return_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_sales_return_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['sales_return.id'], name=op.f('fk_sales_return_reverses_id_sales_return')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_sales_return_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return')),
    sa.UniqueConstraint('number', name=op.f('uq_sales_return_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_sales_return_reverses_id'))
    )
    with op.batch_alter_table('sales_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_return_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_status'), ['status'], unique=False)

    op.create_table('sales_return_line',
    sa.Column('return_id', sa.Uuid(), nullable=False),
    sa.Column('delivery_line_id', sa.Uuid(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('serials', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('cost', server.db.Fixed(14, 2), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('unit_price', server.db.Fixed(16, 4), nullable=False),
    sa.Column('discount_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('tax_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('net', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross', server.db.Fixed(14, 2), nullable=False),
    sa.ForeignKeyConstraint(['delivery_line_id'], ['sales_delivery_line.id'], name=op.f('fk_sales_return_line_delivery_line_id_sales_delivery_line')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_sales_return_line_item_id_item')),
    sa.ForeignKeyConstraint(['return_id'], ['sales_return.id'], name=op.f('fk_sales_return_line_return_id_sales_return'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return_line'))
    )
    with op.batch_alter_table('sales_return_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_return_line_delivery_line_id'), ['delivery_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_line_return_id'), ['return_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sales_return_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_return_line_return_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_line_delivery_line_id'))

    op.drop_table('sales_return_line')
    with op.batch_alter_table('sales_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_return_status'))
        batch_op.drop_index(batch_op.f('ix_sales_return_party_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_org_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_order_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_delivery_id'))

    op.drop_table('sales_return')
    with op.batch_alter_table('sales_delivery_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_delivery_line_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_sales_delivery_line_delivery_id'))

    op.drop_table('sales_delivery_line')
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_line_order_id'))

    op.drop_table('sales_order_line')
    with op.batch_alter_table('sales_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_delivery_status'))
        batch_op.drop_index(batch_op.f('ix_sales_delivery_party_id'))
        batch_op.drop_index(batch_op.f('ix_sales_delivery_org_id'))
        batch_op.drop_index(batch_op.f('ix_sales_delivery_order_id'))

    op.drop_table('sales_delivery')
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_status'))
        batch_op.drop_index(batch_op.f('ix_sales_order_state'))
        batch_op.drop_index(batch_op.f('ix_sales_order_party_id'))
        batch_op.drop_index(batch_op.f('ix_sales_order_org_id'))

    op.drop_table('sales_order')
