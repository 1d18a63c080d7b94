"""The database goes away while the app serves: friendly 503s, nothing half-written, recovery by itself.

A PostgreSQL server of the test's own is started in a temporary folder (the shared
cluster is never stopped), the app is migrated onto it, then the server is killed
(`pg_ctl stop -m immediate`: the nearest thing to a crash or a cut network) between
requests and in the middle of a write, and started again. The same app object keeps
serving throughout: its pool pings connections that sat idle, notices the dead ones and reconnects.
Runs whatever LMS_TEST_DATABASE_URL says; needs the PostgreSQL binaries (.ci/run installs them).
"""
from __future__ import annotations

import re

import pytest
from flask_migrate import upgrade
from jsonschema import Draft202012Validator
from sqlalchemy import event, func, select

from lms import create_app
from lms.accounts.models import User
from lms.accounts.privacy import ADULT_CONSENT
from lms.accounts.services import register_user
from lms.config import TestConfig
from lms.courses.importer import import_content
from lms.courses.models import Course, Enrollment, Lesson, LessonCompletion
from lms.extensions import db
from lms.verification.openapi import openapi_document
from tests.conftest import Browser, csrf_token_from
from tests.factories import CONSENT_FIELDS, DEFAULT_PASSWORD, write_course
from tests.ops.helpers import ThrowawayPostgres

# Needs PostgreSQL's server binaries (initdb, pg_ctl): `make test` installs them where missing
# (tools/ensure-system-packages), like the browser the journeys drive.
pytestmark = pytest.mark.own_app

