"""search indexes without a pending list: every GIN index takes new rows into its tree at once

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-08 00:40:00

PostgreSQL's GIN indexes keep new entries in a pending list by default (fastupdate) until a vacuum, or until
the list reaches 4 MB and the insert that fills it moves it into the tree. Every search reads the whole list.
On the national database (issue #21) a list of 40 pages left by the day's new certificates made the
certificate search "agus rina" take 5.5 ms instead of 1.9 ms. Names and certificates are written at a
person's pace and searched far more often, so the writer pays: each insert goes into the tree (a fraction of
a millisecond more for a new user or certificate). The list already pending is moved now.

Every GIN index of the schema (the trigram ones of 0018 or of `lms search-indexes`, the word ones of 0030 and
0031). PostgreSQL only.
"""
from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

GIN_INDEXES = sa.text(
    "SELECT c.oid, c.relname FROM pg_class c JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE a.amname = 'gin' AND n.nspname = current_schema() ORDER BY c.relname")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for oid, name in bind.execute(GIN_INDEXES).all():
        op.execute(f'ALTER INDEX "{name}" SET (fastupdate = off)')
        # turning it off leaves what is pending where it is: move it into the tree
        bind.execute(sa.text("SELECT gin_clean_pending_list(CAST(CAST(:oid AS oid) AS regclass))"), {"oid": oid})


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for _oid, name in bind.execute(GIN_INDEXES).all():
        op.execute(f'ALTER INDEX "{name}" RESET (fastupdate)')
