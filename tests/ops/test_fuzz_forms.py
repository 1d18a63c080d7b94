"""Property-based input: whatever people type, no 500, no stored markup that runs, a clear message.

hypothesis sends huge, empty, control-character, mixed-script and SQL/HTML
metacharacter values into every field of the forms below.
"""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token_from

NASTY = st.sampled_from([
    "", " ", "\x00", "\u202e\u0645\u0631\u062d\u0628\u0627", "' OR 1=1 --", "'; DROP TABLE users; --",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "{{7*7}}",
    "%(name)s", "a" * 5000, "😀" * 300, "Ni Luh Putu Ayu — Đặng O'Brien", "0812-3456-7890", "+62 812 3456 7890",
    "\r\n\t", "NULL", "../../etc/passwd", "１２３４５６", "Σίσυφος", "丁丁", "\ufeff",
])
TEXT = st.one_of(NASTY, st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
SCRIPT_RE = re.compile(r"<script>alert|<img src=x onerror", re.I)


def post(client, url, fields, form_url=None):
    page = client.get(form_url or url)
    assert page.status_code == 200, (form_url or url, page.status_code)
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **fields}
    response = client.post(url, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (url, fields, response.status_code)
    assert not SCRIPT_RE.search(body), (url, "markup from input came back unescaped")
    return response


@given(name=TEXT, contact=TEXT, password=TEXT, guardian=TEXT)
@FUZZ
def test_register_form(app, name, contact, password, guardian):
    client = app.test_client()
    post(client, "/daftar", {"full_name": name, "contact": contact, "password": password, "confirm": password,
                             "agree": "y", "age_basis": "guardian", "guardian_name": guardian})
    assert client.get("/").status_code == 200  # signed in or not, the site keeps working


@given(identifier=TEXT, password=TEXT)
@FUZZ
def test_login_form(app, identifier, password):
    from lms.extensions import rate_limits

    rate_limits.reset()
    post(app.test_client(), "/masuk", {"identifier": identifier, "password": password})


@pytest.fixture
def trainer_client(sign_in):
    """A trainer's client, signed in once for every example: @given runs the test's body many times."""
    return sign_in("trainer").client


@given(name=TEXT, phone=TEXT, email=TEXT, locale=TEXT)
@FUZZ
def test_profile_form(trainer_client, name, phone, email, locale):
    post(trainer_client, "/profil", {"full_name": name, "phone": phone, "email": email, "locale": locale})
    assert trainer_client.get("/profil").status_code == 200


@given(name=TEXT, description=TEXT, course=TEXT)
@FUZZ
def test_cohort_form_and_join_code(trainer_client, name, description, course):
    response = post(trainer_client, "/kelompok/baru", {"name": name, "description": description, "courses": course})
    assert response.status_code in (302, 400)
    post(trainer_client, "/gabung", {"code": name})


@given(code=TEXT, password=TEXT, email=TEXT)
@FUZZ
def test_password_rescue_forms(app, code, password, email):
    from lms.extensions import rate_limits

    rate_limits.reset()
    client = app.test_client()
    post(client, "/atur-ulang-sandi", {"code": code, "new_password": password, "confirm": password})
    post(client, "/lupa-sandi", {"email": email})


@given(query=TEXT)
@FUZZ
def test_search_boxes(trainer_client, query):
    for url in ("/kursus", "/admin/pengguna"):
        response = trainer_client.get(url, query_string={"q": query, "page": query})
        assert response.status_code in (200, 403)


def test_stored_names_are_escaped_everywhere(sign_in, make_user, make_course):
    """A name full of markup, stored, then shown on the pages that list people."""
    from lms.cohorts.services import add_member, create_cohort
    from lms.extensions import db

    browser = sign_in("trainer")
    trainer = browser.user
    hostile = make_user(full_name='<script>alert(1)</script>"><img src=x onerror=alert(1)>')
    cohort = create_cohort(trainer, '<img src=x onerror=alert(1)>', "<script>alert(1)</script>", [make_course().id])
    add_member(cohort, hostile, actor=trainer)
    db.session.commit()
    for url in (f"/kelompok/{cohort.id}", "/kelompok", f"/kelompok/{cohort.id}/laporan.csv"):
        body = browser.get(url).get_data(as_text=True)
        assert not SCRIPT_RE.search(body) or url.endswith(".csv"), url
