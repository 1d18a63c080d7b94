"""Browser journeys: a real server on loopback, a fresh database, Debian's Chromium.

Each journey gets its own database (a SQLite file, or a PostgreSQL schema of its own
when LMS_TEST_DATABASE_URL is set) with the real migrations and the real content/,
served by a real WSGI server in a thread. Playwright drives /usr/bin/chromium; no
browser is ever downloaded.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from lms import create_app
from lms.config import TestConfig, database_url
from lms.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def _fresh_database_uri(tmp_path: Path, name: str) -> str:
    base = os.environ.get("LMS_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'e2e.db'}"
    schema = "e2e_" + re.sub(r"[^a-z0-9]", "_", name.lower())[:40]
    uri = database_url(base, tmp_path)
    engine = create_engine(uri)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in uri else "?"
    return f"{uri}{separator}options=-csearch_path%3D{schema}"


class LiveServer:
    def __init__(self, app, url):
        self.app = app
        self.url = url

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(request, tmp_path):
    """A migrated database with content/ loaded, served on 127.0.0.1 at a free port."""
    uri = _fresh_database_uri(tmp_path, request.node.name)
    app = create_app(TestConfig, instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=uri)
    with app.app_context():
        upgrade()
        from lms.courses.importer import import_content

        import_content(PROJECT_ROOT / "content")
        db.session.commit()
        for hook in app.config.get("E2E_SETUP_HOOKS", ()):
            hook(app)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run tools/ensure-system-packages (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


#: what Chromium logs for a page answered 400: a form refused on purpose (new_page(refused_forms=True))
REFUSED_FORM = "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"


class Watch:
    """Console errors and requests to other hosts, collected for one browser context."""

    def __init__(self, base_url: str, *, refused_forms: bool = False):
        self.host = urlsplit(base_url).netloc
        self.refused_forms = refused_forms
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []

    def on_console(self, message):
        if message.type == "error" and not (self.refused_forms and message.text == REFUSED_FORM):
            self.console_errors.append(message.text)

    def on_request(self, request_):
        parts = urlsplit(request_.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.host:
            self.foreign_requests.append(request_.url)


@pytest.fixture
def new_page(chromium, live_server, request):
    """Factory for phone-sized pages; asserts at the end: no console error, no other host (refused_forms: a
    journey that sends a form wrong on purpose, whose 400 answer Chromium logs, lets that one through)."""
    contexts, watches = [], []

    def _new_page(*, javascript: bool = True, viewport=PHONE, locale="id-ID", refused_forms: bool = False):
        context = chromium.new_context(viewport=viewport, java_script_enabled=javascript, locale=locale,
                                       accept_downloads=True, service_workers="allow" if javascript else "block")
        watch = Watch(live_server.url, refused_forms=refused_forms)
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
        context.on("request", watch.on_request)
        page.set_default_timeout(15_000)
        contexts.append(context)
        watches.append(watch)
        return page

    yield _new_page
    for context in contexts:
        context.close()
    for watch in watches:
        assert watch.console_errors == [], watch.console_errors
        assert watch.foreign_requests == [], watch.foreign_requests


@pytest.fixture
def shots(request):
    """Save a screenshot of the page as tests/e2e/artifacts/<test>/<nn>-<name>.png."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def _shot(page, name: str):
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return _shot


def check_accessibility(page, name: str) -> None:
    """axe-core (bundled by axe-playwright-python) against WCAG 2.1 A/AA: no serious or critical issue."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                             "wcag21aa"]}})
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    assert bad == [], f"accessibility problems on {name}: {bad}"
