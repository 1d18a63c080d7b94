"""course pre-tests: the course's setting, each learner's one pre-test, its questions and per-module scores

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 09:00:00

A course may declare a short pre-test (course.yaml `pretest`), drawn from its module quizzes' pools
and taken before the first lesson; it never counts for passing. Its rows live in tables of their own
so that nothing counting quiz attempts, passes or progress can count them. Existing courses have no
pre-test until their files say so.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
# Rechained after 0019_regions when merged (the lead).
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pretest_questions_per_module', sa.Integer(), nullable=True))

    op.create_table(
        'pretests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('skipped_at', sa.DateTime(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.CheckConstraint('submitted_at IS NULL OR skipped_at IS NULL', name='taken_or_skipped'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'course_id'),
    )
    op.create_index('ix_pretests_course_id', 'pretests', ['course_id'])

    op.create_table(
        'pretest_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pretest_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('option_order', sa.JSON(), nullable=False),
        sa.Column('answer', sa.JSON(), nullable=True),
        sa.Column('is_correct', sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(['pretest_id'], ['pretests.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('pretest_id', 'position'),
        sa.UniqueConstraint('pretest_id', 'question_id'),
    )
    op.create_index('ix_pretest_questions_question_id', 'pretest_questions', ['question_id'])

    op.create_table(
        'pretest_module_scores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pretest_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=False),
        sa.Column('question_count', sa.Integer(), nullable=False),
        sa.Column('right_count', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pretest_id'], ['pretests.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('pretest_id', 'module_id'),
    )
    op.create_index('ix_pretest_module_scores_module_id', 'pretest_module_scores', ['module_id'])


def downgrade():
    op.drop_index('ix_pretest_module_scores_module_id', table_name='pretest_module_scores')
    op.drop_table('pretest_module_scores')
    op.drop_index('ix_pretest_questions_question_id', table_name='pretest_questions')
    op.drop_table('pretest_questions')
    op.drop_index('ix_pretests_course_id', table_name='pretests')
    op.drop_table('pretests')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('pretest_questions_per_module')
