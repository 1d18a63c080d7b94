"""A throw-away PostgreSQL database for one benchmark run, made through a role that may create databases."""
from __future__ import annotations

import uuid
from pathlib import Path


class ScratchDatabase:
    """Created at once with a name of `prefix` and a random tail; `uri` reaches it; `drop()` removes it."""

    def __init__(self, server_url: str, folder: Path, prefix: str):
        from sqlalchemy import create_engine, text

        from lms.config import database_url

        admin_uri = database_url(server_url, folder)
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self._engine = create_engine(admin_uri, isolation_level="AUTOCOMMIT")
        with self._engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.uri = admin_uri.rsplit("/", 1)[0] + "/" + self.name

    def drop(self) -> None:
        from sqlalchemy import text

        with self._engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._engine.dispose()
