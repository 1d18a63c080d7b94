"""Back up a populated instance, encrypted by default; restore it into an empty one and find everything again.

A wrong key, a changed file and a key file others can read are refused before anything is written.
"""
import hashlib
import json
import stat
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from lms import create_app
from lms.backup_crypto import CHUNK, MAGIC, TAG
from lms.config import TestConfig
from lms.extensions import db
from tests.ops.helpers import empty_databases

pytestmark = pytest.mark.own_app
CONTENT = Path(__file__).resolve().parents[2] / "content"
WRONG_KEY = ("Kunci ini tidak membuka cadangan ini", "This key does not open this backup")


def table_checksums(app) -> dict[str, tuple[int, str]]:
    """Every table of the app's database: its number of rows and a SHA-256 of its rows in a fixed order."""
    with app.app_context():
        result = {}
        for table in sorted(inspect(db.engine).get_table_names()):
            rows = db.session.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608 - names from the schema
            lines = sorted(repr(tuple(row)) for row in rows)
            result[table] = (len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest())
        db.session.remove()
        db.engine.dispose()
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def invoke(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["lms", *map(str, args)])
        db.session.remove()
        db.engine.dispose()
    return result


def new_key(app, path: Path) -> Path:
    result = invoke(app, "backup-keygen", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory):
    """A demo instance (every kind of record, certificates, signing keys) and its encrypted backup."""
    from lms.certificates.models import Certificate
    from lms.demo import create_demo

    folder = tmp_path_factory.mktemp("source")
    with empty_databases(1, folder) as (uri,):
        app = create_app(TestConfig, instance_path=str(folder / "instance"), SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            upgrade()
            create_demo(CONTENT)
            db.session.commit()
            certificates = {c.public_id: ("revoked" if c.revoked_at else "valid")
                            for c in db.session.scalars(select(Certificate))}
            db.session.remove()
            db.engine.dispose()
        key = new_key(app, folder / "backup.key")
        result = invoke(app, "backup", folder / "backup", "--key-file", key)
        assert result.exit_code == 0, result.output
        assert "Encrypted backup written" in result.output
        yield {"app": app, "folder": folder, "backup": folder / "backup", "key": key, "certificates": certificates,
               "tables": table_checksums(app)}


@pytest.fixture
def target(tmp_path):
    """An app over a new, empty database (no tables at all) and an empty instance folder."""
    with empty_databases(1, tmp_path) as (uri,):
        yield create_app(TestConfig, instance_path=str(tmp_path / "target"), SQLALCHEMY_DATABASE_URI=uri)


def nothing_written(app) -> bool:
    from lms.certificates.keys import key_folder

    with app.app_context():
        tables = inspect(db.engine).get_table_names()
        db.engine.dispose()
        return tables == [] and not key_folder(app).exists()


def test_an_encrypted_backup_restores_identical_data_and_certificates_still_verify(demo_backup, tmp_path):
    from lms.certificates.keys import key_folder

    certificates = demo_backup["certificates"]
    assert len(certificates) >= 3 and "revoked" in certificates.values()
    backup_dir = demo_backup["backup"]
    assert mode(backup_dir) == 0o700
    assert sorted(p.name for p in backup_dir.iterdir()) == [
        "contents.json.enc", "database.pgdump.enc" if "postgresql" in str(demo_backup["app"].config[
            "SQLALCHEMY_DATABASE_URI"]) else "database.sqlite3.enc", "keys.tar.enc", "manifest.json"]
    assert all(mode(p) == 0o600 for p in backup_dir.iterdir())
    # Nothing readable in it: no name of a demo learner, no private key.
    for sealed in backup_dir.glob("*.enc"):
        data = sealed.read_bytes()
        assert data.startswith(MAGIC) and b"Santoso" not in data and b"PRIVATE KEY" not in data
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert "row_counts" not in manifest and manifest["encryption"]["aead"] == "ChaCha20-Poly1305"

    with empty_databases(1, tmp_path) as (uri,):
        target = create_app(TestConfig, instance_path=str(tmp_path / "target"), SQLALCHEMY_DATABASE_URI=uri)
        with target.app_context():
            upgrade()  # an empty, migrated database, as a new installation has
            db.engine.dispose()
        result = invoke(target, "restore", backup_dir, "--key-file", demo_backup["key"])
        assert result.exit_code == 0, result.output
        for table in ("users", "quiz_attempts", "certificates", "audit_entries", "cohort_members"):
            assert f"{table} " in result.output
        assert table_checksums(target) == demo_backup["tables"]  # every row of every table
        keys = key_folder(target)
        assert {p.relative_to(keys) for p in keys.rglob("*")} == \
            {p.relative_to(key_folder(demo_backup["app"])) for p in key_folder(demo_backup["app"]).rglob("*")}
        assert all(mode(p) == (0o700 if p.is_dir() else 0o600) for p in [keys, *keys.rglob("*")])
        # Restoring twice is refused: the database is no longer empty.
        again = invoke(target, "restore", backup_dir, "--key-file", demo_backup["key"])
        assert again.exit_code != 0 and "already has users" in again.output
        with target.app_context():
            client = target.test_client()
            for public_id, expected in certificates.items():
                body = client.get(f"/api/v1/certificates/{public_id}").get_json()
                assert body["status"] == expected, body
            db.engine.dispose()


def test_a_wrong_key_is_refused_in_both_languages_and_nothing_is_written(demo_backup, target, tmp_path):
    other = new_key(target, tmp_path / "other.key")
    result = invoke(target, "restore", demo_backup["backup"], "--key-file", other)
    assert result.exit_code != 0
    assert all(sentence in result.output for sentence in WRONG_KEY), result.output
    assert nothing_written(target)
    # A passphrase does not open a backup made with a key file either.
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("a long passphrase nobody guesses\n")
    passphrase.chmod(0o600)
    result = invoke(target, "restore", demo_backup["backup"], "--key-file", passphrase)
    assert result.exit_code != 0 and WRONG_KEY[1] in result.output
    assert nothing_written(target)
    # Without a key, an encrypted backup says what it needs.
    result = invoke(target, "restore", demo_backup["backup"])
    assert result.exit_code != 0 and "--key-file" in result.output and nothing_written(target)


def copy_of(backup: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(backup, copy)
    return copy


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def sealed_dump(folder: Path) -> Path:
    return next(folder.glob("database.*.enc"))


def test_a_changed_sealed_file_is_refused_even_with_a_matching_manifest(demo_backup, target, tmp_path):
    copy = copy_of(demo_backup["backup"], tmp_path)
    dump = sealed_dump(copy)
    assert dump.stat().st_size > len(MAGIC) + 2 * (CHUNK + TAG)  # several chunks: the last one is changed
    flip_byte(dump, dump.stat().st_size - 5)
    result = invoke(target, "restore", copy, "--key-file", demo_backup["key"])
    assert result.exit_code != 0 and "damaged" in result.output and "rusak" in result.output, result.output
    assert nothing_written(target)
    # Someone who can also write the manifest gives it the new checksum: the chunk's tag still refuses it.
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["files"][dump.name] = hashlib.sha256(dump.read_bytes()).hexdigest()
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = invoke(target, "restore", copy, "--key-file", demo_backup["key"])
    assert result.exit_code != 0 and f"{dump.name} is missing, damaged" in result.output, result.output
    assert WRONG_KEY[1] not in result.output
    assert nothing_written(target)


@pytest.mark.parametrize("change", ["cut", "engine", "swap"])
def test_a_cut_or_rearranged_backup_is_refused(demo_backup, target, tmp_path, change):
    copy = copy_of(demo_backup["backup"], tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text())
    dump = sealed_dump(copy)
    if change == "cut":  # cut at a chunk boundary: every chunk left opens, but the last is not marked last
        dump.write_bytes(dump.read_bytes()[:len(MAGIC) + CHUNK + TAG])
    elif change == "engine":
        manifest["engine"] = "sqlite" if manifest["engine"] == "postgresql" else "postgresql"
    else:  # the keys' file passed off as the dump
        dump.write_bytes((copy / "keys.tar.enc").read_bytes())
    manifest["files"] = {name: hashlib.sha256((copy / name).read_bytes()).hexdigest() for name in manifest["files"]}
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = invoke(target, "restore", copy, "--key-file", demo_backup["key"])
    assert result.exit_code != 0, result.output
    assert "damaged" in result.output or "this backup is of a" in result.output, result.output
    assert nothing_written(target)


@pytest.mark.parametrize("permissions", [0o644, 0o640, 0o604])
def test_a_key_file_others_can_read_is_refused(demo_backup, tmp_path, permissions):
    key = tmp_path / "shared.key"
    key.write_bytes(demo_backup["key"].read_bytes())
    key.chmod(permissions)
    result = invoke(demo_backup["app"], "backup", tmp_path / "b", "--key-file", key)
    assert result.exit_code != 0
    assert f"chmod 600 {key}" in result.output and "other users" in result.output and "pengguna lain" in result.output
    assert not (tmp_path / "b").exists()


def test_backup_keygen_writes_a_0600_key_and_never_replaces_one(demo_backup, tmp_path):
    key = new_key(demo_backup["app"], tmp_path / "k")
    assert mode(key) == 0o600
    before = key.read_text()
    assert before.count("RAWAT-BACKUP-KEY-1:") == 1
    again = invoke(demo_backup["app"], "backup-keygen", key)
    assert again.exit_code != 0 and "already exists" in again.output and key.read_text() == before
    assert new_key(demo_backup["app"], tmp_path / "k2").read_text() != before


def test_without_a_key_a_backup_is_refused_and_no_encrypt_warns(demo_backup, target, tmp_path):
    app = demo_backup["app"]
    refused = invoke(app, "backup", tmp_path / "none")
    assert refused.exit_code != 0 and "lms backup-keygen" in refused.output and not (tmp_path / "none").exists()

    plain = invoke(app, "backup", tmp_path / "plain", "--no-encrypt")
    assert plain.exit_code == 0, plain.output
    assert "NOT encrypted" in plain.stderr and "TIDAK dienkripsi" in plain.stderr
    assert "Plain backup written" in plain.output
    manifest = json.loads((tmp_path / "plain" / "manifest.json").read_text())
    assert manifest["format"] == 1 and "encryption" not in manifest and (tmp_path / "plain" / "keys").is_dir()
    assert all(mode(p) == 0o600 for p in (tmp_path / "plain").rglob("*") if p.is_file())
    restored = invoke(target, "restore", tmp_path / "plain")
    assert restored.exit_code == 0, restored.output
    assert table_checksums(target) == demo_backup["tables"]


def test_a_passphrase_key_file_and_the_configured_key_file(demo_backup, target, tmp_path):
    app = demo_backup["app"]
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("kalimat sandi panjang untuk cadangan\n")
    passphrase.chmod(0o400)
    app.config["BACKUP_KEY_FILE"] = str(passphrase)
    target.config["BACKUP_KEY_FILE"] = str(passphrase)
    try:
        made = invoke(app, "backup", tmp_path / "b")
        assert made.exit_code == 0, made.output
        manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
        assert manifest["encryption"]["kdf"] == {"name": "scrypt", "n": 2 ** 17, "r": 8, "p": 1}
        wrong = invoke(target, "restore", tmp_path / "b", "--key-file", demo_backup["key"])
        assert wrong.exit_code != 0 and WRONG_KEY[1] in wrong.output and nothing_written(target)
        restored = invoke(target, "restore", tmp_path / "b")
        assert restored.exit_code == 0, restored.output
    finally:
        app.config["BACKUP_KEY_FILE"] = None
    assert table_checksums(target)["users"] == demo_backup["tables"]["users"]


def test_a_damaged_plain_backup_is_refused(tmp_path):
    app = create_app(TestConfig, instance_path=str(tmp_path / "i"),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    with app.app_context():
        upgrade()
        runner = app.test_cli_runner()
        assert runner.invoke(args=["lms", "backup", str(tmp_path / "b"), "--no-encrypt"]).exit_code == 0
        dump = tmp_path / "b" / "database.sqlite3"
        dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
        result = runner.invoke(args=["lms", "restore", str(tmp_path / "b"), "--force"])
        assert result.exit_code != 0 and "damaged" in result.output
        db.engine.dispose()
