"""Migration 0032: the certificates issued before it get their words, as the app writes them for a new one."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms import create_app
from lms.config import TestConfig
from lms.extensions import db
from lms.word_search import indexed_words
from tests.ops.helpers import empty_databases

pytestmark = pytest.mark.own_app

HOLDERS = ("Ni Luh Putu-Ayu", "Ma'ruf Amin", "Ēmīlia Ñúñez", "")  # the last one withdrawn: no name kept
COURSE = "Perawatan Dasar Lansia (Edisi 2)"


def test_certificates_issued_before_get_their_words(tmp_path):
    with empty_databases(1, tmp_path) as [uri]:
        app = create_app(TestConfig, instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            upgrade(revision="0031")
            db.session.execute(text(
                "INSERT INTO users (id, full_name, phone, password_hash, role, is_active_account, created_at) "
                "VALUES (1, 'Peserta', '+6281400000001', 'x', 'learner', true, CURRENT_TIMESTAMP)"))
            db.session.execute(text(
                "INSERT INTO courses (id, slug, title, summary, audience, language, hours, version, pass_mark, "
                "authors, sources, created_at, updated_at) VALUES (1, 'k', :title, '', '', 'id', 16, 1, 70, '[]', "
                "'[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"title": COURSE})
            for number, holder in enumerate(HOLDERS, start=1):
                db.session.execute(text(
                    "INSERT INTO certificates (id, public_id, user_id, course_id, cycle, holder_name, course_title, "
                    "course_version, hours, completed_on, issuer, signatory_name, signatory_position, locale, "
                    "issued_at, key_id, signature) VALUES (:id, :public_id, 1, 1, :id, :holder, :course, 1, 16, "
                    "'2026-01-05', 'Sentra', 'Kepala', 'Kepala', 'id', :issued_at, 'k1', 'sig')"),
                    {"id": number, "public_id": f"RWT-2026-AAAA-BBB{number}-X", "holder": holder, "course": COURSE,
                     "issued_at": f"2026-01-0{number} 08:00:00"})
            db.session.commit()
            for _round in range(2):  # up, and down and up again, on both databases
                upgrade()
                rows = db.session.execute(text(
                    "SELECT certificate_id, word, issued_at FROM certificate_words")).all()
                written = {}
                for certificate_id, word, issued_at in rows:
                    written.setdefault(certificate_id, set()).add(word)
                    assert str(issued_at).startswith(f"2026-01-0{certificate_id} 08:00:00")
                assert written == {number: indexed_words(holder, COURSE)
                                   for number, holder in enumerate(HOLDERS, start=1)}
                assert written[1] == {"ni", "luh", "putu", "ayu", "perawatan", "dasar", "lansia", "edisi", "2"}
                assert written[3] >= {"ēmīlia", "ñúñez"}
                db.session.commit()
                downgrade(revision="0031")
            db.session.remove()
            db.engine.dispose()
