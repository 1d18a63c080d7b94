"""indexes for the lists that grow with the country: users, certificates, the audit log; trigram search

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 07:00:00

Every admin list is read newest first by (moment, id), one keyset page after another: a composite
index per order and per filter lets each page seek instead of sorting millions of rows. Revoked
certificates get a partial index (few rows). On PostgreSQL, name, phone and e-mail fragments and
certificate holder names are searched through trigram (pg_trgm) GIN indexes; creating the extension
needs the right to (a superuser, or the database owner since PostgreSQL 13, pg_trgm being trusted).
Where it is refused, the migration says so and goes on: search still works, by a sequential scan.
"""
import logging

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

#: PostgreSQL only: (index, table, indexed expression); lms/database.py keeps the same list for `lms search-indexes`
TRIGRAM_INDEXES = (
    ("ix_users_full_name_trgm", "users", "lower(full_name)"),
    ("ix_users_phone_trgm", "users", "phone"),
    ("ix_users_email_trgm", "users", "email"),
    ("ix_certificates_holder_name_trgm", "certificates", "lower(holder_name)"),
    ("ix_certificates_course_title_trgm", "certificates", "lower(course_title)"),
    ("ix_certificates_public_id_trgm", "certificates", "lower(public_id)"),
)


def upgrade():
    op.create_index('ix_users_created_at_id', 'users', ['created_at', 'id'])
    op.create_index('ix_certificates_issued_at_id', 'certificates', ['issued_at', 'id'])
    op.create_index('ix_certificates_revoked_issued_at_id', 'certificates', ['issued_at', 'id'],
                    postgresql_where=sa.text('revoked_at IS NOT NULL'), sqlite_where=sa.text('revoked_at IS NOT NULL'))
    # "renewed by": verifying an expired certificate looks for its renewal (few rows have one)
    op.create_index('ix_certificates_renews_id', 'certificates', ['renews_id'],
                    postgresql_where=sa.text('renews_id IS NOT NULL'), sqlite_where=sa.text('renews_id IS NOT NULL'))
    op.create_index('ix_audit_entries_created_at_id', 'audit_entries', ['created_at', 'id'])
    op.create_index('ix_audit_entries_action_created_at_id', 'audit_entries', ['action', 'created_at', 'id'])
    op.create_index('ix_audit_entries_actor_id_created_at_id', 'audit_entries', ['actor_id', 'created_at', 'id'])
    op.create_index('ix_audit_entries_target', 'audit_entries', ['target_type', 'target_id', 'created_at', 'id'])
    # the composites above lead with these columns: the single-column indexes would only cost writes
    op.drop_index('ix_audit_entries_created_at', table_name='audit_entries')
    op.drop_index('ix_audit_entries_action', table_name='audit_entries')
    op.drop_index('ix_audit_entries_actor_id', table_name='audit_entries')
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    schema = _trigram_schema(bind)
    if schema is None:
        log.warning("pg_trgm could not be created (it needs a superuser, or the database owner on PostgreSQL "
                    "13+): name, phone and e-mail fragments are searched without an index. Run `CREATE "
                    "EXTENSION pg_trgm` as a superuser, then `flask --app wsgi lms search-indexes`.")
        return
    for name, table, expression in TRIGRAM_INDEXES:
        # the operator class is named with the extension's schema, which need not be on the search path
        op.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} "{schema}".gin_trgm_ops)')


def _trigram_schema(bind) -> str | None:
    """The schema pg_trgm lives in (created now if it may be), or None when it cannot be had."""
    query = sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                    "WHERE e.extname = 'pg_trgm'")
    schema = bind.execute(query).scalar()
    if schema is not None:
        return schema
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return None
    savepoint.commit()
    return bind.execute(query).scalar()


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for name, _table, _expression in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.create_index('ix_audit_entries_actor_id', 'audit_entries', ['actor_id'])
    op.create_index('ix_audit_entries_action', 'audit_entries', ['action'])
    op.create_index('ix_audit_entries_created_at', 'audit_entries', ['created_at'])
    op.drop_index('ix_audit_entries_target', table_name='audit_entries')
    op.drop_index('ix_audit_entries_actor_id_created_at_id', table_name='audit_entries')
    op.drop_index('ix_audit_entries_action_created_at_id', table_name='audit_entries')
    op.drop_index('ix_audit_entries_created_at_id', table_name='audit_entries')
    op.drop_index('ix_certificates_renews_id', table_name='certificates')
    op.drop_index('ix_certificates_revoked_issued_at_id', table_name='certificates')
    op.drop_index('ix_certificates_issued_at_id', table_name='certificates')
    op.drop_index('ix_users_created_at_id', table_name='users')
