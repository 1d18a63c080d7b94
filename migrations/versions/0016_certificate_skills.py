"""certificates keep the observed skills they were issued with (signed in payload version 2)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 22:00:00

Certificates issued before this list no skills ('[]'): their payload stays version 1, byte
for byte what was signed, so their signatures keep verifying.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skills', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('skills')
