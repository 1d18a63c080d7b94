"""people's copies of their own data, and the groups they have left (UU No. 27 Tahun 2022)

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-08 09:00:00

data_exports: one row per copy a person asked for; a copy built in the background keeps its ZIP in `data`
(the database, which every app server reaches) until it expires. A partial unique index lets a person have
one copy waiting or being built at a time. former_memberships: when a learner was in a group they left (or
that was deleted), so the group reports made meanwhile stay listed on their "Data saya" page; no foreign key
to cohorts, whose rows may go. New tables only: existing data is untouched, and memberships ended before
this migration are not known.
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0022'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'building')")
READY = sa.text("status = 'ready'")


def upgrade():
    op.create_table('data_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('built_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('bytes', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'building', 'ready', 'delivered', 'expired', 'failed')",
                       name=op.f('ck_data_exports_known_status')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_exports_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_exports'))
    )
    op.create_index(op.f('ix_data_exports_user_id'), 'data_exports', ['user_id'])
    op.create_index('uq_data_exports_open_user_id', 'data_exports', ['user_id'], unique=True,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_data_exports_pending', 'data_exports', ['requested_at'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_data_exports_ready_expires_at', 'data_exports', ['expires_at'],
                    postgresql_where=READY, sqlite_where=READY)

    op.create_table('former_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('cohort_name', sa.String(length=120), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('left_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_former_memberships_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_former_memberships'))
    )
    op.create_index(op.f('ix_former_memberships_user_id'), 'former_memberships', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_former_memberships_user_id'), table_name='former_memberships')
    op.drop_table('former_memberships')
    op.drop_index('ix_data_exports_ready_expires_at', table_name='data_exports')
    op.drop_index('ix_data_exports_pending', table_name='data_exports')
    op.drop_index('uq_data_exports_open_user_id', table_name='data_exports')
    op.drop_index(op.f('ix_data_exports_user_id'), table_name='data_exports')
    op.drop_table('data_exports')