LEARNER_PHONE = "+6281234500001"
MID_WRITE_PHONE = "+6281234500002"


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    """(server, app, course slug): a migrated app over a PostgreSQL server that the tests may stop."""
    server = ThrowawayPostgres()
    try:
        server.init()
        server.start()
        uri = server.create_database("rawat_outage")
        folder = tmp_path_factory.mktemp("outage")
        # Rate limits stay on (a few sign-ins here).
        app = create_app(TestConfig, instance_path=str(folder / "instance"), SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            assert app.config["DATABASE_PING_AFTER_IDLE"] > 0
            upgrade()
            import_content(write_course(folder / "content", "kursus-uji"))
            register_user("Peserta Uji", "phone", LEARNER_PHONE, DEFAULT_PASSWORD, consent=ADULT_CONSENT)
            register_user("Peserta Uji", "phone", MID_WRITE_PHONE, DEFAULT_PASSWORD, locale="en",
                          consent=ADULT_CONSENT)
            db.session.commit()
        yield server, app, "kursus-uji"
        with app.app_context():
            db.engine.dispose()
    finally:
        server.destroy()


def signed_in(app, phone):
    """A client of this module's own app, signed in through /masuk.

    Not the root sign_in fixture: that one makes its users in the shared, rolled-back test
    database; these accounts live on the module's own server (made once, in `outage`).
    """
    browser = Browser(app.test_client())
    browser.login(phone)
    return browser.client


def form_token(client, url):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def count(app, statement):
    with app.app_context():
        return db.session.scalar(statement)


def retry_after(response) -> int:
    """Seconds to wait (30 for a database outage)."""
    return int(response.headers["Retry-After"])


def assert_friendly_503_page(response, words):
    body = response.get_data(as_text=True)
    assert response.status_code == 503, body[:500]
    assert retry_after(response) >= 30
    assert response.mimetype == "text/html"
    assert words in body, body[:2000]
    assert response.headers["X-Request-ID"] in body  # the reference to quote
    assert "OperationalError" not in body and "psycopg" not in body


def assert_documented_error(body):
    """The body is the OpenAPI document's Error (503 is documented for the certificate API)."""
    document = openapi_document("http://127.0.0.1")
    assert "503" in document["paths"]["/api/v1/certificates/{id}"]["get"]["responses"]
    Draft202012Validator(document["components"]["schemas"]["Error"]).validate(body)


def test_database_stop_gives_friendly_503s_writes_nothing_and_recovers_without_restart(outage):
    server, app, slug = outage
    learner = signed_in(app, LEARNER_PHONE)
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    assert learner.get("/dasbor").status_code == 200
    assert learner.get("/api/v1/certificates/RWT-2026-7K3M-9QXH-F").status_code in (404, 400)
    register_token = form_token(visitor, "/daftar")
    done_token = form_token(learner, f"/kursus/{slug}/materi/pelajaran-a")

    server.stop("immediate")

    # Pages: a friendly page in the visitor's language, with Retry-After and the request id.
    assert_friendly_503_page(learner.get("/dasbor"), "Layanan sedang tidak tersedia")
    assert_friendly_503_page(learner.get(f"/kursus/{slug}"), "Layanan sedang tidak tersedia")
    assert_friendly_503_page(visitor.get("/kursus"), "The service is temporarily unavailable")
    # The API: the same, as JSON.
    api = visitor.get("/api/v1/certificates/RWT-2026-7K3M-9QXH-F")
    assert api.status_code == 503 and retry_after(api) >= 30
    assert api.mimetype == "application/json"
    assert api.get_json()["error"]["code"] == 503
    assert api.get_json()["error"]["request_id"] == api.headers["X-Request-ID"]
    assert_documented_error(api.get_json())
    ready = visitor.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["database"] != "ok"
    assert visitor.get("/healthz").status_code == 200  # the process itself is alive
    # Writes are refused as a whole.
    registered = visitor.post("/daftar", data={"csrf_token": register_token, "full_name": "Pendaftar Baru",
                                               "contact": "+6281299900001", "password": DEFAULT_PASSWORD,
                                               "confirm": DEFAULT_PASSWORD, **CONSENT_FIELDS})
    assert_friendly_503_page(registered, "The service is temporarily unavailable")
    marked = learner.post(f"/kursus/{slug}/materi/pelajaran-a/selesai", data={"csrf_token": done_token})
    assert_friendly_503_page(marked, "Layanan sedang tidak tersedia")

    server.start()

    # The same app object serves again: stale pooled connections are replaced on checkout.
    assert learner.get("/dasbor").status_code == 200
    assert visitor.get("/readyz").status_code == 200
    assert count(app, select(func.count()).select_from(User).where(User.phone == "+6281299900001")) == 0
    learner_id = count(app, select(User.id).where(User.phone == LEARNER_PHONE))
    assert count(app, select(func.count()).select_from(LessonCompletion)
                 .where(LessonCompletion.user_id == learner_id)) == 0
    # …and the refused actions now succeed when repeated.
    marked = learner.post(f"/kursus/{slug}/materi/pelajaran-a/selesai", data={"csrf_token": done_token})
    assert marked.status_code == 302
    assert count(app, select(func.count()).select_from(LessonCompletion)
                 .where(LessonCompletion.user_id == learner_id)) == 1
    registered = visitor.post("/daftar", data={"csrf_token": form_token(visitor, "/daftar"),
                                               "full_name": "Pendaftar Baru", "contact": "+6281299900001",
                                               "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD,
                                               **CONSENT_FIELDS})
    assert registered.status_code == 302, registered.get_data(as_text=True)[:1000]
    assert count(app, select(func.count()).select_from(User).where(User.phone == "+6281299900001")) == 1


class KillServerAfter:
    """Stop the server right after the first statement matching `pattern` ran (inside the request's transaction)."""

    def __init__(self, server, engine, pattern):
        self.server, self.engine, self.pattern = server, engine, re.compile(pattern, re.IGNORECASE)
        self.fired = False

    def __enter__(self):
        event.listen(self.engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "after_cursor_execute", self.after)

    def after(self, _conn, _cursor, statement, *_args):
        if not self.fired and self.pattern.search(statement):
            self.fired = True
            self.server.stop("immediate")


@pytest.mark.parametrize("cut_after", [r"^\s*INSERT INTO enrollments", r"^\s*INSERT INTO lesson_completions",
                                       r"^\s*UPDATE enrollments"])
def test_database_lost_in_the_middle_of_a_write_leaves_no_partial_rows(outage, cut_after):
    """Marking a lesson done writes an enrolment, a completion and the activity time: all or nothing."""
    server, app, slug = outage
    learner = signed_in(app, MID_WRITE_PHONE)
    user_id = count(app, select(User.id).where(User.phone == MID_WRITE_PHONE))
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == slug))
        lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course_id,
                                                               Lesson.slug == "pelajaran-c"))
        # Start from "never enrolled in this course", whatever an earlier parameter left.
        db.session.execute(LessonCompletion.__table__.delete().where(LessonCompletion.user_id == user_id))
        db.session.execute(Enrollment.__table__.delete().where(Enrollment.user_id == user_id))
        db.session.commit()
        engine = db.engine
    token = form_token(learner, f"/kursus/{slug}/materi/pelajaran-c")

    with KillServerAfter(server, engine, cut_after) as cut:
        marked = learner.post(f"/kursus/{slug}/materi/pelajaran-c/selesai", data={"csrf_token": token})
    assert cut.fired, "the write never reached the statement to cut after"
    # In the learner's own language, though the database died after their account was loaded.
    assert_friendly_503_page(marked, "The service is temporarily unavailable")

    server.start()

    assert count(app, select(func.count()).select_from(Enrollment).where(Enrollment.user_id == user_id)) == 0
    assert count(app, select(func.count()).select_from(LessonCompletion)
                 .where(LessonCompletion.user_id == user_id)) == 0
    marked = learner.post(f"/kursus/{slug}/materi/pelajaran-c/selesai", data={"csrf_token": token})
    assert marked.status_code == 302
    assert count(app, select(func.count()).select_from(LessonCompletion)
                 .where(LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson_id)) == 1


