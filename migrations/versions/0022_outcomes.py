"""programme outcome roll-ups, rebuilt by `lms outcomes refresh`

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 14:50:00

Derived tables only: every row is rewritten by a refresh from the feature tables, so they carry no
foreign keys and a downgrade loses nothing that a refresh cannot make again.
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None



def _place():
    return [sa.Column('level', sa.SmallInteger(), nullable=False),
            sa.Column('parent_code', sa.String(length=13), nullable=True)]


def upgrade():
    op.create_table('outcome_counts',
        sa.Column('region_code', sa.String(length=13), nullable=False),
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('measure', sa.String(length=16), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        *_place(),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('region_code', 'course_id', 'organisation_id', 'measure', 'period',
                                name=op.f('pk_outcome_counts')))
    op.create_index('ix_outcome_counts_children', 'outcome_counts',
                    ['parent_code', 'course_id', 'organisation_id', 'period'])
    op.create_table('outcome_durations',
        sa.Column('region_code', sa.String(length=13), nullable=False),
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('days', sa.Integer(), autoincrement=False, nullable=False),
        *_place(),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('region_code', 'course_id', 'organisation_id', 'period', 'days',
                                name=op.f('pk_outcome_durations')))
    op.create_table('outcome_module_scores',
        sa.Column('region_code', sa.String(length=13), nullable=False),
        sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('module_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('measure', sa.String(length=8), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        *_place(),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('score_sum', sa.Integer(), nullable=False),
        sa.Column('passed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('region_code', 'organisation_id', 'course_id', 'module_id', 'measure', 'period',
                                name=op.f('pk_outcome_module_scores')))
    op.create_table('outcome_questions',
        sa.Column('region_code', sa.String(length=13), nullable=False),
        sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('question_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        *_place(),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('wrong', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('region_code', 'organisation_id', 'course_id', 'question_id', 'period',
                                name=op.f('pk_outcome_questions')))
    op.create_table('outcome_snapshots',
        sa.Column('region_code', sa.String(length=13), nullable=False),
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('measure', sa.String(length=20), nullable=False),
        *_place(),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('region_code', 'course_id', 'organisation_id', 'measure',
                                name=op.f('pk_outcome_snapshots')))
    op.create_index('ix_outcome_snapshots_children', 'outcome_snapshots',
                    ['parent_code', 'course_id', 'organisation_id'])
    op.create_table('outcome_refreshes',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('refreshed_at', sa.DateTime(), nullable=True),
        sa.Column('as_of', sa.Date(), nullable=True),
        sa.Column('took_ms', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_refreshes')))


def downgrade():
    op.drop_table('outcome_refreshes')
    op.drop_index('ix_outcome_snapshots_children', table_name='outcome_snapshots')
    op.drop_table('outcome_snapshots')
    op.drop_table('outcome_questions')
    op.drop_table('outcome_module_scores')
    op.drop_table('outcome_durations')
    op.drop_index('ix_outcome_counts_children', table_name='outcome_counts')
    op.drop_table('outcome_counts')
