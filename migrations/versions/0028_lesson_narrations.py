"""lesson narrations: a lesson read aloud, one recording per language, kept in the database as Opus

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 23:00:00

App servers keep nothing on disk, so the converted recording is stored with the course, like its pictures.
`lesson_hash` is the lesson's text when it was recorded or last confirmed, so a changed lesson says its
recording may be out of date.
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lesson_narrations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lesson_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('lesson_hash', sa.String(length=64), nullable=False),
        sa.Column('course_version', sa.Integer(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_lesson_narrations_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_narrations_lesson_id_lessons'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_lesson_narrations_recorded_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_narrations')),
        sa.UniqueConstraint('lesson_id', 'language', name=op.f('uq_lesson_narrations_lesson_id_language')))
    with op.batch_alter_table('lesson_narrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_narrations_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_narrations_recorded_by_id'), ['recorded_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lesson_narrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_narrations_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_narrations_course_id'))
    op.drop_table('lesson_narrations')
