"""Migration 0009: memberships a trainer made by phone number, without consent, become invitations."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms import create_app
from lms.config import TestConfig
from lms.extensions import db
from tests.ops.helpers import empty_databases

pytestmark = pytest.mark.own_app


def test_trainer_added_members_become_invitations_and_code_joiners_stay(tmp_path):
    with empty_databases(1, tmp_path) as [uri]:
        app = create_app(TestConfig, instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            upgrade(revision="0008")
            rows = [
                "INSERT INTO users (id, full_name, phone, password_hash, role, is_active_account, created_at) VALUES "
                "(1, 'Pelatih', '+6281300000001', 'x', 'trainer', true, CURRENT_TIMESTAMP), "
                "(2, 'Ditambah Pelatih', '+6281400000002', 'x', 'learner', true, CURRENT_TIMESTAMP), "
                "(3, 'Gabung Sendiri', '+6281400000003', 'x', 'learner', true, CURRENT_TIMESTAMP)",
                "INSERT INTO cohorts (id, name, description, owner_id, join_code, created_at) "
                "VALUES (1, 'Desa', '', 1, 'K7M3QX', CURRENT_TIMESTAMP)",
                "INSERT INTO cohort_members (cohort_id, user_id, joined_at, added_by_id) VALUES "
                "(1, 2, CURRENT_TIMESTAMP, 1), (1, 3, CURRENT_TIMESTAMP, NULL)",
            ]
            for row in rows:
                db.session.execute(text(row))
            db.session.commit()
            upgrade()
            members = db.session.execute(text("SELECT user_id, joined_via FROM cohort_members")).all()
            invitations = db.session.execute(
                text("SELECT cohort_id, phone, invited_by_id FROM cohort_invitations")).all()
            assert [tuple(m) for m in members] == [(3, "code")]
            assert [tuple(i) for i in invitations] == [(1, "+6281400000002", 1)]
            downgrade(revision="0008")  # and back, on both databases
            upgrade()
            db.session.remove()
            db.engine.dispose()
