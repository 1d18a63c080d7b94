"""`lms backup PATH` and `lms restore PATH`: the database and the signing keys, together.

SQLite is copied online with the sqlite3 backup API (a consistent snapshot while the
app keeps serving). PostgreSQL is dumped with `pg_dump --format=custom` and restored
with `pg_restore` (the PostgreSQL client tools must be installed). The signing keys
(keys/ of the instance folder, LMS_INSTANCE_PATH) travel with the data, so certificates
issued before the backup keep verifying after a restore. A manifest records row counts
and checksums; restore checks them before touching anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from .extensions import db
from .timeutil import utcnow

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
KEYS_DIR = "keys"
COUNTED_TABLES = ("users", "courses", "enrollments", "lesson_completions", "quiz_attempts", "certificates",
                  "audit_entries", "cohorts", "cohort_members")


class BackupError(click.ClickException):
    pass


def _key_folder() -> Path:
    from .certificates.keys import key_folder

    return key_folder(current_app)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _libpq_url() -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools (apt-get install postgresql-client)")
    return found


def row_counts() -> dict[str, int]:
    existing = set(inspect(db.engine).get_table_names())
    return {table: db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()  # noqa: S608 - fixed names
            for table in COUNTED_TABLES if table in existing}


def _schema_revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - an empty database has no version table
        db.session.rollback()
        return None


def backup(target: Path) -> dict:
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new folder")
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    engine = db.engine.dialect.name
    counts = row_counts()
    if engine == "sqlite":
        source = db.engine.url.database
        with sqlite3.connect(source) as live, sqlite3.connect(target / SQLITE_FILE) as copy:
            live.backup(copy)
        files = [SQLITE_FILE]
    elif engine == "postgresql":
        subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                        f"--file={target / PG_FILE}", _libpq_url()], check=True, capture_output=True)
        files = [PG_FILE]
    else:  # pragma: no cover
        raise BackupError(f"unsupported database {engine}")
    keys = _key_folder()
    if keys.exists():
        shutil.copytree(keys, target / KEYS_DIR)
        files += [str(p.relative_to(target)) for p in sorted((target / KEYS_DIR).rglob("*")) if p.is_file()]
    for path in target.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    manifest = {"format": 1, "created_at": utcnow().isoformat(timespec="seconds"), "engine": engine,
                "schema_revision": _schema_revision(), "row_counts": counts,
                "files": {name: _sha256(target / name) for name in files}}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.chmod(target / MANIFEST, 0o600)
    return manifest


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} is not a Rawat backup (no readable {MANIFEST})") from exc
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged: the backup cannot be trusted")
    return manifest


def restore(source: Path, *, force: bool = False) -> dict:
    manifest = _read_manifest(source)
    engine = db.engine.dialect.name
    if manifest["engine"] != engine:
        raise BackupError(f"this backup is of a {manifest['engine']} database; the configured one is {engine}")
    if not force and row_counts().get("users"):
        raise BackupError("the configured database already has users; restore into an empty one (or use --force)")
    keys = _key_folder()
    if (source / KEYS_DIR).exists() and keys.exists() and not force:
        raise BackupError(f"{keys} already holds signing keys; move them away first (or use --force)")
    db.session.remove()
    if engine == "sqlite":
        db.engine.dispose()
        with sqlite3.connect(source / SQLITE_FILE) as copy, sqlite3.connect(db.engine.url.database) as live:
            copy.backup(live)
    else:
        db.engine.dispose()
        subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                        f"--dbname={_libpq_url()}", str(source / PG_FILE)], check=True, capture_output=True)
    if (source / KEYS_DIR).exists():
        if keys.exists():
            shutil.rmtree(keys)
        shutil.copytree(source / KEYS_DIR, keys)
        for path in [keys, *keys.rglob("*")]:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    counts = row_counts()
    if counts != manifest["row_counts"]:
        raise BackupError(f"restored row counts {counts} differ from the backup's {manifest['row_counts']}")
    return manifest


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent backup of the database and the signing keys into PATH."""
    manifest = backup(path)
    click.echo(f"Backup written to {path} ({manifest['engine']}, revision {manifest['schema_revision']}).")
    for table, count in manifest["row_counts"].items():
        click.echo(f"  {table}: {count}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database or keys that are not empty.")
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup made by `lms backup` into the configured (empty) database."""
    manifest = restore(path, force=force)
    click.echo(f"Restored the backup of {manifest['created_at']}: "
               + ", ".join(f"{k} {v}" for k, v in manifest["row_counts"].items()))
