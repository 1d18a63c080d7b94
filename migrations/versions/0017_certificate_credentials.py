"""Open Badges 3.0 credentials of certificates, and their revocation status lists

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 06:30:00

Existing certificates get their credential from `lms certificates reconcile` (or on the first
download or check): signing needs the issuer keys, which a migration does not load.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_credentials',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('status_list', sa.Integer(), nullable=False),
        sa.Column('status_index', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column('key_id', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('certificate_id'),
        sa.UniqueConstraint('status_list', 'status_index'),
    )
    op.create_table(
        'credential_status_lists',
        sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('number'),
    )


def downgrade():
    op.drop_table('credential_status_lists')
    op.drop_table('certificate_credentials')
