"""Scheduled custom reports (issue 20 part 4): report_schedule, when a saved report runs by itself and where
its workbook goes; report_delivery, the outbox of due runs (one per schedule and due time). And two
indexes of repair_order the first-time-fix report needs at volume: picked_up_at, comeback_of_id.

Revision ID: 1b7de1e6cff4
Revises: c804107eefc4
Create Date: 2026-12-07 18:44:33.401316
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate renders JSONB(astext_type=Text())
import server.db
from sqlalchemy.dialects import postgresql

revision: str = '1b7de1e6cff4'
down_revision: Union[str, None] = 'c804107eefc4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('report_schedule',
    sa.Column('report_id', sa.Uuid(), nullable=False),
    sa.Column('frequency', sa.String(length=8), nullable=False),
    sa.Column('at', sa.String(length=5), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('day', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('recipients', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('drop', sa.Boolean(), nullable=False),
    sa.Column('next_run_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['saved_report.id'], name=op.f('fk_report_schedule_report_id_saved_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_report_schedule_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedule')),
    sa.UniqueConstraint('report_id', name=op.f('uq_report_schedule_report_id'))
    )
    with op.batch_alter_table('report_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_schedule_next_run_at'), ['next_run_at'], unique=False)

    op.create_table('report_delivery',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('schedule_id', sa.Uuid(), nullable=False),
    sa.Column('due_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('claimed_until', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['report_schedule.id'], name=op.f('fk_report_delivery_schedule_id_report_schedule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_delivery')),
    sa.UniqueConstraint('schedule_id', 'due_at', name=op.f('uq_report_delivery_schedule_id_due_at'))
    )
    with op.batch_alter_table('report_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_delivery_sent_at'), ['sent_at'], unique=False)

    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.create_index('ix_repair_order_comeback_of', ['comeback_of_id'], unique=False)
        batch_op.create_index('ix_repair_order_picked_up', ['picked_up_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.drop_index('ix_repair_order_picked_up')
        batch_op.drop_index('ix_repair_order_comeback_of')

    with op.batch_alter_table('report_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_delivery_sent_at'))

    op.drop_table('report_delivery')
    with op.batch_alter_table('report_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_schedule_next_run_at'))

    op.drop_table('report_schedule')
