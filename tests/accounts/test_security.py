import pytest

from tests.conftest import csrf_token_from
from tests.factories import CONSENT_FIELDS


def test_post_without_csrf_token_is_rejected(client):
    response = client.post("/masuk", data={"identifier": "081234567890", "password": "apa saja 123"})
    assert response.status_code == 400
    assert "Formulir ini sudah kedaluwarsa" in response.get_data(as_text=True)


def test_post_with_a_forged_token_is_rejected(client):
    client.get("/masuk")
    response = client.post("/daftar", data={"csrf_token": "forged", "full_name": "A B", "contact": "081234567890",
                                            "password": "kata sandi aman 1", "confirm": "kata sandi aman 1"})
    assert response.status_code == 400


@pytest.fixture
def small_limits(app):
    """Per-address limits small enough to reach quickly (each try costs a password hash)."""
    saved = {key: app.config[key] for key in ("LOGIN_ADDRESS_RATE_LIMIT", "REGISTER_RATE_LIMIT")}
    app.config.update(LOGIN_ADDRESS_RATE_LIMIT="12 per minute", REGISTER_RATE_LIMIT="3 per hour")
    yield
    app.config.update(saved)


def test_login_rate_limit_per_address(browser, make_user, small_limits):
    make_user(phone="+6281234567890")
    for i in range(12):
        response = browser.post_form("/masuk", {"identifier": f"08129999{i:04d}", "password": "salah sekali 1"})
        assert response.status_code == 400
    response = browser.post_form("/masuk", {"identifier": "081234567890", "password": "kata sandi aman 1"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)


def test_a_village_behind_one_address_can_all_sign_in(app, make_user):
    """Carrier-grade NAT or a Posyandu's Wi-Fi: thirty families, one address, some typos, nobody locked out."""
    from tests.conftest import Browser

    for i in range(30):
        make_user(phone=f"+628125555{i:04d}")
    for i in range(30):
        browser = Browser(app.test_client())  # every phone has its own cookies, all share 127.0.0.1
        if i % 3 == 0:
            mistyped = browser.post_form("/masuk", {"identifier": f"08125555{i:04d}", "password": "salah ketik 1"})
            assert mistyped.status_code == 400
        browser.login(f"08125555{i:04d}")


def test_only_failed_sign_ins_count_against_an_account(app, make_user):
    from tests.conftest import Browser

    make_user(phone="+6281234567890")
    for _ in range(8):  # more successful sign-ins than the per-account limit allows failures
        Browser(app.test_client()).login("081234567890")
    browser = Browser(app.test_client())
    statuses = [browser.post_form("/masuk", {"identifier": "081234567890", "password": "salah sekali 1"}).status_code
                for _ in range(6)]
    assert statuses == [400] * 5 + [429]  # but a sixth wrong password within a minute is refused


def test_registration_is_rate_limited_per_address(browser, small_limits):
    statuses = []
    for i in range(4):
        statuses.append(browser.post_form("/daftar", {"full_name": "Ibu Uji", "contact": f"08127777{i:04d}",
                                                      "password": "kata sandi aman 1",
                                                      "confirm": "kata sandi aman 1", **CONSENT_FIELDS}).status_code)
        browser.logout()
    assert statuses == [302, 302, 302, 429]


def test_login_rate_limit_per_account_across_addresses(app, make_user):
    make_user(phone="+6281234567890")
    for i in range(11):
        client = app.test_client()
        page = client.get("/masuk", environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
        token = csrf_token_from(page.get_data(as_text=True))
        response = client.post("/masuk", data={"csrf_token": token, "identifier": "+62 812 3456 7890",
                                               "password": "salah sekali 1"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
    assert response.status_code == 429


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(browser, make_user):
    make_user(phone="+6281234567890")
    response = browser.login("081234567890")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_when_https_is_configured(tmp_path):
    from lms import create_app
    from lms.config import TestConfig

    secure_app = create_app(TestConfig, instance_path=str(tmp_path), SESSION_COOKIE_SECURE=True,
                            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")
    assert secure_app.config["SESSION_COOKIE_SECURE"] is True
    response = secure_app.test_client().get("/")
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize("url", ["/admin/pengguna", "/admin/"])
def test_learner_gets_friendly_403_on_admin_pages(browser, make_user, url):
    make_user(phone="+6281234567890")
    browser.login("081234567890")
    response = browser.get(url)
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_from_admin(client):
    response = client.get("/admin/pengguna")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_page_is_a_friendly_404_in_the_users_language(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)


def test_a_new_secret_key_ends_sessions_unless_the_old_one_is_a_fallback(app, sign_in):
    """The session signer is built once per set of keys (web.CookieSessions): changing the keys still counts."""
    browser = sign_in("learner")
    assert browser.get("/dasbor").status_code == 200
    old_key = app.secret_key
    try:
        app.config["SECRET_KEY"] = "a new key after a leak"
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]  # rotated: yesterday's cookies still open
        assert browser.get("/dasbor").status_code == 200
        app.config["SECRET_KEY_FALLBACKS"] = []  # the old key withdrawn: its cookies no longer do
        assert browser.get("/dasbor").status_code == 302
    finally:
        app.config.update(SECRET_KEY=old_key, SECRET_KEY_FALLBACKS=[])
