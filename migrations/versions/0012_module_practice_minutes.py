"""modules remember their practice minutes (module.yaml), so an export or a draft keeps them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:00:00

Until now the minutes of hands-on practice were only counted into the course's hours of
study on import; an export (or a browser draft of a published course) lost them, and
publishing again counted fewer hours. Modules imported before this get 0 until the
course files are imported again.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice_minutes', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.drop_column('practice_minutes')
