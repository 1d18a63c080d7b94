"""word search in names: full-text GIN indexes of users' names and of certificates' holder and course

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 07:00:00

Admin search finds names by the beginnings of their words (lms/word_search.py). On PostgreSQL each list
gets a GIN index of the words of its names, built into PostgreSQL (no extension needed). The expression
must stay the one lms.word_search.words_vector_sql writes, or the planner cannot use the index;
tests/admin/test_user_search.py checks the plans. SQLite reads the table, as it did for trigram search.
"""
from alembic import op


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

WORD_INDEXES = (
    ("ix_users_full_name_words", "users",
     "to_tsvector('simple', regexp_replace(full_name, '[^[:alnum:]]+', ' ', 'g'))"),
    ("ix_certificates_holder_course_words", "certificates",
     "to_tsvector('simple', regexp_replace(holder_name || ' ' || course_title, '[^[:alnum:]]+', ' ', 'g'))"),
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, expression in WORD_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _expression in WORD_INDEXES:
        op.execute(f"DROP INDEX {name}")
