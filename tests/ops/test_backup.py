"""Back up a populated instance, restore it into an empty one, find everything again."""
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from lms import create_app
from lms.config import TestConfig
from lms.extensions import db
from tests.ops.helpers import empty_databases

pytestmark = pytest.mark.own_app
CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def database_pair(tmp_path):
    """Two empty databases of the engine under test: (source URI, target URI)."""
    with empty_databases(2, tmp_path) as uris:
        yield uris


def test_backup_and_restore_keep_every_record_and_certificates_verifiable(tmp_path, database_pair):
    from lms.certificates.models import Certificate
    from lms.demo import create_demo

    source_uri, target_uri = database_pair
    source = create_app(TestConfig, instance_path=str(tmp_path / "source"), SQLALCHEMY_DATABASE_URI=source_uri)
    with source.app_context():
        upgrade()
        create_demo(CONTENT)
        db.session.commit()
        certificates = {c.public_id: ("revoked" if c.revoked_at else "valid")
                        for c in db.session.scalars(select(Certificate))}
        result = source.test_cli_runner().invoke(args=["lms", "backup", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    assert len(certificates) >= 3 and "revoked" in certificates.values()
    backup_dir = tmp_path / "backup"
    assert oct(backup_dir.stat().st_mode & 0o777) == "0o700"
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in backup_dir.rglob("*") if p.is_file())

    target = create_app(TestConfig, instance_path=str(tmp_path / "target"), SQLALCHEMY_DATABASE_URI=target_uri)
    with target.app_context():
        upgrade()  # an empty, migrated database, as a new installation has
        result = target.test_cli_runner().invoke(args=["lms", "restore", str(backup_dir)])
        assert result.exit_code == 0, result.output
        for table in ("users", "quiz_attempts", "certificates", "audit_entries", "cohort_members"):
            assert f"{table} " in result.output
        # Restoring twice is refused: the database is no longer empty.
        again = target.test_cli_runner().invoke(args=["lms", "restore", str(backup_dir)])
        assert again.exit_code != 0 and "already has users" in again.output
        client = target.test_client()
        for public_id, expected in certificates.items():
            body = client.get(f"/api/v1/certificates/{public_id}").get_json()
            assert body["status"] == expected, body
        db.engine.dispose()


def test_a_damaged_backup_is_refused(tmp_path):
    app = create_app(TestConfig, instance_path=str(tmp_path / "i"),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    with app.app_context():
        upgrade()
        runner = app.test_cli_runner()
        assert runner.invoke(args=["lms", "backup", str(tmp_path / "b")]).exit_code == 0
        dump = tmp_path / "b" / "database.sqlite3"
        dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
        result = runner.invoke(args=["lms", "restore", str(tmp_path / "b"), "--force"])
        assert result.exit_code != 0 and "damaged" in result.output
        db.engine.dispose()
