"""the certificates list's word search: each word's certificates newest first, so a search stops at its page

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 14:40:00

A word index (0031) finds every match of "agus disabilitas" at once, in no order: among 291,000 certificates
the newest 25 of its 6,090 matches cost fetching and sorting all of them, 5 ms, where 35 matches among 1,000
cost 0.3 ms (issue #21). This table holds each word of a certificate's holder name and course title with its
issue date. Its primary key lists each word's certificates by date, so the search reads the newest
certificates of one word, checks the other words in the second index, and stops at a page (about 80 rows
there). Searches whose matches are few and old still go through 0031's index, where they are cheap.

The words are written here by Python, as lms.word_search.indexed_words reads them and as the app writes them for each new
certificate: 291,000 certificates give 2.2 million rows, written in about a minute. On PostgreSQL words
compare byte by byte (collation "C"), so the words beginning "rina" are one range of the key; the
statistics keep the 1,000 commonest words, from which the search picks the rarest word to read.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

BATCH = 5_000
# as lms.word_search reads words, on the day of this migration
WORD_LENGTH = 64
_WORD = re.compile(r"[^\W_]+")


def indexed_words(*texts):
    return {word[:WORD_LENGTH] for text in texts if text for word in _WORD.findall(text.lower())}


def upgrade():
    word_type = sa.String(length=WORD_LENGTH).with_variant(sa.String(length=WORD_LENGTH, collation="C"), "postgresql")
    words = op.create_table('certificate_words',
        sa.Column('word', word_type, nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_certificate_words_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('word', 'issued_at', 'certificate_id', name=op.f('pk_certificate_words')))
    bind = op.get_bind()
    certificates = sa.table('certificates', sa.column('id', sa.Integer()), sa.column('issued_at', sa.DateTime()),
                            sa.column('holder_name', sa.String()), sa.column('course_title', sa.String()))
    last = 0
    while True:
        batch = bind.execute(sa.select(certificates).where(certificates.c.id > last)
                             .order_by(certificates.c.id).limit(BATCH)).all()
        if not batch:
            break
        rows = [{"word": word, "issued_at": row.issued_at, "certificate_id": row.id}
                for row in batch for word in indexed_words(row.holder_name, row.course_title)]
        if rows:
            bind.execute(words.insert(), rows)
        last = batch[-1].id
    # built after the rows are in: one sort, not two million inserts into a growing index
    op.create_index('ix_certificate_words_certificate_word', 'certificate_words', ['certificate_id', 'word'])
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE certificate_words ALTER COLUMN word SET STATISTICS 1000")
        op.execute("ANALYZE certificate_words")


def downgrade():
    op.drop_index('ix_certificate_words_certificate_word', table_name='certificate_words')
    op.drop_table('certificate_words')
