"""server-side sessions, sign-in IDs for families without a phone, group invitations and consent

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:30:00

Memberships a trainer added by phone number, without the learner's consent, become invitations
the learner can accept or decline (issue #15); nothing else of a learner changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_id', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_login_id'), ['login_id'])
        batch_op.drop_constraint(op.f('ck_users_has_contact'), type_='check')
        batch_op.create_check_constraint(
            'has_contact', 'phone IS NOT NULL OR email IS NOT NULL OR login_id IS NOT NULL')

    op.create_table('cohort_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_invitations_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_cohort_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_invitations')),
    sa.UniqueConstraint('cohort_id', 'phone', name=op.f('uq_cohort_invitations_cohort_id_phone'))
    )
    with op.batch_alter_table('cohort_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_invitations_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_invitations_phone'), ['phone'], unique=False)

    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_via', sa.String(length=16), server_default='code', nullable=False))
        batch_op.create_check_constraint('known_way', "joined_via IN ('code', 'invitation', 'created')")

    # Added by a trainer without consent: an invitation (30 days) for the learner's number instead.
    op.execute(sa.text("""
        INSERT INTO cohort_invitations (cohort_id, phone, invited_by_id, created_at, expires_at)
        SELECT m.cohort_id, u.phone, m.added_by_id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP + INTERVAL '30 days'
        FROM cohort_members m JOIN users u ON u.id = m.user_id
        WHERE m.added_by_id IS NOT NULL AND u.phone IS NOT NULL
    """) if op.get_bind().dialect.name == 'postgresql' else sa.text("""
        INSERT INTO cohort_invitations (cohort_id, phone, invited_by_id, created_at, expires_at)
        SELECT m.cohort_id, u.phone, m.added_by_id, datetime('now'), datetime('now', '+30 days')
        FROM cohort_members m JOIN users u ON u.id = m.user_id
        WHERE m.added_by_id IS NOT NULL AND u.phone IS NOT NULL
    """))
    op.execute(sa.text("DELETE FROM cohort_members WHERE added_by_id IS NOT NULL"))


def downgrade():
    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cohort_members_known_way'), type_='check')
        batch_op.drop_column('joined_via')
    with op.batch_alter_table('cohort_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_invitations_phone'))
        batch_op.drop_index(batch_op.f('ix_cohort_invitations_cohort_id'))
    op.drop_table('cohort_invitations')
    op.execute(sa.text("DELETE FROM users WHERE phone IS NULL AND email IS NULL"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_has_contact'), type_='check')
        batch_op.create_check_constraint('has_contact', 'phone IS NOT NULL OR email IS NOT NULL')
        batch_op.drop_constraint(batch_op.f('uq_users_login_id'), type_='unique')
        batch_op.drop_column('login_id')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
