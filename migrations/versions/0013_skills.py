"""practical skills (skills.yaml) with their checklists, and the course's practice setting

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 19:30:00

Existing courses get practice "none" until their files say otherwise.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice', sa.String(length=10), nullable=False, server_default='none'))
        batch_op.create_check_constraint('known_practice', "practice IN ('required', 'optional', 'none')")

    op.create_table(
        'skills',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('why', sa.Text(), nullable=False),
        sa.Column('performed_on', sa.String(length=10), nullable=False),
        sa.Column('competency_unit', sa.String(length=40), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("performed_on IN ('person', 'doll')", name='known_performed_on'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('course_id', 'slug'),
    )
    op.create_index('ix_skills_course_id', 'skills', ['course_id'])
    op.create_index('ix_skills_module_id', 'skills', ['module_id'])

    op.create_table(
        'skill_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('skill_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=200), nullable=False),
        sa.Column('critical', sa.Boolean(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('skill_id', 'slug'),
    )
    op.create_index('ix_skill_steps_skill_id', 'skill_steps', ['skill_id'])


def downgrade():
    op.drop_index('ix_skill_steps_skill_id', table_name='skill_steps')
    op.drop_table('skill_steps')
    op.drop_index('ix_skills_module_id', table_name='skills')
    op.drop_index('ix_skills_course_id', table_name='skills')
    op.drop_table('skills')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint('known_practice', type_='check')
        batch_op.drop_column('practice')
