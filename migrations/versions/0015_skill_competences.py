"""skills a learner was seen doing competently (confirmed), read by progress like quiz passes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 21:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'skill_competences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('skill_id', sa.Integer(), nullable=False),
        sa.Column('observed_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=False),
        sa.Column('observer_id', sa.Integer(), nullable=True),
        sa.Column('observer_name', sa.String(length=120), nullable=False),
        sa.Column('observer_role', sa.String(length=16), nullable=False),
        sa.Column('confirmed_on_paper', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['observer_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'skill_id'),
    )
    op.create_index('ix_skill_competences_skill_id', 'skill_competences', ['skill_id'])


def downgrade():
    op.drop_index('ix_skill_competences_skill_id', table_name='skill_competences')
    op.drop_table('skill_competences')
