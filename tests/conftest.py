"""Fixtures: one migrated database per run, rolled back after every test.

The database is SQLite in a temporary folder, or the PostgreSQL database named by
LMS_TEST_DATABASE_URL (its public schema is emptied first). tests/README.md describes every fixture.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from lms import create_app
from lms.accounts.models import Role, User
from lms.config import TestConfig, database_url
from lms.extensions import db, rate_limits

pytest_plugins = ["tests.factories"]

TEST_DATABASE_URL = os.environ.get("LMS_TEST_DATABASE_URL")


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own `g`, own session), as in production.

    Tests hold an app context open to use the database; without this, Flask would reuse
    it for every request and leak `g` (the chosen language, the loaded user) between them.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            db.session.expire_all()


def _reset_postgres(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    uri = database_url(TEST_DATABASE_URL, instance) if TEST_DATABASE_URL else f"sqlite:///{instance / 'test.db'}"
    app = create_app(TestConfig, instance_path=str(instance), SQLALCHEMY_DATABASE_URI=uri)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgres(db.engine)
        upgrade()  # the real migrations, on the real engine
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def database(request, app):
    """Run each test inside a transaction that is rolled back afterwards.

    Browser journeys (marked e2e) and tests that build an app of their own (own_app) use
    a database of their own instead.
    """
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("own_app"):
        yield None
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=original_session.registry.scopefunc,
        )
        rate_limits.reset()
        try:
            yield db
        finally:
            db.session.remove()
            db.session = original_session
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that fetches forms first, so every POST carries its real CSRF token.

    `user` is the account the sign_in fixture signed in with (None for a browser of one's own).
    """

    def __init__(self, client):
        self.client = client
        self.user = None

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post_form(self, url, data=None, *, form_url=None, follow_redirects=False, **kwargs):
        page = self.client.get(form_url or url)
        payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True))}
        payload.update(data or {})
        return self.client.post(url, data=payload, follow_redirects=follow_redirects, **kwargs)

    def login(self, identifier, password="kata sandi aman 1", *, remember=False):
        """Sign in through the real /masuk form; `remember` ticks "keep me signed in"."""
        data = {"identifier": identifier, "password": password}
        if remember:
            data["remember"] = "y"
        response = self.post_form("/masuk", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.post_form("/keluar", form_url="/")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def sign_in(app, make_user):
    """sign_in(who="learner", *, lang=None, remember=False, browser=None, **user_fields) -> a signed-in Browser.

    who: a role, for a new user made by make_user(role, **user_fields) (full_name, phone, email,
    password, locale), or an existing User (with `password` if it is not the default one).
    The user signs in through the real /masuk form and is `browser.user`. Each call is a phone
    of its own (a new client) unless `browser` is given, e.g. the test's `browser` fixture when
    other fixtures read that one. lang: the "lang" cookie, the language shown until the profile's
    locale says otherwise (Indonesian when neither is set).
    """
    # Imported here: a module-level import would load the factories before pytest can rewrite their asserts.
    from tests.factories import DEFAULT_PASSWORD

    def _sign_in(who: str | User = Role.LEARNER, *, lang: str | None = None, remember: bool = False,
                 browser: Browser | None = None, **user_fields) -> Browser:
        if isinstance(who, User):
            assert set(user_fields) <= {"password"}, "user fields are for a new user, not an existing one"
            user = who
        else:
            user = make_user(who, **user_fields)
        browser = browser or Browser(app.test_client())
        browser.user = user
        if lang:
            browser.client.set_cookie("lang", lang)
        browser.login(user.phone or user.email or user.login_id, user_fields.get("password", DEFAULT_PASSWORD),
                      remember=remember)
        return browser

    return _sign_in


@pytest.fixture
def learner(sign_in, browser):
    """A new learner signed in on the test's `browser`, reading the site in English."""
    return sign_in(lang="en", browser=browser).user


PROJECT_ROOT = Path(__file__).resolve().parent.parent
