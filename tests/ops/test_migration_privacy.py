"""Migration 0027: accounts that existed before the privacy notice have agreed to nothing, and are asked."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms import create_app
from lms.config import TestConfig
from lms.extensions import db
from tests.conftest import Browser
from tests.ops.helpers import empty_databases

pytestmark = pytest.mark.own_app


def test_existing_accounts_are_asked_and_the_migration_goes_both_ways(tmp_path):
    with empty_databases(1, tmp_path) as [uri]:
        app = create_app(TestConfig, instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            upgrade(revision="0026")
            from lms.accounts.services import hash_password

            db.session.execute(text(
                "INSERT INTO users (id, full_name, phone, password_hash, role, is_active_account, created_at) "
                "VALUES (1, 'Peserta Lama', '+6281400000001', :hash, 'learner', true, CURRENT_TIMESTAMP)"),
                {"hash": hash_password("kata sandi aman 1")})
            db.session.commit()
            upgrade()
            assert db.session.execute(text("SELECT privacy_version FROM users")).scalar_one() is None
            db.session.remove()
        browser = Browser(app.test_client())
        browser.login("081400000001")
        assert browser.get("/dasbor").headers["Location"] == "/privasi/setuju?next=/dasbor"
        assert browser.post_form("/privasi/setuju", {"agree": "y", "age_basis": "adult"}).status_code == 302
        with app.app_context():
            rows = db.session.execute(text("SELECT user_id, notice_version, age_basis FROM privacy_consents")).all()
            assert [tuple(r) for r in rows] == [(1, 1, "adult")]
            db.session.remove()
            downgrade(revision="0026")  # and back, on both databases
            upgrade()
            assert db.session.execute(text("SELECT count(*) FROM privacy_consents")).scalar_one() == 0
            db.session.remove()
            db.engine.dispose()
