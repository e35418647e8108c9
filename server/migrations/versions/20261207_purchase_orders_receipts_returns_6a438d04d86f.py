"""purchase orders, receipts and returns

Purchasing (spec §5): purchase_order (采购订单, CG) with its priced lines, purchase_receipt (采购入库单, CR)
and purchase_return (采购退货单, CT) with theirs; receipts and returns post to the stock and money ledgers
through their posting functions (no ledger table changes here).

Revision ID: 6a438d04d86f
Revises: 4d1a7e90c2b5
Create Date: 2026-12-07 08:57:33.904170
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate renders JSONB(astext_type=Text())
import server.db
from sqlalchemy.dialects import postgresql

revision: str = '6a438d04d86f'
down_revision: Union[str, None] = '4d1a7e90c2b5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('purchase_order',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=False),
    sa.Column('warehouse_id', sa.Uuid(), nullable=False),
    sa.Column('expected_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('net_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Uuid(), nullable=True),
    sa.Column('closed_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Uuid(), nullable=True),
    sa.Column('close_reason', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_purchase_order_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_purchase_order_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_purchase_order_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_purchase_order_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_purchase_order_party_id_party')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_purchase_order_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_order_number'))
    )
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index('ix_purchase_order_org_date', ['org_id', 'doc_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_status'), ['status'], unique=False)

    op.create_table('purchase_order_line',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('unit_price', server.db.Fixed(16, 4), nullable=False),
    sa.Column('tax_rate', server.db.Fixed(6, 4), nullable=False),
    sa.Column('price_includes_tax', sa.Boolean(), nullable=False),
    sa.Column('net', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross', server.db.Fixed(14, 2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_purchase_order_line_quantity_positive')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_purchase_order_line_price_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_purchase_order_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_purchase_order_line_order_id_purchase_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_line'))
    )
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_line_order_id'), ['order_id'], unique=False)

    op.create_table('purchase_receipt',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=False),
    sa.Column('warehouse_id', sa.Uuid(), nullable=False),
    sa.Column('net_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross_total', server.db.Fixed(14, 2), nullable=False),
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
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_purchase_receipt_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_purchase_receipt_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_purchase_receipt_order_id_purchase_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_purchase_receipt_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_purchase_receipt_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_purchase_receipt_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_purchase_receipt_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['purchase_receipt.id'], name=op.f('fk_purchase_receipt_reverses_id_purchase_receipt')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_purchase_receipt_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_receipt')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_receipt_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_purchase_receipt_reverses_id'))
    )
    with op.batch_alter_table('purchase_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_receipt_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_receipt_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_receipt_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_receipt_status'), ['status'], unique=False)

    op.create_table('purchase_receipt_line',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('serials', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('net', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross', server.db.Fixed(14, 2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['purchase_receipt.id'], name=op.f('fk_purchase_receipt_line_document_id_purchase_receipt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_purchase_receipt_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_line_id'], ['purchase_order_line.id'], name=op.f('fk_purchase_receipt_line_order_line_id_purchase_order_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_receipt_line'))
    )
    with op.batch_alter_table('purchase_receipt_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_receipt_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_receipt_line_order_line_id'), ['order_line_id'], unique=False)

    op.create_table('purchase_return',
    sa.Column('receipt_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=False),
    sa.Column('warehouse_id', sa.Uuid(), nullable=False),
    sa.Column('net_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax_total', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross_total', server.db.Fixed(14, 2), nullable=False),
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
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_purchase_return_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_purchase_return_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_purchase_return_order_id_purchase_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_purchase_return_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_purchase_return_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_purchase_return_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['receipt_id'], ['purchase_receipt.id'], name=op.f('fk_purchase_return_receipt_id_purchase_receipt')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_purchase_return_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['purchase_return.id'], name=op.f('fk_purchase_return_reverses_id_purchase_return')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_purchase_return_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_return')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_return_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_purchase_return_reverses_id'))
    )
    with op.batch_alter_table('purchase_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_return_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_return_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_return_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_return_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_return_status'), ['status'], unique=False)

    op.create_table('purchase_return_line',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('receipt_line_id', sa.Uuid(), nullable=False),
    sa.Column('order_line_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('serials', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('net', server.db.Fixed(14, 2), nullable=False),
    sa.Column('tax', server.db.Fixed(14, 2), nullable=False),
    sa.Column('gross', server.db.Fixed(14, 2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['purchase_return.id'], name=op.f('fk_purchase_return_line_document_id_purchase_return'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_purchase_return_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_line_id'], ['purchase_order_line.id'], name=op.f('fk_purchase_return_line_order_line_id_purchase_order_line')),
    sa.ForeignKeyConstraint(['receipt_line_id'], ['purchase_receipt_line.id'], name=op.f('fk_purchase_return_line_receipt_line_id_purchase_receipt_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_return_line'))
    )
    with op.batch_alter_table('purchase_return_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_return_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_return_line_receipt_line_id'), ['receipt_line_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('purchase_return_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_return_line_receipt_line_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_return_line_document_id'))

    op.drop_table('purchase_return_line')

    with op.batch_alter_table('purchase_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_return_status'))
        batch_op.drop_index(batch_op.f('ix_purchase_return_receipt_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_return_party_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_return_org_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_return_order_id'))

    op.drop_table('purchase_return')

    with op.batch_alter_table('purchase_receipt_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_receipt_line_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_receipt_line_document_id'))

    op.drop_table('purchase_receipt_line')

    with op.batch_alter_table('purchase_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_receipt_status'))
        batch_op.drop_index(batch_op.f('ix_purchase_receipt_party_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_receipt_org_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_receipt_order_id'))

    op.drop_table('purchase_receipt')

    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_line_order_id'))

    op.drop_table('purchase_order_line')

    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_status'))
        batch_op.drop_index(batch_op.f('ix_purchase_order_party_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_order_org_id'))
        batch_op.drop_index('ix_purchase_order_org_date')

    op.drop_table('purchase_order')

