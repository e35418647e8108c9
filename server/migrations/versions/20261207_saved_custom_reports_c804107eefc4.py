"""Saved custom reports (自定义报表, spec §11.1): saved_report, a user's report spec under a name,
shared with an organisation or a role.

Revision ID: c804107eefc4
Revises: 7ec115701d23
Create Date: 2026-12-07 15:33:17
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate renders JSONB(astext_type=Text())
import server.db
from sqlalchemy.dialects import postgresql

revision: str = 'c804107eefc4'
down_revision: Union[str, None] = '7ec115701d23'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('saved_report',
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('spec', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('shared_org_id', sa.Uuid(), nullable=True),
    sa.Column('shared_role', sa.String(length=24), nullable=True),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_saved_report_org_id_organisation')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_saved_report_owner_id_user_account')),
    sa.ForeignKeyConstraint(['shared_org_id'], ['organisation.id'], name=op.f('fk_saved_report_shared_org_id_organisation')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_saved_report_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_report')),
    sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_saved_report_owner_id_name'))
    )
    with op.batch_alter_table('saved_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_report_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_report_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_report_shared_org_id'), ['shared_org_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('saved_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_report_shared_org_id'))
        batch_op.drop_index(batch_op.f('ix_saved_report_owner_id'))
        batch_op.drop_index(batch_op.f('ix_saved_report_org_id'))

    op.drop_table('saved_report')
