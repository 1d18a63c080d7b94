"""`lms backup PATH` and `lms restore PATH`: the database and the signing keys, together, encrypted.

SQLite is copied online with the sqlite3 backup API (a consistent snapshot while the app keeps
serving). PostgreSQL is dumped with `pg_dump --format=custom` inside a REPEATABLE READ transaction
whose snapshot pg_dump shares, so the row counts recorded are those of the dump; it is restored with
`pg_restore` (the PostgreSQL client tools must be installed). The signing keys (keys/ of the instance
folder, LMS_INSTANCE_PATH) travel with the data, so certificates issued before the backup keep verifying
after a restore. The secret key of sessions does not: a restored site signs everyone out.

A backup is encrypted by default with the operator's key file (`--key-file`, else LMS_BACKUP_KEY_FILE;
`lms backup-keygen PATH` makes one; lms/backup_crypto.py says how). Its folder then holds::

    manifest.json           plain: engine, schema revision, encryption parameters (salt, key check; nothing
                            secret) and the SHA-256 of each sealed file
    database.<ext>.enc      the dump, sealed (the plain dump never touches the disk on PostgreSQL; on SQLite
                            the online copy sits in the backup folder, 0600, until it is sealed)
    keys.tar.enc            the signing keys' folder as a tar, sealed
    contents.json.enc       sealed: row counts and the SHA-256 and size of each plain file

`lms restore` checks, before it writes anything: the sealed files against the manifest, that the key
opens the backup, that the sealed contents agree with the manifest, then unseals the dump into a private
temporary folder (TMPDIR; it needs room for the plain dump), checking every chunk and the plain
checksums. Only then does it touch the database and the key folder. `--no-encrypt` writes the plain
layout of before (format 1: the dump, keys/, a manifest with row counts), with a warning.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import BinaryIO

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from .backup_crypto import (
    CHUNK,
    BackupCipher,
    BackupKey,
    BackupProblem,
    damaged,
    new_key_text,
    read_key_file,
    seal,
    unseal,
    write_private,
)
from .extensions import db
from .timeutil import utcnow

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
KEYS_DIR = "keys"
KEYS_TAR = "keys.tar"
CONTENTS = "contents.json"
SEALED = ".enc"
COUNTED_TABLES = ("users", "courses", "enrollments", "lesson_completions", "quiz_attempts", "certificates",
                  "audit_entries", "cohorts", "cohort_members")

NEEDS_KEY = _l("This backup is encrypted: give its key with --key-file (or LMS_BACKUP_KEY_FILE).")
NO_KEY = _l("No backup key: give --key-file, or set LMS_BACKUP_KEY_FILE. Make a key with: "
            "flask --app wsgi lms backup-keygen PATH")
NOT_ENCRYPTED = _l("Warning: this backup is NOT encrypted. Anyone who gets a copy can read every person's data "
                   "and the certificate signing keys. Keep it on an encrypted disk, or make an encrypted backup "
                   "instead.")


class BackupError(click.ClickException):
    pass


def both_languages(message) -> str:
    """An operator's message in Indonesian, then in English (the command line has no reader's language)."""
    with force_locale("id"):
        indonesian = str(message)
    with force_locale("en"):
        english = str(message)
    return indonesian if indonesian == english else f"{indonesian}\n{english}"


def _told(problem: BackupProblem) -> BackupError:
    return BackupError(both_languages(problem.message))


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


def row_counts(connection=None) -> dict[str, int]:
    """Rows of the counted tables, read on `connection` (else the session)."""
    reader = connection if connection is not None else db.session
    existing = set(inspect(connection if connection is not None else db.engine).get_table_names())
    return {table: reader.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()  # noqa: S608 - fixed names
            for table in COUNTED_TABLES if table in existing}


def _schema_revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - an empty database has no version table
        db.session.rollback()
        return None


@contextmanager
def _new_private(path: Path) -> Iterator[BinaryIO]:
    """A new file readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle


# --- the dump: a stream, and the row counts of the same snapshot ------------------------------------------

