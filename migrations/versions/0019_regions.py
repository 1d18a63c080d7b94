"""Indonesia's administrative regions (Kemendagri codes), and a learner's village

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 08:00:00

Regions are keyed by their dotted Kemendagri code ("32.76.06.1004") and loaded by `flask --app wsgi lms
regions import` (none here: the table starts empty). A row is never deleted, only retired, so
`users.village_code` refers to it with a foreign key that no import can break. The chooser reads the
children of one region by name: (parent_code, name). Reports count users by village: an index on
users.village_code.
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('regions',
    sa.Column('code', sa.String(length=13), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('parent_code', sa.String(length=13), nullable=True),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_regions_known_level')),
    sa.ForeignKeyConstraint(['parent_code'], ['regions.code'], name=op.f('fk_regions_parent_code_regions')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    op.create_index('ix_regions_parent_code_name', 'regions', ['parent_code', 'name'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('village_code', sa.String(length=13), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_village_code'), ['village_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_village_code_regions'), 'regions', ['village_code'], ['code'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_village_code_regions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_village_code'))
        batch_op.drop_column('village_code')
    op.drop_index('ix_regions_parent_code_name', table_name='regions')
    op.drop_table('regions')
