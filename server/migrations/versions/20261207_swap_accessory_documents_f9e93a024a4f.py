"""Accessory swap (spec §3): swap_document, swap_line, swap_serial.

Revision ID: f9e93a024a4f
Revises: c3a8e5d71f20
Create Date: 2026-12-07 06:18:51.926276
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate renders JSONB(astext_type=Text())
import server.db
from sqlalchemy.dialects import postgresql

revision: str = 'f9e93a024a4f'
down_revision: Union[str, None] = 'c3a8e5d71f20'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('swap_document',
    sa.Column('doc_type', sa.String(length=16), nullable=False),
    sa.Column('party_id', sa.Uuid(), nullable=True),
    sa.Column('manufacturer_id', sa.Uuid(), nullable=True),
    sa.Column('send_id', sa.Uuid(), nullable=True),
    sa.Column('contact_name', sa.String(length=80), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('carrier', sa.String(length=80), nullable=False),
    sa.Column('waybill', sa.String(length=80), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
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
    sa.CheckConstraint("doc_type IN ('swap_intake', 'swap_send', 'swap_receive', 'swap_return')", name=op.f('ck_swap_document_doc_type')),
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_swap_document_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_swap_document_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['manufacturer_id'], ['party.id'], name=op.f('fk_swap_document_manufacturer_id_party')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_swap_document_org_id_organisation')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_swap_document_party_id_party')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_swap_document_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_swap_document_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['swap_document.id'], name=op.f('fk_swap_document_reverses_id_swap_document')),
    sa.ForeignKeyConstraint(['send_id'], ['swap_document.id'], name=op.f('fk_swap_document_send_id_swap_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_swap_document')),
    sa.UniqueConstraint('number', name=op.f('uq_swap_document_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_swap_document_reverses_id'))
    )
    with op.batch_alter_table('swap_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_swap_document_manufacturer_id'), ['manufacturer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_document_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_document_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_document_send_id'), ['send_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_document_status'), ['status'], unique=False)
        batch_op.create_index('ix_swap_document_type_date', ['doc_type', 'doc_date'], unique=False)

    op.create_table('swap_line',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', server.db.Fixed(14, 3), nullable=False),
    sa.Column('serials', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('fault', sa.String(length=200), nullable=False),
    sa.Column('accessory_class', sa.String(length=12), nullable=False),
    sa.Column('sale_date', sa.Date(), nullable=True),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('intake_line_id', sa.Uuid(), nullable=True),
    sa.Column('send_line_id', sa.Uuid(), nullable=True),
    sa.Column('substitute', sa.Boolean(), nullable=False),
    sa.Column('shortfall', server.db.Fixed(14, 3), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_swap_line_quantity_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['swap_document.id'], name=op.f('fk_swap_line_document_id_swap_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['intake_line_id'], ['swap_line.id'], name=op.f('fk_swap_line_intake_line_id_swap_line')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_swap_line_item_id_item')),
    sa.ForeignKeyConstraint(['send_line_id'], ['swap_line.id'], name=op.f('fk_swap_line_send_line_id_swap_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_swap_line'))
    )
    with op.batch_alter_table('swap_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_swap_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_line_intake_line_id'), ['intake_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_line_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_line_send_line_id'), ['send_line_id'], unique=False)

    op.create_table('swap_serial',
    sa.Column('line_id', sa.Uuid(), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['swap_line.id'], name=op.f('fk_swap_serial_line_id_swap_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('line_id', 'serial', name=op.f('pk_swap_serial'))
    )
    with op.batch_alter_table('swap_serial', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_swap_serial_serial'), ['serial'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('swap_serial', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_swap_serial_serial'))

    op.drop_table('swap_serial')
    with op.batch_alter_table('swap_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_swap_line_send_line_id'))
        batch_op.drop_index(batch_op.f('ix_swap_line_item_id'))
        batch_op.drop_index(batch_op.f('ix_swap_line_intake_line_id'))
        batch_op.drop_index(batch_op.f('ix_swap_line_document_id'))

    op.drop_table('swap_line')
    with op.batch_alter_table('swap_document', schema=None) as batch_op:
        batch_op.drop_index('ix_swap_document_type_date')
        batch_op.drop_index(batch_op.f('ix_swap_document_status'))
        batch_op.drop_index(batch_op.f('ix_swap_document_send_id'))
        batch_op.drop_index(batch_op.f('ix_swap_document_party_id'))
        batch_op.drop_index(batch_op.f('ix_swap_document_org_id'))
        batch_op.drop_index(batch_op.f('ix_swap_document_manufacturer_id'))

    op.drop_table('swap_document')
