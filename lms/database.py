"""Engine tuning that must apply to every connection."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


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
        connection.exec_driver_sql("BEGIN")


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)


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
