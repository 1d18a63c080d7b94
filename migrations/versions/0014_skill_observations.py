"""observations of practical skills by the accompanying care manager, step by step

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'skill_observations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.String(length=36), nullable=False),
        sa.Column('skill_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('observer_id', sa.Integer(), nullable=False),
        sa.Column('observed_at', sa.DateTime(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('place', sa.String(length=10), nullable=False),
        sa.Column('result', sa.String(length=10), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('from_paper', sa.Boolean(), nullable=False),
        sa.Column('confirmed_on_paper', sa.Boolean(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("place IN ('home', 'posyandu', 'sentra', 'other')", name='known_place'),
        sa.CheckConstraint("result IN ('competent', 'not_yet')", name='known_result'),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected', 'withdrawn')", name='known_status'),
        sa.CheckConstraint('observer_id <> learner_id', name='not_oneself'),
        sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['learner_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['observer_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_id'),
    )
    op.create_index('ix_skill_observations_skill_id', 'skill_observations', ['skill_id'])
    op.create_index('ix_skill_observations_learner_id', 'skill_observations', ['learner_id'])
    op.create_index('ix_skill_observations_observer_id', 'skill_observations', ['observer_id'])
    op.create_table(
        'skill_observation_steps',
        sa.Column('observation_id', sa.Integer(), nullable=False),
        sa.Column('step_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.CheckConstraint("state IN ('done', 'not_done', 'not_seen')", name='known_state'),
        sa.ForeignKeyConstraint(['observation_id'], ['skill_observations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['step_id'], ['skill_steps.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('observation_id', 'step_id'),
    )


def downgrade():
    op.drop_table('skill_observation_steps')
    op.drop_index('ix_skill_observations_observer_id', table_name='skill_observations')
    op.drop_index('ix_skill_observations_learner_id', table_name='skill_observations')
    op.drop_index('ix_skill_observations_skill_id', table_name='skill_observations')
    op.drop_table('skill_observations')