@contextmanager
def _sqlite_dump(copy_path: Path) -> Iterator[tuple[BinaryIO, dict]]:
    with _new_private(copy_path):
        pass  # created 0600 before sqlite3 writes into it
    try:
        with closing(sqlite3.connect(db.engine.url.database)) as live, closing(sqlite3.connect(copy_path)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            existing = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts = {table: copy.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                      for table in COUNTED_TABLES if table in existing}
        with copy_path.open("rb") as stream:
            yield stream, counts
    finally:
        for leftover in (copy_path, *(copy_path.with_name(copy_path.name + end) for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


@contextmanager
def _pg_dump() -> Iterator[tuple[BinaryIO, dict]]:
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin(), tempfile.TemporaryFile() as errors:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = row_counts(connection)
            process = subprocess.Popen(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 _libpq_url()], stdout=subprocess.PIPE, stderr=errors)
            try:
                yield process.stdout, counts
            except BaseException:
                process.kill()
                raise
            finally:
                process.stdout.close()
                code = process.wait()
            if code != 0:
                errors.seek(0)
                raise BackupError(f"pg_dump failed: {errors.read().decode(errors='replace')[-2000:]}")


@contextmanager
def _dump(scratch: Path) -> Iterator[tuple[str, BinaryIO, dict]]:
    """(file name, readable dump, row counts) of the configured database."""
    engine = db.engine.dialect.name
    if engine == "sqlite":
        with _sqlite_dump(scratch / f".{SQLITE_FILE}.partial") as (stream, counts):
            yield SQLITE_FILE, stream, counts
    elif engine == "postgresql":
        with _pg_dump() as (stream, counts):
            yield PG_FILE, stream, counts
    else:  # pragma: no cover
        raise BackupError(f"unsupported database {engine}")


def _keys_tar() -> bytes | None:
    """The signing keys' folder as a tar (a few kilobytes), or None without one."""
    keys = _key_folder()
    if not keys.exists():
        return None
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(keys, arcname=KEYS_DIR, filter=lambda info: info.replace(uid=0, gid=0, uname="", gname=""))
    return buffer.getvalue()


# --- writing a backup ---------------------------------------------------------------------------------------

def _prepare(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new folder")
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)


def _write_manifest(target: Path, manifest: dict) -> None:
    with _new_private(target / MANIFEST) as handle:
        handle.write(json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))


def backup(target: Path, *, key: BackupKey | None) -> dict:
    """Write a backup into the new (or empty) folder `target`: sealed with `key`, or plain when it is None.

    Returns the manifest, with the row counts. A backup that fails leaves the folder empty.
    """
    _prepare(target)
    facts = {"created_at": utcnow().isoformat(timespec="seconds"), "engine": db.engine.dialect.name,
             "schema_revision": _schema_revision()}
    try:
        return _plain_backup(target, facts) if key is None else _sealed_backup(target, facts, key)
    except BaseException:
        for path in target.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        raise


def _plain_backup(target: Path, facts: dict) -> dict:
    with _dump(target) as (name, stream, counts), _new_private(target / name) as out:
        shutil.copyfileobj(stream, out, CHUNK)
    files = [name]
    keys = _key_folder()
    if keys.exists():
        shutil.copytree(keys, target / KEYS_DIR)
        files += [str(p.relative_to(target)) for p in sorted((target / KEYS_DIR).rglob("*")) if p.is_file()]
    for path in target.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    manifest = {"format": 1, **facts, "row_counts": counts, "files": {n: _sha256(target / n) for n in files}}
    _write_manifest(target, manifest)
    return manifest


def _sealed_backup(target: Path, facts: dict, key: BackupKey) -> dict:
    cipher = BackupCipher.new(key)
    plain_files: dict[str, dict] = {}
    sealed_files: dict[str, str] = {}

    def put(name: str, stream: BinaryIO) -> None:
        with _new_private(target / (name + SEALED)) as out:
            done = seal(stream, out, cipher.file_key(name))
        plain_files[name] = {"sha256": done.plain_sha256, "bytes": done.plain_bytes}
        sealed_files[name + SEALED] = done.sealed_sha256

    with _dump(target) as (name, stream, counts):
        put(name, stream)
    keys = _keys_tar()
    if keys is not None:
        put(KEYS_TAR, io.BytesIO(keys))
    contents = json.dumps({"format": 2, **facts, "row_counts": counts, "files": dict(plain_files)}, sort_keys=True)
    put(CONTENTS, io.BytesIO(contents.encode("utf-8")))
    manifest = {"format": 2, **facts, "encryption": cipher.params(), "files": sealed_files}
    _write_manifest(target, manifest)
    return {**manifest, "row_counts": counts}


# --- reading a backup ---------------------------------------------------------------------------------------

def _read_manifest(source: Path) -> dict:
    """The manifest, once every file it lists is there with its checksum."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
        listed = dict(manifest["files"])
        engine = manifest["engine"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{source} is not a Rawat backup (no readable {MANIFEST})") from exc
    if engine not in ("sqlite", "postgresql") or ("encryption" not in manifest and "row_counts" not in manifest):
        raise _told(damaged(MANIFEST))
    for name, digest in listed.items():
        path = source / name
        if not path.resolve().is_relative_to(source.resolve()) or not path.is_file() or _sha256(path) != digest:
            raise _told(damaged(name))
    return manifest


def _dump_name(engine: str) -> str:
    return SQLITE_FILE if engine == "sqlite" else PG_FILE


class SealedBackup:
    """An encrypted backup whose key has been checked: its sealed contents, and files unsealed on demand."""

    def __init__(self, source: Path, manifest: dict, key: BackupKey):
        self.source, self.manifest = source, manifest
        self.cipher = BackupCipher.opening(key, manifest["encryption"], MANIFEST)
        buffer = io.BytesIO()
        with (source / (CONTENTS + SEALED)).open("rb") as sealed:
            unseal(sealed, buffer, self.cipher.file_key(CONTENTS), CONTENTS)
        try:
            self.contents = json.loads(buffer.getvalue())
            files = set(self.contents["files"])
            agrees = all(self.contents[k] == manifest[k] for k in ("created_at", "engine", "schema_revision"))
        except (ValueError, KeyError, TypeError):
            raise damaged(CONTENTS) from None
        if not agrees or {n + SEALED for n in files | {CONTENTS}} != set(manifest["files"]):
            raise damaged(MANIFEST)

    def has(self, name: str) -> bool:
        return name in self.contents["files"]

    def unseal_to(self, name: str, folder: Path) -> Path:
        """Unseal `name` into `folder` (0600), checking every chunk and the plain checksum and size."""
        expected = self.contents["files"][name]
        path = folder / name
        with (self.source / (name + SEALED)).open("rb") as sealed, _new_private(path) as out:
            done = unseal(sealed, out, self.cipher.file_key(name), name + SEALED)
        if (done.plain_sha256, done.plain_bytes) != (expected.get("sha256"), expected.get("bytes")):
            raise damaged(name + SEALED)
        return path

    def unseal_keys(self, folder: Path) -> Path | None:
        """The signing keys' folder, unpacked in `folder`, or None when the backup has none."""
        if not self.has(KEYS_TAR):
            return None
        archive = self.unseal_to(KEYS_TAR, folder)
        with tarfile.open(archive) as tar:
            tar.extractall(folder / "unpacked", filter="data")  # no absolute paths, links out or devices
        keys = folder / "unpacked" / KEYS_DIR
        if not keys.is_dir():
            raise damaged(KEYS_TAR + SEALED)
        return keys


# --- restoring ----------------------------------------------------------------------------------------------

def _check_target(engine: str, *, has_keys: bool, force: bool) -> None:
    configured = db.engine.dialect.name
    if engine != configured:
        raise BackupError(f"this backup is of a {engine} database; the configured one is {configured}")
    if not force and row_counts().get("users"):
        raise BackupError("the configured database already has users; restore into an empty one (or use --force)")
    keys = _key_folder()
    if has_keys and keys.exists() and not force:
        raise BackupError(f"{keys} already holds signing keys; move them away first (or use --force)")


def _write_database(dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        with closing(sqlite3.connect(dump)) as copy, closing(sqlite3.connect(db.engine.url.database)) as live:
            copy.backup(live)
    else:
        done = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                               f"--dbname={_libpq_url()}", str(dump)], capture_output=True)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.decode(errors='replace')[-2000:]}")


