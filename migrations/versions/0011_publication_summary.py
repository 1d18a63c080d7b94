"""publish history: what each publish changed, counted as an author counts (lessons, questions, pictures…)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00

Earlier publications keep their row count in `changes`, which meant nothing to authors;
they get no summary and the history shows "not recorded" for them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('course_publications', schema=None) as batch_op:
        batch_op.drop_column('summary')
