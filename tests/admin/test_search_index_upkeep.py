"""The search indexes answer from their own tree: no GIN index keeps a list of pending entries (issue #21).

PostgreSQL's GIN indexes put new rows in a pending list by default (fastupdate) and every search reads that whole
list. On the national database a list left by a day of registrations and certificates made the certificate
search "agus rina" 2.4 ms slower (5.5 ms instead of 1.9 ms, 40 pages pending) until the next vacuum. Migration
0033 turns it off for every GIN index, and `lms search-indexes` makes its trigram indexes without one.
SQLite has no GIN indexes.
"""
from __future__ import annotations

from sqlalchemy import text

from lms.database import TRIGRAM_INDEXES, create_search_indexes, gin_indexes
from lms.extensions import db
from tests.certificates.fixtures import certify  # noqa: F401  (a fixture)


def gin_options() -> dict[str, list[str]]:
    """name -> storage options of every GIN index of the schema."""
    return {name: options for _oid, name, options in gin_indexes()}


def pending_pages(name: str) -> int:
    """Pages of pending entries the index had: moving them into its tree says how many there were."""
    return db.session.scalar(text("SELECT gin_clean_pending_list(CAST(:name AS regclass))"), {"name": name})


def test_new_names_and_certificates_go_straight_into_the_search_trees(make_user, certify):  # noqa: F811
    if db.engine.dialect.name != "postgresql":
        assert db.session.execute(text("SELECT name FROM sqlite_master WHERE sql LIKE '%USING gin%'")).all() == []
        return
    indexes = gin_options()
    # the word indexes (0030, 0031) and the trigram indexes (0018) on users and certificates
    assert {"ix_users_full_name_words", "ix_certificates_holder_course_prefixes"} <= set(indexes)
    assert {name for name, _table, _expression in TRIGRAM_INDEXES} <= set(indexes)
    course = certify(full_name="Agus Rina").course
    for number in range(10):
        make_user(full_name=f"Ni Luh Putu Ayu {number}", phone=f"+628140000{number:04d}")
        certify(course=course, full_name=f"Agus Rinawati {number}")
    for name, options in indexes.items():
        assert "fastupdate=off" in options, name
        assert pending_pages(name) == 0, name


def test_the_trigram_indexes_made_by_the_command_keep_no_pending_list():
    if db.engine.dialect.name != "postgresql":
        assert create_search_indexes() == []
        return
    for name, _table, _expression in TRIGRAM_INDEXES:  # as on a database whose role could not create pg_trgm
        db.session.execute(text(f"DROP INDEX {name}"))
    assert set(create_search_indexes()) == {name for name, _table, _expression in TRIGRAM_INDEXES}
    indexes = gin_options()
    for name, _table, _expression in TRIGRAM_INDEXES:
        assert "fastupdate=off" in indexes[name], name
