"""Page views only read: a GET that writes must say so with @writes_on_get (lms/database.py).

The whole suite runs with the guard on (TESTING), so any page test that reaches a GET which
writes without the mark fails; these tests show the guard itself working, on a small app of
their own (routes can only be added before an app serves its first request).
"""
import logging

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, update

from lms import create_app
from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.config import TestConfig
from lms.database import UndeclaredGetWrite, writes_on_get
from lms.extensions import csrf, db

pytestmark = pytest.mark.own_app


def _write_entry() -> None:
    db.session.add(AuditEntry(action="user.created", actor_id=None, target_type="user", target_id="1",
                              target_label="", details={}))
    db.session.commit()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("get-writes")
    app = create_app(TestConfig, instance_path=str(folder), SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'x.db'}")

    @app.get("/tulis-diam-diam")
    def undeclared_insert():
        _write_entry()
        return "written"

    @app.get("/ubah-diam-diam")
    def undeclared_update():
        db.session.execute(update(User).values(full_name="X"))
        db.session.commit()
        return "updated"

    @app.get("/tulis-terang")
    @writes_on_get("a test of the guard: this view may write")
    def declared_insert():
        _write_entry()
        return "written"

    @app.post("/tulis-post")
    @csrf.exempt
    def posted_insert():
        _write_entry()
        return "written"

    @app.get("/baca")
    def read_only():
        return str(db.session.scalar(select(func.count()).select_from(AuditEntry)))

    with app.app_context():
        upgrade()
    return app


def _entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_a_get_that_writes_without_the_mark_fails(app, caplog):
    client = app.test_client()
    before = _entries(app)
    for path, endpoint in (("/tulis-diam-diam", "undeclared_insert"), ("/ubah-diam-diam", "undeclared_update")):
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            assert client.get(path).status_code == 500
        [error] = [record.exc_info[1] for record in caplog.records if record.exc_info]
        assert isinstance(error, UndeclaredGetWrite) and endpoint in str(error)
    assert _entries(app) == before  # refused before anything reached the database


def test_a_marked_get_a_post_and_a_reading_get_pass(app):
    client = app.test_client()
    before = _entries(app)
    assert client.get("/tulis-terang").status_code == 200
    assert client.post("/tulis-post").status_code == 200
    assert client.get("/baca").get_data(as_text=True) == str(before + 2)


def test_in_production_the_write_goes_through_and_is_logged(app, caplog):
    app.config["REFUSE_UNDECLARED_GET_WRITES"] = False
    try:
        with caplog.at_level(logging.WARNING, logger="lms.database"):
            assert app.test_client().get("/tulis-diam-diam").status_code == 200
    finally:
        del app.config["REFUSE_UNDECLARED_GET_WRITES"]
    assert any("/tulis-diam-diam" in record.getMessage() and "@writes_on_get" in record.getMessage()
               for record in caplog.records)


def test_the_views_that_write_on_get_are_few_and_say_why(app):
    marked = {endpoint: view.writes_on_get for endpoint, view in app.view_functions.items()
              if getattr(view, "writes_on_get", None)}
    assert all(len(reason) > 20 for reason in marked.values())
    assert set(marked) - {"declared_insert"} == {"courses.dashboard", "certificates.download",
                                                 "handouts.module_handout", "credentials.download_json",
                                                 "credentials.download_badge", "credentials.status_list",
                                                 # staff opening one person's data: the audit log (lms/audit/access.py)
                                                 "cohorts.learner", "cohorts.export_csv", "practice.observe_learner",
                                                 "certificates.admin_detail", "audit.log", "admin.user_consents"}
