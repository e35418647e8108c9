"""Exchange packing lines and loaner slips (issue 17 §5), the repair deposit carried over to an exchange
(repair_deposit_transfer, issue 16 §9), the exchange order's deposit applied/returned.

Revision ID: 3336d96e9215
Revises: f9e93a024a4f
Create Date: 2026-12-07 06:45:02.767507
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate renders JSONB(astext_type=Text())
import server.db


revision: str = '3336d96e9215'
down_revision: Union[str, None] = 'f9e93a024a4f'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('repair_deposit_transfer',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('exchange_order_id', sa.Uuid(), nullable=False),
    sa.Column('amount', server.db.Money(), nullable=False),
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
    sa.ForeignKeyConstraint(['audited_by_id'], ['user_account.id'], name=op.f('fk_repair_deposit_transfer_audited_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_repair_deposit_transfer_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['exchange_order_id'], ['exchange_order.id'], name=op.f('fk_repair_deposit_transfer_exchange_order_id_exchange_order')),
    sa.ForeignKeyConstraint(['order_id'], ['repair_order.id'], name=op.f('fk_repair_deposit_transfer_order_id_repair_order')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_repair_deposit_transfer_org_id_organisation')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_repair_deposit_transfer_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['user_account.id'], name=op.f('fk_repair_deposit_transfer_reversed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['repair_deposit_transfer.id'], name=op.f('fk_repair_deposit_transfer_reverses_id_repair_deposit_transfer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_deposit_transfer')),
    sa.UniqueConstraint('number', name=op.f('uq_repair_deposit_transfer_number')),
    sa.UniqueConstraint('order_id', name=op.f('uq_repair_deposit_transfer_order_id')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_repair_deposit_transfer_reverses_id'))
    )
    with op.batch_alter_table('repair_deposit_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repair_deposit_transfer_exchange_order_id'), ['exchange_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_deposit_transfer_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_deposit_transfer_status'), ['status'], unique=False)

    with op.batch_alter_table('exchange_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deposit_applied', server.db.Money(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('deposit_returned', server.db.Money(), nullable=False, server_default='0'))

    with op.batch_alter_table('repair_loaner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exchange_order_id', sa.Uuid(), nullable=True))
        batch_op.alter_column('order_id',
               existing_type=sa.Uuid(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_repair_loaner_exchange_order_id'), ['exchange_order_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_repair_loaner_exchange_order_id_exchange_order'), 'exchange_order', ['exchange_order_id'], ['id'])

    with op.batch_alter_table('repair_packing_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exchange_order_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('replacement_imei', sa.String(length=40), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_repair_packing_line_exchange_order_id'), ['exchange_order_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_repair_packing_line_exchange_order_id_exchange_order'), 'exchange_order', ['exchange_order_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('repair_packing_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_repair_packing_line_exchange_order_id_exchange_order'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_repair_packing_line_exchange_order_id'))
        batch_op.drop_column('replacement_imei')
        batch_op.drop_column('exchange_order_id')

    with op.batch_alter_table('repair_loaner', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_repair_loaner_exchange_order_id_exchange_order'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_repair_loaner_exchange_order_id'))
        batch_op.alter_column('order_id',
               existing_type=sa.Uuid(),
               nullable=False)
        batch_op.drop_column('exchange_order_id')

    with op.batch_alter_table('exchange_order', schema=None) as batch_op:
        batch_op.drop_column('deposit_returned')
        batch_op.drop_column('deposit_applied')

    with op.batch_alter_table('repair_deposit_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repair_deposit_transfer_status'))
        batch_op.drop_index(batch_op.f('ix_repair_deposit_transfer_org_id'))
        batch_op.drop_index(batch_op.f('ix_repair_deposit_transfer_exchange_order_id'))

    op.drop_table('repair_deposit_transfer')
