"""auth token version, login throttle

Sessions end at once (issue 15): the account's token version, raised when its sessions must end,
is carried by every access token; the refresh family a token names is looked up per request
through an index on (family_id, revoked_at), which replaces the one on family_id alone.

Logins are throttled instead of locked: the failure counts come from login_record through two
new indexes; the account's failure count and lock columns go, and "unlock" records when the
account's failures were cleared. Existing accounts: version 0 (tokens issued before carry none,
read as 0), nothing cleared.

SQLite: columns are added and dropped in place (ALTER TABLE, SQLite 3.35+), not by rebuilding
user_account: dropping that table in a batch rebuild would cascade to user_role.

Revision ID: 1f022544c069
Revises: 453cfd6f27a8
Create Date: 2026-12-07 02:25:20
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import server.db


revision: str = '1f022544c069'
down_revision: Union[str, None] = '453cfd6f27a8'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _drop_column(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    op.create_index('ix_login_record_ip_at', 'login_record', ['ip', 'at'], unique=False)
    op.create_index('ix_login_record_username_ip_at', 'login_record', ['username', 'ip', 'at'], unique=False)
    op.drop_index('ix_refresh_token_family_id', table_name='refresh_token')
    op.create_index('ix_refresh_token_family_live', 'refresh_token', ['family_id', 'revoked_at'], unique=False)
    op.add_column('user_account', sa.Column('token_version', sa.Integer(), nullable=False, server_default=sa.text('0')))
    op.add_column('user_account', sa.Column('failures_cleared_at', server.db.UTCDateTime(timezone=True), nullable=True))
    _drop_column('user_account', 'locked_until')
    _drop_column('user_account', 'failed_login_count')


def downgrade() -> None:
    op.add_column('user_account', sa.Column('failed_login_count', sa.Integer(), nullable=False, server_default=sa.text('0')))
    op.add_column('user_account', sa.Column('locked_until', server.db.UTCDateTime(timezone=True), nullable=True))
    _drop_column('user_account', 'failures_cleared_at')
    _drop_column('user_account', 'token_version')
    op.drop_index('ix_refresh_token_family_live', table_name='refresh_token')
    op.create_index('ix_refresh_token_family_id', 'refresh_token', ['family_id'], unique=False)
    op.drop_index('ix_login_record_username_ip_at', table_name='login_record')
    op.drop_index('ix_login_record_ip_at', table_name='login_record')