class StatementLog:
    """Each statement the engine runs, with whether it ran outside a transaction (driver autocommit),
    and each COMMIT."""

    def __init__(self, engine):
        self.engine, self.entries = engine, []

    def __enter__(self):
        # Registered after the app's own listener, so it sees the mode the statement really runs in.
        event.listen(self.engine, "before_cursor_execute", self.record)
        event.listen(self.engine, "commit", self.record_commit)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self.record)
        event.remove(self.engine, "commit", self.record_commit)

    def record(self, connection, _cursor, statement, *_args):
        self.entries.append((statement.lstrip().split(None, 1)[0].upper(),
                             connection.connection.dbapi_connection.autocommit))

    def record_commit(self, _connection):
        self.entries.append(("COMMIT", None))


def test_page_views_read_outside_a_transaction_and_a_write_opens_one_for_the_rest(outage):
    """No BEGIN/ROLLBACK round trips for reads; from the first write on, one transaction to the commit."""
    _server, app, slug = outage
    learner = signed_in(app, LEARNER_PHONE)
    with app.app_context():
        engine = db.engine
    with StatementLog(engine) as page_view:
        assert learner.get(f"/kursus/{slug}/materi/pelajaran-b").status_code == 200
    assert page_view.entries and all(kind == "SELECT" and outside for kind, outside in page_view.entries)

    token = form_token(learner, f"/kursus/{slug}/materi/pelajaran-b")
    with StatementLog(engine) as marking:
        assert learner.post(f"/kursus/{slug}/materi/pelajaran-b/selesai",
                            data={"csrf_token": token}).status_code == 302
    kinds = [kind for kind, _outside in marking.entries]
    first_write = next(index for index, kind in enumerate(kinds) if kind != "SELECT")
    commit = kinds.index("COMMIT")
    assert kinds[first_write:commit].count("INSERT") == 2 and "UPDATE" in kinds[first_write:commit]
    assert all(outside for _kind, outside in marking.entries[:first_write])
    assert not any(outside for _kind, outside in marking.entries[first_write:commit])
    # The next request starts outside a transaction again, whichever pooled connection it gets.
    with StatementLog(engine) as again:
        assert learner.get(f"/kursus/{slug}").status_code == 200
    assert again.entries and all(outside for _kind, outside in again.entries)


@pytest.mark.parametrize("ping_after_idle, first_answer", [(0.0, 200), (3600.0, 503)])
def test_connections_idle_longer_than_the_setting_are_pinged_before_use(outage, tmp_path, ping_after_idle,
                                                                           first_answer):
    """After a restart an idle pooled connection is dead: pinged, it is replaced before the request uses it.

    With a threshold the pool never reaches, the request meets the dead connection and gets the
    friendly 503, the pool drops its connections, and the next request is served.
    """
    server, outage_app, _slug = outage
    app = create_app(TestConfig, instance_path=str(tmp_path / "instance"),
                     SQLALCHEMY_DATABASE_URI=outage_app.config["SQLALCHEMY_DATABASE_URI"],
                     DATABASE_PING_AFTER_IDLE=ping_after_idle)
    visitor = app.test_client()
    try:
        assert visitor.get("/kursus").status_code == 200  # the pool now holds a connection
        server.stop("immediate")
        server.start()
        assert visitor.get("/kursus").status_code == first_answer
        assert visitor.get("/kursus").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
