"""the admin list's revoked certificates: the partial index holds exactly the rows it lists

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 02:00:00

The list shows revoked certificates that were not withdrawn (a withdrawn one is listed under its own
status). The index held every revoked certificate, so counting the list read each row from the table to
check withdrawn_at: 4,249 table reads, 4.5 ms, on the national database. With withdrawn_at in the
index's condition the count reads the index alone.
"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

LISTED = 'revoked_at IS NOT NULL AND withdrawn_at IS NULL'
REVOKED = 'revoked_at IS NOT NULL'


def upgrade():
    op.drop_index('ix_certificates_revoked_issued_at_id', table_name='certificates')
    op.create_index('ix_certificates_revoked_issued_at_id', 'certificates', ['issued_at', 'id'],
                    postgresql_where=sa.text(LISTED), sqlite_where=sa.text(LISTED))


def downgrade():
    op.drop_index('ix_certificates_revoked_issued_at_id', table_name='certificates')
    op.create_index('ix_certificates_revoked_issued_at_id', 'certificates', ['issued_at', 'id'],
                    postgresql_where=sa.text(REVOKED), sqlite_where=sa.text(REVOKED))
