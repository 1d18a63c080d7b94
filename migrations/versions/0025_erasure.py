"""deleting an account, requests to an administrator, retention warnings (UU No. 27 Tahun 2022)

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-10 09:00:00

users.erased_at marks an account whose person was erased (lms/erasure): the row stays as a stub without any way
to sign in, so the has_contact CHECK accepts it without a phone, an e-mail or a sign-in ID. certificates gain
withdrawn_at (withdrawn at the holder's request) and certificate_events the kind 'withdrawn'. Batch mode: SQLite
rebuilds users, certificates and certificate_events (migrations/env.py turns foreign keys off meanwhile).
Existing rows are unchanged.
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

OLD_CONTACT = 'phone IS NOT NULL OR email IS NOT NULL OR login_id IS NOT NULL'
OLD_KINDS = "kind IN ('issued', 'revoked', 'reinstated')"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f('ck_users_has_contact'), type_='check')
        batch_op.create_check_constraint('has_contact', OLD_CONTACT + ' OR erased_at IS NOT NULL')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('certificate_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certificate_events_known_kind'), type_='check')
        batch_op.create_check_constraint('known_kind', "kind IN ('issued', 'revoked', 'reinstated', 'withdrawn')")

    op.create_table('erasure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('certificates', sa.String(length=8), nullable=False),
    sa.Column('cause', sa.String(length=10), server_default='request', nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('execute_after', sa.DateTime(), nullable=False),
    sa.Column('executed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("certificates IN ('keep', 'withdraw')", name=op.f('ck_erasure_requests_known_choice')),
    sa.CheckConstraint("cause IN ('request', 'retention')", name=op.f('ck_erasure_requests_known_cause')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_erasure_requests_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    sa.UniqueConstraint('user_id', name=op.f('uq_erasure_requests_user_id'))
    )
    op.create_index('ix_erasure_requests_due', 'erasure_requests', ['execute_after'],
                    postgresql_where=sa.text('executed_at IS NULL'), sqlite_where=sa.text('executed_at IS NULL'))

    op.create_table('privacy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('contact', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('guardian', 'dispute', 'correction', 'deletion', 'other')",
                       name=op.f('ck_privacy_requests_known_kind')),
    sa.CheckConstraint("status IN ('received', 'taken', 'answered', 'closed')",
                       name=op.f('ck_privacy_requests_known_status')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_privacy_requests_user_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_privacy_requests_filed_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_privacy_requests_taken_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_requests'))
    )
    op.create_index(op.f('ix_privacy_requests_user_id'), 'privacy_requests', ['user_id'])
    op.create_index(op.f('ix_privacy_requests_filed_by_id'), 'privacy_requests', ['filed_by_id'])
    op.create_index('ix_privacy_requests_open', 'privacy_requests', ['received_at', 'id'],
                    postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'"))

    op.create_table('retention_notices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('warned_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('shown_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'sign_in')", name=op.f('ck_retention_notices_known_channel')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_retention_notices_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_retention_notices'))
    )


def downgrade():
    # Erased accounts and withdrawn certificates cannot be told apart by the older schema: the downgrade refuses
    # (the CHECK constraints fail) while there are any, rather than make them look like ordinary ones.
    op.drop_table('retention_notices')
    op.drop_index('ix_privacy_requests_open', table_name='privacy_requests')
    op.drop_index(op.f('ix_privacy_requests_user_id'), table_name='privacy_requests')
    op.drop_index(op.f('ix_privacy_requests_filed_by_id'), table_name='privacy_requests')
    op.drop_table('privacy_requests')
    op.drop_index('ix_erasure_requests_due', table_name='erasure_requests')
    op.drop_table('erasure_requests')
    with op.batch_alter_table('certificate_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certificate_events_known_kind'), type_='check')
        batch_op.create_check_constraint('known_kind', OLD_KINDS)
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_has_contact'), type_='check')
        batch_op.create_check_constraint('has_contact', OLD_CONTACT)
        batch_op.drop_column('erased_at')
