"""privacy notice consents (UU 27/2022), and each user's latest agreed version

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 19:30:00

Every agreement is a row of its own, one per person and notice version (a unique constraint, so a double
submit records one). `users.privacy_version` repeats the latest agreed version on the row every signed-in
request loads anyway, so asking for consent again costs no query. Accounts that exist before this migration
have none: they are asked at their next request.
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('notice_version', sa.Integer(), nullable=False),
        sa.Column('accepted_at', sa.DateTime(), nullable=False),
        sa.Column('age_basis', sa.String(length=8), nullable=False),
        sa.Column('guardian_name', sa.String(length=120), nullable=True),
        sa.CheckConstraint("age_basis IN ('adult', 'guardian')", name=op.f('ck_privacy_consents_known_age_basis')),
        sa.CheckConstraint("age_basis = 'adult' OR guardian_name IS NOT NULL",
                           name=op.f('ck_privacy_consents_guardian_named')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_privacy_consents_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_consents')),
        sa.UniqueConstraint('user_id', 'notice_version', name=op.f('uq_privacy_consents_user_id_notice_version')))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('privacy_version')
    op.drop_table('privacy_consents')
