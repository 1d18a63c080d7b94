"""Engine tuning that must apply to every connection, and the rule that page views only read."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session

from .extensions import db

T = TypeVar("T")
log = logging.getLogger(__name__)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite opens transactions lazily and never for DDL or SAVEPOINT; take control of
    # BEGIN ourselves so transactions and savepoints behave as on PostgreSQL.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that reads and then writes fails at once ("database is locked",
        # no waiting) when another connection wrote in between. Form posts and API writes take
        # the write lock first, so simultaneous writers queue (busy_timeout) as they do on
        # PostgreSQL. Page views and commands keep a deferred BEGIN: a read never holds the lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing_request() else "BEGIN")


def _configure_postgresql(engine: Engine, ping_after_idle: float) -> None:
    # Most requests only read. psycopg would send BEGIN before the first SELECT and the pool a
    # ROLLBACK at the end: two round trips to the server for nothing. So a connection leaves the
    # pool in autocommit and turns it off just before the first statement that is not a plain
    # SELECT; psycopg then sends BEGIN and everything from that statement on is one transaction,
    # committed or rolled back with the session. Under READ COMMITTED each statement reads its
    # own snapshot inside a transaction too, so the reads before it see exactly what they would
    # have seen. Locking reads (FOR UPDATE/SHARE) and SAVEPOINTs count as writes.
    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        try:
            dbapi_connection.autocommit = True
            returned_at = record.info.get("returned_at")
            # A connection used a moment ago is alive; one that sat idle may have lost its
            # server (restart, network). Ping only those, not every request (pool_pre_ping).
            if returned_at is not None and time.monotonic() - returned_at > ping_after_idle:
                dbapi_connection.execute("SELECT 1").close()
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(str(error)) from error  # the pool replaces the connection
        record.info["reads_outside_transaction"] = True

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "before_cursor_execute")
    def before_cursor_execute(connection, _cursor, statement, _parameters, _context, _executemany):
        info = connection.info
        if info.get("reads_outside_transaction") and not _plain_read(statement):
            info["reads_outside_transaction"] = False
            connection.connection.dbapi_connection.autocommit = False


def _plain_read(statement: str) -> bool:
    # SQLAlchemy writes keywords in capitals; values travel as parameters, never in the text.
    return statement.lstrip().startswith("SELECT") and " FOR " not in statement


def _writing_request() -> bool:
    if not has_request_context():
        return False
    return request.method not in ("GET", "HEAD", "OPTIONS") or g.get("begin_immediate", False)


def retry_as_writer(work: Callable[[], T]) -> T:
    """Run `work` (which reads, then may write) in a page view; start over once as a writer.

    On SQLite a page view's transaction is deferred: if another connection wrote since it began,
    its first write is refused at once ("database is locked"). Then the transaction is rolled
    back and `work` runs again in one that takes the write lock first. On PostgreSQL, or for
    any other error, the error goes on. `work` must load what it needs itself.
    """
    try:
        return work()
    except OperationalError as error:
        if db.session.get_bind().dialect.name != "sqlite" or "locked" not in str(error.orig):
            raise
    db.session.rollback()
    g.begin_immediate = True
    return work()


# --- GETs read --------------------------------------------------------------------------------
# A page view (GET, HEAD) that writes is a surprise: crawlers, prefetching browsers and the
# offline bundle fetch pages freely. The few views that must write say so with @writes_on_get;
# any other write from a GET is refused under test (REFUSE_UNDECLARED_GET_WRITES, on when
# TESTING) and logged in production.

class UndeclaredGetWrite(RuntimeError):
    """A GET or HEAD wrote to the database from a view not marked with @writes_on_get."""


def writes_on_get(reason: str) -> Callable[[Callable], Callable]:
    """Mark a view whose GET may write; `reason` says what it writes and why (read by people)."""
    def mark(view: Callable) -> Callable:
        view.writes_on_get = reason
        return view
    return mark


def _note_view_that_reads(app: Flask) -> None:
    # before_request: only requests the app dispatches are held to it (not a test_request_context
    # a test or a command uses to call services).
    if request.method in ("GET", "HEAD") and request.endpoint is not None:
        view = app.view_functions.get(request.endpoint)
        g.view_only_reads = view is not None and not getattr(view, "writes_on_get", None)


def _check_get_write(what: str) -> None:
    if not has_request_context() or not g.get("view_only_reads"):
        return
    message = f"{request.method} {request.path} ({request.endpoint}) writes {what}; mark the view @writes_on_get"
    if current_app.config.get("REFUSE_UNDECLARED_GET_WRITES", current_app.testing):
        raise UndeclaredGetWrite(message)
    if not g.get("undeclared_get_write_logged"):
        g.undeclared_get_write_logged = True
        log.warning(message)


@event.listens_for(Session, "before_flush")
def _flushing_from_get(session, _flush_context, _instances) -> None:
    changed = [*session.new, *session.deleted, *(obj for obj in session.dirty if session.is_modified(obj))]
    if changed:
        _check_get_write(", ".join(sorted({type(obj).__name__ for obj in changed})))


@event.listens_for(Session, "do_orm_execute")
def _executing_from_get(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _check_get_write(str(getattr(state.statement, "table", "a table")))


def init_app(app: Flask) -> None:
    app.before_request(lambda: _note_view_that_reads(app))
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        elif engine.dialect.name == "postgresql":
            _configure_postgresql(engine, app.config["DATABASE_PING_AFTER_IDLE"])


def insert_ignoring_conflict(model, values: dict, conflict_columns: list[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted.

    Lets two requests record the same fact at once: the unique constraint decides,
    and neither request fails.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database {dialect}")
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns)
        # RETURNING tells what happened on both databases; rowcount is -1 on PostgreSQL
        # (psycopg 3 with SQLAlchemy 2.1 adds an implicit RETURNING to this INSERT).
        .returning(*model.__table__.primary_key.columns)
    )
    return db.session.execute(statement).first() is not None


def one_of(column: str, choices: tuple[str, ...]) -> str:
    """The SQL of a CHECK constraint that keeps `column` to one of `choices` (fixed words, never user input)."""
    return "{} IN ({})".format(column, ", ".join(f"'{choice}'" for choice in choices))


# --- search indexes (PostgreSQL) -------------------------------------------------------------------

#: trigram GIN indexes for fragment search (LIKE '%…%'), as migration 0018 makes them: (name, table, expression)
TRIGRAM_INDEXES = (
    ("ix_users_full_name_trgm", "users", "lower(full_name)"),
    ("ix_users_phone_trgm", "users", "phone"),
    ("ix_users_email_trgm", "users", "email"),
    ("ix_certificates_holder_name_trgm", "certificates", "lower(holder_name)"),
    ("ix_certificates_course_title_trgm", "certificates", "lower(course_title)"),
    ("ix_certificates_public_id_trgm", "certificates", "lower(public_id)"),
)


#: every search reads a GIN index's list of pending entries: new rows go straight into its tree (migration 0033)
GIN_STORAGE = "fastupdate = off"


def gin_indexes() -> list[tuple[int, str, list[str]]]:
    """PostgreSQL: (oid, name, storage options) of every GIN index of the schema, as migration 0033 finds them."""
    from sqlalchemy import text

    return [(oid, name, list(options)) for oid, name, options in db.session.execute(text(
        "SELECT c.oid, c.relname, coalesce(c.reloptions, '{}') FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'gin' AND n.nspname = current_schema() "
        "ORDER BY c.relname"))]


def create_search_indexes() -> list[str]:
    """The trigram indexes still missing, made now; raises RuntimeError when pg_trgm cannot be had.

    For a database migrated by a role that could not create the extension: a superuser runs
    `CREATE EXTENSION pg_trgm`, then `lms search-indexes`. Returns the names of the indexes made.
    """
    from sqlalchemy import text

    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return []
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except DBAPIError as error:
        raise RuntimeError("pg_trgm is not installed and this role may not create it: ask a superuser to run "
                           "CREATE EXTENSION pg_trgm") from error
    schema = connection.execute(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                     "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar()
    existing = set(connection.execute(text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"))
                   .scalars())
    made = []
    for name, table, expression in TRIGRAM_INDEXES:
        if name not in existing:
            # the extension's schema named: it need not be on the search path
            connection.execute(text(f'CREATE INDEX {name} ON {table} USING gin ({expression} "{schema}".gin_trgm_ops) '
                                    f'WITH ({GIN_STORAGE})'))
            made.append(name)
    return made


def search_pattern(fragment: str):
    """`%fragment%` for LIKE, written into the statement rather than sent as a parameter.

    psycopg prepares a statement run five times, and PostgreSQL then plans it once for any value: for
    `LIKE $1` that generic plan walks the list's order index and filters every row (95 ms for 100,000
    users, where the trigram index answers in 1.6 ms). A literal is planned with the pattern in view.
    SQLAlchemy renders and escapes it (literal_execute); the user's `%` and `_` are matched as typed.
    """
    from sqlalchemy import literal

    return literal(like_pattern(fragment), literal_execute=True)


def like_pattern(fragment: str) -> str:
    """`%fragment%` as text, the user's `%`, `_` and backslash escaped (ESCAPE '\\'), for a statement built once
    with the pattern a `bindparam(..., literal_execute=True)`, as search_pattern writes it."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def among(column, ids):
    """`column IN (1, 2, 3…)` with the ids written into the statement: hundreds of ids (a group's members)
    as parameters cost more than the query itself, to render and for psycopg to parse (60 ms for 500
    learners in three lists); integers are safe to write as they are. `ids` may be a SELECT of them."""
    from sqlalchemy import Integer, Select, bindparam

    if isinstance(ids, Select):
        return column.in_(ids)
    return column.in_(bindparam(None, [int(value) for value in ids], type_=Integer, expanding=True,
                                literal_execute=True))


def user_references(metadata) -> set[tuple[str, str]]:
    """(table, column) of every column in `metadata` with a foreign key to users.id: where a person's rows are,
    for the features that must find all of them (a person's copy of their data, erasing an account)."""
    return {(table.name, key.parent.name) for table in metadata.tables.values() for key in table.foreign_keys
            if key.column.table.name == "users" and key.column.name == "id"}