def _install_keys(folder: Path) -> None:
    keys = _key_folder()
    if keys.exists():
        shutil.rmtree(keys)
    shutil.copytree(folder, keys)
    for path in [keys, *keys.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def restore(source: Path, *, key: BackupKey | None = None, force: bool = False) -> dict:
    """Restore the backup in `source` into the configured database and key folder.

    Everything is checked before anything is written (see the module's docstring). Returns the
    manifest, with the row counts.
    """
    manifest = _read_manifest(source)
    engine = manifest["engine"]
    if "encryption" not in manifest:
        _check_target(engine, has_keys=(source / KEYS_DIR).exists(), force=force)
        _write_database(source / _dump_name(engine))
        if (source / KEYS_DIR).exists():
            _install_keys(source / KEYS_DIR)
        expected = manifest["row_counts"]
    else:
        if key is None:
            raise BackupError(both_languages(NEEDS_KEY))
        try:
            sealed = SealedBackup(source, manifest, key)
            _check_target(engine, has_keys=sealed.has(KEYS_TAR), force=force)
            with tempfile.TemporaryDirectory(prefix="rawat-restore-") as scratch:
                dump = sealed.unseal_to(_dump_name(engine), Path(scratch))
                keys = sealed.unseal_keys(Path(scratch))
                _write_database(dump)
                if keys is not None:
                    _install_keys(keys)
        except BackupProblem as problem:
            raise _told(problem) from None
        expected = sealed.contents["row_counts"]
    counts = row_counts()
    if counts != expected:
        raise BackupError(f"restored row counts {counts} differ from the backup's {expected}")
    return {**manifest, "row_counts": expected}


# --- commands -----------------------------------------------------------------------------------------------

def _operator_key(key_file: Path | None) -> BackupKey | None:
    path = key_file or current_app.config.get("BACKUP_KEY_FILE")
    if not path:
        return None
    try:
        return read_key_file(Path(path))
    except BackupProblem as problem:
        raise _told(problem) from None


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


KEY_FILE_OPTION = click.option(
    "--key-file", type=click.Path(dir_okay=False, path_type=Path),
    help="The backup key (made by `lms backup-keygen`, or a passphrase of 16 characters or more), readable by "
         "its owner only. Default: LMS_BACKUP_KEY_FILE.")


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@KEY_FILE_OPTION
@click.option("--no-encrypt", is_flag=True, help="Write a plain backup that anyone with a copy can read (warns).")
def backup_command(path: Path, key_file: Path | None, no_encrypt: bool) -> None:
    """Write a consistent, encrypted backup of the database and the signing keys into PATH."""
    if no_encrypt and key_file:
        raise click.UsageError("--no-encrypt and --key-file do not go together")
    key = None if no_encrypt else _operator_key(key_file)
    if key is None and not no_encrypt:
        raise BackupError(both_languages(NO_KEY))
    if no_encrypt:
        click.echo(both_languages(NOT_ENCRYPTED), err=True)
    started = time.perf_counter()
    manifest = backup(path, key=key)
    seconds = time.perf_counter() - started
    kind = "Plain" if key is None else "Encrypted"
    click.echo(f"{kind} backup written to {path} in {seconds:.2f} s: {_folder_bytes(path):,} bytes "
               f"({manifest['engine']}, revision {manifest['schema_revision']}).")
    for table, count in manifest["row_counts"].items():
        click.echo(f"  {table}: {count}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@KEY_FILE_OPTION
@click.option("--force", is_flag=True, help="Overwrite a database or keys that are not empty.")
def restore_command(path: Path, key_file: Path | None, force: bool) -> None:
    """Restore a backup made by `lms backup` into the configured (empty) database."""
    started = time.perf_counter()
    manifest = restore(path, key=_operator_key(key_file), force=force)
    seconds = time.perf_counter() - started
    click.echo(f"Restored the backup of {manifest['created_at']} in {seconds:.2f} s: "
               + ", ".join(f"{k} {v}" for k, v in manifest["row_counts"].items()))


@click.command("backup-keygen")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_keygen_command(path: Path) -> None:
    """Write a new backup key into PATH, readable by its owner only (0600); an existing file is never replaced."""
    try:
        write_private(path, new_key_text(utcnow().isoformat(timespec="seconds")))
    except FileExistsError:
        raise BackupError(both_languages(_l("%(path)s already exists: choose a new file (a key is never "
                                            "overwritten).", path=path))) from None
    except OSError as error:
        raise BackupError(f"cannot write {path}: {error.strerror}") from None
    click.echo(both_languages(_l("Backup key written to %(path)s (readable by its owner only). Keep a copy away "
                                 "from the backups, e.g. in a password manager or a sealed envelope: without it, "
                                 "no backup made with it can be restored.", path=path)))
